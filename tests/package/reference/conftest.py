"""Call torch's version of a reference loss on the same NumPy arguments, in float64."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lossguide import reference

# Arguments that torch wants as int64 when they hold integers; any other array becomes float64.
INDEX_ARGUMENTS = {"target", "targets", "input_lengths", "target_lengths"}
INDEX_TARGET_LOSSES = {
    "cross_entropy",
    "linear_cross_entropy",
    "nll_loss",
    "multi_margin_loss",
    "multilabel_margin_loss",
}
SCALAR_ARGUMENTS = {
    "margin",
    "p",
    "eps",
    "delta",
    "beta",
    "label_smoothing",
    "ignore_index",
    "blank",
    "reduction",
    "log_target",
    "log_input",
    "full",
    "swap",
    "zero_infinity",
    "distance_function",
}


def _tensor(name: str, loss: str, value: Any) -> Any:
    if name in SCALAR_ARGUMENTS or value is None:
        return value
    array = np.asarray(value)
    integer = array.dtype.kind in "iu"
    if name in {"targets", "input_lengths", "target_lengths"} or (
        name == "target" and loss in INDEX_TARGET_LOSSES and integer
    ):
        return torch.from_numpy(np.array(array, dtype=np.int64))
    if name == "var" and array.ndim == 0:
        return float(array)
    return torch.from_numpy(np.array(array, dtype=np.float64))


def _numpy_distance(function: Callable) -> Callable:
    def distance(x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
        return torch.as_tensor(np.asarray(function(x1.numpy(), x2.numpy()), dtype=np.float64))

    return distance


def torch_loss(name: str, *args: Any, **kwargs: Any) -> np.ndarray | np.float64:
    """``torch.nn.functional.<name>`` on the arguments a reference loss takes, as NumPy."""
    bound = inspect.signature(getattr(reference, name)).bind(*args, **kwargs)
    converted = {key: _tensor(key, name, value) for key, value in bound.arguments.items()}
    if converted.get("distance_function") is not None:
        converted["distance_function"] = _numpy_distance(converted["distance_function"])
    with warnings.catch_warnings():
        # kl_div warns that reduction='mean' is not the KL divergence; the tests know.
        warnings.filterwarnings("ignore", "reduction: 'mean' divides", UserWarning)
        result = getattr(F, name)(**converted).numpy()
    return np.float64(result) if result.ndim == 0 else result


@pytest.fixture(scope="session")
def torch_twin() -> Callable[..., np.ndarray | np.float64]:
    return torch_loss


def agrees_with_torch(name: str, *args: Any, **kwargs: Any) -> np.ndarray | np.float64:
    """Call ``reference.<name>`` and torch's twin; assert they agree in value, type and shape."""
    ours = getattr(reference, name)(*args, **kwargs)
    theirs = torch_loss(name, *args, **kwargs)
    reduction = inspect.signature(getattr(reference, name)).bind(*args, **kwargs)
    if reduction.arguments.get("reduction", "mean") == "none":
        assert isinstance(ours, np.ndarray), type(ours)
        assert ours.dtype == np.float64
        assert ours.shape == np.shape(theirs)
    else:
        assert isinstance(ours, np.float64), type(ours)
    np.testing.assert_allclose(ours, theirs, rtol=1e-7, atol=1e-12, err_msg=name)
    return ours


@pytest.fixture(scope="session")
def agrees() -> Callable[..., np.ndarray | np.float64]:
    """``agrees(name, *args, **kwargs)``: the reference loss, after checking it against torch."""
    return agrees_with_torch
