"""The rules of CTCLoss alone: time first, lengths within the tensors, labels that are not
the blank, and inputs long enough to spell their targets.

Its targets are label sequences whose counted part depends on ``target_lengths``, in one of
two layouts (padded or concatenated), so which labels a check reads is CTCLoss's own business.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch

from lossguide.diagnosis.call import LossCall
from lossguide.diagnosis.check_labels import out_of_range_finding
from lossguide.diagnosis.evidence import class_dim, fmt_shape
from lossguide.diagnosis.findings import Finding

__all__ = ["CHECKS"]


def batch_first(call: LossCall) -> Iterator[Finding]:
    log_probs, lengths = call.tensor("log_probs"), call.tensor("input_lengths")
    if log_probs is None or lengths is None or log_probs.ndim != 3:
        return
    steps, batch = log_probs.shape[:2]
    if lengths.numel() == steps != batch:
        yield Finding(
            "ctc-batch-first",
            "error",
            f"log_probs has shape {fmt_shape(log_probs)} and there are {lengths.numel()} "
            f"input lengths, so the batch looks like it is in dimension 0. CTCLoss wants time "
            f"first, (T, N, C), and raises 'input_lengths must be of size batch_size'. Pass "
            f"log_probs.transpose(0, 1).",
        )


def label_out_of_range(call: LossCall) -> Iterator[Finding]:
    """A label outside the classes: CTCLoss does not raise, its loss is silently wrong."""
    log_probs, labels = call.tensor("log_probs"), _ctc_labels(call)
    if log_probs is None or labels is None or log_probs.ndim == 0:
        return
    classes = log_probs.shape[class_dim(call, "log_probs")]
    yield from out_of_range_finding(call, "targets", labels, classes, 0, None, raises=False)


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


def lengths_out_of_range(call: LossCall) -> Iterator[Finding]:
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


def input_too_short(call: LossCall) -> Iterator[Finding]:
    """Each label needs a frame, and each pair of equal neighbours a blank frame between."""
    if call.options.get("zero_infinity"):
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


def target_contains_blank(call: LossCall) -> Iterator[Finding]:
    labels, blank = _ctc_labels(call), call.options.get("blank", 0)
    if labels is None or not isinstance(blank, int):
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


CHECKS = (
    batch_first,
    label_out_of_range,
    lengths_out_of_range,
    input_too_short,
    target_contains_blank,
)
