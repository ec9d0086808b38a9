"""The catalog must describe torch as it is: every loss, with its real arguments."""

from __future__ import annotations

import inspect

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from lossguide.catalog import LOSSES, lookup

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
