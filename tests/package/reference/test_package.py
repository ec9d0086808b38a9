"""The package's promises: no torch on import, and torch's names and defaults for every loss."""

from __future__ import annotations

import inspect
import subprocess
import sys

import numpy as np
import pytest
import torch.nn.functional as F

from lossguide import reference

LOSSES = [name for name in reference.__all__ if name != "pairwise_distance"]
DEPRECATED = {"size_average", "reduce"}


def test_importing_the_reference_does_not_import_torch():
    code = "import lossguide.reference, sys; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_functional_loss_has_a_reference():
    functional_losses = {
        name
        for name in dir(F)
        if name.endswith(("_loss", "cross_entropy", "_logits", "kl_div"))
        and not name.startswith("_")
    }
    assert functional_losses == set(LOSSES)


# linear_cross_entropy's options choose how torch computes (in chunks), not what, and its
# ignore_index of None stands for -100, which the reference writes out.
HOW_NOT_WHAT = {"options"}
STANDS_FOR = {("linear_cross_entropy", "ignore_index"): (None, -100)}


@pytest.mark.parametrize("name", LOSSES)
def test_arguments_match_torch(name):
    ours = inspect.signature(getattr(reference, name)).parameters
    theirs = {
        key: parameter
        for key, parameter in inspect.signature(getattr(F, name)).parameters.items()
        if key not in DEPRECATED | HOW_NOT_WHAT
    }
    assert list(ours) == list(theirs) or set(ours) == set(theirs)
    for key, parameter in theirs.items():
        torch_default, our_default = STANDS_FOR.get((name, key), (parameter.default,) * 2)
        assert parameter.default == torch_default, key
        assert ours[key].default == our_default, key
    # A call that passes arguments by position must mean the same thing to both.
    positional = [key for key, p in ours.items() if p.kind is p.POSITIONAL_OR_KEYWORD]
    torch_positional = list(inspect.signature(getattr(F, name)).parameters)
    assert positional == torch_positional[: len(positional)]


@pytest.mark.parametrize("name", LOSSES)
def test_every_loss_is_documented_with_its_formula_and_an_example(name):
    docstring = inspect.getdoc(getattr(reference, name))
    assert ".. math::" in docstring
    assert "Parameters\n----------" in docstring
    assert "Examples\n--------\n>>>" in docstring


def test_reductions_return_float64_scalars_and_arrays():
    assert type(reference.mse_loss([1.0, 2.0], [0.0, 0.0])) is np.float64
    assert type(reference.mse_loss([1, 2], [0, 0], reduction="sum")) is np.float64
    per_element = reference.mse_loss([1, 2], [0, 0], reduction="none")
    assert isinstance(per_element, np.ndarray)
    assert per_element.dtype == np.float64
