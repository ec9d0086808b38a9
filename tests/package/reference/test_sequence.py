"""CTC agrees with torch over random batches, lengths, blanks and target layouts."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
from hypothesis import given, settings
from hypothesis.extra.numpy import arrays


def log_softmax(scores):
    shifted = scores - scores.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


@st.composite
def ctc_problems(draw):
    """Random log-probabilities and targets, some too long for their inputs to be spelled."""
    steps, batch, classes = (
        draw(st.integers(1, 8)),
        draw(st.integers(1, 3)),
        draw(st.integers(2, 5)),
    )
    blank = draw(st.integers(0, classes - 1))
    scores = draw(arrays(np.float64, (steps, batch, classes), elements=st.floats(-5, 5)))
    longest = draw(st.integers(0, 5))
    label = st.integers(0, classes - 2).map(lambda index: index + (index >= blank))
    # Targets are padded with arbitrary class indices; only the first target_length count.
    targets = draw(arrays(np.int64, (batch, longest), elements=label))
    input_lengths = draw(arrays(np.int64, (batch,), elements=st.integers(0, steps)))
    target_lengths = draw(arrays(np.int64, (batch,), elements=st.integers(0, longest)))
    return log_softmax(scores), targets, input_lengths, target_lengths, blank


@settings(max_examples=50, deadline=None)
@given(
    problem=ctc_problems(),
    layout=st.sampled_from(["padded", "concatenated", "unbatched"]),
    reduction=st.sampled_from(["none", "mean", "sum"]),
    zero_infinity=st.booleans(),
)
def test_ctc_loss(agrees, problem, layout, reduction, zero_infinity):
    log_probs, targets, input_lengths, target_lengths, blank = problem
    if layout == "concatenated":
        targets = np.concatenate([row[:n] for row, n in zip(targets, target_lengths, strict=True)])
    elif layout == "unbatched":
        # One sequence's target is given as its labels only, without padding.
        log_probs, targets = log_probs[:, 0], targets[0, : target_lengths[0]]
        input_lengths, target_lengths = input_lengths[0], target_lengths[0]
    agrees(
        "ctc_loss",
        log_probs,
        targets,
        input_lengths,
        target_lengths,
        blank,
        reduction,
        zero_infinity,
    )
