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

from lossguide.catalog import REGRESSION, Role
from lossguide.diagnosis.call import LossCall, Stats
from lossguide.diagnosis.evidence import class_dim, fmt_number, rows_sum_to_one, sum_tolerance
from lossguide.diagnosis.findings import Finding

__all__ = ["CHECKS", "MIN_ELEMENTS_FOR_SIGMOID"]

#: BCEWithLogitsLoss is told its input looks like sigmoid outputs only when at least this many
#: values all lie strictly between 0 and 1: random logits of scale 1 do so with chance 0.34
#: each, so 64 of them together have chance below 1e-29.
MIN_ELEMENTS_FOR_SIGMOID = 64


def _expects(call: LossCall, what: str, *target_roles: Role) -> bool:
    """Whether the catalog says the loss's input holds ``what`` (and its target one of
    ``target_roles``, when given)."""
    target = call.spec.target
    if not call.spec.expects.startswith(what):
        return False
    return not target_roles or (target is not None and target.role in target_roles)


def _code_prefix(call: LossCall) -> str:
    """``nll`` for nll_loss, ``kl`` for kl_div, ``ctc`` for ctc_loss."""
    return call.spec.functional.split("_")[0]


def _range(stats: Stats) -> str:
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
    if not _expects(call, "log-probabilities"):
        return
    name = call.spec.arguments[0].name
    yield from _log_probability_finding(call, name, f"{_code_prefix(call)}-input")
    if call.name == "KLDivLoss" and call.options.get("log_target"):
        yield from _log_probability_finding(call, "target", "kl-target")


def _log_probability_finding(call: LossCall, name: str, prefix: str) -> Iterator[Finding]:
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
        saw = f"every value is in [0, 1] ({_range(stats)}){sampled}"
        kind, fix = "probabilities", "log_softmax on the logits instead of softmax"
    else:
        saw = f"the values range {_range(stats)}{sampled}"
        kind, fix = "raw scores", f"{name}.log_softmax(dim={dim})"
    why = "silently wrong"
    if call.name == "NLLLoss":
        fix += " (or pass the logits to CrossEntropyLoss, which applies log_softmax itself)"
        why = "silently wrong, and can be negative"
    yield Finding(
        f"{prefix}-not-log-probabilities",
        "warning",
        f"{call.name} expects log-probabilities in {name}, which are never above 0, but "
        f"{saw}: these look like {kind}. The loss is {why}. Pass {fix}.",
    )


def softmax_before_cross_entropy(call: LossCall) -> Iterator[Finding]:
    if not _expects(call, "raw logits", Role.CLASS_INDEX_OR_PROBABILITIES):
        return
    logits, stats = call.tensor("input"), call.stats("input")
    if logits is None or stats is None or logits.ndim < 2 or not logits.is_floating_point():
        return
    if logits.shape[1] < 2 or _rows(logits, 1) < 2 or not stats.within(0, 1):
        return
    if not rows_sum_to_one(logits, 1) or not bool(((logits > 0) & (logits < 1)).any()):
        return  # exactly one-hot logits are a toy example, not a softmax output
    yield Finding(
        "input-looks-like-softmax-output",
        "warning",
        f"CrossEntropyLoss applies log_softmax to its input itself, but {_where(logits, 1)} "
        f"of input are in [0, 1] and sum to 1 within {sum_tolerance(logits)}: they look like "
        f"softmax outputs. Softmax applied twice gives a wrong loss and weak gradients. Pass "
        f"the logits, before the softmax.",
    )


def sigmoid_before_bce_with_logits(call: LossCall) -> Iterator[Finding]:
    if not _expects(call, "raw logits", Role.PROBABILITY, Role.MULTI_HOT):
        return
    stats = call.stats("input")
    if stats is None or stats.count < MIN_ELEMENTS_FOR_SIGMOID or not stats.finite:
        return
    if stats.low > 0 and stats.high < 1:
        yield Finding(
            "input-looks-like-sigmoid-output",
            "warning",
            f"{call.name} expects logits, which range over all real numbers, but all "
            f"{stats.count} values of input are strictly between 0 and 1 ({_range(stats)}): "
            f"they look like sigmoid outputs, which it would squash a second time. Pass the "
            f"logits, before the sigmoid.",
        )


def bce_input_outside_unit_interval(call: LossCall) -> Iterator[Finding]:
    if call.name != "BCELoss":
        return
    stats = call.stats("input")
    if stats is None or not stats.finite or stats.within(0, 1):
        return
    yield Finding(
        "bce-input-outside-0-1",
        "error",
        f"BCELoss needs probabilities in [0, 1] as input, but it ranges {_range(stats)}, so "
        f"torch raises. These look like logits: pass them to BCEWithLogitsLoss instead, which "
        f"applies the sigmoid itself and is more stable than sigmoid followed by BCELoss.",
    )


def target_outside_unit_interval(call: LossCall) -> Iterator[Finding]:
    if call.name not in ("BCELoss", "BCEWithLogitsLoss", "MultiLabelSoftMarginLoss"):
        return
    stats = call.stats("target")
    if stats is None or not stats.finite or stats.within(0, 1):
        return
    sign = (
        " They look like ±1 labels: map them with (target + 1) / 2."
        if (stats.low == -1 and stats.high == 1)
        else ""
    )
    raises = call.name == "BCELoss"
    yield Finding(
        "target-outside-0-1",
        "error" if raises else "warning",
        f"{call.name} needs targets in [0, 1], but target ranges {_range(stats)}"
        f"{', so torch raises' if raises else '; the loss is silently wrong'}.{sign}",
    )


def cross_entropy_probabilities(call: LossCall) -> Iterator[Finding]:
    """A float target of the input's shape: class probabilities, which must be distributions."""
    if call.name != "CrossEntropyLoss":
        return
    logits, target, stats = call.tensor("input"), call.tensor("target"), call.stats("target")
    if logits is None or target is None or stats is None or target.shape != logits.shape:
        return
    if not target.is_floating_point() or not stats.finite or logits.ndim == 0:
        return
    dim = 1 if logits.ndim >= 2 else 0
    if stats.within(0, 1) and rows_sum_to_one(target, dim):
        return
    if logits.ndim >= 3 and stats.within(0, 1) and rows_sum_to_one(target, -1):
        yield Finding(
            "class-dim-not-second",
            "warning",
            "target holds class probabilities that sum to 1 along the last dimension, not "
            "along dimension 1, where CrossEntropyLoss reads the classes; it returns a value "
            "that is silently wrong. Move the classes to dimension 1 in both: "
            "input.movedim(-1, 1) and target.movedim(-1, 1).",
        )
        return
    if stats.within(0, 1) and bool(((target == 0) | (target == 1)).all()):
        saw, fix = (
            "0/1 values with more or fewer than one 1 per sample: multi-label targets",
            "For several labels per sample use BCEWithLogitsLoss.",
        )
    elif stats.within(0, 1):
        saw, fix = "values that do not sum to 1 over the classes", "Normalise each row."
    else:
        saw, fix = f"values {_range(stats)}", "Pass probabilities (softmax of teacher logits)."
    yield Finding(
        "ce-target-not-distribution",
        "warning",
        f"target has the input's shape, so CrossEntropyLoss reads it as class probabilities, "
        f"but it holds {saw}; the loss is silently wrong (it can be negative). {fix}",
    )


def kl_target_not_probabilities(call: LossCall) -> Iterator[Finding]:
    if call.name != "KLDivLoss" or call.options.get("log_target"):
        return
    stats = call.stats("target")
    if stats is None or not stats.finite or stats.low >= 0:
        return
    hint = (
        "They look like log-probabilities: pass log_target=True."
        if stats.high <= 0
        else "Pass probabilities (softmax), or log-probabilities with log_target=True."
    )
    yield Finding(
        "kl-target-not-probabilities",
        "warning",
        f"KLDivLoss with log_target=False needs probabilities as target, but target ranges "
        f"{_range(stats)}; negative entries make the loss NaN. {hint}",
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
        elif call.spec.family is REGRESSION:
            yield Finding(
                "non-finite-values",
                "warning",
                f"{argument.name} holds infinite values ({_range(stats)}), so the loss will be "
                f"inf or NaN.",
            )


def _stats_if_sum_is_not_finite(call: LossCall, name: str) -> Stats | None:
    """A sum is a cheaper probe than min and max: NaN and inf reach it, finite values rarely."""
    tensor = call.sample(name)[0]
    if tensor is None or not tensor.is_floating_point() or tensor.numel() == 0:
        return None
    total = tensor.detach().sum(dtype=torch.promote_types(tensor.dtype, torch.float32))
    return None if bool(torch.isfinite(total)) else call.stats(name)


def poisson_negative_rate(call: LossCall) -> Iterator[Finding]:
    if call.name != "PoissonNLLLoss" or call.options.get("log_input", True):
        return
    stats = call.stats("input")
    if stats is not None and stats.finite and stats.low < 0:
        yield Finding(
            "poisson-negative-rate",
            "warning",
            f"PoissonNLLLoss with log_input=False reads input as a rate, which cannot be "
            f"negative, but input goes down to {fmt_number(stats.low)}; the loss will be NaN. "
            f"Pass the log of the rate with log_input=True (the default), or make the rate "
            f"positive, e.g. with softplus.",
        )


def hinge_input_not_distance(call: LossCall) -> Iterator[Finding]:
    if call.name != "HingeEmbeddingLoss":
        return
    stats = call.stats("input")
    if stats is not None and stats.finite and stats.low < 0:
        yield Finding(
            "hinge-input-not-distance",
            "warning",
            f"HingeEmbeddingLoss reads input as a distance between the two items, which is "
            f"never negative, but input goes down to {fmt_number(stats.low)}; the loss can "
            f"come out negative. Pass a distance, e.g. torch.pairwise_distance(x1, x2), or "
            f"1 - cosine similarity.",
        )


CHECKS = (
    not_log_probabilities,
    softmax_before_cross_entropy,
    sigmoid_before_bce_with_logits,
    bce_input_outside_unit_interval,
    target_outside_unit_interval,
    cross_entropy_probabilities,
    kl_target_not_probabilities,
    non_finite,
    poisson_negative_rate,
    hinge_input_not_distance,
)
