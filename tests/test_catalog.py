"""The catalog must describe torch as it is: every loss, with its real arguments."""

from __future__ import annotations

import inspect

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from lossguide.catalog import EXAMPLE_SIZES, LOSSES, Role, lookup

DEPRECATED = {"NLLLoss2d"}
# Added in torch 2.13 and not yet documented here: a fused linear layer plus cross entropy,
# with weights of its own, so it does not fit "loss(input, target)".
NOT_YET_COVERED = {"LinearCrossEntropyLoss"}
SPECS = {spec.name: spec for spec in LOSSES}


def test_every_torch_loss_is_in_the_catalog():
    torch_losses = set(nn.modules.loss.__all__) - DEPRECATED - NOT_YET_COVERED
    assert set(SPECS) == torch_losses


def test_names_are_unique():
    assert len(SPECS) == len(LOSSES) == len({spec.functional for spec in LOSSES})


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_arguments_match_forward(spec):
    forward = inspect.signature(getattr(nn, spec.name).forward)
    names = [name for name in forward.parameters if name != "self"]
    # PoissonNLLLoss.forward calls its input "log_input"; the catalog uses the functional's name.
    functional = inspect.signature(getattr(F, spec.functional))
    assert [argument.name for argument in spec.arguments] == list(functional.parameters)[
        : len(names)
    ]


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_options_are_real_keyword_arguments(spec):
    parameters = inspect.signature(getattr(F, spec.functional)).parameters
    assert set(spec.options) <= set(parameters)
    assert "reduction" in parameters


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_lookup_accepts_every_way_to_name_a_loss(spec):
    module_class = getattr(nn, spec.name)
    assert lookup(spec.name) is spec
    assert lookup(spec.functional) is spec
    assert lookup(module_class) is spec
    assert lookup(getattr(F, spec.functional)) is spec


def test_lookup_reads_instances_and_subclasses():
    class MyLoss(nn.CrossEntropyLoss):
        pass

    assert lookup(nn.MSELoss()).name == "MSELoss"
    assert lookup(MyLoss()).name == "CrossEntropyLoss"
    assert lookup(MyLoss).name == "CrossEntropyLoss"


@pytest.mark.parametrize("loss", ["softmax", torch.softmax, nn.Linear(2, 2), 3])
def test_lookup_refuses_what_is_not_a_loss(loss):
    with pytest.raises(ValueError, match=r"is not a torch\.nn loss"):
        lookup(loss)


def test_kl_div_reductions_include_batchmean():
    assert "batchmean" in lookup("KLDivLoss").reductions


def _example_tensor(spec, argument, role, shape, generator):
    """A valid tensor for one argument of one documented layout, in the documented dtype."""
    classes = EXAMPLE_SIZES["C"][0]
    if role is Role.VALUES:
        values = torch.randn(shape, generator=generator, dtype=torch.float64)
        if argument.name == "var":
            return values.abs() + 0.5
        if spec.expects.startswith("probabilities"):
            return values.sigmoid()
        if spec.expects.startswith("log-probabilities"):
            return values.log_softmax(dim=-1 if spec.name == "CTCLoss" else 0)
        return values
    if role is Role.CLASS_INDEX:
        low = 1 if spec.name == "CTCLoss" else 0  # class 0 is CTC's blank
        return torch.randint(low, classes, shape, generator=generator)
    if role is Role.PROBABILITY:
        return torch.rand(shape, generator=generator, dtype=torch.float64)
    if role is Role.SIGN:
        return torch.randint(0, 2, shape, generator=generator).double() * 2 - 1
    if role is Role.MULTI_HOT:
        return torch.randint(0, 2, shape, generator=generator).double()
    if role is Role.PADDED_CLASS_INDEX:
        indices = torch.randint(0, classes, shape, generator=generator)
        indices[..., -1] = -1
        return indices
    if role is Role.LENGTHS:
        size = EXAMPLE_SIZES["T" if argument.name == "input_lengths" else "S"][0]
        return torch.full(shape, size)
    raise AssertionError(role)


LAYOUT_CASES = [
    pytest.param(spec, layout, id=f"{spec.name}-{layout.name}")
    for spec in LOSSES
    for layout in spec.layouts
]


def _examples(spec, layout):
    generator = torch.Generator().manual_seed(0)
    roles = spec.roles_in(layout)
    shapes = layout.example_shapes()
    tensors = [
        _example_tensor(spec, argument, role, shape, generator)
        for argument, role, shape in zip(spec.arguments, roles, shapes, strict=True)
    ]
    return roles, tensors


@pytest.mark.parametrize(("spec", "layout"), LAYOUT_CASES)
def test_every_documented_layout_runs_in_torch(spec, layout):
    _, tensors = _examples(spec, layout)
    loss = getattr(F, spec.functional)
    for reduction in spec.reductions:
        if spec.name == "KLDivLoss" and reduction == "mean":
            with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
                result = loss(*tensors, reduction=reduction)
        else:
            result = loss(*tensors, reduction=reduction)
        assert torch.isfinite(result).all(), (reduction, result)


@pytest.mark.parametrize(("spec", "layout"), LAYOUT_CASES)
def test_documented_integer_dtypes_are_required(spec, layout):
    """Where the catalog says int64 class indices, floats fail; where it says float, int64 fails."""
    roles, tensors = _examples(spec, layout)
    loss = getattr(F, spec.functional)
    for index, role in enumerate(roles):
        if role is Role.CLASS_INDEX and spec.name != "CTCLoss":
            wrong = [*tensors[:index], tensors[index].double(), *tensors[index + 1 :]]
        elif role is Role.PROBABILITY and spec.name != "CrossEntropyLoss":
            wrong = [*tensors[:index], tensors[index].round().long(), *tensors[index + 1 :]]
        else:
            continue
        with pytest.raises(RuntimeError):
            loss(*wrong, reduction="sum")
