"""Distribution losses agree with torch: KL divergence, Poisson and Gaussian likelihoods."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
from hypothesis import given, settings
from hypothesis.extra.numpy import array_shapes, arrays

REDUCTIONS = st.sampled_from(["none", "mean", "sum"])
SHAPES = array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    shape=SHAPES,
    reduction=st.sampled_from(["none", "mean", "batchmean", "sum"]),
    log_target=st.booleans(),
)
def test_kl_div(agrees, data, shape, reduction, log_target):
    log_q = data.draw(arrays(np.float64, shape, elements=st.floats(-10, 0)))
    if log_target:
        target = data.draw(arrays(np.float64, shape, elements=st.floats(-10, 0)))
    else:
        # Exact zeros exercise 0 log 0 = 0.
        probability = st.one_of(st.just(0.0), st.floats(0, 1))
        target = data.draw(arrays(np.float64, shape, elements=probability))
    agrees("kl_div", log_q, target, reduction=reduction, log_target=log_target)


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    shape=SHAPES,
    reduction=REDUCTIONS,
    log_input=st.booleans(),
    full=st.booleans(),
    eps=st.sampled_from([1e-8, 1e-3, 0.5]),
)
def test_poisson_nll_loss(agrees, data, shape, reduction, log_input, full, eps):
    rate = st.floats(-5, 5) if log_input else st.floats(0, 10)
    input = data.draw(arrays(np.float64, shape, elements=rate))
    counts = st.one_of(st.integers(0, 20).map(float), st.floats(0, 20))
    target = data.draw(arrays(np.float64, shape, elements=counts))
    agrees("poisson_nll_loss", input, target, log_input, full, eps=eps, reduction=reduction)


@st.composite
def variances(draw, shape):
    """A variance in each layout torch accepts for an input of ``shape``."""
    variance = st.one_of(st.just(0.0), st.floats(0, 5))
    layouts = ["scalar", "same"]
    if len(shape) >= 1:
        layouts += ["no last dimension", "one dimension of 1"]
    layout = draw(st.sampled_from(layouts))
    if layout == "scalar":
        return draw(variance)
    if layout == "same":
        var_shape = shape
    elif layout == "no last dimension":
        var_shape = shape[:-1]
    else:
        axis = draw(st.integers(0, len(shape) - 1))
        var_shape = (*shape[:axis], 1, *shape[axis + 1 :])
    return draw(arrays(np.float64, var_shape, elements=variance))


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    shape=array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=5),
    reduction=REDUCTIONS,
    full=st.booleans(),
    eps=st.sampled_from([1e-6, 1e-2, 1.0]),
)
def test_gaussian_nll_loss(agrees, data, shape, reduction, full, eps):
    input, target = (
        data.draw(arrays(np.float64, shape, elements=st.floats(-10, 10))) for _ in "xy"
    )
    var = data.draw(variances(shape))
    agrees("gaussian_nll_loss", input, target, var, full, eps, reduction)
