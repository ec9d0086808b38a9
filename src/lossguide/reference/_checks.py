"""Argument checks and reductions shared by the reference losses.

Every loss converts its arguments here, so a bad argument fails the same way everywhere: with a
``ValueError`` or ``TypeError`` that names the argument and says what was expected, before any
arithmetic could turn it into a wrong number or an ``IndexError`` from deep inside NumPy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

Floats = NDArray[np.float64]
Indices = NDArray[np.int64]

REDUCTIONS = ("none", "mean", "sum")


def check_reduction(reduction: str, allowed: Sequence[str] = REDUCTIONS) -> None:
    """Raise ``ValueError`` unless ``reduction`` is one of ``allowed``."""
    if not isinstance(reduction, str) or reduction not in allowed:
        expected = ", ".join(repr(name) for name in allowed)
        raise ValueError(f"reduction must be one of {expected}; got {reduction!r}")


def as_floats(values: ArrayLike, name: str) -> Floats:
    """``values`` as a float64 array; ``TypeError`` if it does not hold real numbers."""
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers; got an array of dtype {array.dtype}")
    return array.astype(np.float64, copy=False)


def as_integers(values: ArrayLike, name: str, meaning: str) -> Indices:
    """``values`` as an int64 array; ``TypeError`` if it holds anything but integers."""
    array = np.asarray(values)
    # np.asarray([]) is float64, yet an empty list holds no value that could be misread.
    if array.dtype.kind in "iu" or (array.size == 0 and array.dtype.kind == "f"):
        return array.astype(np.int64, copy=False)
    raise TypeError(f"{name} must hold integer {meaning}; got an array of dtype {array.dtype}")


def as_class_indices(
    values: ArrayLike, name: str, num_classes: int, ignore_index: int | None = None
) -> Indices:
    """``values`` as int64 class indices in ``[0, num_classes)``, or equal to ``ignore_index``."""
    indices = as_integers(values, name, f"class indices in [0, {num_classes})")
    valid = (indices >= 0) & (indices < num_classes)
    if ignore_index is not None:
        valid |= indices == ignore_index
    if not valid.all():
        allowed = f"[0, {num_classes})"
        if ignore_index is not None:
            allowed += f" or ignore_index={ignore_index}"
        raise ValueError(
            f"{name} must hold class indices in {allowed}; got {indices[~valid].flat[0]}"
        )
    return indices


def as_signs(values: ArrayLike, name: str) -> Floats:
    """``values`` as a float64 array of labels that are each ``1`` or ``-1``."""
    signs = as_floats(values, name)
    if not np.isin(signs, (1.0, -1.0)).all():
        raise ValueError(
            f"{name} must hold labels of 1 or -1; got {signs[~np.isin(signs, (1, -1))].flat[0]}"
        )
    return signs


def require_shape(array: np.ndarray, shape: tuple[int, ...], name: str, expected: str) -> None:
    """Raise ``ValueError`` unless ``array`` has ``shape``; ``expected`` describes it in words."""
    if array.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)} ({expected}); got {array.shape}")


def require_same_shape(first: np.ndarray, second: np.ndarray, names: tuple[str, str]) -> None:
    """Raise ``ValueError`` unless the two arrays have the same shape."""
    require_shape(second, first.shape, names[1], f"the shape of {names[0]}")


def require_ndim(array: np.ndarray, allowed: Sequence[int], name: str, layouts: str) -> None:
    """Raise ``ValueError`` unless ``array.ndim`` is one of ``allowed``."""
    if array.ndim not in allowed:
        raise ValueError(f"{name} must be {layouts}; got shape {array.shape}")


def broadcast_to(array: np.ndarray, shape: tuple[int, ...], name: str) -> Floats:
    """``array`` broadcast to ``shape``, or ``ValueError`` saying it cannot be."""
    try:
        return np.broadcast_to(array, shape)
    except ValueError:
        raise ValueError(
            f"{name} of shape {array.shape} must broadcast to shape {tuple(shape)}"
        ) from None


def mean(values: np.ndarray) -> np.float64:
    """The mean of ``values``; nan for no values, as torch gives (NumPy would also warn)."""
    return ratio(values.sum(), values.size)


def ratio(numerator: float, denominator: float) -> np.float64:
    """``numerator / denominator`` as float64; ``0 / 0`` is nan without a warning, as in torch."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.float64(numerator) / np.float64(denominator)


def reduce(loss: Floats, reduction: str) -> Floats | np.float64:
    """Apply ``reduction`` to per-element losses: all of them, their sum, or their mean."""
    if reduction == "none":
        return np.asarray(loss, dtype=np.float64)
    if reduction == "sum":
        return np.float64(loss.sum())
    return mean(loss)


def reduce_weighted(loss: Floats, weight: Floats, reduction: str) -> Floats | np.float64:
    """Like :func:`reduce`, but ``'mean'`` divides by the total ``weight``, not the count."""
    if reduction == "mean":
        return ratio(loss.sum(), weight.sum())
    return reduce(loss, reduction)
