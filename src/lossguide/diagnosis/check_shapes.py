"""Checks of shapes: arguments that broadcast, targets laid out for another loss, and the
class dimension in the wrong place."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import torch

from lossguide.catalog import FLOAT_ROLES, Role
from lossguide.diagnosis.call import LossCall
from lossguide.diagnosis.evidence import fmt_shape
from lossguide.diagnosis.findings import Finding

__all__ = ["CHECKS"]


def broadcast_shapes(call: LossCall) -> Iterator[Finding]:
    for argument in call.spec.arguments:
        same_as = call.spec.same_shape_as(argument.name)
        tensor = call.tensor(argument.name)
        other = call.tensor(same_as) if same_as else None
        if same_as is None or tensor is None or other is None or tensor.shape == other.shape:
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
        if call.spec.shape_mismatch.raises(tuple(other.shape), tuple(tensor.shape)):
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
    target_argument = call.spec.target
    if target_argument is None or target_argument.role not in (
        Role.CLASS_INDEX,
        Role.CLASS_INDEX_OR_PROBABILITIES,
    ):
        return
    logits, target = call.tensor("input"), call.tensor(target_argument.name)
    if logits is None or target is None:
        return
    resolution, index = call.resolution, call.index(target_argument.name)
    if resolution.fits:
        # Class probabilities by their shape, but not floats: one-hot rows, most likely.
        if resolution.roles[index] in FLOAT_ROLES and not target.is_floating_point():
            yield from _same_shape_target(call, logits, target, probabilities_ok=True)
        return
    expected = resolution.expected_shape(index)  # from the input's layout
    if expected is None:
        return  # the input fits no layout either; torch's own error says so
    if tuple(target.shape) == expected:
        return  # the target fits; another argument does not (linear_weight's features)
    probabilities_ok = target_argument.role is Role.CLASS_INDEX_OR_PROBABILITIES
    if target.shape == logits.shape:
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
    target_argument = call.spec.target
    if target_argument is None:
        return
    dim = call.resolution.class_dim(call.index(target_argument.name))
    if dim is None:
        dim = call.resolution.class_dim(0)
    one_hot = bool(((target == 0) | (target == 1)).all() and (target.sum(dim=dim) == 1).all())
    also = " (or target.float(), which it reads as class probabilities)" if probabilities_ok else ""
    # LinearCrossEntropyLoss's input holds features, so its class probabilities have the
    # logits' shape, not the input's.
    has = "the input's shape" if target.shape == logits.shape else "one entry per class, shape"
    if one_hot:
        yield Finding(
            "target-is-one-hot",
            "error",
            f"target has {has} {fmt_shape(target)} and holds a single 1 per "
            f"sample: one-hot rows. {call.name} needs class indices and raises. Pass "
            f"target.argmax(dim={dim}){also}.",
        )
    else:
        multi = " For several labels per sample, use BCEWithLogitsLoss." if dim == 1 else ""
        yield Finding(
            "target-shape-mismatch",
            "error",
            f"target has {has} {fmt_shape(target)} and is not one-hot, but "
            f"{call.name} needs one class index per sample and raises.{multi}",
        )


CHECKS = (broadcast_shapes, target_layout)
