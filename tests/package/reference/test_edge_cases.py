"""Edge cases, each checked against torch: empty batches, nothing to average, infinities."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lossguide import reference

REDUCTIONS = ["none", "mean", "sum"]
EMPTY_CLASSES = np.zeros((0, 3))
NO_INDICES = np.zeros(0, dtype=np.int64)

EMPTY_BATCHES = {
    "l1_loss": (np.zeros(0), np.zeros(0)),
    "mse_loss": (np.zeros((0, 2)), np.zeros((0, 2))),
    "cross_entropy": (EMPTY_CLASSES, NO_INDICES),
    "nll_loss": (EMPTY_CLASSES, NO_INDICES),
    "binary_cross_entropy": (np.zeros(0), np.zeros(0)),
    "binary_cross_entropy_with_logits": (EMPTY_CLASSES, EMPTY_CLASSES),
    "kl_div": (EMPTY_CLASSES, EMPTY_CLASSES),
    "poisson_nll_loss": (np.zeros(0), np.zeros(0)),
    "gaussian_nll_loss": (EMPTY_CLASSES, EMPTY_CLASSES, np.ones((0, 3))),
    "soft_margin_loss": (np.zeros(0), np.zeros(0)),
    "multilabel_soft_margin_loss": (EMPTY_CLASSES, EMPTY_CLASSES),
    "margin_ranking_loss": (np.zeros(0), np.zeros(0), np.zeros(0)),
    "hinge_embedding_loss": (np.zeros(0), np.zeros(0)),
    "cosine_embedding_loss": (EMPTY_CLASSES, EMPTY_CLASSES, np.zeros(0)),
    "triplet_margin_loss": (EMPTY_CLASSES, EMPTY_CLASSES, EMPTY_CLASSES),
    "triplet_margin_with_distance_loss": (EMPTY_CLASSES, EMPTY_CLASSES, EMPTY_CLASSES),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", sorted(EMPTY_BATCHES))
def test_an_empty_batch(agrees, name, reduction):
    loss = agrees(name, *EMPTY_BATCHES[name], reduction=reduction)
    if reduction == "mean":
        assert np.isnan(loss)


def test_an_empty_batch_soft_targets_and_batchmean(agrees):
    assert np.isnan(agrees("cross_entropy", EMPTY_CLASSES, EMPTY_CLASSES, label_smoothing=0.2))
    assert np.isnan(agrees("kl_div", EMPTY_CLASSES, EMPTY_CLASSES, reduction="batchmean"))


@pytest.mark.parametrize(
    "name", ["multi_margin_loss", "multilabel_margin_loss"], ids=["multi", "multilabel"]
)
def test_an_empty_batch_of_margin_losses(agrees, name):
    target = NO_INDICES if name == "multi_margin_loss" else np.zeros((0, 3), dtype=np.int64)
    agrees(name, EMPTY_CLASSES, target, reduction="none")
    # torch 2.13's 'sum' and 'mean' of no samples here return uninitialised memory (of 2,000
    # sums of an empty batch in one process, with other tensors made between them, 1,979 were
    # not 0), so there is nothing of torch's to compare with. The reference gives the sum of
    # nothing, 0, and the mean of nothing, nan, as for every other loss.
    assert getattr(reference, name)(EMPTY_CLASSES, target, reduction="sum") == 0
    assert np.isnan(getattr(reference, name)(EMPTY_CLASSES, target))


def test_an_empty_batch_of_ctc():
    # torch refuses an empty log_probs tensor; the reference averages no sequences into nan.
    with pytest.raises(RuntimeError, match="must not be empty"):
        F.ctc_loss(torch.zeros(4, 0, 3), torch.zeros(0, 2, dtype=torch.long), (), ())
    empty = (np.zeros((4, 0, 3)), np.zeros((0, 2), dtype=np.int64), NO_INDICES, NO_INDICES)
    assert np.isnan(reference.ctc_loss(*empty))
    assert reference.ctc_loss(*empty, reduction="sum") == 0
    assert reference.ctc_loss(*empty, reduction="none").shape == (0,)


@pytest.mark.parametrize("weight", [None, [1.0, 2.0, 0.5]])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.3])
def test_every_target_ignored_gives_nan(agrees, weight, label_smoothing):
    logits = np.random.default_rng(0).normal(size=(4, 3, 2))
    ignored = np.full((4, 2), 7)
    loss = agrees(
        "cross_entropy", logits, ignored, weight, ignore_index=7, label_smoothing=label_smoothing
    )
    assert np.isnan(loss)
    assert np.isnan(agrees("nll_loss", logits, ignored, weight, ignore_index=7))
    assert agrees("nll_loss", logits, ignored, weight, ignore_index=7, reduction="sum") == 0


@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_an_infeasible_ctc_alignment(agrees, zero_infinity, reduction):
    # A repeated label needs a blank between its copies: "1 1" takes 3 steps, not 2.
    log_probs = np.log(np.full((3, 2, 3), 1 / 3))
    targets, input_lengths, target_lengths = [[1, 1], [2, 1]], [2, 3], [2, 2]
    loss = agrees(
        "ctc_loss",
        log_probs,
        targets,
        input_lengths,
        target_lengths,
        reduction=reduction,
        zero_infinity=zero_infinity,
    )
    losses = reference.ctc_loss(log_probs, targets, input_lengths, target_lengths, reduction="none")
    assert np.isinf(losses[0])
    assert np.isfinite(losses[1])
    assert np.isinf(loss).any() != zero_infinity


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_probabilities_of_exactly_zero_and_one_in_bce(agrees, reduction):
    input, target = [0.0, 1.0, 0.0, 1.0, 0.5], [0.0, 0.0, 1.0, 1.0, 0.3]
    loss = agrees(
        "binary_cross_entropy", input, target, [1.0, 2.0, 3.0, 4.0, 5.0], reduction=reduction
    )
    assert np.isfinite(loss).all()


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_class_probabilities_with_label_smoothing_and_weights(agrees, reduction):
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(5, 4, 3))
    probabilities = rng.dirichlet(np.ones(4), size=(5, 3)).transpose(0, 2, 1)
    weight = rng.uniform(0.1, 2.0, size=4)
    agrees(
        "cross_entropy", logits, probabilities, weight, reduction=reduction, label_smoothing=0.25
    )


@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_classes_masked_by_logits_of_minus_infinity(agrees, label_smoothing):
    logits = np.array([[0.5, -np.inf, 1.0], [2.0, 0.0, -np.inf]])
    loss = agrees("cross_entropy", logits, [0, 1], label_smoothing=label_smoothing)
    # Masking is harmless without smoothing; smoothing puts weight on the impossible class.
    assert np.isfinite(loss) == (label_smoothing == 0)


EXTREME_LOGITS = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]])
ZERO_ONE = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0]])


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("cross_entropy", np.array([1, 0])),
        ("cross_entropy", ZERO_ONE / 2),
        ("binary_cross_entropy_with_logits", ZERO_ONE),
        ("multilabel_soft_margin_loss", ZERO_ONE),
    ],
    ids=["cross_entropy_indices", "cross_entropy_probabilities", "bce_logits", "multilabel"],
)
def test_logits_of_a_thousand_give_finite_values(agrees, name, target):
    loss = agrees(name, EXTREME_LOGITS, target, reduction="none")
    assert np.isfinite(loss).all()
    assert loss.max() > 100  # confidently wrong, and charged for it


def test_soft_margin_loss_stays_finite_where_torch_overflows():
    labels = np.sign(ZERO_ONE - 0.5)
    loss = reference.soft_margin_loss(EXTREME_LOGITS, labels, reduction="none")
    direct = F.soft_margin_loss(
        torch.from_numpy(EXTREME_LOGITS), torch.from_numpy(labels), reduction="none"
    )
    assert torch.isinf(direct).any()
    # softplus(z) = log(1 + e^z) is the same function, computed stably by torch.
    stable = F.softplus(torch.from_numpy(-labels * EXTREME_LOGITS)).numpy()
    np.testing.assert_allclose(loss, stable, rtol=1e-12)
