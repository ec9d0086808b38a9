"""Checks of shapes: arguments that broadcast, targets laid out for another loss, and the
class or time dimension in the wrong place."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import torch

from lossguide.catalog import Role
from lossguide.diagnosis.call import LossCall
from lossguide.diagnosis.evidence import fmt_shape
from lossguide.diagnosis.findings import Finding

__all__ = ["CHECKS"]

# Losses that raise on arguments of different shapes; the others broadcast them silently.
_STRICT_SHAPES = frozenset({
    "BCELoss", "BCEWithLogitsLoss", "SoftMarginLoss", "MarginRankingLoss",
    "MultiLabelMarginLoss",
})  # fmt: skip


def _indexed(call: LossCall) -> bool:
    """Whether the loss takes (N, C) scores with one class index per sample, per the catalog."""
    return any(layout.shapes[:2] == (("N", "C"), ("N",)) for layout in call.spec.layouts)


def broadcast_shapes(call: LossCall) -> Iterator[Finding]:
    for argument in call.spec.arguments:
        same_as = call.spec.same_shape_as(argument.name)
        tensor = call.tensor(argument.name)
        other = call.tensor(same_as) if same_as else None
        if tensor is None or other is None or tensor.shape == other.shape:
            continue
        pair = f"{same_as} has shape {fmt_shape(other)} and {argument.name} {fmt_shape(tensor)}"
        try:
            # NumPy's rule is torch's, and torch.broadcast_shapes imports sympy on its first
            # call: 0.8 s.
            joint = np.broadcast_shapes(tuple(other.shape), tuple(tensor.shape))
        except ValueError:
            yield Finding(
                "shape-mismatch",
                "error",
                f"{pair}; {call.name} needs them equal, and these do not even broadcast, "
                f"so it raises. Check which dimension is which.",
            )
            continue
        fix = _squeeze_hint(other.shape, tensor.shape, same_as, argument.name)
        if call.name in _STRICT_SHAPES:
            yield Finding(
                "shapes-broadcast",
                "error",
                f"{pair}; {call.name} needs them equal and raises. {fix}",
            )
        else:
            terms = math.prod(joint)
            yield Finding(
                "shapes-broadcast",
                "warning",
                f"{pair}. They broadcast to {fmt_shape(tuple(joint))}, so {call.name} "
                f"silently pairs every element of one with every element of the other and "
                f"reduces {terms} terms instead of {max(other.numel(), tensor.numel())}: "
                f"a plausible but wrong value. {fix}",
            )


def _squeeze_hint(first: torch.Size, second: torch.Size, name1: str, name2: str) -> str:
    if len(first) == len(second) + 1 and first[-1] == 1 and first[:-1] == second:
        return f"Make them equal, e.g. {name1}.squeeze(-1)."
    if len(second) == len(first) + 1 and second[-1] == 1 and second[:-1] == first:
        return f"Make them equal, e.g. {name2}.squeeze(-1)."
    return f"Make them equal, e.g. {name2}.view_as({name1}) if they hold the same elements."


def target_layout(call: LossCall) -> Iterator[Finding]:
    """One-hot rows, (N, 1) targets and sequence logits with the classes last."""
    if not _indexed(call):
        return
    logits, target = call.tensor("input"), call.tensor("target")
    if logits is None or target is None or logits.ndim == 0:
        return
    expected = (logits.shape[0], *logits.shape[2:]) if logits.ndim >= 2 else ()
    if tuple(target.shape) == expected:
        return
    probabilities_ok = call.spec.target.role is Role.CLASS_INDEX_OR_PROBABILITIES
    if target.shape == logits.shape:
        if probabilities_ok and target.is_floating_point():
            return  # class probabilities; check_values looks at their rows
        yield from _same_shape_target(call, logits, target, probabilities_ok)
        return
    want = f"shape {fmt_shape(expected)}" if expected else "a 0-d shape"
    if logits.ndim >= 3 and tuple(target.shape) == tuple(logits.shape[:-1]):
        order = ", ".join(["0", str(logits.ndim - 1), *map(str, range(1, logits.ndim - 1))])
        fix = "input.transpose(1, 2)" if logits.ndim == 3 else f"input.permute({order})"
        yield Finding(
            "class-dim-not-second",
            "error",
            f"input has shape {fmt_shape(logits)} and target {fmt_shape(target)}, so the "
            f"classes look like they are in the last dimension of input; {call.name} reads "
            f"them from dimension 1 and raises, as it expects a target of {want}. Move the "
            f"classes to dimension 1 with {fix}.",
        )
        return
    squeezable = target.ndim == len(expected) + 1 and target.shape[-1] == 1
    fix = "target.squeeze(-1)" if squeezable else "one class index per sample"
    yield Finding(
        "target-shape-mismatch",
        "error",
        f"target has shape {fmt_shape(target)}, but for an input of shape "
        f"{fmt_shape(logits)} {call.name} needs class indices of {want} and raises. "
        f"Pass {fix}.",
    )


def _same_shape_target(
    call: LossCall, logits: torch.Tensor, target: torch.Tensor, probabilities_ok: bool
) -> Iterator[Finding]:
    dim = 1 if logits.ndim >= 2 else 0
    one_hot = bool(((target == 0) | (target == 1)).all() and (target.sum(dim=dim) == 1).all())
    also = " (or target.float(), which it reads as class probabilities)" if probabilities_ok else ""
    if one_hot:
        yield Finding(
            "target-is-one-hot",
            "error",
            f"target has the input's shape {fmt_shape(target)} and holds a single 1 per "
            f"sample: one-hot rows. {call.name} needs class indices and raises. Pass "
            f"target.argmax(dim={dim}){also}.",
        )
    else:
        multi = " For several labels per sample, use BCEWithLogitsLoss." if dim == 1 else ""
        yield Finding(
            "target-shape-mismatch",
            "error",
            f"target has the input's shape {fmt_shape(target)} and is not one-hot, but "
            f"{call.name} needs one class index per sample and raises.{multi}",
        )


def ctc_batch_first(call: LossCall) -> Iterator[Finding]:
    if call.name != "CTCLoss":
        return
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


CHECKS = (broadcast_shapes, target_layout, ctc_batch_first)
