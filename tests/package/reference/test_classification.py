"""Classification losses agree with torch over random layouts, targets and options."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
from hypothesis import given, settings
from hypothesis.extra.numpy import arrays

REDUCTIONS = st.sampled_from(["none", "mean", "sum"])
LOGITS = st.floats(-30, 30)


@st.composite
def class_layouts(draw, *, max_extra_dims=2):
    """``(input shape, class axis)``: ``(C,)``, ``(N, C)`` or ``(N, C, d1, ..., dK)``."""
    num_classes = draw(st.integers(1, 5))
    if draw(st.integers(0, 4)) == 0:
        return (num_classes,), 0
    batch = draw(st.integers(0, 4))
    extra = draw(st.lists(st.integers(1, 3), max_size=max_extra_dims))
    return (batch, num_classes, *extra), 1


@st.composite
def class_targets(draw, shape, class_axis, ignore_index):
    """Class indices for ``shape``, some of them ``ignore_index``."""
    num_classes = shape[class_axis]
    target_shape = shape[:class_axis] + shape[class_axis + 1 :]
    index = st.integers(0, num_classes - 1)
    if ignore_index is not None:
        index = st.one_of(index, st.just(ignore_index))
    return draw(arrays(np.int64, target_shape, elements=index))


def class_weights(num_classes):
    # Subnormal weights would only test how torch and NumPy round numbers near 1e-320.
    weight = st.floats(0, 3, allow_subnormal=False)
    return st.one_of(st.none(), arrays(np.float64, (num_classes,), elements=weight))


@st.composite
def indexed_problems(draw):
    shape, class_axis = draw(class_layouts())
    num_classes = shape[class_axis]
    ignore_index = draw(st.sampled_from([-100, 0, num_classes - 1]))
    target = draw(class_targets(shape, class_axis, ignore_index))
    return draw(arrays(np.float64, shape, elements=LOGITS)), target, ignore_index


@settings(max_examples=50, deadline=None)
@given(
    data=st.data(),
    problem=indexed_problems(),
    reduction=REDUCTIONS,
    label_smoothing=st.one_of(st.just(0.0), st.floats(0, 1)),
)
def test_cross_entropy_with_class_indices(agrees, data, problem, reduction, label_smoothing):
    logits, target, ignore_index = problem
    weight = data.draw(class_weights(logits.shape[1 if logits.ndim > 1 else 0]))
    agrees(
        "cross_entropy",
        logits,
        target,
        weight,
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    layout=class_layouts(),
    reduction=REDUCTIONS,
    label_smoothing=st.one_of(st.just(0.0), st.floats(0, 1)),
)
def test_cross_entropy_with_class_probabilities(agrees, data, layout, reduction, label_smoothing):
    shape, class_axis = layout
    logits = data.draw(arrays(np.float64, shape, elements=LOGITS))
    probabilities = data.draw(arrays(np.float64, shape, elements=st.floats(0, 1)))
    weight = data.draw(class_weights(shape[class_axis]))
    agrees(
        "cross_entropy",
        logits,
        probabilities,
        weight,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )


@settings(max_examples=40, deadline=None)
@given(data=st.data(), problem=indexed_problems(), reduction=REDUCTIONS)
def test_nll_loss(agrees, data, problem, reduction):
    log_probs, target, ignore_index = problem
    weight = data.draw(class_weights(log_probs.shape[1 if log_probs.ndim > 1 else 0]))
    agrees("nll_loss", log_probs, target, weight, ignore_index=ignore_index, reduction=reduction)


@st.composite
def elementwise_weights(draw, shape, name="weight"):
    """No weight, one per element, or one per entry of the last dimension."""
    layouts = [None, shape, shape[-1:]] if shape else [None, shape]
    weight_shape = draw(st.sampled_from(layouts))
    if weight_shape is None:
        return None
    return draw(arrays(np.float64, weight_shape, elements=st.floats(0, 3)))


BINARY_SHAPES = st.lists(st.integers(0, 4), max_size=3).map(tuple)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), shape=BINARY_SHAPES, reduction=REDUCTIONS)
def test_binary_cross_entropy(agrees, data, shape, reduction):
    # Exact 0 and 1 exercise the clamp of the logs at -100.
    probability = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0, 1))
    input = data.draw(arrays(np.float64, shape, elements=probability))
    target = data.draw(arrays(np.float64, shape, elements=probability))
    weight = data.draw(elementwise_weights(shape))
    agrees("binary_cross_entropy", input, target, weight, reduction=reduction)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), shape=BINARY_SHAPES, reduction=REDUCTIONS)
def test_binary_cross_entropy_with_logits(agrees, data, shape, reduction):
    logits = data.draw(arrays(np.float64, shape, elements=LOGITS))
    target = data.draw(arrays(np.float64, shape, elements=st.floats(0, 1)))
    weight = data.draw(elementwise_weights(shape))
    pos_weight = data.draw(elementwise_weights(shape))
    agrees(
        "binary_cross_entropy_with_logits",
        logits,
        target,
        weight,
        reduction=reduction,
        pos_weight=pos_weight,
    )


@settings(max_examples=30, deadline=None)
@given(data=st.data(), shape=BINARY_SHAPES, reduction=REDUCTIONS)
def test_soft_margin_loss(agrees, data, shape, reduction):
    scores = data.draw(arrays(np.float64, shape, elements=LOGITS))
    labels = data.draw(arrays(np.float64, shape, elements=st.sampled_from([1.0, -1.0])))
    agrees("soft_margin_loss", scores, labels, reduction=reduction)


MARGIN_SHAPES = st.one_of(
    st.tuples(st.integers(1, 5)), st.tuples(st.integers(0, 4), st.integers(1, 5))
)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), shape=MARGIN_SHAPES, reduction=REDUCTIONS)
def test_multilabel_soft_margin_loss(agrees, data, shape, reduction):
    logits = data.draw(arrays(np.float64, shape, elements=LOGITS))
    target = data.draw(arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0])))
    weight = data.draw(elementwise_weights(shape))
    agrees("multilabel_soft_margin_loss", logits, target, weight, reduction=reduction)


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    shape=MARGIN_SHAPES.filter(lambda shape: shape[0] > 0),
    reduction=REDUCTIONS,
    p=st.sampled_from([1, 2]),
    margin=st.floats(-1, 3),
)
def test_multi_margin_loss(agrees, data, shape, reduction, p, margin):
    scores = data.draw(arrays(np.float64, shape, elements=st.floats(-5, 5)))
    target = data.draw(class_targets(shape, len(shape) - 1, ignore_index=None))
    weight = data.draw(class_weights(shape[-1]))
    agrees("multi_margin_loss", scores, target, p, margin, weight, reduction=reduction)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), shape=MARGIN_SHAPES.filter(lambda shape: shape[0] > 0), reduction=REDUCTIONS)
def test_multilabel_margin_loss(agrees, data, shape, reduction):
    scores = data.draw(arrays(np.float64, shape, elements=st.floats(-3, 3)))
    # Repeated targets, and indices after the first -1, are both part of torch's contract.
    index = st.integers(-1, shape[-1] - 1)
    target = data.draw(arrays(np.int64, shape, elements=index))
    agrees("multilabel_margin_loss", scores, target, reduction=reduction)


@st.composite
def linear_problems(draw):
    """Features, an output layer's weight and bias, and a target of class indices or class
    probabilities, in each layout torch takes: batched, unbatched, K-dimensional."""
    classes, hidden = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    unbatched = draw(st.integers(0, 4)) == 0
    batch = draw(st.integers(0, 4))
    extra = () if unbatched else tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    features = draw(arrays(np.float64, (hidden,) if unbatched else (batch, hidden),
                           elements=st.floats(-3, 3)))  # fmt: skip
    linear_weight = draw(arrays(np.float64, (classes, *extra, hidden), elements=st.floats(-3, 3)))
    bias = draw(st.one_of(st.none(), arrays(np.float64, (classes, *extra), elements=LOGITS)))
    logits_shape = (classes,) if unbatched else (batch, classes, *extra)
    if draw(st.booleans()):
        target = draw(arrays(np.float64, logits_shape, elements=st.floats(0, 1)))
        ignore_index = None  # torch raises on any ignore_index with class probabilities
    else:
        ignore_index = draw(st.sampled_from([-100, 0, classes - 1]))
        target = draw(class_targets(logits_shape, 0 if unbatched else 1, ignore_index))
    return features, linear_weight, bias, target, ignore_index


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    problem=linear_problems(),
    reduction=REDUCTIONS,
    label_smoothing=st.one_of(st.just(0.0), st.floats(0, 1)),
)
def test_linear_cross_entropy(agrees, data, problem, reduction, label_smoothing):
    features, linear_weight, bias, target, ignore_index = problem
    weight = data.draw(class_weights(linear_weight.shape[0]))
    ignore = {} if ignore_index is None else {"ignore_index": ignore_index}
    agrees(
        "linear_cross_entropy",
        features,
        linear_weight,
        target,
        linear_bias=bias,
        weight=weight,
        reduction=reduction,
        label_smoothing=label_smoothing,
        **ignore,
    )
