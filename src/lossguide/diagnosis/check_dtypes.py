"""Checks of what kind of object and which dtype each argument is.

These are the mistakes torch raises on, with messages that name a dtype or an attribute but
not the change to make.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch

from lossguide.catalog import CLASS_INDEX_ROLES, FLOAT_ROLES, MixedFloatDtypes, Role
from lossguide.diagnosis.call import LossCall
from lossguide.diagnosis.evidence import fmt_shape
from lossguide.diagnosis.findings import Finding

__all__ = ["CHECKS"]


def _dtype(tensor: torch.Tensor) -> str:
    return str(tensor.dtype).removeprefix("torch.")


def not_a_tensor(call: LossCall) -> Iterator[Finding]:
    for argument in call.spec.arguments:
        value = call.raw[argument.name]
        if isinstance(value, torch.Tensor):
            continue
        if isinstance(value, argument.also_accepts):
            continue  # e.g. CTCLoss's lengths as lists, GaussianNLLLoss's var as one float
        if isinstance(value, (tuple, list)) and any(isinstance(v, torch.Tensor) for v in value):
            yield Finding(
                "not-a-tensor",
                "error",
                f"{argument.name} is a {type(value).__name__} of {len(value)} with tensors in "
                f"it, as a model that returns several outputs gives, but {call.name} takes "
                f"one tensor as {argument.name}. Pass the one it should be, such as "
                f"{argument.name}[0].",
            )
            continue
        if isinstance(value, np.ndarray):
            what = f"a NumPy array ({value.dtype}, shape {fmt_shape(value)})"
        else:
            what = f"a {type(value).__name__}"
        yield Finding(
            "not-a-tensor",
            "error",
            f"{argument.name} is {what}, but {call.name} takes tensors only; it fails with an "
            f"error that does not say so, such as \"'int' object is not callable\". Convert it "
            f"first: torch.as_tensor({argument.name}), or lossguide.as_tensors(loss, ...), "
            f"which also gives each argument the dtype the loss needs.",
        )


def _inputs(call: LossCall) -> list[str]:
    """The arguments that hold predictions: those before the target, or all of a triplet."""
    names = [argument.name for argument in call.spec.arguments]
    target = call.spec.target
    return names[: names.index(target.name)] if target else names


def input_not_floating(call: LossCall) -> Iterator[Finding]:
    if call.spec.promotes_integer_input:
        return
    for name in _inputs(call):
        tensor = call.tensor(name)
        if tensor is not None and not (tensor.is_floating_point() or tensor.is_complex()):
            yield Finding(
                "input-not-floating",
                "error",
                f"{name} is {_dtype(tensor)}, but {call.name} computes in floating point and "
                f"raises on integer inputs. Pass the model's float output, or convert with "
                f"{name}.float().",
            )


def class_index_not_int64(call: LossCall) -> Iterator[Finding]:
    target = call.spec.target
    if target is None or target.role not in CLASS_INDEX_ROLES:
        return
    resolution = call.resolution
    accepted = call.spec.index_dtypes_in(resolution.layout)
    tensor = call.tensor(target.name)
    if tensor is None or accepted is None or _dtype(tensor) in accepted:
        return
    if resolution.roles[call.index(target.name)] in FLOAT_ROLES:
        return  # class probabilities (or one-hot rows: see target-is-one-hot)
    fix = f"{target.name}.long()"
    if tensor.is_floating_point():
        if target.role is Role.CLASS_INDEX_OR_PROBABILITIES:
            fix += (
                f" ({call.name} reads a float target as class probabilities only when it "
                f"has the input's shape, and this one has shape {fmt_shape(tensor)})"
            )
        why = f"holds {_dtype(tensor)} values"
    else:
        why = f"is {_dtype(tensor)}"
        if tensor.dtype == torch.int32:
            why += (
                " (what torch.IntTensor makes, and NumPy's default integer on Windows before "
                "NumPy 2.0)"
            )
    yield Finding(
        "class-index-not-int64",
        "error",
        f"{target.name} {why}, but {call.name} needs class indices as int64 and raises "
        f"otherwise. Convert with {fix}.",
    )


def target_not_float(call: LossCall) -> Iterator[Finding]:
    target = call.spec.target
    if target is None or target.role is not Role.PROBABILITY:
        return
    tensor = call.tensor(target.name)
    if tensor is None:
        return
    if not tensor.is_floating_point():
        yield Finding(
            "target-not-float",
            "error",
            f"{target.name} is {_dtype(tensor)}, but {call.name} needs float targets and "
            f"raises on integer ones even when they are 0 and 1. Convert with "
            f"{target.name}.float() (or .to(input.dtype)).",
        )


def mixed_float_dtypes(call: LossCall) -> Iterator[Finding]:
    """Floating arguments of two dtypes, for a loss that does not simply promote them
    (:attr:`~lossguide.catalog.LossSpec.mixed_float_dtypes`)."""
    behaviour = call.spec.mixed_float_dtypes
    if behaviour in (None, MixedFloatDtypes.PROMOTES):
        return
    roles = call.resolution.roles
    floats = [
        (argument.name, tensor)
        for argument, role in zip(call.spec.arguments, roles, strict=True)
        if role in FLOAT_ROLES
        and (tensor := call.tensor(argument.name)) is not None
        and tensor.is_floating_point()
    ]
    if len(floats) < 2 or len({tensor.dtype for _, tensor in floats}) == 1:
        return
    (first_name, first), *others = floats
    # Under autocast, these losses compute in float32 whatever the dtypes of their arguments.
    if torch.is_autocast_enabled(first.device.type):
        return
    other_name, other = next((name, t) for name, t in others if t.dtype != first.dtype)
    dtypes = f"{first_name} is {_dtype(first)} and {other_name} {_dtype(other)}"
    fix = f"Convert with {other_name}.to({first_name}.dtype)."
    if behaviour is MixedFloatDtypes.RAISES:
        yield Finding(
            "mixed-float-dtypes",
            "error",
            f"{dtypes}; {call.name} needs both in one dtype and raises otherwise. {fix}",
        )
    elif behaviour is MixedFloatDtypes.RAISES_IN_BACKWARD:
        grad = any(tensor.requires_grad for _, tensor in floats)
        yield Finding(
            "mixed-float-dtypes",
            "error" if grad else "warning",
            f'{dtypes}; {call.name} computes the loss, but its backward() raises "Found '
            f'dtype ... but expected ..." unless both have one dtype. {fix}',
        )
    else:
        kept = first if behaviour is MixedFloatDtypes.INPUT_DTYPE else other
        if kept.dtype.itemsize < max(first.dtype.itemsize, other.dtype.itemsize):
            whose = "the input's" if behaviour is MixedFloatDtypes.INPUT_DTYPE else "the target's"
            yield Finding(
                "mixed-float-dtypes",
                "warning",
                f"{dtypes}; {call.name} does not promote them but computes in {whose} dtype, "
                f"{_dtype(kept)}, so the wider argument loses its precision. {fix}",
            )


def lengths_not_integer(call: LossCall) -> Iterator[Finding]:
    for argument in call.spec.arguments:
        tensor = call.tensor(argument.name)
        if argument.role is Role.LENGTHS and tensor is not None and tensor.is_floating_point():
            yield Finding(
                "lengths-not-integer",
                "error",
                f"{argument.name} holds {_dtype(tensor)} values, but lengths must be integers "
                f"and {call.name} raises otherwise. Convert with {argument.name}.long().",
            )


CHECKS = (
    not_a_tensor,
    input_not_floating,
    class_index_not_int64,
    target_not_float,
    mixed_float_dtypes,
    lengths_not_integer,
)
