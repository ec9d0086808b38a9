"""The behaviour tables against the catalog: each outcome torch gave while the tables were
made must be what the catalog's typed fields say, so a table cell that disagreed with the
catalog, or a catalog field that disagreed with torch, fails here."""

from __future__ import annotations

import pytest
import torch

from lossguide import behaviour
from lossguide.catalog import CLASS_INDEX_ROLES, LOSSES, MixedFloatDtypes

SPECS = pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
F64, F32 = torch.float64, torch.float32


@SPECS
def test_mixed_float_dtypes(spec):
    outcomes = behaviour.mixed_float_dtypes(spec)
    expected = spec.mixed_float_dtypes
    assert (outcomes is None) == (expected is None)
    if outcomes is None:
        return
    wide_input, wide_target = outcomes.values()
    if expected is MixedFloatDtypes.RAISES:
        assert wide_input.stage == wide_target.stage == "forward"
        return
    dtypes = {
        MixedFloatDtypes.PROMOTES: (F64, F64),
        MixedFloatDtypes.INPUT_DTYPE: (F64, F32),
        MixedFloatDtypes.TARGET_DTYPE: (F32, F64),
        MixedFloatDtypes.RAISES_IN_BACKWARD: (F64, F32),
    }[expected]
    assert (wide_input.dtype, wide_target.dtype) == dtypes
    stage = "backward" if expected is MixedFloatDtypes.RAISES_IN_BACKWARD else None
    assert wide_input.stage == wide_target.stage == stage, (wide_input, wide_target)


@SPECS
def test_broadcasting(spec):
    outcomes = behaviour.broadcasting(spec)
    pairs = [spec.same_shape_as(argument.name) for argument in spec.arguments]
    assert (outcomes is None) == all(pair is None for pair in pairs)
    if outcomes is None:
        return
    for (first, second), outcome in zip(behaviour.BROADCAST_CASES, outcomes.values(), strict=True):
        assert outcome.raised == spec.shape_mismatch.raises(first, second), (first, second)
        if not outcome.raised:
            assert outcome.warned == spec.warns_when_broadcasting, (first, second)


@SPECS
def test_integer_arguments(spec):
    outcomes = behaviour.integer_arguments(spec)
    assert outcomes.pop("int64 input").raised != spec.promotes_integer_input
    if spec.target is None:
        assert not outcomes
        return
    role = spec.target.role
    for name, outcome in outcomes.items():
        dtype = name.removesuffix(" target")
        if role in CLASS_INDEX_ROLES:
            accepted = spec.index_dtypes is None or dtype in spec.index_dtypes
        else:
            accepted = spec.promotes_integer_target
        assert outcome.raised != accepted, name


@SPECS
def test_autocast(spec):
    for name, outcome in behaviour.autocast(spec).items():
        assert not outcome.raised, outcome
        low = getattr(torch, name)
        assert outcome.dtype == (F32 if spec.autocast_to_float32 else low), name


@pytest.mark.parametrize(
    ("render", "outcomes"),
    [
        (behaviour.mixed_float_table, behaviour.mixed_float_dtypes),
        (behaviour.broadcast_table, behaviour.broadcasting),
        (behaviour.integer_table, behaviour.integer_arguments),
        (behaviour.autocast_table, behaviour.autocast),
    ],
)
def test_each_table_cell_is_the_outcome_torch_gave(render, outcomes):
    rows = [line.strip("| ").split(" | ") for line in render().splitlines()[2:]]
    assert len(rows) == len(LOSSES)
    for spec, (link, *cells) in zip(LOSSES, rows, strict=True):
        assert link == f"{{ref}}`{spec.name} <{spec.label}>`"
        found = outcomes(spec)
        if found is not None:
            assert cells[: len(found)] == [outcome.cell() for outcome in found.values()]
