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
    """The dimension of an argument that holds the classes, read from the catalog's layouts.

    Where no layout of that many dimensions names a class dimension (KLDivLoss takes any
    shape), the last dimension is assumed, as softmax outputs usually have it.
    """
    tensor = call.tensor(name)
    index = [argument.name for argument in call.spec.arguments].index(name)
    ndim = 0 if tensor is None else tensor.ndim
    for layout in call.spec.layouts:
        shape = layout.shapes[index]
        if "C" not in shape:
            continue
        fits = ndim >= len(shape) if "d..." in shape else ndim == len(shape)
        if fits:
            return shape.index("C")
    return -1


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
