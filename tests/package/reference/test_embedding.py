"""Pair, similarity and triplet losses agree with torch."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
from hypothesis import given, settings
from hypothesis.extra.numpy import arrays

REDUCTIONS = st.sampled_from(["none", "mean", "sum"])
SHAPES = st.lists(st.integers(0, 4), max_size=3).map(tuple)
EMBEDDING_SHAPES = st.one_of(
    st.tuples(st.integers(1, 5)), st.tuples(st.integers(0, 4), st.integers(1, 5))
)
COORDINATES = st.one_of(st.just(0.0), st.floats(-5, 5))
SIGNS = st.sampled_from([1.0, -1.0])


@settings(max_examples=30, deadline=None)
@given(data=st.data(), shape=SHAPES, reduction=REDUCTIONS, margin=st.floats(-1, 2))
def test_margin_ranking_loss(agrees, data, shape, reduction, margin):
    first, second = (data.draw(arrays(np.float64, shape, elements=COORDINATES)) for _ in "12")
    target = data.draw(arrays(np.float64, shape, elements=SIGNS))
    agrees("margin_ranking_loss", first, second, target, margin, reduction=reduction)


@settings(max_examples=30, deadline=None)
@given(data=st.data(), shape=SHAPES, reduction=REDUCTIONS, margin=st.floats(-1, 3))
def test_hinge_embedding_loss(agrees, data, shape, reduction, margin):
    distance = data.draw(arrays(np.float64, shape, elements=st.floats(0, 5)))
    target = data.draw(arrays(np.float64, shape, elements=SIGNS))
    agrees("hinge_embedding_loss", distance, target, margin, reduction=reduction)


@settings(max_examples=30, deadline=None)
@given(data=st.data(), shape=EMBEDDING_SHAPES, reduction=REDUCTIONS, margin=st.floats(-1, 1))
def test_cosine_embedding_loss(agrees, data, shape, reduction, margin):
    # Zero coordinates make zero vectors now and then, whose cosine is 0 thanks to epsilon.
    first, second = (data.draw(arrays(np.float64, shape, elements=COORDINATES)) for _ in "12")
    target = data.draw(arrays(np.float64, shape[:-1], elements=SIGNS))
    agrees("cosine_embedding_loss", first, second, target, margin, reduction=reduction)


def _triplet(data, shape):
    return [data.draw(arrays(np.float64, shape, elements=COORDINATES)) for _ in range(3)]


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    shape=EMBEDDING_SHAPES,
    reduction=REDUCTIONS,
    margin=st.floats(0.01, 3),
    p=st.sampled_from([0, 0.5, 1, 1.5, 2, 3, np.inf]),
    eps=st.sampled_from([0.0, 1e-6, 1e-2]),
    swap=st.booleans(),
)
def test_triplet_margin_loss(agrees, data, shape, reduction, margin, p, eps, swap):
    anchor, positive, negative = _triplet(data, shape)
    agrees(
        "triplet_margin_loss",
        anchor,
        positive,
        negative,
        margin,
        p,
        eps,
        swap,
        reduction=reduction,
    )


def manhattan(x1, x2):
    return np.abs(x1 - x2).sum(axis=-1)


def cosine_distance(x1, x2):
    norms = np.linalg.norm(x1, axis=-1) * np.linalg.norm(x2, axis=-1)
    return 1 - (x1 * x2).sum(axis=-1) / np.maximum(norms, 1e-8)


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    shape=EMBEDDING_SHAPES,
    reduction=REDUCTIONS,
    margin=st.floats(0.01, 3),
    swap=st.booleans(),
    distance_function=st.sampled_from([None, manhattan, cosine_distance]),
)
def test_triplet_margin_with_distance_loss(
    agrees, data, shape, reduction, margin, swap, distance_function
):
    anchor, positive, negative = _triplet(data, shape)
    agrees(
        "triplet_margin_with_distance_loss",
        anchor,
        positive,
        negative,
        distance_function=distance_function,
        margin=margin,
        swap=swap,
        reduction=reduction,
    )
