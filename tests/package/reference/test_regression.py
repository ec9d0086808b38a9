"""Regression losses agree with torch over random shapes, weights and options."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
from hypothesis import given, settings
from hypothesis.extra.numpy import array_shapes, arrays

REDUCTIONS = st.sampled_from(["none", "mean", "sum"])
VALUES = st.floats(-10, 10, width=64)


@st.composite
def predictions(draw, *, with_weight=True):
    """``input``, ``target`` and maybe ``weight`` of one random shape, empty ones included."""
    shape = draw(array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    values = [draw(arrays(np.float64, shape, elements=VALUES)) for _ in range(2)]
    weight = None
    if with_weight and draw(st.booleans()):
        weight = draw(arrays(np.float64, shape, elements=st.floats(0, 5, width=64)))
    return (*values, weight)


@settings(max_examples=40, deadline=None)
@given(arguments=predictions(), reduction=REDUCTIONS, name=st.sampled_from(["l1_loss", "mse_loss"]))
def test_l1_and_mse_loss(agrees, arguments, reduction, name):
    input, target, weight = arguments
    agrees(name, input, target, reduction=reduction, weight=weight)


@settings(max_examples=40, deadline=None)
@given(arguments=predictions(), reduction=REDUCTIONS, delta=st.floats(0.05, 5))
def test_huber_loss(agrees, arguments, reduction, delta):
    input, target, weight = arguments
    agrees("huber_loss", input, target, reduction=reduction, delta=delta, weight=weight)


@settings(max_examples=40, deadline=None)
@given(
    arguments=predictions(with_weight=False),
    reduction=REDUCTIONS,
    beta=st.one_of(st.just(0.0), st.floats(0.05, 5)),
)
def test_smooth_l1_loss(agrees, arguments, reduction, beta):
    input, target, _ = arguments
    agrees("smooth_l1_loss", input, target, reduction=reduction, beta=beta)


def test_python_sequences_are_accepted(agrees):
    agrees("mse_loss", [1, 2, 3], [1.5, 2.0, 0.0])
    agrees("l1_loss", 2.0, 3.5, reduction="none")
