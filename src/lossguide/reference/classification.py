r"""Classification losses: one class per sample (multi-class) or any number (multi-label).

Multi-class inputs are laid out as torch lays them out: ``(N, C)`` scores for a batch,
``(N, C, d1, ..., dK)`` for a score per class at every position (e.g. per pixel), and ``(C,)``
for a single unbatched sample. The class dimension is therefore 1, or 0 when unbatched: which
one, and whether a target holds class indices or probabilities, is decided by
:func:`lossguide.catalog.resolve`, as for :func:`lossguide.as_tensors` and
:func:`lossguide.diagnose`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lossguide.catalog import Role, lookup, resolve
from lossguide.reference._checks import (
    Floats,
    Indices,
    as_class_indices,
    as_floats,
    as_integers,
    as_signs,
    broadcast_to,
    check_reduction,
    reduce,
    reduce_weighted,
    require_ndim,
    require_same_shape,
    require_shape,
)

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "linear_cross_entropy",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "multilabel_soft_margin_loss",
    "nll_loss",
    "soft_margin_loss",
]


def log_softmax(scores: Floats, axis: int) -> Floats:
    r""":math:`x_c - \log \sum_k e^{x_k}`, computed with the largest score subtracted first."""
    shifted = scores - scores.max(axis=axis, keepdims=True)
    result: Floats = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return result


def log_sigmoid(scores: Floats) -> Floats:
    r""":math:`\log \sigma(x) = -\log(1 + e^{-x})`, finite for any finite :math:`x`."""
    return -np.logaddexp(0.0, -scores)


def _class_scores(input: ArrayLike, name: str, loss: object) -> tuple[Floats, int]:
    """Scores or log-probabilities of a multi-class loss, and the axis of their classes."""
    scores = as_floats(input, name)
    class_axis = resolve(lookup(loss), [scores.shape, None]).class_dim(0)
    if class_axis is None:
        raise ValueError(
            f"{name} must be (C,), (N, C) or (N, C, d1, ..., dK), with classes C; "
            f"got shape {scores.shape}"
        )
    return scores, class_axis


def _class_weight(weight: ArrayLike | None, num_classes: int) -> Floats:
    if weight is None:
        return np.ones(num_classes)
    weight = as_floats(weight, "weight")
    require_shape(weight, (num_classes,), "weight", "one weight per class")
    return weight


def _target_indices(
    target: ArrayLike, scores: Floats, class_axis: int, ignore_index: int | None
) -> Indices:
    """Class indices with the shape of ``scores`` minus its class axis."""
    num_classes = scores.shape[class_axis]
    indices = as_class_indices(target, "target", num_classes, ignore_index)
    expected = scores.shape[:class_axis] + scores.shape[class_axis + 1 :]
    require_shape(indices, expected, "target", "the input's shape without its class dimension")
    return indices


def _pick(values: Floats, indices: Indices, class_axis: int) -> Floats:
    """``values[..., indices, ...]`` along the class axis, one value per position."""
    picked = np.take_along_axis(values, np.expand_dims(indices, class_axis), axis=class_axis)
    return picked.squeeze(class_axis)


def _weighted_nll(
    log_probs: Floats, target: Indices, weight: Floats, class_axis: int, ignore_index: int
) -> tuple[Floats, Floats]:
    r"""Per-position :math:`-w_{y} \log p_{y}` and :math:`w_y`, both zero where ignored."""
    kept = target != ignore_index
    # An ignored position may hold any index, e.g. -100; pick class 0 there and zero it out.
    safe_target = np.where(kept, target, 0)
    target_weight = weight[safe_target] * kept
    return -target_weight * _pick(log_probs, safe_target, class_axis), target_weight


def nll_loss(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Floats | np.float64:
    r"""Negative log-likelihood of the target class, given log-probabilities.

    .. math:: \ell_n = -w_{y_n} \, x_{n, y_n}

    Positions whose target is ``ignore_index`` contribute nothing. ``'mean'`` divides by the
    total weight of the targets that are not ignored, :math:`\sum_n w_{y_n}`; so if every
    target is ignored it is :math:`0/0`, nan.

    Parameters
    ----------
    input : array_like
        Log-probabilities, ``(N, C)``, ``(N, C, d1, ..., dK)`` or ``(C,)``.
    target : array_like of int
        Class indices, ``(N,)``, ``(N, d1, ..., dK)`` or ``()``.
    weight : array_like, optional
        One weight per class, ``(C,)``.
    ignore_index : int
        A target value that contributes neither loss nor weight.
    reduction : {'mean', 'sum', 'none'}
        Weighted average, sum, or keep the per-position losses.

    Examples
    --------
    >>> import numpy as np
    >>> log_p = np.log([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    >>> print(f"{nll_loss(log_p, [0, 2]):.4f}")
    0.2899
    >>> print(f"{nll_loss(log_p, [0, 2], weight=[1.0, 1.0, 3.0]):.4f}")
    0.2565
    """
    check_reduction(reduction)
    log_probs, class_axis = _class_scores(input, "input", nll_loss)
    target = _target_indices(target, log_probs, class_axis, ignore_index)
    weight = _class_weight(weight, log_probs.shape[class_axis])
    loss, target_weight = _weighted_nll(log_probs, target, weight, class_axis, ignore_index)
    return reduce_weighted(loss, target_weight, reduction)


def cross_entropy(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Floats | np.float64:
    r"""Cross-entropy between the softmax of the scores and the target distribution.

    With :math:`\log p = \operatorname{log\_softmax}(x)` over the classes, a target class
    :math:`y_n` and label smoothing :math:`\varepsilon` over :math:`C` classes,

    .. math:: \ell_n = (1 - \varepsilon)\,(-w_{y_n} \log p_{n, y_n})
        + \frac{\varepsilon}{C} \sum_c (-w_c \log p_{n,c})

    and ``'mean'`` divides by :math:`\sum_n w_{y_n}` over targets that are not ignored.

    ``target`` may instead hold class probabilities :math:`t` (floats, the shape of ``input``);
    they are smoothed to :math:`(1 - \varepsilon) t + \varepsilon / C`, and

    .. math:: \ell_n = -\sum_c w_c \, t_{n,c} \log p_{n,c}

    whose ``'mean'`` divides by the number of samples, whatever the weights.

    Parameters
    ----------
    input : array_like
        Unnormalised scores (logits), ``(N, C)``, ``(N, C, d1, ..., dK)`` or ``(C,)``.
    target : array_like
        Class indices (integers, the input's shape without ``C``) or class probabilities
        (floats, the input's shape).
    weight : array_like, optional
        One weight per class, ``(C,)``.
    ignore_index : int
        With class indices, a target value that contributes neither loss nor weight.
    reduction : {'mean', 'sum', 'none'}
        Average, sum, or keep the per-position losses.
    label_smoothing : float
        :math:`\varepsilon` in ``[0, 1]``, the share of each target spread over all classes.

    Examples
    --------
    >>> import numpy as np
    >>> logits = np.array([[2.0, 0.5, -1.0], [0.0, 1.0, 3.0]])
    >>> print(f"{cross_entropy(logits, [0, 2]):.4f}")
    0.2056
    >>> print(f"{cross_entropy(logits, [0, 2], weight=[1.0, 2.0, 0.5], label_smoothing=0.1):.4f}")
    0.4833
    >>> probabilities = np.array([[0.8, 0.2, 0.0], [0.0, 0.5, 0.5]])
    >>> print(f"{cross_entropy(logits, probabilities):.4f}")
    0.8556
    """
    check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1]; got {label_smoothing}")
    scores, class_axis = _class_scores(input, "input", cross_entropy)
    num_classes = scores.shape[class_axis]
    weight = _class_weight(weight, num_classes)
    log_probs = log_softmax(scores, class_axis)
    class_weight = np.expand_dims(weight, tuple(range(1, scores.ndim - class_axis)))

    probabilities = np.asarray(target)
    target_role = resolve(lookup(cross_entropy), [scores.shape, probabilities.shape]).roles[1]
    if target_role is Role.DISTRIBUTION:
        if probabilities.dtype.kind != "f":  # torch raises too
            raise TypeError(
                f"target has the input's shape {scores.shape}, so it holds class "
                f"probabilities, which must be floats; got {probabilities.dtype} (for "
                f"one-hot rows, pass their argmax over the class dimension as indices)"
            )
        smoothed = (1 - label_smoothing) * probabilities + label_smoothing / num_classes
        return reduce(-(class_weight * smoothed * log_probs).sum(axis=class_axis), reduction)

    target = _target_indices(target, scores, class_axis, ignore_index)
    nll, target_weight = _weighted_nll(log_probs, target, weight, class_axis, ignore_index)
    loss = reduce_weighted(nll, target_weight, reduction)
    if label_smoothing == 0:
        # Without smoothing a class masked by a logit of -inf must not turn 0 * inf into nan.
        return loss
    # -sum_c w_c log p_c at every position, as one matrix-vector product.
    uniform = -np.tensordot(weight, log_probs, axes=(0, class_axis)) * (target != ignore_index)
    smoothing = reduce_weighted(uniform, target_weight, reduction)
    smoothed = (1 - label_smoothing) * loss + label_smoothing / num_classes * smoothing
    # Arithmetic on 0-d arrays (one unbatched sample) gives a scalar; 'none' keeps an array.
    return np.asarray(smoothed) if reduction == "none" else smoothed


def linear_cross_entropy(
    input: ArrayLike,
    linear_weight: ArrayLike,
    target: ArrayLike,
    *,
    linear_bias: ArrayLike | None = None,
    weight: ArrayLike | None = None,
    reduction: str = "mean",
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
) -> Floats | np.float64:
    r"""Cross-entropy of the logits of a final linear layer: :func:`cross_entropy` of
    :math:`z = x W^\top + b`.

    With features :math:`x_n \in \mathbb{R}^D` and a weight :math:`W` of shape ``(C, D)``,

    .. math:: z_{n,c} = \sum_h x_{n,h} W_{c,h} + b_c, \qquad
        \ell_n = -w_{y_n} \log \frac{e^{z_{n, y_n}}}{\sum_k e^{z_{n,k}}}

    reduced, weighted, smoothed and ignored exactly as :func:`cross_entropy` does. torch's
    ``options``, which choose how it computes the loss (in chunks of the batch) and not what
    it computes, have no NumPy counterpart; ``ignore_index`` is torch's ``-100``, which its
    default of ``None`` stands for.

    Parameters
    ----------
    input : array_like
        Features before the output layer, ``(N, D)``, or ``(D,)`` for one sample.
    linear_weight : array_like
        The output layer's weight, ``(C, D)``, or ``(C, d1, ..., dK, D)`` for a label at each
        of ``d1 x ... x dK`` positions of every sample (batched input only).
    target : array_like
        Class indices, ``(N,)``, ``()`` or ``(N, d1, ..., dK)``, or class probabilities,
        ``(N, C)``, ``(C,)`` or ``(N, C, d1, ..., dK)``.
    linear_bias : array_like, optional
        The output layer's bias, ``(C,)`` or ``(C, d1, ..., dK)``.
    weight : array_like, optional
        One weight per class, ``(C,)``.
    reduction : {'mean', 'sum', 'none'}
        As :func:`cross_entropy`.
    ignore_index : int
        With class indices, a target value that contributes neither loss nor weight.
    label_smoothing : float
        :math:`\varepsilon` in ``[0, 1]``, as :func:`cross_entropy`.

    Examples
    --------
    >>> import numpy as np
    >>> features = np.array([[1.0, 0.0], [0.5, -1.0]])
    >>> linear_weight = np.array([[2.0, 0.0], [0.5, 1.0], [-1.0, 0.0]])
    >>> print(f"{linear_cross_entropy(features, linear_weight, [0, 2]):.4f}")
    1.0378
    >>> print(f"{cross_entropy(features @ linear_weight.T, [0, 2]):.4f}")
    1.0378
    """
    features, layer = as_floats(input, "input"), as_floats(linear_weight, "linear_weight")
    require_ndim(features, (1, 2), "input", "(N, D) or (D,)")
    if layer.ndim < 2:
        raise ValueError(
            f"linear_weight must have shape (C, D) or (C, d1, ..., dK, D), one row of D "
            f"features per class; got shape {layer.shape}"
        )
    if features.shape[-1] != layer.shape[-1]:
        raise ValueError(
            f"input has {features.shape[-1]} features in its last dimension and linear_weight "
            f"{layer.shape[-1]}; they must be equal (linear_weight is (C, ..., D), not (D, C))"
        )
    if features.ndim == 1 and layer.ndim > 2:
        raise ValueError(
            f"a linear_weight with more than two dimensions, {layer.shape}, needs batched "
            f"input (N, D); got shape {features.shape}"
        )
    # (N, C, d1, ..., dK), or (C,) unbatched: the classes in the place cross_entropy reads them.
    logits = np.tensordot(features, layer, axes=([-1], [-1]))
    if linear_bias is not None:
        bias = as_floats(linear_bias, "linear_bias")
        require_shape(bias, layer.shape[:-1], "linear_bias", "linear_weight's without D")
        logits = logits + bias
    return cross_entropy(
        logits,
        target,
        weight,
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )


def _probabilities_and_targets(input: ArrayLike, target: ArrayLike) -> tuple[Floats, Floats]:
    input, target = as_floats(input, "input"), as_floats(target, "target")
    require_same_shape(input, target, ("input", "target"))
    return input, target


def _weighted(values: Floats, weight: ArrayLike | None, name: str = "weight") -> Floats:
    """``values`` times ``weight``, broadcast to their shape; ``values`` if there is none."""
    if weight is None:
        return values
    return values * broadcast_to(as_floats(weight, name), values.shape, name)


def binary_cross_entropy(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None = None,
    *,
    reduction: str = "mean",
) -> Floats | np.float64:
    r"""Binary cross-entropy between predicted probabilities :math:`x` and targets :math:`y`.

    .. math:: \ell_i = -w_i \left(y_i \log x_i + (1 - y_i) \log(1 - x_i)\right)

    Each log is clamped below at -100, as torch does, so that a probability of exactly 0 or 1
    gives a large finite loss rather than :math:`0 \cdot \infty`.

    Parameters
    ----------
    input : array_like
        Predicted probabilities in ``[0, 1]``.
    target : array_like
        Target probabilities, of the shape of ``input``.
    weight : array_like, optional
        Weights broadcastable to the shape of ``input``.
    reduction : {'mean', 'sum', 'none'}
        Average, sum, or keep the per-element losses.

    Examples
    --------
    >>> print(f"{binary_cross_entropy([0.9, 0.2, 0.6], [1.0, 0.0, 1.0]):.4f}")
    0.2798
    >>> print(binary_cross_entropy([0.0, 0.5], [1.0, 1.0], reduction="none").round(4))
    [100.       0.6931]
    """
    check_reduction(reduction)
    probabilities, target = _probabilities_and_targets(input, target)
    if ((probabilities < 0) | (probabilities > 1)).any():
        raise ValueError("input must hold probabilities in [0, 1]; apply a sigmoid to logits")
    with np.errstate(divide="ignore"):
        # log1p keeps log(1 - x) accurate for tiny x, where 1 - x would round.
        log_p = np.maximum(np.log(probabilities), -100.0)
        log_not_p = np.maximum(np.log1p(-probabilities), -100.0)
    return reduce(-_weighted(target * log_p + (1 - target) * log_not_p, weight), reduction)


def binary_cross_entropy_with_logits(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None = None,
    *,
    reduction: str = "mean",
    pos_weight: ArrayLike | None = None,
) -> Floats | np.float64:
    r"""Binary cross-entropy of the sigmoid of the logits :math:`x`, computed stably.

    .. math:: \ell_i = -w_i \left(p \, y_i \log \sigma(x_i) + (1 - y_i) \log \sigma(-x_i)\right)

    where :math:`\log \sigma(x) = -\log(1 + e^{-x})` is evaluated without overflow, and the
    positive weight :math:`p` (per class, broadcast along the last dimension) trades recall
    against precision.

    Parameters
    ----------
    input : array_like
        Logits.
    target : array_like
        Target probabilities, of the shape of ``input``.
    weight : array_like, optional
        Weights broadcastable to the shape of ``input``.
    reduction : {'mean', 'sum', 'none'}
        Average, sum, or keep the per-element losses.
    pos_weight : array_like, optional
        Weight of the positive term, broadcastable to the shape of ``input``, e.g. ``(C,)``.

    Examples
    --------
    >>> print(f"{binary_cross_entropy_with_logits([2.0, -1.0, 0.5], [1.0, 0.0, 1.0]):.4f}")
    0.3048
    >>> print(binary_cross_entropy_with_logits([1000.0, -1000.0], [0.0, 1.0], reduction="none"))
    [1000. 1000.]
    """
    check_reduction(reduction)
    logits, target = _probabilities_and_targets(input, target)
    positive = _weighted(target, pos_weight, "pos_weight")
    log_p = log_sigmoid(logits)
    # log sigmoid(-x) = log sigmoid(x) - x: one log-sum-exp instead of two, as in torch.
    log_likelihood = positive * log_p + (1 - target) * (log_p - logits)
    return reduce(-_weighted(log_likelihood, weight), reduction)


def soft_margin_loss(
    input: ArrayLike,
    target: ArrayLike,
    *,
    reduction: str = "mean",
) -> Floats | np.float64:
    r"""Logistic loss for labels :math:`y \in \{1, -1\}`.

    .. math:: \ell_i = \log(1 + e^{-y_i x_i})

    Evaluated as :math:`\log(e^0 + e^{-y_i x_i})` with log-sum-exp, so a confidently wrong
    score of 1000 costs 1000, where torch's direct formula overflows to inf.

    Parameters
    ----------
    input : array_like
        Scores.
    target : array_like
        Labels of 1 or -1, of the shape of ``input``.
    reduction : {'mean', 'sum', 'none'}
        Average, sum, or keep the per-element losses.

    Examples
    --------
    >>> print(f"{soft_margin_loss([2.0, -1.0, 0.5], [1.0, -1.0, -1.0]):.4f}")
    0.4714
    """
    check_reduction(reduction)
    scores = as_floats(input, "input")
    labels = as_signs(target, "target")
    require_same_shape(scores, labels, ("input", "target"))
    return reduce(np.logaddexp(0.0, -labels * scores), reduction)


def multilabel_soft_margin_loss(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None = None,
    *,
    reduction: str = "mean",
) -> Floats | np.float64:
    r"""Binary cross-entropy with logits, averaged over the :math:`C` classes of each sample.

    .. math:: \ell_n = -\frac1C \sum_c w_c \left(y_{n,c} \log \sigma(x_{n,c})
        + (1 - y_{n,c}) \log \sigma(-x_{n,c})\right)

    Parameters
    ----------
    input : array_like
        Logits, ``(N, C)`` or ``(C,)``.
    target : array_like
        0/1 per class (or probabilities), of the shape of ``input``.
    weight : array_like, optional
        Weights broadcastable to the shape of ``input``, e.g. one per class ``(C,)``.
    reduction : {'mean', 'sum', 'none'}
        Average over samples, sum, or keep one loss per sample.

    Examples
    --------
    >>> logits, labels = [[2.0, -1.0, 0.5], [0.0, 1.0, -3.0]], [[1, 0, 1], [0, 1, 0]]
    >>> print(f"{multilabel_soft_margin_loss(logits, labels):.4f}")
    0.3282
    """
    check_reduction(reduction)
    logits, target = _probabilities_and_targets(input, target)
    require_ndim(logits, (1, 2), "input", "(N, C) or (C,)")
    log_likelihood = target * log_sigmoid(logits) + (1 - target) * log_sigmoid(-logits)
    return reduce(-_weighted(log_likelihood, weight).mean(axis=-1), reduction)


def _margin_scores(input: ArrayLike) -> Floats:
    scores = as_floats(input, "input")
    require_ndim(scores, (1, 2), "input", "(N, C) or (C,)")
    return scores


def multi_margin_loss(
    input: ArrayLike,
    target: ArrayLike,
    p: int = 1,
    margin: float = 1.0,
    weight: ArrayLike | None = None,
    *,
    reduction: str = "mean",
) -> Floats | np.float64:
    r"""Multi-class hinge loss: every other class should score ``margin`` below the target.

    .. math:: \ell_n = \frac1C \sum_{c \ne y_n} w_{y_n} \max(0, \Delta - x_{n,y_n} + x_{n,c})^p

    Parameters
    ----------
    input : array_like
        Scores, ``(N, C)`` or ``(C,)``.
    target : array_like of int
        Class indices, ``(N,)`` or ``()``.
    p : {1, 2}
        The power of each hinge term.
    margin : float
        :math:`\Delta`, the gap the target class should keep.
    weight : array_like, optional
        One weight per class, ``(C,)``.
    reduction : {'mean', 'sum', 'none'}
        Average over samples, sum, or keep one loss per sample.

    Examples
    --------
    >>> scores = [[2.0, 1.5, -1.0], [0.0, 1.0, 3.0]]
    >>> print(f"{multi_margin_loss(scores, [0, 1]):.4f}")
    0.5833
    >>> print(f"{multi_margin_loss(scores, [0, 1], p=2, margin=0.5):.4f}")
    1.0417
    """
    check_reduction(reduction)
    if p not in (1, 2):
        raise ValueError(f"p must be 1 or 2; got {p}")
    scores = _margin_scores(input)
    class_axis = scores.ndim - 1
    num_classes = scores.shape[class_axis]
    target = _target_indices(target, scores, class_axis, ignore_index=None)
    weight = _class_weight(weight, num_classes)
    target_score = _pick(scores, target, class_axis)[..., np.newaxis]
    hinge = np.maximum(0.0, margin - target_score + scores) ** p
    not_target = np.arange(num_classes) != target[..., np.newaxis]
    return reduce(weight[target] * (hinge * not_target).mean(axis=-1), reduction)


def multilabel_margin_loss(
    input: ArrayLike,
    target: ArrayLike,
    *,
    reduction: str = "mean",
) -> Floats | np.float64:
    r"""Multi-label hinge loss: every target class should score 1 above every other class.

    The targets of a sample are the class indices of its row of ``target`` up to the first
    -1; with :math:`Y_n` those indices (counted with repetition) and :math:`\bar Y_n` the
    classes not among them,

    .. math:: \ell_n = \frac1C \sum_{j \in Y_n} \sum_{c \in \bar Y_n} \max(0, 1 - x_{n,j} + x_{n,c})

    Parameters
    ----------
    input : array_like
        Scores, ``(N, C)`` or ``(C,)``.
    target : array_like of int
        Class indices padded with -1, of the shape of ``input``.
    reduction : {'mean', 'sum', 'none'}
        Average over samples, sum, or keep one loss per sample.

    Examples
    --------
    >>> print(f"{multilabel_margin_loss([[0.1, 0.2, 0.4, 0.8]], [[3, 0, -1, 1]]):.4f}")
    0.8500
    """
    check_reduction(reduction)
    scores = _margin_scores(input)
    num_classes = scores.shape[-1]
    target = as_integers(target, "target", f"class indices in [0, {num_classes}) padded with -1")
    require_same_shape(scores, target, ("input", "target"))
    if ((target < -1) | (target >= num_classes)).any():
        raise ValueError(
            f"target must hold class indices in [0, {num_classes}) padded with -1; "
            f"got {target[(target < -1) | (target >= num_classes)].flat[0]}"
        )
    # A row's targets end at its first -1; anything after it is padding, whatever its value.
    listed = np.cumprod(target >= 0, axis=-1).astype(bool)
    safe_target = np.where(listed, target, 0)
    classes = np.arange(num_classes)
    is_target = (listed[..., np.newaxis] & (safe_target[..., np.newaxis] == classes)).any(axis=-2)
    target_score = np.take_along_axis(scores, safe_target, axis=-1)
    hinge = np.maximum(0.0, 1.0 - target_score[..., :, np.newaxis] + scores[..., np.newaxis, :])
    counted = listed[..., :, np.newaxis] & ~is_target[..., np.newaxis, :]
    return reduce((hinge * counted).sum(axis=(-2, -1)) / num_classes, reduction)
