"""Each mistake is caught, with the right severity: for an "error", torch really raises on
the call; for a "warning", torch really returns a value."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from lossguide import FINDING_CODES
from lossguide.diagnosis import diagnose
from lossguide.diagnosis.call import SAMPLE_ELEMENTS

torch.manual_seed(0)


def logits(*shape: int) -> torch.Tensor:
    return torch.randn(*shape) * 3


def labels(n: int, classes: int = 5) -> torch.Tensor:
    return torch.arange(n) % classes


def signs(n: int) -> torch.Tensor:
    return (torch.arange(n) % 2).float() * 2 - 1


def ctc_call(input_lengths, targets, target_lengths, steps=6, **settings):
    log_probs = torch.randn(steps, len(target_lengths), 5).log_softmax(-1)
    return nn.CTCLoss(**settings), (
        log_probs,
        torch.tensor(targets),
        torch.tensor(input_lengths),
        torch.tensor(target_lengths),
    )


@dataclass
class Mistake:
    code: str
    severity: str
    make: Callable[[], tuple[object, tuple[object, ...]]]
    kwargs: dict[str, object] | None = None


BLOG_SCORES = torch.tensor([
    [0.5153, 0.7051, 0.4947, 0.3446, 0.5288],
    [0.3464, 0.2458, 0.8569, 0.4821, 0.3244],
    [0.4474, 0.6615, 0.0062, 0.6603, 0.2461],
])  # fmt: skip

MISTAKES = {
    # log-probabilities expected
    "nll-probabilities": Mistake(
        "nll-input-not-log-probabilities", "warning",
        lambda: (nn.NLLLoss(), (logits(8, 5).softmax(1), labels(8))),
    ),
    "nll-raw-scores-from-blog": Mistake(
        "nll-input-not-log-probabilities", "warning",
        lambda: (nn.NLLLoss(), (BLOG_SCORES, torch.tensor([1, 0, 4]))),
    ),
    "kl-input-probabilities": Mistake(
        "kl-input-not-log-probabilities", "warning",
        lambda: (nn.KLDivLoss(reduction="batchmean"),
                 (logits(8, 5).softmax(-1), logits(8, 5).softmax(-1))),
    ),
    "kl-log-target-probabilities": Mistake(
        "kl-target-not-log-probabilities", "warning",
        lambda: (nn.KLDivLoss(reduction="batchmean", log_target=True),
                 (logits(8, 5).log_softmax(-1), logits(8, 5).softmax(-1))),
    ),
    "kl-target-log-probabilities": Mistake(
        "kl-target-not-probabilities", "warning",
        lambda: (nn.KLDivLoss(reduction="batchmean"),
                 (logits(8, 5).log_softmax(-1), logits(8, 5).log_softmax(-1))),
    ),
    "ctc-raw-scores": Mistake(
        "ctc-input-not-log-probabilities", "warning",
        lambda: (nn.CTCLoss(), (logits(6, 2, 5), torch.tensor([[1, 2], [3, 4]]),
                                torch.tensor([6, 6]), torch.tensor([2, 2]))),
    ),
    # logits expected
    "ce-softmax-output": Mistake(
        "input-looks-like-softmax-output", "warning",
        lambda: (nn.CrossEntropyLoss(), (logits(8, 5).softmax(1), labels(8))),
    ),
    "bce-with-logits-sigmoid-output": Mistake(
        "input-looks-like-sigmoid-output", "warning",
        lambda: (nn.BCEWithLogitsLoss(),
                 (logits(16, 8).sigmoid(), torch.randint(0, 2, (16, 8)).float())),
    ),
    # probabilities expected
    "bce-logits": Mistake(
        "bce-input-outside-0-1", "error",
        lambda: (nn.BCELoss(), (logits(8), torch.randint(0, 2, (8,)).float())),
    ),
    "bce-target-plus-minus-one": Mistake(
        "target-outside-0-1", "error",
        lambda: (nn.BCELoss(), (logits(8).sigmoid(), signs(8))),
    ),
    "bce-with-logits-target-plus-minus-one": Mistake(
        "target-outside-0-1", "warning",
        lambda: (nn.BCEWithLogitsLoss(), (logits(8), signs(8))),
    ),
    # dtypes
    "ce-int32-target": Mistake(
        "class-index-not-int64", "error",
        lambda: (nn.CrossEntropyLoss(), (logits(4, 3), labels(4, 3).int())),
    ),
    "nll-float-target": Mistake(
        "class-index-not-int64", "error",
        lambda: (nn.NLLLoss(), (logits(4, 3).log_softmax(1), labels(4, 3).float())),
    ),
    "ce-float-index-target": Mistake(
        "class-index-not-int64", "error",
        lambda: (nn.CrossEntropyLoss(), (logits(4, 3), labels(4, 3).float())),
    ),
    "multi-margin-int32-target": Mistake(
        "class-index-not-int64", "error",
        lambda: (nn.MultiMarginLoss(), (logits(4, 3), labels(4, 3).int())),
    ),
    "bce-integer-target": Mistake(
        "target-not-float", "error",
        lambda: (nn.BCELoss(), (logits(8).sigmoid(), torch.randint(0, 2, (8,)))),
    ),
    "bce-with-logits-integer-target": Mistake(
        "target-not-float", "error",
        lambda: (nn.BCEWithLogitsLoss(), (logits(8), torch.randint(0, 2, (8,)))),
    ),
    "bce-float64-input-float32-target": Mistake(
        "mixed-float-dtypes", "error",
        lambda: (nn.BCELoss(), (logits(8).sigmoid().double(), torch.rand(8))),
    ),
    "huber-float64-input-float32-target": Mistake(
        "mixed-float-dtypes", "error",
        lambda: (nn.HuberLoss(), (logits(8).double().requires_grad_(), logits(8))),
    ),
    "huber-mixed-dtypes-without-grad": Mistake(
        "mixed-float-dtypes", "warning",
        lambda: (nn.HuberLoss(), (logits(8).double(), logits(8))),
    ),
    "bce-with-logits-float32-target-narrows": Mistake(
        "mixed-float-dtypes", "warning",
        lambda: (nn.BCEWithLogitsLoss(), (logits(8).double(), torch.rand(8))),
    ),
    "soft-margin-float64-target-narrows": Mistake(
        "mixed-float-dtypes", "warning",
        lambda: (nn.SoftMarginLoss(), (logits(8), signs(8).double())),
    ),
    "ce-integer-input": Mistake(
        "input-not-floating", "error",
        lambda: (nn.CrossEntropyLoss(), (torch.randint(0, 5, (4, 3)), labels(4, 3))),
    ),
    "ctc-float-lengths": Mistake(
        "lengths-not-integer", "error",
        lambda: (nn.CTCLoss(), (logits(6, 2, 5).log_softmax(-1), torch.tensor([[1, 2], [3, 4]]),
                                torch.tensor([6.0, 6.0]), torch.tensor([2, 2]))),
    ),
    # one-hot and target shapes
    "ce-one-hot-integer-target": Mistake(
        "target-is-one-hot", "error",
        lambda: (nn.CrossEntropyLoss(), (logits(4, 3), F.one_hot(labels(4, 3), 3))),
    ),
    "nll-one-hot-float-target": Mistake(
        "target-is-one-hot", "error",
        lambda: (nn.NLLLoss(),
                 (logits(4, 3).log_softmax(1), F.one_hot(labels(4, 3), 3).float())),
    ),
    "ce-n-by-1-target": Mistake(
        "target-shape-mismatch", "error",
        lambda: (nn.CrossEntropyLoss(), (logits(4, 3), labels(4, 3)[:, None])),
    ),
    "ce-multi-hot-float-target": Mistake(
        "ce-target-not-distribution", "warning",
        lambda: (nn.CrossEntropyLoss(),
                 (logits(4, 3), torch.tensor([[1.0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 1, 1]]))),
    ),
    # class indices out of range; nothing left to average
    "ce-index-equals-classes": Mistake(
        "class-index-out-of-range", "error",
        lambda: (nn.CrossEntropyLoss(), (logits(4, 3), torch.tensor([0, 1, 2, 3]))),
    ),
    "nll-negative-index-not-ignored": Mistake(
        "class-index-out-of-range", "error",
        lambda: (nn.NLLLoss(), (logits(4, 3).log_softmax(1), torch.tensor([0, -1, 2, 1]))),
    ),
    "multi-margin-index-out-of-range": Mistake(
        "class-index-out-of-range", "error",
        lambda: (nn.MultiMarginLoss(), (logits(4, 3), torch.tensor([0, 1, 2, 3]))),
    ),
    "ctc-label-out-of-range": Mistake(
        "class-index-out-of-range", "warning",
        lambda: ctc_call([6, 6], [[1, 7], [3, 4]], [2, 2]),
    ),
    "ce-all-targets-ignored": Mistake(
        "all-targets-ignored", "warning",
        lambda: (nn.CrossEntropyLoss(), (logits(4, 3), torch.full((4,), -100))),
    ),
    "ce-all-targets-weight-zero": Mistake(
        "all-target-weights-zero", "warning",
        lambda: (nn.CrossEntropyLoss(weight=torch.tensor([0.0, 1.0, 1.0])),
                 (logits(4, 3), torch.zeros(4, dtype=torch.long))),
    ),
    # class dimension in the wrong place
    "ce-sequence-classes-last": Mistake(
        "class-dim-not-second", "error",
        lambda: (nn.CrossEntropyLoss(), (logits(2, 7, 5), torch.randint(0, 5, (2, 7)))),
    ),
    "ce-sequence-probabilities-classes-last": Mistake(
        "class-dim-not-second", "warning",
        lambda: (nn.CrossEntropyLoss(), (logits(2, 7, 5), logits(2, 7, 5).softmax(-1))),
    ),
    "ctc-batch-first": Mistake(
        "ctc-batch-first", "error",
        lambda: (nn.CTCLoss(), (logits(2, 6, 5).log_softmax(-1), torch.tensor([[1, 2], [3, 4]]),
                                torch.tensor([6, 6]), torch.tensor([2, 2]))),
    ),
    # broadcasting
    "mse-n1-vs-n": Mistake(
        "shapes-broadcast", "warning",
        lambda: (nn.MSELoss(), (logits(8, 1), logits(8))),
    ),
    "l1-n-vs-n1": Mistake(
        "shapes-broadcast", "warning",
        lambda: (nn.L1Loss(), (logits(8), logits(8, 1))),
    ),
    "hinge-n1-vs-n": Mistake(
        "shapes-broadcast", "warning",
        lambda: (nn.HingeEmbeddingLoss(), (torch.rand(8, 1), signs(8))),
    ),
    "bce-with-logits-n1-vs-n": Mistake(
        "shapes-broadcast", "error",
        lambda: (nn.BCEWithLogitsLoss(), (logits(8, 1), torch.rand(8))),
    ),
    "mse-shapes-do-not-broadcast": Mistake(
        "shape-mismatch", "error",
        lambda: (nn.MSELoss(), (logits(8), logits(7))),
    ),
    # NumPy arrays and lists
    "mse-numpy": Mistake(
        "not-a-tensor", "error",
        lambda: (nn.MSELoss(), (np.random.default_rng(0).normal(size=(3, 5)),
                                np.random.default_rng(1).normal(size=(3, 5)))),
    ),
    "ce-list-target": Mistake(
        "not-a-tensor", "error",
        lambda: (nn.CrossEntropyLoss(), (logits(2, 3), [0, 2])),
    ),
    # settings
    "kl-mean": Mistake(
        "kl-reduction-mean", "warning",
        lambda: (nn.KLDivLoss(), (logits(8, 5).log_softmax(-1), logits(8, 5).softmax(-1))),
    ),
    # ±1 labels
    **{
        f"{name}-zero-one-labels": Mistake(
            "target-not-plus-minus-one", "warning",
            lambda loss=loss, inputs=inputs: (loss, (*inputs(), (torch.arange(8) % 2).float())),
        )
        for name, loss, inputs in [
            ("margin-ranking", nn.MarginRankingLoss(), lambda: (logits(8), logits(8))),
            ("hinge-embedding", nn.HingeEmbeddingLoss(), lambda: (torch.rand(8),)),
            ("cosine-embedding", nn.CosineEmbeddingLoss(), lambda: (logits(8, 4), logits(8, 4))),
            ("soft-margin", nn.SoftMarginLoss(), lambda: (logits(8),)),
        ]
    },
    # nan or inf before it happens
    "ctc-input-too-short-for-repeats": Mistake(
        "ctc-input-too-short", "warning",
        # [1, 1, 2] needs 4 frames: one per label and a blank between the two 1s
        lambda: ctc_call([3, 6], [[1, 1, 2], [1, 2, 3]], [3, 3], reduction="none"),
    ),
    "ctc-input-too-short-concatenated": Mistake(
        "ctc-input-too-short", "warning",
        lambda: ctc_call([6, 4], [1, 2, 3, 3, 3, 3], [3, 3], reduction="none"),
    ),
    "ctc-input-lengths-beyond-t": Mistake(
        "ctc-lengths-out-of-range", "error",
        lambda: ctc_call([7, 6], [[1, 2], [3, 4]], [2, 2]),
    ),
    "ctc-blank-in-target": Mistake(
        "ctc-target-contains-blank", "warning",
        lambda: ctc_call([6, 6], [[1, 0], [3, 4]], [2, 2]),
    ),
    "nan-in-input": Mistake(
        "non-finite-values", "warning",
        lambda: (nn.MSELoss(), (torch.tensor([1.0, float("nan")]), torch.zeros(2))),
    ),
    "poisson-negative-rate": Mistake(
        "poisson-negative-rate", "warning",
        lambda: (nn.PoissonNLLLoss(log_input=False), (logits(8), torch.ones(8))),
    ),
    "hinge-input-not-distance": Mistake(
        "hinge-input-not-distance", "warning",
        lambda: (nn.HingeEmbeddingLoss(), (logits(8), signs(8))),
    ),
    # LinearCrossEntropyLoss: features, the output layer's weight, class indices
    "linear-ce-weight-transposed": Mistake(
        "linear-ce-features-mismatch", "error",
        lambda: (F.linear_cross_entropy, (logits(4, 3), logits(3, 7), labels(4, 7))),
    ),
    "linear-ce-label-out-of-range": Mistake(
        "class-index-out-of-range", "error",
        lambda: (F.linear_cross_entropy, (logits(4, 3), logits(7, 3), torch.tensor([0, 1, 7, 2]))),
    ),
    "linear-ce-int32-labels": Mistake(
        "class-index-not-int64", "error",
        lambda: (nn.LinearCrossEntropyLoss(3, 7), (logits(4, 3), labels(4, 7).int())),
    ),
    "linear-ce-all-padding": Mistake(
        "all-targets-ignored", "warning",
        lambda: (nn.LinearCrossEntropyLoss(3, 7), (logits(4, 3), torch.full((4,), -100))),
    ),
    "linear-ce-one-hot": Mistake(
        "target-is-one-hot", "error",
        lambda: (F.linear_cross_entropy,
                 (logits(4, 3), logits(7, 3), F.one_hot(labels(4, 7), 7))),
    ),
    "adaptive-softmax-label-out-of-range": Mistake(
        "class-index-out-of-range", "error",
        lambda: (nn.AdaptiveLogSoftmaxWithLoss(16, 10, cutoffs=[4]),
                 (logits(4, 16), torch.tensor([0, 3, 9, 10]))),
    ),
    # functional form: settings from keyword arguments
    "functional-kl-mean-default": Mistake(
        "kl-reduction-mean", "warning",
        lambda: (F.kl_div, (logits(8, 5).log_softmax(-1), logits(8, 5).softmax(-1))),
    ),
    "functional-ignore-index-keyword": Mistake(
        "all-targets-ignored", "warning",
        lambda: (F.cross_entropy, (logits(4, 3), torch.zeros(4, dtype=torch.long))),
        {"ignore_index": 0},
    ),
    "not-a-loss": Mistake(
        "unknown-loss", "warning",
        lambda: (torch.softmax, (logits(2, 3), 1)),
    ),
    "functional-wrong-arguments": Mistake(
        "bad-arguments", "error",
        lambda: (F.mse_loss, (logits(4),)),
    ),
    "meta-tensors": Mistake(
        "values-not-checked", "warning",
        lambda: (F.mse_loss, (torch.empty(4, device="meta"), torch.empty(4, device="meta"))),
    ),
}  # fmt: skip


def _torch_result(loss, args, kwargs):
    """Call the loss as the reader would: its exception, or its value."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's own warnings (KLDivLoss 'mean', broadcasting)
        try:
            result = loss(*args, **kwargs)
            if result.requires_grad:  # an error in backward() is torch raising on the call
                result.sum().backward()
            return result
        except Exception as error:
            return error


@pytest.mark.parametrize("mistake", MISTAKES.values(), ids=MISTAKES.keys())
def test_mistake_is_caught(mistake):
    loss, args = mistake.make()
    kwargs = mistake.kwargs or {}
    findings = diagnose(loss, *args, **kwargs)
    matching = [finding for finding in findings if finding.code == mistake.code]
    assert matching, f"expected {mistake.code}, got {findings}"
    for finding in findings:
        assert finding.code in FINDING_CODES, f"{finding.code} is not in FINDING_CODES"
        assert finding.severity in FINDING_CODES[finding.code].severities, finding
    assert {finding.severity for finding in matching} == {mistake.severity}
    result = _torch_result(loss, args, kwargs)
    if mistake.severity == "error":
        assert isinstance(result, Exception), f"torch did not raise, returned {result}"
    else:
        assert isinstance(result, torch.Tensor)


def test_every_registered_code_is_caught_here():
    """Each code in FINDING_CODES is reported by some mistake above (a crashing check is
    tested in test_api), with each severity it is registered with."""
    seen = {(mistake.code, mistake.severity) for mistake in MISTAKES.values()}
    seen.add(("check-crashed", "warning"))
    registered = {
        (code, severity) for code, info in FINDING_CODES.items() for severity in info.severities
    }
    assert seen == registered


@pytest.mark.parametrize("mistake", MISTAKES.values(), ids=MISTAKES.keys())
def test_fix_named_in_message(mistake):
    """Every message is a sentence or more, and says what to do."""
    loss, args = mistake.make()
    for finding in diagnose(loss, *args, **(mistake.kwargs or {})):
        assert finding.message.endswith((".", ")")), finding
        assert len(finding.message) > 60, finding


def test_blog_example_reports_what_it_saw():
    """The raw scores from the blog (all in [0, 1], rows not normalised)."""
    [finding] = diagnose(nn.NLLLoss(), BLOG_SCORES, torch.tensor([1, 0, 4]))
    assert "every value is in [0, 1] (from 0.0062 to 0.8569)" in finding.message


def test_softmax_evidence_is_counted():
    [finding] = diagnose(nn.CrossEntropyLoss(), logits(4096, 10).softmax(1), labels(4096, 10))
    assert "all 4096 rows along dimension 1" in finding.message
    assert "sum to 1 within 0.0001" in finding.message


def test_broadcast_message_counts_terms():
    [finding] = diagnose(nn.MSELoss(), logits(8, 1), logits(8))
    assert "broadcast to (8, 8)" in finding.message
    assert "64 terms instead of 8" in finding.message
    assert "input.squeeze(-1)" in finding.message


def test_ctc_needed_length_matches_torch():
    """The rule 'target length plus repeated neighbours' is where torch's loss turns inf."""
    targets = torch.tensor([[1, 1, 2, 2, 3]])
    for steps in range(5, 9):
        loss, args = ctc_call([steps], targets.tolist(), [5], steps=8, reduction="none")
        flagged = any(f.code == "ctc-input-too-short" for f in diagnose(loss, *args))
        assert flagged == bool(torch.isinf(loss(*args)).all()), steps
    # 5 labels + 2 repeats: 7 frames needed
    loss, args = ctc_call([6], targets.tolist(), [5], steps=8)
    [finding] = diagnose(loss, *args)
    assert "has 6 but needs at least 7 (5 labels plus 2 repeated neighbours" in finding.message


def test_ctc_zero_infinity_is_the_readers_choice():
    loss, args = ctc_call([3, 6], [[1, 1, 2], [1, 2, 3]], [3, 3], zero_infinity=True)
    assert diagnose(loss, *args) == []


def test_ignore_index_is_not_out_of_range():
    assert diagnose(nn.CrossEntropyLoss(), logits(4, 3), torch.tensor([0, -100, 2, 1])) == []
    loss = nn.CrossEntropyLoss(ignore_index=3)
    assert diagnose(loss, logits(4, 3), torch.tensor([0, 3, 2, 1])) == []


def test_class_dim_ambiguous_when_length_equals_classes():
    """(N, L, C) with L == C fits torch's layout too: no finding rather than a guess."""
    assert diagnose(nn.CrossEntropyLoss(), logits(2, 5, 5), torch.randint(0, 5, (2, 5))) == []


def test_sigmoid_check_needs_enough_elements():
    """Eight values in (0, 1) are weak evidence: logits can be small and positive."""
    assert diagnose(nn.BCEWithLogitsLoss(), torch.rand(8) * 0.9 + 0.05, torch.ones(8)) == []


@pytest.mark.parametrize(
    "loss", ["L1Loss", "MSELoss", "HuberLoss", "SmoothL1Loss", "PoissonNLLLoss", "KLDivLoss",
             "HingeEmbeddingLoss", "MultiLabelSoftMarginLoss", "BCELoss", "BCEWithLogitsLoss",
             "SoftMarginLoss"],
)  # fmt: skip
def test_broadcast_severity_matches_torch(loss):
    module = getattr(nn, loss)(**({"reduction": "batchmean"} if loss == "KLDivLoss" else {}))
    args = (torch.rand(4, 1) * 0.5, torch.rand(4) * 0.5)
    [finding] = [f for f in diagnose(module, *args) if f.code == "shapes-broadcast"]
    raised = isinstance(_torch_result(module, args, {}), Exception)
    assert finding.is_error == raised


@pytest.mark.parametrize(
    "loss", ["HuberLoss", "KLDivLoss", "NLLLoss", "CrossEntropyLoss", "MultiMarginLoss",
             "BCEWithLogitsLoss", "SoftMarginLoss", "MultiLabelSoftMarginLoss",
             "MultiLabelMarginLoss", "HingeEmbeddingLoss"],
)  # fmt: skip
def test_integer_input_raises_in_torch(loss):
    """The losses that input-not-floating applies to really raise on integer input."""
    module = getattr(nn, loss)(**({"reduction": "batchmean"} if loss == "KLDivLoss" else {}))
    target = {
        "NLLLoss": labels(4, 3), "CrossEntropyLoss": labels(4, 3),
        "MultiMarginLoss": labels(4, 3), "MultiLabelMarginLoss": torch.full((4, 3), -1),
    }.get(loss, torch.ones(4, 3))  # fmt: skip
    args = (torch.randint(0, 2, (4, 3)), target)
    assert [f.code for f in diagnose(module, *args)] == ["input-not-floating"]
    assert isinstance(_torch_result(module, args, {}), Exception)


def test_nll_samples_large_inputs_and_says_so():
    """NLLLoss reads one entry per row, so its input is checked on a sample of rows."""
    probabilities = (torch.randn(4096, 100) * 3).softmax(1)
    [finding] = diagnose(nn.NLLLoss(), probabilities, labels(4096, 100))
    assert finding.code == "nll-input-not-log-probabilities"
    step = math.ceil(4096 * 100 / SAMPLE_ELEMENTS)
    rows = len(range(0, 4096, step))
    assert (
        f"all {rows} rows along dimension 1 (checked on one sample in {step} of" in finding.message
    )


def test_nan_found_by_the_sum_probe_in_large_inputs():
    values = torch.randn(512, 300)
    values[100, 7] = float("nan")
    codes = [f.code for f in diagnose(nn.MSELoss(), values, torch.zeros(512, 300))]
    assert codes == ["non-finite-values"]


def test_huge_finite_values_are_not_called_infinite():
    """A float32 sum can overflow where no value is infinite: min and max decide."""
    values = torch.full((1000,), 3e38)
    assert diagnose(nn.MSELoss(), values, values) == []
