r"""Losses that score a predicted distribution: Gaussian and Poisson likelihoods, and the KL
divergence between two distributions.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from lossguide.reference._checks import (
    Floats,
    as_floats,
    check_reduction,
    ratio,
    reduce,
    require_same_shape,
)

__all__ = ["gaussian_nll_loss", "kl_div", "poisson_nll_loss"]


def _xlogx(values: Floats) -> Floats:
    # 0 log 0 = 0 by continuity; negative values still give nan, as in torch.xlogy.
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(values == 0, 0.0, values * np.log(values))


def kl_div(
    input: ArrayLike,
    target: ArrayLike,
    *,
    reduction: str = "mean",
    log_target: bool = False,
) -> Floats | np.float64:
    r"""Kullback-Leibler divergence of the target distribution from the predicted one.

    ``input`` holds log-probabilities :math:`x = \log q`; ``target`` holds probabilities
    :math:`p`, or log-probabilities if ``log_target`` is true.

    .. math:: \ell_i = p_i \, (\log p_i - x_i)

    Summed over a distribution, this is :math:`\mathrm{KL}(p \,\|\, q)`. ``'batchmean'``
    divides the sum by the batch size (the first dimension), which gives the KL divergence per
    sample; ``'mean'`` divides by the element count, which torch warns about and we do not.

    Parameters
    ----------
    input : array_like
        Log-probabilities of the prediction.
    target : array_like
        Probabilities (or log-probabilities) of the target, of the shape of ``input``.
    reduction : {'mean', 'batchmean', 'sum', 'none'}
        How to reduce the per-element terms.
    log_target : bool
        Whether ``target`` holds log-probabilities.

    Examples
    --------
    >>> import numpy as np
    >>> q, p = np.array([[0.2, 0.8], [0.5, 0.5]]), np.array([[0.4, 0.6], [0.9, 0.1]])
    >>> print(f"{kl_div(np.log(q), p, reduction='batchmean'):.4f}")
    0.2364
    >>> print(f"{kl_div(np.log(q), np.log(p), reduction='batchmean', log_target=True):.4f}")
    0.2364
    """
    check_reduction(reduction, ("none", "mean", "batchmean", "sum"))
    log_q, target = as_floats(input, "input"), as_floats(target, "target")
    require_same_shape(log_q, target, ("input", "target"))
    loss = np.exp(target) * (target - log_q) if log_target else _xlogx(target) - target * log_q
    if reduction == "batchmean":
        batch_size = log_q.shape[0] if log_q.ndim else 1
        return ratio(loss.sum(), batch_size)
    return reduce(loss, reduction)


def poisson_nll_loss(
    input: ArrayLike,
    target: ArrayLike,
    log_input: bool = True,
    full: bool = False,
    *,
    eps: float = 1e-8,
    reduction: str = "mean",
) -> Floats | np.float64:
    r"""Negative log-likelihood of counts :math:`y` under a Poisson rate :math:`\lambda`.

    With ``log_input`` the input is :math:`\log\lambda`, otherwise :math:`\lambda` itself:

    .. math:: \ell_i = e^{x_i} - y_i x_i \quad\text{or}\quad \ell_i = x_i - y_i \log(x_i + \epsilon)

    This drops :math:`\log y_i!`, which does not depend on the prediction. ``full`` adds its
    Stirling approximation :math:`y \log y - y + \tfrac12 \log(2\pi y)` for targets above 1.

    Parameters
    ----------
    input : array_like
        Predicted log-rates (``log_input=True``) or rates.
    target : array_like
        Observed counts, of the shape of ``input``.
    log_input : bool
        Whether ``input`` holds log-rates.
    full : bool
        Whether to add the Stirling term.
    eps : float
        Keeps :math:`\log` finite at a rate of 0 when ``log_input`` is false.
    reduction : {'mean', 'sum', 'none'}
        Average, sum, or keep the per-element losses.

    Examples
    --------
    >>> print(f"{poisson_nll_loss([0.0, 1.0, 2.0], [1.0, 2.0, 10.0]):.4f}")
    -3.6309
    >>> rates, counts = [1.0, 2.0, 7.0], [1.0, 2.0, 10.0]
    >>> print(f"{poisson_nll_loss(rates, counts, log_input=False, full=True):.4f}")
    1.6342
    """
    check_reduction(reduction)
    prediction, counts = as_floats(input, "input"), as_floats(target, "target")
    require_same_shape(prediction, counts, ("input", "target"))
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        if log_input:
            loss = np.exp(prediction) - counts * prediction
        else:
            loss = prediction - counts * np.log(prediction + eps)
        if full:
            stirling = _xlogx(counts) - counts + 0.5 * np.log(2 * math.pi * counts)
            loss = loss + np.where(counts > 1, stirling, 0.0)
    return reduce(loss, reduction)


def _variance_like(var: Floats, shape: tuple[int, ...]) -> Floats:
    """``var`` shaped to broadcast against an input of ``shape``, by torch's rules."""
    if var.ndim == 0 or var.shape == shape:
        return var
    # One variance per sample, shared by its last dimension (homoscedastic).
    if var.shape == shape[:-1]:
        return var[..., np.newaxis]
    # One dimension of size 1 shared across the input, e.g. (N, 1) against (N, D).
    mismatched = [v for v, s in zip(var.shape, shape, strict=False) if v != s]
    if var.ndim == len(shape) and mismatched == [1]:
        return var
    raise ValueError(
        f"var must have the input's shape {shape}, that shape without its last dimension, or "
        f"that shape with one dimension of size 1; got {var.shape}"
    )


def gaussian_nll_loss(
    input: ArrayLike,
    target: ArrayLike,
    var: ArrayLike,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> Floats | np.float64:
    r"""Negative log-likelihood of :math:`y` under a Gaussian :math:`\mathcal{N}(x, \sigma^2)`.

    .. math:: \ell_i = \tfrac12 \left(\log v_i + \frac{(x_i - y_i)^2}{v_i}\right),
        \qquad v_i = \max(\sigma_i^2, \epsilon)

    ``full`` adds the constant :math:`\tfrac12 \log 2\pi`.

    Parameters
    ----------
    input : array_like
        Predicted means.
    target : array_like
        Observed values, of the shape of ``input``.
    var : array_like or float
        Predicted variances, non-negative: one per element, one per sample (the input's shape
        without its last dimension, or with a dimension of size 1), or one scalar for all.
    full : bool
        Whether to add the constant term.
    eps : float
        Floor on the variance, for stability.
    reduction : {'mean', 'sum', 'none'}
        Average, sum, or keep the per-element losses.

    Examples
    --------
    >>> print(f"{gaussian_nll_loss([0.0, 1.0, 2.0], [0.5, 1.0, 3.0], [1.0, 0.5, 2.0]):.4f}")
    0.1250
    >>> print(f"{gaussian_nll_loss([0.0, 1.0, 2.0], [0.5, 1.0, 3.0], 1.0, full=True):.4f}")
    1.1273
    """
    check_reduction(reduction)
    mean, observed = as_floats(input, "input"), as_floats(target, "target")
    require_same_shape(mean, observed, ("input", "target"))
    variance = as_floats(var, "var")
    if (variance < 0).any():
        raise ValueError("var must be non-negative; it has a negative entry")
    variance = np.maximum(_variance_like(variance, mean.shape), eps)
    loss = 0.5 * (np.log(variance) + (mean - observed) ** 2 / variance)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce(np.broadcast_to(loss, mean.shape), reduction)
