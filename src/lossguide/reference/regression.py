r"""Regression losses: how far a prediction :math:`x` lies from a real target :math:`y`.

Each loss here is a function of the error :math:`d = x - y`, elementwise, followed by a
reduction. ``input`` and ``target`` must have the same shape: torch would broadcast them with
only a warning, which almost always hides a bug, so the reference refuses instead.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lossguide.reference._checks import (
    Floats,
    as_floats,
    check_reduction,
    reduce,
    reduce_weighted,
    require_same_shape,
)

__all__ = ["huber_loss", "l1_loss", "mse_loss", "smooth_l1_loss"]


def _errors(input: ArrayLike, target: ArrayLike) -> Floats:
    prediction, truth = as_floats(input, "input"), as_floats(target, "target")
    require_same_shape(prediction, truth, ("input", "target"))
    return prediction - truth


def _reduce_weighted(
    loss: Floats, weight: ArrayLike | None, reduction: str, *, mean_over_weight: bool
) -> Floats | np.float64:
    """Weigh the per-element losses, if there is a weight, and reduce them."""
    if weight is None:
        return reduce(loss, reduction)
    weight = as_floats(weight, "weight")
    # torch checks weight.size() == input.size() exactly: no broadcasting of weights here.
    require_same_shape(loss, weight, ("input", "weight"))
    if mean_over_weight:
        return reduce_weighted(weight * loss, weight, reduction)
    return reduce(weight * loss, reduction)


def _huber(errors: Floats, delta: float) -> Floats:
    r"""Both branches of the Huber loss in one formula, :math:`m (|d| - m / 2)`.

    With :math:`m = \min(|d|, \delta)`: for :math:`|d| < \delta` this is :math:`d^2 / 2`;
    beyond, :math:`\delta (|d| - \delta / 2)`.
    """
    clipped = np.minimum(errors, delta)
    return clipped * (errors - 0.5 * clipped)


def l1_loss(
    input: ArrayLike,
    target: ArrayLike,
    *,
    reduction: str = "mean",
    weight: ArrayLike | None = None,
) -> Floats | np.float64:
    r"""Mean absolute error, optionally weighted per element.

    .. math:: \ell_i = w_i \, |x_i - y_i|

    ``'mean'`` divides the sum by :math:`\sum_i w_i` (the element count without a weight).

    Parameters
    ----------
    input, target : array_like
        Predictions and targets, of the same shape.
    reduction : {'mean', 'sum', 'none'}
        Average, sum, or keep the per-element losses.
    weight : array_like, optional
        One weight per element, of the shape of ``input``.

    Examples
    --------
    >>> print(f"{l1_loss([0.5, 2.0, -1.0], [1.0, 1.0, 1.0]):.4f}")
    1.1667
    >>> print(f"{l1_loss([0.5, 2.0, -1.0], [1.0, 1.0, 1.0], weight=[1.0, 2.0, 0.5]):.4f}")
    1.0000
    """
    check_reduction(reduction)
    errors = _errors(input, target)
    return _reduce_weighted(np.abs(errors), weight, reduction, mean_over_weight=True)


def mse_loss(
    input: ArrayLike,
    target: ArrayLike,
    *,
    reduction: str = "mean",
    weight: ArrayLike | None = None,
) -> Floats | np.float64:
    r"""Mean squared error, optionally weighted per element.

    .. math:: \ell_i = w_i \, (x_i - y_i)^2

    ``'mean'`` divides the sum by :math:`\sum_i w_i` (the element count without a weight).

    Parameters
    ----------
    input, target : array_like
        Predictions and targets, of the same shape.
    reduction : {'mean', 'sum', 'none'}
        Average, sum, or keep the per-element losses.
    weight : array_like, optional
        One weight per element, of the shape of ``input``.

    Examples
    --------
    >>> print(f"{mse_loss([0.5, 2.0, -1.0], [1.0, 1.0, 1.0]):.4f}")
    1.7500
    >>> print(mse_loss([0.5, 2.0], [1.0, 1.0], reduction="none"))
    [0.25 1.  ]
    """
    check_reduction(reduction)
    errors = _errors(input, target)
    return _reduce_weighted(errors**2, weight, reduction, mean_over_weight=True)


def huber_loss(
    input: ArrayLike,
    target: ArrayLike,
    reduction: str = "mean",
    delta: float = 1.0,
    weight: ArrayLike | None = None,
) -> Floats | np.float64:
    r"""Huber loss: squared for errors within ``delta``, linear beyond.

    .. math::
        \ell_i = w_i \begin{cases}
            \tfrac12 d_i^2 & |d_i| < \delta \\
            \delta \, (|d_i| - \tfrac12 \delta) & \text{otherwise}
        \end{cases}, \qquad d_i = x_i - y_i

    Unlike :func:`l1_loss` and :func:`mse_loss`, a weighted ``'mean'`` here divides by the
    element count, not by the total weight: torch 2.13 does so.

    Parameters
    ----------
    input, target : array_like
        Predictions and targets, of the same shape.
    reduction : {'mean', 'sum', 'none'}
        Average, sum, or keep the per-element losses.
    delta : float
        Where the loss turns from quadratic to linear; positive.
    weight : array_like, optional
        One weight per element, of the shape of ``input``.

    Examples
    --------
    >>> print(f"{huber_loss([0.5, 3.0, -1.0], [1.0, 1.0, 1.0], delta=1.5):.4f}")
    1.2917
    """
    check_reduction(reduction)
    if not delta > 0:
        raise ValueError(f"delta must be positive; got {delta}")
    errors = np.abs(_errors(input, target))
    return _reduce_weighted(_huber(errors, delta), weight, reduction, mean_over_weight=False)


def smooth_l1_loss(
    input: ArrayLike,
    target: ArrayLike,
    *,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Floats | np.float64:
    r"""Smooth L1 loss: the Huber loss divided by ``beta``, so that its linear part has slope 1.

    .. math::
        \ell_i = \begin{cases}
            \tfrac12 d_i^2 / \beta & |d_i| < \beta \\
            |d_i| - \tfrac12 \beta & \text{otherwise}
        \end{cases}, \qquad d_i = x_i - y_i

    With ``beta=0`` it is exactly :func:`l1_loss`.

    Parameters
    ----------
    input, target : array_like
        Predictions and targets, of the same shape.
    reduction : {'mean', 'sum', 'none'}
        Average, sum, or keep the per-element losses.
    beta : float
        Where the loss turns from quadratic to linear; zero or positive.

    Examples
    --------
    >>> print(f"{smooth_l1_loss([0.5, 3.0, -1.0], [1.0, 1.0, 1.0], beta=0.5):.4f}")
    1.2500
    """
    check_reduction(reduction)
    if not beta >= 0:
        raise ValueError(f"beta must be zero or positive; got {beta}")
    errors = np.abs(_errors(input, target))
    # With beta = 0 no error is "small": the loss is |d| itself, and dividing would give 0 / 0.
    return reduce(_huber(errors, beta) / beta if beta > 0 else errors, reduction)
