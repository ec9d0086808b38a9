"""Checks of the labels in the target: class indices in range, ±1 labels, targets that leave
nothing to average, and CTC targets that the input is too short to spell."""

from __future__ import annotations

from collections.abc import Iterator

import torch

from lossguide.catalog import Role
from lossguide.diagnosis.call import LossCall
from lossguide.diagnosis.evidence import class_dim, fmt_number
from lossguide.diagnosis.findings import Finding

__all__ = ["CHECKS"]

_IGNORING = frozenset({"NLLLoss", "CrossEntropyLoss"})


def _index_target(call: LossCall) -> torch.Tensor | None:
    """The target when it holds integer class indices (not probabilities, not floats)."""
    target = call.spec.target
    if target is None or target.role not in (
        Role.CLASS_INDEX, Role.CLASS_INDEX_OR_PROBABILITIES, Role.PADDED_CLASS_INDEX
    ):  # fmt: skip
        return None
    tensor = call.tensor(target.name)
    if tensor is None or tensor.is_floating_point() or tensor.dtype == torch.bool:
        return None
    logits = call.tensor(call.spec.arguments[0].name)
    if (
        target.role is Role.CLASS_INDEX_OR_PROBABILITIES
        and logits is not None
        and (tensor.shape == logits.shape)
    ):
        return None
    return tensor


def class_index_out_of_range(call: LossCall) -> Iterator[Finding]:
    target = _index_target(call)
    name = call.spec.arguments[0].name
    logits = call.tensor(name)
    if target is None or logits is None or logits.ndim == 0:
        return
    stats = call.stats(call.spec.target.name)
    if stats is None:
        return
    classes = logits.shape[class_dim(call, name)]
    low = -1 if call.spec.target.role is Role.PADDED_CLASS_INDEX else 0
    if low <= stats.low and stats.high < classes:
        return
    ignore_index = call.options.get("ignore_index") if call.name in _IGNORING else None
    if call.name == "CTCLoss":
        values = _ctc_labels(call)
        if values is None:
            return
    else:
        values = target if ignore_index is None else target[target != ignore_index]
    bad = values[(values < low) | (values >= classes)]
    if bad.numel() == 0:
        return
    examples = ", ".join(str(value) for value in bad.unique()[:3].tolist())
    valid = f"{low} to {classes - 1}"
    if ignore_index is not None:
        valid += f", or ignore_index={ignore_index}"
    raises = call.name != "CTCLoss"
    consequence = (
        "torch raises (on a GPU, as an opaque device-side assert)"
        if raises
        else "the loss is silently wrong"
    )
    yield Finding(
        "class-index-out-of-range",
        "error" if raises else "warning",
        f"{call.spec.target.name} holds {bad.numel()} label{'s' if bad.numel() > 1 else ''} "
        f"outside the classes, such as {examples}; with {classes} classes in {name} the valid "
        f"values are {valid}, so {consequence}. Check the number of classes, whether labels "
        f"start at 1, and the ignore_index for padding.",
    )


def nothing_to_average(call: LossCall) -> Iterator[Finding]:
    """reduction='mean' over targets that are all ignored, or all of weight 0, is 0/0."""
    if call.name not in _IGNORING or call.options.get("reduction") != "mean":
        return
    target, stats = _index_target(call), call.stats("target")
    if target is None or stats is None:
        return
    ignore_index = call.options.get("ignore_index")
    if stats.low == stats.high == ignore_index:
        yield Finding(
            "all-targets-ignored",
            "warning",
            f"every one of the {stats.count} targets equals ignore_index={ignore_index}, so "
            f"reduction='mean' divides 0 by 0 and the loss is NaN. Skip such batches, or use "
            f"reduction='sum' divided by max(1, number of counted targets).",
        )
        return
    weight = call.options.get("weight")
    if not isinstance(weight, torch.Tensor) or weight.ndim != 1:
        return
    counted = target[target != ignore_index]
    if (
        counted.numel()
        and counted.min() >= 0
        and counted.max() < weight.numel()
        and bool((weight[counted] == 0).all())
    ):
        yield Finding(
            "all-target-weights-zero",
            "warning",
            "every counted target is of a class whose weight is 0, so reduction='mean' "
            "divides 0 by 0 and the loss is NaN. Check the class weights.",
        )


def not_plus_minus_one(call: LossCall) -> Iterator[Finding]:
    target = call.spec.target
    if target is None or target.role is not Role.SIGN:
        return
    tensor = call.tensor(target.name)
    if tensor is None or tensor.numel() == 0 or tensor.dtype == torch.bool:
        return
    if not bool((tensor.abs() != 1).any()):
        return
    stats = call.stats(target.name)
    zero_one = stats is not None and stats.low >= 0 and bool(((tensor == 0) | (tensor == 1)).all())
    saw = (
        "0/1 labels"
        if zero_one
        else f"values other than ±1 (from {fmt_number(stats.low)} to {fmt_number(stats.high)})"
    )
    yield Finding(
        "target-not-plus-minus-one",
        "warning",
        f"{call.name} reads its target as +1 (similar, or ranked first) and -1 (dissimilar, "
        f"or ranked second), but {target.name} holds {saw}; any other value gives a "
        f"term that means nothing, and no error. Map 0/1 labels to ±1 with "
        f"{target.name} * 2 - 1.",
    )


def _ctc_layout(call: LossCall) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None:
    """targets, target lengths and the sample of each target position, all int64."""
    targets, lengths = call.tensor("targets"), call.tensor("target_lengths")
    if (
        targets is None
        or lengths is None
        or targets.is_floating_point()
        or lengths.is_floating_point()
    ):
        return None
    lengths = lengths.reshape(-1).long()
    if targets.ndim == 2:  # padded: (N, S), the first target_lengths[n] entries count
        if targets.shape[0] != lengths.numel() or lengths.max() > targets.shape[1]:
            return None
        counted = torch.arange(targets.shape[1]) < lengths[:, None]
        sample = torch.arange(targets.shape[0])[:, None].expand_as(targets)
        return targets[counted], lengths, sample[counted]
    if targets.ndim <= 1 and targets.numel() == int(lengths.sum()):  # concatenated
        sample = torch.repeat_interleave(torch.arange(lengths.numel()), lengths)
        return targets.reshape(-1), lengths, sample
    return None


def _ctc_labels(call: LossCall) -> torch.Tensor | None:
    layout = _ctc_layout(call)
    return None if layout is None else layout[0]


def ctc_lengths(call: LossCall) -> Iterator[Finding]:
    if call.name != "CTCLoss":
        return
    log_probs, targets = call.tensor("log_probs"), call.tensor("targets")
    input_lengths, target_lengths = call.tensor("input_lengths"), call.tensor("target_lengths")
    if log_probs is None or input_lengths is None or log_probs.ndim not in (2, 3):
        return
    if input_lengths.is_floating_point() or input_lengths.numel() == 0:
        return
    steps = log_probs.shape[0]
    longest = int(input_lengths.max())
    if longest > steps:
        yield Finding(
            "ctc-lengths-out-of-range",
            "error",
            f"input_lengths goes up to {longest}, but log_probs has only {steps} time steps "
            f"(dimension 0), so CTCLoss raises. Is log_probs batch-first? CTCLoss wants "
            f"(T, N, C).",
        )
        return
    if (
        targets is not None
        and target_lengths is not None
        and targets.ndim == 2
        and (
            not target_lengths.is_floating_point()
            and target_lengths.numel()
            and int(target_lengths.max()) > targets.shape[1]
        )
    ):
        yield Finding(
            "ctc-lengths-out-of-range",
            "error",
            f"target_lengths goes up to {int(target_lengths.max())}, but the padded targets "
            f"have only {targets.shape[1]} columns, so CTCLoss raises.",
        )


def ctc_input_too_short(call: LossCall) -> Iterator[Finding]:
    """Each label needs a frame, and each pair of equal neighbours a blank frame between."""
    if call.name != "CTCLoss" or call.options.get("zero_infinity"):
        return
    layout, input_lengths = _ctc_layout(call), call.tensor("input_lengths")
    if layout is None or input_lengths is None or input_lengths.is_floating_point():
        return
    labels, lengths, sample = layout
    input_lengths = input_lengths.reshape(-1).long()
    if input_lengths.numel() != lengths.numel():
        return
    repeated = (labels[1:] == labels[:-1]) & (sample[1:] == sample[:-1])
    repeats = torch.bincount(sample[1:][repeated], minlength=lengths.numel())
    needed = lengths + repeats
    short = (input_lengths < needed).nonzero().reshape(-1)
    if short.numel() == 0:
        return
    first = int(short[0])
    mean = call.options.get("reduction") == "mean"
    yield Finding(
        "ctc-input-too-short",
        "warning",
        f"{short.numel()} of {lengths.numel()} samples have fewer frames than their target "
        f"needs: sample {first} has {int(input_lengths[first])} but needs at least "
        f"{int(needed[first])} ({int(lengths[first])} labels plus {int(repeats[first])} "
        f"repeated neighbours, each of which needs a blank between). Their loss is inf"
        f"{', and so is the mean over the batch' if mean else ''}. Downsample the input less, "
        f"drop these samples, or pass zero_infinity=True to count them as 0.",
    )


def ctc_target_contains_blank(call: LossCall) -> Iterator[Finding]:
    if call.name != "CTCLoss":
        return
    labels, blank = _ctc_labels(call), call.options.get("blank", 0)
    if labels is None:
        return
    count = int((labels == blank).sum())
    if count:
        yield Finding(
            "ctc-target-contains-blank",
            "warning",
            f"{count} target label{'s' if count > 1 else ''} within target_lengths equal the "
            f"blank index {blank}; the blank separates labels and cannot be one, so the loss "
            f"is silently wrong. Shift the labels (e.g. to start at 1 when blank=0) or count "
            f"only real labels in target_lengths.",
        )


def kl_reduction_mean(call: LossCall) -> Iterator[Finding]:
    if call.name == "KLDivLoss" and call.options.get("reduction") == "mean":
        yield Finding(
            "kl-reduction-mean",
            "warning",
            "KLDivLoss with reduction='mean' divides the sum by the number of elements, which "
            "includes the classes, so it is not the KL divergence averaged over samples (torch "
            "also warns). Pass reduction='batchmean'.",
        )


CHECKS = (
    class_index_out_of_range,
    nothing_to_average,
    not_plus_minus_one,
    ctc_lengths,
    ctc_input_too_short,
    ctc_target_contains_blank,
    kl_reduction_mean,
)
