"""Checks of the labels in the target: class indices in range, ±1 labels, and targets that
leave nothing to average."""

from __future__ import annotations

from collections.abc import Iterator

import torch

from lossguide.catalog import INDEX_ROLES, Argument, Role
from lossguide.diagnosis.call import LossCall
from lossguide.diagnosis.evidence import fmt_number
from lossguide.diagnosis.findings import Finding

__all__ = ["CHECKS", "out_of_range_finding"]


def _index_target(call: LossCall) -> tuple[Argument, torch.Tensor] | None:
    """The target argument and its tensor when it holds integer class indices, one or none
    per sample (not probabilities, not floats, not CTC's label sequences)."""
    target = call.spec.target
    if target is None or target.role not in (
        Role.CLASS_INDEX, Role.CLASS_INDEX_OR_PROBABILITIES, Role.PADDED_CLASS_INDEX
    ):  # fmt: skip
        return None
    tensor = call.tensor(target.name)
    if tensor is None or tensor.is_floating_point() or tensor.dtype == torch.bool:
        return None
    if call.resolution.roles[call.index(target.name)] not in INDEX_ROLES:
        return None  # class probabilities by their shape
    return target, tensor


def class_index_out_of_range(call: LossCall) -> Iterator[Finding]:
    indices, classes = _index_target(call), call.classes
    if indices is None or classes is None:
        return
    argument, target = indices
    stats = call.stats(argument.name)
    if stats is None:
        return
    low = -1 if argument.role is Role.PADDED_CLASS_INDEX else 0
    if low <= stats.low and stats.high < classes:
        return
    ignore_index = call.options.get("ignore_index") if call.spec.has_ignore_index else None
    values = target if ignore_index is None else target[target != ignore_index]
    yield from out_of_range_finding(
        call, argument.name, values, classes, low, ignore_index, raises=True
    )


def out_of_range_finding(
    call: LossCall,
    name: str,
    values: torch.Tensor,
    classes: int,
    low: int,
    ignore_index: object,
    *,
    raises: bool,
) -> Iterator[Finding]:
    """class-index-out-of-range for the labels in ``values`` (of the argument ``name``)
    outside ``[low, classes)``."""
    bad = values[(values < low) | (values >= classes)]
    if bad.numel() == 0:
        return
    examples = ", ".join(str(value) for value in bad.unique()[:3].tolist())
    valid = f"{low} to {classes - 1}"
    if ignore_index is not None:
        valid += f", or ignore_index={ignore_index}"
    consequence = (
        "torch raises (on a GPU, as an opaque device-side assert)"
        if raises
        else "the loss is silently wrong"
    )
    yield Finding(
        "class-index-out-of-range",
        "error" if raises else "warning",
        f"{name} holds {bad.numel()} label{'s' if bad.numel() > 1 else ''} "
        f"outside the classes, such as {examples}; with {classes} classes in "
        f"{call.spec.arguments[0].name} the valid values are {valid}, so {consequence}. Check "
        f"the number of classes, whether labels start at 1, and the ignore_index for padding.",
    )


def nothing_to_average(call: LossCall) -> Iterator[Finding]:
    """reduction='mean' over targets that are all ignored, or all of weight 0, is 0/0."""
    if not call.spec.has_ignore_index or call.options.get("reduction") != "mean":
        return
    indices, stats = _index_target(call), call.stats("target")
    if indices is None or stats is None:
        return
    _, target = indices
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
    if stats is None:
        return
    zero_one = stats.low >= 0 and bool(((tensor == 0) | (tensor == 1)).all())
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


CHECKS = (class_index_out_of_range, nothing_to_average, not_plus_minus_one)
