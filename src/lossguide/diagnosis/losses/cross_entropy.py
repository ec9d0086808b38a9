"""The rules of CrossEntropyLoss alone: a target of class probabilities must hold
distributions over the classes, in dimension 1."""

from __future__ import annotations

from collections.abc import Iterator

from lossguide.catalog import Role
from lossguide.diagnosis.call import LossCall
from lossguide.diagnosis.check_values import value_range
from lossguide.diagnosis.evidence import class_dim, rows_sum_to_one
from lossguide.diagnosis.findings import Finding

__all__ = ["CHECKS"]


def target_not_distribution(call: LossCall) -> Iterator[Finding]:
    """A float target of the input's shape: class probabilities, which must be distributions."""
    logits, target, stats = call.tensor("input"), call.tensor("target"), call.stats("target")
    if logits is None or target is None or stats is None:
        return
    if call.resolution.roles[1] is not Role.DISTRIBUTION or not call.resolution.fits:
        return
    if not target.is_floating_point() or not stats.finite:
        return
    dim = class_dim(call, "input")
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
        saw, fix = f"values {value_range(stats)}", "Pass probabilities (softmax of teacher logits)."
    yield Finding(
        "ce-target-not-distribution",
        "warning",
        f"target has the input's shape, so CrossEntropyLoss reads it as class probabilities, "
        f"but it holds {saw}; the loss is silently wrong (it can be negative). {fix}",
    )


CHECKS = (target_not_distribution,)
