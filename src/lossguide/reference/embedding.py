r"""Losses on embeddings and scores that should be ordered: pairs, similarities and triplets.

Labels here are :math:`y \in \{1, -1\}`: 1 for "similar" or "should rank first", -1 for the
opposite. Torch quietly accepts other values (a 0 from 0/1 labels, say) and returns a number
for them; the reference raises instead.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from lossguide.reference._checks import (
    Floats,
    as_floats,
    as_signs,
    check_reduction,
    reduce,
    require_ndim,
    require_same_shape,
    require_shape,
)

__all__ = [
    "cosine_embedding_loss",
    "hinge_embedding_loss",
    "margin_ranking_loss",
    "pairwise_distance",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]


def margin_ranking_loss(
    input1: ArrayLike,
    input2: ArrayLike,
    target: ArrayLike,
    margin: float = 0,
    *,
    reduction: str = "mean",
) -> Floats | np.float64:
    r"""Hinge loss on the order of two scores: with :math:`y = 1` the first should be higher.

    .. math:: \ell_i = \max(0, -y_i (x^{(1)}_i - x^{(2)}_i) + \Delta)

    Parameters
    ----------
    input1, input2 : array_like
        The two scores of each pair, of the same shape.
    target : array_like
        1 where ``input1`` should rank higher, -1 where ``input2`` should; same shape.
    margin : float
        :math:`\Delta`, the gap the right order should keep.
    reduction : {'mean', 'sum', 'none'}
        Average, sum, or keep the per-pair losses.

    Examples
    --------
    >>> first, second = [0.8, 0.1, 0.5], [0.3, 0.4, 0.5]
    >>> print(f"{margin_ranking_loss(first, second, [1, 1, -1], margin=0.2):.4f}")
    0.2333
    """
    check_reduction(reduction)
    first, second = as_floats(input1, "input1"), as_floats(input2, "input2")
    labels = as_signs(target, "target")
    require_same_shape(first, second, ("input1", "input2"))
    require_same_shape(first, labels, ("input1", "target"))
    return reduce(np.maximum(0.0, -labels * (first - second) + margin), reduction)


def hinge_embedding_loss(
    input: ArrayLike,
    target: ArrayLike,
    margin: float = 1.0,
    *,
    reduction: str = "mean",
) -> Floats | np.float64:
    r"""Hinge loss on a distance :math:`x`: small for similar pairs, at least ``margin`` for others.

    .. math:: \ell_i = x_i \text{ if } y_i = 1,
        \qquad \ell_i = \max(0, \Delta - x_i) \text{ if } y_i = -1

    Parameters
    ----------
    input : array_like
        Distances (or any dissimilarity).
    target : array_like
        1 for similar pairs, -1 for dissimilar ones; the shape of ``input``.
    margin : float
        :math:`\Delta`, how far apart dissimilar pairs should be.
    reduction : {'mean', 'sum', 'none'}
        Average, sum, or keep the per-pair losses.

    Examples
    --------
    >>> print(f"{hinge_embedding_loss([0.3, 2.0, 0.4], [1, -1, -1]):.4f}")
    0.3000
    """
    check_reduction(reduction)
    distance = as_floats(input, "input")
    labels = as_signs(target, "target")
    require_same_shape(distance, labels, ("input", "target"))
    return reduce(np.where(labels == 1, distance, np.maximum(0.0, margin - distance)), reduction)


def _embedding_pairs(
    input1: ArrayLike, input2: ArrayLike, target: ArrayLike
) -> tuple[Floats, Floats, Floats]:
    first, second = as_floats(input1, "input1"), as_floats(input2, "input2")
    require_ndim(first, (1, 2), "input1", "(N, D) or (D,)")
    require_same_shape(first, second, ("input1", "input2"))
    labels = as_signs(target, "target")
    require_shape(labels, first.shape[:-1], "target", "one label per pair")
    return first, second, labels


def cosine_embedding_loss(
    input1: ArrayLike,
    input2: ArrayLike,
    target: ArrayLike,
    margin: float = 0,
    *,
    reduction: str = "mean",
) -> Floats | np.float64:
    r"""Pulls similar embeddings to cosine 1, pushes dissimilar ones below cosine ``margin``.

    .. math:: \ell_n = 1 - \cos(a_n, b_n) \text{ if } y_n = 1, \qquad
        \ell_n = \max(0, \cos(a_n, b_n) - \Delta) \text{ if } y_n = -1

    with :math:`\cos(a, b) = a \cdot b / \sqrt{(\|a\|^2 + \epsilon)(\|b\|^2 + \epsilon)}` and
    :math:`\epsilon = 10^{-12}`, as in torch, so that a zero vector has cosine 0.

    Parameters
    ----------
    input1, input2 : array_like
        Embeddings, ``(N, D)`` or ``(D,)``.
    target : array_like
        1 or -1 per pair, ``(N,)`` or ``()``.
    margin : float
        :math:`\Delta`, the cosine below which dissimilar pairs cost nothing.
    reduction : {'mean', 'sum', 'none'}
        Average, sum, or keep the per-pair losses.

    Examples
    --------
    >>> first, second = [[1.0, 0.0], [1.0, 1.0]], [[1.0, 1.0], [2.0, 1.0]]
    >>> print(f"{cosine_embedding_loss(first, second, [1, -1]):.4f}")
    0.6208
    """
    check_reduction(reduction)
    first, second, labels = _embedding_pairs(input1, input2, target)
    epsilon = 1e-12
    norms = np.sqrt(((first**2).sum(axis=-1) + epsilon) * ((second**2).sum(axis=-1) + epsilon))
    cosine = (first * second).sum(axis=-1) / norms
    return reduce(np.where(labels == 1, 1 - cosine, np.maximum(0.0, cosine - margin)), reduction)


def pairwise_distance(x1: ArrayLike, x2: ArrayLike, p: float = 2.0, eps: float = 1e-6) -> Floats:
    r"""The :math:`p`-norm of :math:`x_1 - x_2 + \epsilon` over the last dimension.

    This is :func:`torch.pairwise_distance`, the default distance of the triplet losses;
    :math:`\epsilon` keeps the gradient of the norm finite when the points coincide.

    Examples
    --------
    >>> print(pairwise_distance([[0.0, 0.0], [1.0, 1.0]], [[3.0, 4.0], [1.0, 1.0]], eps=0.0))
    [5. 0.]
    """
    difference = np.abs(as_floats(x1, "x1") - as_floats(x2, "x2") + eps)
    if p == 0:
        return np.asarray(np.count_nonzero(difference, axis=-1), dtype=np.float64)
    if p == np.inf:
        return np.asarray(difference.max(axis=-1), dtype=np.float64)
    # A negative p makes a zero difference infinite, and torch lets it.
    with np.errstate(divide="ignore"):
        return np.asarray((difference**p).sum(axis=-1) ** (1 / p), dtype=np.float64)


def _triplets(
    anchor: ArrayLike, positive: ArrayLike, negative: ArrayLike
) -> tuple[Floats, Floats, Floats]:
    anchor = as_floats(anchor, "anchor")
    positive, negative = as_floats(positive, "positive"), as_floats(negative, "negative")
    require_ndim(anchor, (1, 2), "anchor", "(N, D) or (D,)")
    require_same_shape(anchor, positive, ("anchor", "positive"))
    require_same_shape(anchor, negative, ("anchor", "negative"))
    return anchor, positive, negative


def _check_margin(margin: float) -> None:
    # A margin of 0 or less is satisfied by any triplet in the right order; torch refuses it.
    if not margin > 0:
        raise ValueError(f"margin must be positive; got {margin}")


def _triplet_hinge(
    anchor: Floats,
    positive: Floats,
    negative: Floats,
    distance: Callable[[Floats, Floats], Floats],
    margin: float,
    swap: bool,
) -> Floats:
    to_negative = distance(anchor, negative)
    if swap:
        # The positive may lie closer to the negative than the anchor does: use that distance.
        to_negative = np.minimum(to_negative, distance(positive, negative))
    return np.maximum(0.0, margin + distance(anchor, positive) - to_negative)


def triplet_margin_loss(
    anchor: ArrayLike,
    positive: ArrayLike,
    negative: ArrayLike,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    *,
    reduction: str = "mean",
) -> Floats | np.float64:
    r"""The anchor should lie at least ``margin`` closer to the positive than to the negative.

    .. math:: \ell_n = \max(0, \Delta + d(a_n, p_n) - d(a_n, n_n))

    with :math:`d` the :func:`pairwise_distance` of norm ``p``. ``swap`` replaces
    :math:`d(a_n, n_n)` by :math:`\min(d(a_n, n_n), d(p_n, n_n))`.

    Parameters
    ----------
    anchor, positive, negative : array_like
        Embeddings, ``(N, D)`` or ``(D,)``.
    margin : float
        :math:`\Delta`, positive.
    p : float
        The norm of the distance.
    eps : float
        Added to the differences, as in :func:`pairwise_distance`.
    swap : bool
        Whether to use the distance swap.
    reduction : {'mean', 'sum', 'none'}
        Average, sum, or keep the per-triplet losses.

    Examples
    --------
    >>> anchor, positive = [[0.0, 0.0], [1.0, 1.0]], [[0.5, 0.0], [1.0, 2.0]]
    >>> negative = [[1.0, 0.0], [1.5, 1.0]]
    >>> print(f"{triplet_margin_loss(anchor, positive, negative):.4f}")
    1.0000
    >>> print(f"{triplet_margin_loss(anchor, positive, negative, p=1, swap=True):.4f}")
    1.2500
    """
    check_reduction(reduction)
    _check_margin(margin)
    anchor, positive, negative = _triplets(anchor, positive, negative)

    def distance(x1: Floats, x2: Floats) -> Floats:
        return pairwise_distance(x1, x2, p=p, eps=eps)

    return reduce(_triplet_hinge(anchor, positive, negative, distance, margin, swap), reduction)


def triplet_margin_with_distance_loss(
    anchor: ArrayLike,
    positive: ArrayLike,
    negative: ArrayLike,
    *,
    distance_function: Callable[[Floats, Floats], Floats] | None = None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
) -> Floats | np.float64:
    r""":func:`triplet_margin_loss` with any distance :math:`d`.

    .. math:: \ell_n = \max(0, \Delta + d(a_n, p_n) - d(a_n, n_n))

    Parameters
    ----------
    anchor, positive, negative : array_like
        Embeddings, ``(N, D)`` or ``(D,)``.
    distance_function : callable, optional
        Takes two float64 arrays of embeddings and returns one distance per row;
        :func:`pairwise_distance` by default.
    margin : float
        :math:`\Delta`, positive.
    swap : bool
        Whether to use the distance swap.
    reduction : {'mean', 'sum', 'none'}
        Average, sum, or keep the per-triplet losses.

    Examples
    --------
    >>> import numpy as np
    >>> def cosine_distance(x1, x2):
    ...     return 1 - (x1 * x2).sum(-1) / np.linalg.norm(x1, axis=-1) / np.linalg.norm(x2, axis=-1)
    >>> anchor, positive = [[1.0, 0.0], [1.0, 1.0]], [[1.0, 0.5], [1.0, 2.0]]
    >>> negative = [[0.0, 1.0], [2.0, 1.0]]
    >>> loss = triplet_margin_with_distance_loss(
    ...     anchor, positive, negative, distance_function=cosine_distance, margin=0.5
    ... )
    >>> print(f"{loss:.4f}")
    0.2500
    """
    check_reduction(reduction)
    _check_margin(margin)
    anchor, positive, negative = _triplets(anchor, positive, negative)
    distance = pairwise_distance if distance_function is None else distance_function
    return reduce(_triplet_hinge(anchor, positive, negative, distance, margin, swap), reduction)
