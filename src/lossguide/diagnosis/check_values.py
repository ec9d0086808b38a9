"""Checks of the values in the input: what kind of numbers it holds against what the loss
expects (log-probabilities, logits, probabilities, distances).

A value check reads evidence from data, so it warns and says what it saw. The extremes of
each argument come from one ``aminmax`` pass; sums over the class dimension are computed only
when the extremes already look suspicious.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import torch

from lossguide.catalog import Activation, InputKind, LossSpec, Role
from lossguide.diagnosis.call import LossCall, Stats
from lossguide.diagnosis.evidence import class_dim, fmt_number, rows_sum_to_one, sum_tolerance
from lossguide.diagnosis.findings import Finding

__all__ = [
    "CHECKS",
    "MIN_ELEMENTS_FOR_SIGMOID",
    "input_kind_code",
    "log_probability_finding",
    "value_range",
]

#: BCEWithLogitsLoss is told its input looks like sigmoid outputs only when at least this many
#: values all lie strictly between 0 and 1: random logits of scale 1 do so with chance 0.34
#: each, so 64 of them together have chance below 1e-29.
MIN_ELEMENTS_FOR_SIGMOID = 64


def input_kind_code(spec: LossSpec) -> str | None:
    """The code of the finding that a loss's input is not of its :class:`InputKind`, e.g.
    ``nll-input-not-log-probabilities``; ``None`` for losses that take any values or logits
    (whose checks have codes of their own)."""
    suffix = {
        InputKind.LOG_PROBABILITIES: "input-not-log-probabilities",
        InputKind.PROBABILITIES: "input-outside-0-1",
        InputKind.DISTANCES: "input-not-distance",
    }.get(spec.input_kind)
    return None if suffix is None else f"{spec.code_prefix}-{suffix}"


def _own_code(spec: LossSpec) -> str:
    """The input-kind code of a loss that has one, as the checks of that kind need."""
    code = input_kind_code(spec)
    if code is None:
        raise ValueError(f"{spec.name} takes {spec.input_kind}, which has no finding code")
    return code


def value_range(stats: Stats) -> str:
    return f"from {fmt_number(stats.low)} to {fmt_number(stats.high)}"


def _rows(tensor: torch.Tensor, dim: int) -> int:
    return tensor.numel() // max(tensor.shape[dim], 1) if tensor.ndim else 1


def _where(tensor: torch.Tensor, dim: int, step: int = 1) -> str:
    rows = _rows(tensor, dim)
    along = "dimension 1" if dim == 1 else "the last dimension"
    where = f"{'all ' if rows > 1 else ''}{rows} row{'s' if rows > 1 else ''} along {along}"
    if step > 1:
        where += f" (checked on one sample in {step} of the batch)"
    return where


def not_log_probabilities(call: LossCall) -> Iterator[Finding]:
    if call.spec.input_kind is InputKind.LOG_PROBABILITIES:
        name = call.spec.arguments[0].name
        yield from log_probability_finding(call, name, _own_code(call.spec))


def log_probability_finding(call: LossCall, name: str, code: str) -> Iterator[Finding]:
    """``code`` if argument ``name``, which should hold log-probabilities, does not."""
    (tensor, step), stats = call.sample(name), call.stats(name)
    if tensor is None or stats is None or not tensor.is_floating_point() or not stats.finite:
        return
    if stats.high <= sum_tolerance(tensor):
        return  # log-probabilities are never above 0
    dim = class_dim(call, name)
    sampled = f" (checked on one sample in {step} of the batch)" if step > 1 else ""
    if stats.within(0, 1) and rows_sum_to_one(tensor, dim):
        saw = (
            f"{_where(tensor, dim, step)} are in [0, 1] and sum to 1 within {sum_tolerance(tensor)}"
        )
        kind, fix = "probabilities", f"torch.log({name}), or better log_softmax on the logits"
    elif stats.within(0, 1):
        saw = f"every value is in [0, 1] ({value_range(stats)}){sampled}"
        kind, fix = "probabilities", "log_softmax on the logits instead of softmax"
    else:
        saw = f"the values range {value_range(stats)}{sampled}"
        kind, fix = "raw scores", f"{name}.log_softmax(dim={dim})"
    why = "silently wrong"
    variant = call.spec.logits_variant
    if variant is not None:
        fix += f" (or pass the logits to {variant}, which applies log_softmax itself)"
        why = "silently wrong, and can be negative"
    yield Finding(
        code,
        "warning",
        f"{call.name} expects log-probabilities in {name}, which are never above 0, but "
        f"{saw}: these look like {kind}. The loss is {why}. Pass {fix}.",
    )


def softmax_before_softmax(call: LossCall) -> Iterator[Finding]:
    """Logits that look like softmax outputs, for a loss that applies log_softmax itself."""
    if call.spec.activation is not Activation.LOG_SOFTMAX:
        return
    name = call.spec.arguments[0].name
    logits, stats = call.tensor(name), call.stats(name)
    if logits is None or stats is None or logits.ndim < 2 or not logits.is_floating_point():
        return
    dim = class_dim(call, name)
    if logits.shape[dim] < 2 or _rows(logits, dim) < 2 or not stats.within(0, 1):
        return
    if not rows_sum_to_one(logits, dim) or not bool(((logits > 0) & (logits < 1)).any()):
        return  # exactly one-hot logits are a toy example, not a softmax output
    yield Finding(
        "input-looks-like-softmax-output",
        "warning",
        f"{call.name} applies log_softmax to its input itself, but {_where(logits, dim)} "
        f"of input are in [0, 1] and sum to 1 within {sum_tolerance(logits)}: they look like "
        f"softmax outputs. Softmax applied twice gives a wrong loss and weak gradients. Pass "
        f"the logits, before the softmax.",
    )


def sigmoid_before_sigmoid(call: LossCall) -> Iterator[Finding]:
    """Logits that look like sigmoid outputs, for a loss that applies the sigmoid itself."""
    if call.spec.activation is not Activation.LOG_SIGMOID:
        return
    stats = call.stats(call.spec.arguments[0].name)
    if stats is None or stats.count < MIN_ELEMENTS_FOR_SIGMOID or not stats.finite:
        return
    if stats.low > 0 and stats.high < 1:
        yield Finding(
            "input-looks-like-sigmoid-output",
            "warning",
            f"{call.name} expects logits, which range over all real numbers, but all "
            f"{stats.count} values of input are strictly between 0 and 1 ({value_range(stats)}): "
            f"they look like sigmoid outputs, which it would squash a second time. Pass the "
            f"logits, before the sigmoid.",
        )


def input_outside_unit_interval(call: LossCall) -> Iterator[Finding]:
    if call.spec.input_kind is not InputKind.PROBABILITIES:
        return
    stats = call.stats(call.spec.arguments[0].name)
    if stats is None or not stats.finite or stats.within(0, 1):
        return
    raises = call.spec.raises_outside_unit_interval
    variant = call.spec.logits_variant
    instead = (
        f" These look like logits: pass them to {variant} instead, which applies the sigmoid "
        f"itself and is more stable than sigmoid followed by {call.name}."
        if variant
        else ""
    )
    yield Finding(
        _own_code(call.spec),
        "error" if raises else "warning",
        f"{call.name} needs probabilities in [0, 1] as input, but it ranges "
        f"{value_range(stats)}, {'so torch raises' if raises else 'so the loss is wrong'}."
        f"{instead}",
    )


def target_outside_unit_interval(call: LossCall) -> Iterator[Finding]:
    target = call.spec.target
    if target is None or target.role not in (Role.PROBABILITY, Role.MULTI_HOT):
        return
    stats = call.stats(target.name)
    if stats is None or not stats.finite or stats.within(0, 1):
        return
    sign = (
        " They look like ±1 labels: map them with (target + 1) / 2."
        if (stats.low == -1 and stats.high == 1)
        else ""
    )
    raises = call.spec.raises_outside_unit_interval
    yield Finding(
        "target-outside-0-1",
        "error" if raises else "warning",
        f"{call.name} needs targets in [0, 1], but target ranges {value_range(stats)}"
        f"{', so torch raises' if raises else '; the loss is silently wrong'}.{sign}",
    )


def non_finite(call: LossCall) -> Iterator[Finding]:
    for argument in call.spec.arguments:
        stats = call.known_stats(argument.name) or _stats_if_sum_is_not_finite(call, argument.name)
        if stats is None or stats.finite:
            continue
        if math.isnan(stats.low) or math.isnan(stats.high):
            yield Finding(
                "non-finite-values",
                "warning",
                f"{argument.name} holds NaN, so the loss will be NaN. Find where it first "
                f"appears (torch.autograd.set_detect_anomaly helps for the backward pass).",
            )
        elif not call.spec.allows_infinity:
            yield Finding(
                "non-finite-values",
                "warning",
                f"{argument.name} holds infinite values ({value_range(stats)}), so the loss "
                f"will be inf or NaN.",
            )


def _stats_if_sum_is_not_finite(call: LossCall, name: str) -> Stats | None:
    """A sum is a cheaper probe than min and max: NaN and inf reach it, finite values rarely."""
    tensor = call.sample(name)[0]
    if tensor is None or not tensor.is_floating_point() or tensor.numel() == 0:
        return None
    total = tensor.detach().sum(dtype=torch.promote_types(tensor.dtype, torch.float32))
    return None if bool(torch.isfinite(total)) else call.stats(name)


def input_not_distance(call: LossCall) -> Iterator[Finding]:
    if call.spec.input_kind is not InputKind.DISTANCES:
        return
    name = call.spec.arguments[0].name
    stats = call.stats(name)
    if stats is not None and stats.finite and stats.low < 0:
        yield Finding(
            _own_code(call.spec),
            "warning",
            f"{call.name} reads {name} as a distance between the two items, which is "
            f"never negative, but {name} goes down to {fmt_number(stats.low)}; the loss can "
            f"come out negative. Pass a distance, e.g. torch.pairwise_distance(x1, x2), or "
            f"1 - cosine similarity.",
        )


CHECKS = (
    not_log_probabilities,
    softmax_before_softmax,
    sigmoid_before_sigmoid,
    input_outside_unit_interval,
    target_outside_unit_interval,
    non_finite,
    input_not_distance,
)
