r"""Connectionist temporal classification (CTC): a loss for sequences without an alignment.

A model emits a distribution over :math:`C` symbols at each of :math:`T` time steps, one symbol
being a *blank*. An alignment is a path of one symbol per step; it spells the target once
repeated symbols are merged and blanks removed. The loss is the negative log of the total
probability of all paths that spell the target, summed by a dynamic programme over the
extended target :math:`l' = (\text{blank}, l_1, \text{blank}, l_2, \ldots, l_S, \text{blank})`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lossguide.reference._checks import (
    Floats,
    Indices,
    as_floats,
    as_integers,
    check_reduction,
    reduce,
    require_ndim,
    require_shape,
)

__all__ = ["ctc_loss"]


def _lengths(values: ArrayLike, name: str, batch_size: int, longest: int, limit: str) -> Indices:
    lengths = as_integers(values, name, "lengths")
    require_shape(lengths, (batch_size,), name, "one length per sequence")
    if (lengths < 0).any():
        raise ValueError(f"{name} must be non-negative; got {lengths[lengths < 0][0]}")
    if (lengths > longest).any():
        raise ValueError(f"{name} must be at most {limit}, {longest}; got {lengths.max()}")
    return lengths


def _padded_targets(targets: Indices, lengths: Indices) -> Indices:
    """Targets as one row per sequence; torch also takes them concatenated into one vector."""
    if targets.ndim == 2:
        return targets
    if len(targets) != lengths.sum():
        raise ValueError(
            f"concatenated targets must hold sum(target_lengths) = {lengths.sum()} indices; "
            f"got {len(targets)}"
        )
    padded = np.zeros((len(lengths), lengths.max(initial=0)), dtype=np.int64)
    padded[np.arange(padded.shape[1]) < lengths[:, np.newaxis]] = targets
    return padded


def _shifted(alpha: Floats, states: int) -> Floats:
    """``alpha`` moved ``states`` places along the extended target, -inf flowing in."""
    shifted = np.full_like(alpha, -np.inf)
    shifted[:, states:] = alpha[:, : max(alpha.shape[1] - states, 0)]
    return shifted


def _log_likelihood(
    log_probs: Floats, labels: Indices, input_lengths: Indices, target_lengths: Indices, blank: int
) -> Floats:
    r""":math:`\log \sum_\pi \prod_t p_t(\pi_t)` over the paths :math:`\pi` spelling each target.

    :math:`\alpha_t(s)`, the log-probability of the paths through the first :math:`s + 1` symbols
    of :math:`l'` that end there at step :math:`t`, comes from step :math:`t - 1` at the same
    symbol, the previous one, or the one before that if it skips a blank between two different
    labels. All sequences advance together; each stops at its own input length.
    """
    batch_size, num_labels = labels.shape
    extended = np.full((batch_size, 2 * num_labels + 1), blank)
    extended[:, 1::2] = labels
    can_skip = np.zeros(extended.shape, dtype=bool)
    can_skip[:, 2:] = (extended[:, 2:] != blank) & (extended[:, 2:] != extended[:, :-2])

    # emitted[t, n, s]: the log-probability that sequence n emits symbol l'_s at step t.
    emitted = log_probs[:, np.arange(batch_size)[:, np.newaxis], extended]
    alpha = np.full(extended.shape, -np.inf)
    if len(log_probs):
        alpha[:, :2] = emitted[0, :, :2]
    for t in range(1, len(log_probs)):
        from_skipped = np.where(can_skip, _shifted(alpha, 2), -np.inf)
        advanced = np.logaddexp(np.logaddexp(alpha, _shifted(alpha, 1)), from_skipped) + emitted[t]
        alpha = np.where((t < input_lengths)[:, np.newaxis], advanced, alpha)

    # A path ends on the last label or on the blank after it.
    rows = np.arange(batch_size)
    ends_on_blank = alpha[rows, 2 * target_lengths]
    ends_on_label = np.where(
        target_lengths > 0, alpha[rows, np.maximum(2 * target_lengths - 1, 0)], -np.inf
    )
    log_likelihood = np.logaddexp(ends_on_blank, ends_on_label)
    # With no steps, only the empty target has a path: the empty one, of probability 1.
    return np.where(input_lengths == 0, np.where(target_lengths == 0, 0.0, -np.inf), log_likelihood)


def ctc_loss(
    log_probs: ArrayLike,
    targets: ArrayLike,
    input_lengths: ArrayLike,
    target_lengths: ArrayLike,
    blank: int = 0,
    reduction: str = "mean",
    zero_infinity: bool = False,
) -> Floats | np.float64:
    r"""Connectionist temporal classification loss.

    .. math:: \ell_n = -\log \sum_{\pi \in \mathcal{B}^{-1}(l_n)} \prod_{t=1}^{T_n} p_{t, n}(\pi_t)

    where :math:`\mathcal{B}` merges repeats and removes blanks. ``'mean'`` divides each loss by
    its target length (at least 1) before averaging over the batch. A target no alignment can
    spell (too long for its input) has loss inf; ``zero_infinity`` makes that 0.

    Parameters
    ----------
    log_probs : array_like
        Log-probabilities of the symbols, ``(T, N, C)``, or ``(T, C)`` for one sequence.
    targets : array_like of int
        Target labels in ``[0, C)`` other than ``blank``: padded rows ``(N, S)``, or the
        targets concatenated ``(sum(target_lengths),)``, which for one sequence is its target.
    input_lengths, target_lengths : array_like of int
        The length of each input and each target, ``(N,)``, or scalars for one sequence.
    blank : int
        The index of the blank symbol.
    reduction : {'mean', 'sum', 'none'}
        Average of length-normalised losses, sum, or keep one loss per sequence.
    zero_infinity : bool
        Whether to replace infinite losses by zero.

    Examples
    --------
    >>> import numpy as np
    >>> log_probs = np.log(np.full((3, 1, 3), 1 / 3))
    >>> print(f"{ctc_loss(log_probs, [[1, 2]], [3], [2]):.4f}")
    0.8432
    >>> print(ctc_loss(log_probs, [[1, 1]], [2], [2], reduction="none"))
    [inf]
    >>> print(ctc_loss(log_probs, [[1, 1]], [2], [2], reduction="none", zero_infinity=True))
    [0.]
    """
    check_reduction(reduction)
    log_probs = as_floats(log_probs, "log_probs")
    require_ndim(log_probs, (2, 3), "log_probs", "(T, N, C) or (T, C)")
    batched = log_probs.ndim == 3
    if not batched:
        log_probs = log_probs[:, np.newaxis, :]
    num_steps, batch_size, num_classes = log_probs.shape
    if not 0 <= blank < num_classes:
        raise ValueError(f"blank must be a class index in [0, {num_classes}); got {blank}")

    targets = as_integers(targets, "targets", "class indices")
    require_ndim(
        targets, (1, 2) if batched else (1,), "targets", "(N, S) or (sum(target_lengths),)"
    )
    input_lengths = _lengths(
        np.reshape(input_lengths, -1), "input_lengths", batch_size, num_steps, "T"
    )
    longest_target = targets.shape[1] if targets.ndim == 2 else len(targets)
    target_lengths = _lengths(
        np.reshape(target_lengths, -1),
        "target_lengths",
        batch_size,
        longest_target,
        "the length of targets",
    )
    labels = _padded_targets(targets, target_lengths)
    used = np.arange(labels.shape[1]) < target_lengths[:, np.newaxis]
    invalid = used & ((labels < 0) | (labels >= num_classes) | (labels == blank))
    if invalid.any():
        raise ValueError(
            f"targets must hold class indices in [0, {num_classes}) other than blank={blank}; "
            f"got {labels[invalid][0]}"
        )
    # Padding beyond a target's length may hold anything; make it a harmless index.
    labels = np.where(used, labels, blank)

    loss = -_log_likelihood(log_probs, labels, input_lengths, target_lengths, blank)
    if zero_infinity:
        loss = np.where(np.isinf(loss), 0.0, loss)
    if reduction == "mean":
        return reduce(loss / np.maximum(target_lengths, 1), "mean")
    return reduce(loss if batched else loss[0], reduction)
