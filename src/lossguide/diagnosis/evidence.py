"""Small measurements that several checks share, each one pass over the data at most."""

from __future__ import annotations

import numpy as np
import torch

from lossguide.diagnosis.call import LossCall

__all__ = [
    "class_dim",
    "fmt_number",
    "fmt_shape",
    "rows_sum_to_one",
    "sum_tolerance",
]


def class_dim(call: LossCall, name: str) -> int:
    """The dimension of an argument that holds the classes, as the catalog's layouts place it
    for this call's shapes (:attr:`LossCall.resolution`).

    Where the layout names no class dimension (KLDivLoss takes any shape), the last dimension
    is assumed, as softmax outputs usually have it.
    """
    dim = call.resolution.class_dim(call.index(name))
    return -1 if dim is None else dim


def sum_tolerance(tensor: torch.Tensor) -> float:
    """How far from 1 a sum of probabilities in this dtype may honestly land."""
    return 1e-2 if tensor.dtype in (torch.float16, torch.bfloat16) else 1e-4


def rows_sum_to_one(tensor: torch.Tensor, dim: int) -> bool:
    """Whether every slice along ``dim`` sums to 1 within :func:`sum_tolerance`."""
    sums = tensor.detach().sum(dim=dim, dtype=torch.promote_types(tensor.dtype, torch.float32))
    return bool(((sums - 1).abs() <= sum_tolerance(tensor)).all())


def fmt_shape(value: torch.Tensor | np.ndarray | tuple[int, ...]) -> str:
    """``(4, 1)`` rather than ``torch.Size([4, 1])``, for a tensor, an array or a shape."""
    dims = tuple(value if isinstance(value, tuple) else value.shape)
    return f"({dims[0]},)" if len(dims) == 1 else str(dims)


def fmt_number(value: float) -> str:
    """A number as a reader would write it: ``3``, ``0.25``, ``-1.5e-07``."""
    return f"{value:.4g}"
