"""Bad arguments raise ValueError or TypeError saying what was expected, never a wrong number."""

from __future__ import annotations

import numpy as np
import pytest

from lossguide import reference as R

LOGITS = np.zeros((2, 3))
LOG_PROBS = np.log(np.full((4, 2, 3), 1 / 3))

CASES = {
    "mismatched shapes": (
        lambda: R.mse_loss(np.zeros(3), np.zeros(4)),
        ValueError,
        r"target must have shape \(3,\) \(the shape of input\); got \(4,\)",
    ),
    "broadcastable shapes": (
        lambda: R.l1_loss(np.zeros((2, 3)), np.zeros(3)),
        ValueError,
        r"target must have shape \(2, 3\)",
    ),
    "weight of another shape": (
        lambda: R.huber_loss(np.zeros(3), np.zeros(3), weight=np.ones(2)),
        ValueError,
        r"weight must have shape \(3,\)",
    ),
    "target without the class dimension": (
        lambda: R.cross_entropy(LOGITS, [0, 1, 2]),
        ValueError,
        r"target must have shape \(2,\) \(the input's shape without its class dimension\)",
    ),
    "float class indices": (
        lambda: R.nll_loss(LOGITS, [0.0, 1.0]),
        TypeError,
        "target must hold integer class indices in \\[0, 3\\); got an array of dtype float64",
    ),
    "float class indices in cross_entropy": (
        lambda: R.cross_entropy(LOGITS, np.array([0.0, 1.0])),
        TypeError,
        "target must hold integer class indices",
    ),
    "one-hot integer rows in cross_entropy": (
        lambda: R.cross_entropy(LOGITS, np.eye(3, dtype=np.int64)[[0, 2]]),
        TypeError,
        r"target has the input's shape \(2, 3\), so it holds class probabilities, which must",
    ),
    "a 0-d input to nll_loss": (
        lambda: R.nll_loss(2.0, 0),
        ValueError,
        r"input must be \(C,\), \(N, C\) or \(N, C, d1, ..., dK\), with classes C; got shape",
    ),
    "class index too large": (
        lambda: R.cross_entropy(LOGITS, [0, 3]),
        ValueError,
        r"target must hold class indices in \[0, 3\) or ignore_index=-100; got 3",
    ),
    "negative class index": (
        lambda: R.multi_margin_loss(LOGITS, [-1, 0]),
        ValueError,
        r"target must hold class indices in \[0, 3\); got -1",
    ),
    "multilabel index below -1": (
        lambda: R.multilabel_margin_loss(LOGITS, [[0, -2, 1], [1, -1, 0]]),
        ValueError,
        r"padded with -1; got -2",
    ),
    "class weights of the wrong length": (
        lambda: R.cross_entropy(LOGITS, [0, 1], weight=[1.0, 2.0]),
        ValueError,
        r"weight must have shape \(3,\) \(one weight per class\)",
    ),
    "unknown reduction": (
        lambda: R.l1_loss([1.0], [2.0], reduction="average"),
        ValueError,
        "reduction must be one of 'none', 'mean', 'sum'; got 'average'",
    ),
    "batchmean outside kl_div": (
        lambda: R.cross_entropy(LOGITS, [0, 1], reduction="batchmean"),
        ValueError,
        "reduction must be one of",
    ),
    "label smoothing above 1": (
        lambda: R.cross_entropy(LOGITS, [0, 1], label_smoothing=1.5),
        ValueError,
        r"label_smoothing must be in \[0, 1\]; got 1.5",
    ),
    "probabilities outside [0, 1]": (
        lambda: R.binary_cross_entropy([1.5], [1.0]),
        ValueError,
        r"input must hold probabilities in \[0, 1\]",
    ),
    "0/1 labels where 1/-1 are expected": (
        lambda: R.hinge_embedding_loss([0.5, 1.0], [1, 0]),
        ValueError,
        "target must hold labels of 1 or -1; got 0",
    ),
    "text where numbers are expected": (
        lambda: R.mse_loss(["a"], ["b"]),
        TypeError,
        "input must hold real numbers",
    ),
    "negative variance": (
        lambda: R.gaussian_nll_loss([1.0], [1.0], [-1.0]),
        ValueError,
        "var must be non-negative",
    ),
    "variance of no accepted shape": (
        lambda: R.gaussian_nll_loss(np.zeros((2, 3)), np.zeros((2, 3)), np.ones(3)),
        ValueError,
        r"var must have the input's shape \(2, 3\)",
    ),
    "p other than 1 or 2": (
        lambda: R.multi_margin_loss(LOGITS, [0, 1], p=3),
        ValueError,
        "p must be 1 or 2; got 3",
    ),
    "non-positive triplet margin": (
        lambda: R.triplet_margin_loss(LOGITS, LOGITS, LOGITS, margin=0),
        ValueError,
        "margin must be positive; got 0",
    ),
    "triplets of different shapes": (
        lambda: R.triplet_margin_with_distance_loss(LOGITS, LOGITS, np.zeros((3, 3))),
        ValueError,
        r"negative must have shape \(2, 3\)",
    ),
    "negative delta": (
        lambda: R.huber_loss([1.0], [2.0], delta=-1.0),
        ValueError,
        "delta must be positive; got -1.0",
    ),
    "negative beta": (
        lambda: R.smooth_l1_loss([1.0], [2.0], beta=-1.0),
        ValueError,
        "beta must be zero or positive; got -1.0",
    ),
    "negative input length": (
        lambda: R.ctc_loss(LOG_PROBS, [[1, 2], [1, 1]], [4, -1], [2, 2]),
        ValueError,
        "input_lengths must be non-negative; got -1",
    ),
    "negative target length": (
        lambda: R.ctc_loss(LOG_PROBS, [[1, 2], [1, 1]], [4, 4], [-2, 2]),
        ValueError,
        "target_lengths must be non-negative; got -2",
    ),
    "input length beyond T": (
        lambda: R.ctc_loss(LOG_PROBS, [[1, 2], [1, 1]], [5, 4], [2, 2]),
        ValueError,
        "input_lengths must be at most T, 4; got 5",
    ),
    "float lengths": (
        lambda: R.ctc_loss(LOG_PROBS, [[1, 2], [1, 1]], [4.0, 4.0], [2, 2]),
        TypeError,
        "input_lengths must hold integer lengths",
    ),
    "blank in a target": (
        lambda: R.ctc_loss(LOG_PROBS, [[1, 0], [1, 1]], [4, 4], [2, 2]),
        ValueError,
        r"targets must hold class indices in \[0, 3\) other than blank=0; got 0",
    ),
    "concatenated targets of the wrong total length": (
        lambda: R.ctc_loss(LOG_PROBS, [1, 2, 1], [4, 4], [2, 2]),
        ValueError,
        r"concatenated targets must hold sum\(target_lengths\) = 4 indices; got 3",
    ),
    "one length too many": (
        lambda: R.ctc_loss(LOG_PROBS, [[1, 2], [1, 1]], [4, 4, 4], [2, 2]),
        ValueError,
        r"input_lengths must have shape \(2,\) \(one length per sequence\)",
    ),
    "blank out of range": (
        lambda: R.ctc_loss(LOG_PROBS, [[1, 2], [1, 1]], [4, 4], [2, 2], blank=3),
        ValueError,
        r"blank must be a class index in \[0, 3\); got 3",
    ),
}


@pytest.mark.parametrize(("call", "error", "message"), CASES.values(), ids=CASES.keys())
def test_bad_arguments_are_explained(call, error, message):
    with pytest.raises(error, match=message):
        call()
