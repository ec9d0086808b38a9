"""Every code :func:`lossguide.diagnose` can report: its severity, what it means, and the
section of the site that explains it.

A :class:`~lossguide.Finding`'s ``code`` is the name to search the site for; this registry is
where each one is promised. The site renders its table of codes from it, and the tests fail
when diagnose reports a code that is not here, or a code here names a section the site lacks.
It imports nothing but the standard library, so the site's build reads it without torch.

>>> FINDING_CODES["kl-reduction-mean"].severities
('warning',)
>>> FINDING_CODES["kl-reduction-mean"].section
'pitfalls#kldivloss-arguments-and-reduction'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["FINDING_CODES", "SEVERITIES", "FindingCode", "Severity"]

Severity = Literal["error", "warning"]

#: "error": torch will raise on this call. "warning": torch returns a value, but it is
#: silently wrong or suspicious.
SEVERITIES: tuple[Severity, ...] = ("error", "warning")


@dataclass(frozen=True)
class FindingCode:
    """What one finding code means."""

    #: The severities it is reported with. Two where it depends on the loss: shapes that
    #: broadcast are an error for a loss that raises on them and a warning for one that
    #: silently broadcasts.
    severities: tuple[Severity, ...]
    #: What it means, in one line.
    summary: str
    #: The site section that explains it, as ``docname#anchor``: the page's path under
    #: ``docs/`` without ``.md``, and the anchor of one of its headings.
    section: str

    def __post_init__(self) -> None:
        if not self.severities or not set(self.severities) <= set(SEVERITIES):
            raise ValueError(f"severities must be among {SEVERITIES}, not {self.severities!r}")
        if self.section.count("#") != 1:
            raise ValueError(f"section must be 'docname#anchor', not {self.section!r}")


_E: tuple[Severity, ...] = ("error",)
_W: tuple[Severity, ...] = ("warning",)
_EW: tuple[Severity, ...] = ("error", "warning")
_ERRORS = "errors#"

#: Every finding code, in the order the site's table lists them.
FINDING_CODES: dict[str, FindingCode] = {
    # diagnose itself
    "unknown-loss": FindingCode(
        _W, "The loss is not one diagnose knows, so nothing was checked.",
        "pitfalls#when-diagnose-cannot-check-a-call",
    ),
    "bad-arguments": FindingCode(
        _E, "The arguments do not fit the loss's signature.",
        "pitfalls#when-diagnose-cannot-check-a-call",
    ),
    "values-not-checked": FindingCode(
        _W, "Meta tensors hold no values: only shapes and dtypes were checked.",
        "pitfalls#when-diagnose-cannot-check-a-call",
    ),
    "check-crashed": FindingCode(
        _W, "A check failed: a bug in lossguide; the other checks still ran.",
        "pitfalls#when-diagnose-cannot-check-a-call",
    ),
    # what kind of object and which dtype
    "not-a-tensor": FindingCode(
        _E, "A NumPy array, list or number where the loss takes tensors.",
        "pitfalls#numpy-arrays-instead-of-tensors",
    ),
    "input-not-floating": FindingCode(
        _E, "An integer input to a loss that computes in floating point.",
        _ERRORS + "log_softmax_lastdim_kernel_impl-not-implemented-for-long",
    ),
    "class-index-not-int64": FindingCode(
        _E, "Class indices that are int32, float or another dtype the loss refuses.",
        "pitfalls#class-indices-that-are-not-int64",
    ),
    "target-not-float": FindingCode(
        _E, "An integer target for a BCE-style loss.",
        "pitfalls#integer-targets-for-bce",
    ),
    "mixed-float-dtypes": FindingCode(
        _EW, "Float arguments of two dtypes, for a loss that raises or does not promote them.",
        _ERRORS + "found-dtype-float-but-expected-double",
    ),
    "lengths-not-integer": FindingCode(
        _E, "CTC lengths given as floats.", _ERRORS + "input_lengths-must-be-integral",
    ),
    # shapes
    "shape-mismatch": FindingCode(
        _E, "Arguments of shapes that do not even broadcast.",
        _ERRORS + "the-size-of-tensor-a-6-must-match-the-size-of-tensor-b-5-at-non-singleton-"
        "dimension-0",
    ),
    "shapes-broadcast": FindingCode(
        _EW, "Arguments of different shapes that broadcast: wrong silently, or raises.",
        "pitfalls#shapes-that-broadcast",
    ),
    "target-shape-mismatch": FindingCode(
        _E, "A class-index target of the wrong shape, such as (N, 1).",
        _ERRORS + "0d-or-1d-target-tensor-expected-multi-target-not-supported",
    ),
    "target-is-one-hot": FindingCode(
        _E, "One-hot rows where the loss needs class indices.",
        "pitfalls#one-hot-targets-for-crossentropyloss",
    ),
    "class-dim-not-second": FindingCode(
        _EW, "The classes in the last dimension, where the loss reads them from dimension 1.",
        "pitfalls#classes-in-the-last-dimension",
    ),
    # labels
    "class-index-out-of-range": FindingCode(
        _EW, "Class indices outside [0, C): raises, or for CTCLoss, silently wrong.",
        "pitfalls#class-index-out-of-range",
    ),
    "all-targets-ignored": FindingCode(
        _W, "Every target equals ignore_index, so the mean is 0/0: NaN.",
        "pitfalls#every-target-ignored",
    ),
    "all-target-weights-zero": FindingCode(
        _W, "Every counted target has class weight 0, so the mean is 0/0: NaN.",
        "pitfalls#every-target-of-a-class-with-weight-0",
    ),
    "target-not-plus-minus-one": FindingCode(
        _W, "0/1 labels, or other values, where the loss reads +1 and -1.",
        "pitfalls#01-labels-where-a-loss-needs-1",
    ),
    # values
    "nll-input-not-log-probabilities": FindingCode(
        _W, "Probabilities or raw scores passed to NLLLoss.",
        "pitfalls#probabilities-passed-to-nllloss",
    ),
    "kl-input-not-log-probabilities": FindingCode(
        _W, "Probabilities or raw scores as KLDivLoss's input.",
        "pitfalls#kldivloss-arguments-and-reduction",
    ),
    "ctc-input-not-log-probabilities": FindingCode(
        _W, "Raw scores or probabilities as CTCLoss's log_probs.",
        "losses/sequences#ctcloss",
    ),
    "kl-target-not-log-probabilities": FindingCode(
        _W, "With log_target=True, a target that is not log-probabilities.",
        "losses/distributions#log_target",
    ),
    "kl-target-not-probabilities": FindingCode(
        _W, "With log_target=False, a target with negative values (log-probabilities?).",
        "losses/distributions#log_target",
    ),
    "input-looks-like-softmax-output": FindingCode(
        _W, "Softmax outputs passed to a loss that applies log_softmax itself.",
        "pitfalls#softmax-before-crossentropyloss",
    ),
    "input-looks-like-sigmoid-output": FindingCode(
        _W, "Sigmoid outputs passed to a loss that applies the sigmoid itself.",
        "pitfalls#sigmoid-before-bcewithlogitsloss",
    ),
    "bce-input-outside-0-1": FindingCode(
        _E, "Logits passed to BCELoss, which needs probabilities.",
        "pitfalls#logits-passed-to-bceloss",
    ),
    "target-outside-0-1": FindingCode(
        _EW, "A BCE-style target outside [0, 1], such as ±1 labels.",
        _ERRORS + "all-elements-of-target-should-be-between-0-and-1",
    ),
    "ce-target-not-distribution": FindingCode(
        _W, "A CrossEntropyLoss target of class probabilities that are not distributions.",
        "losses/multi-class#class-probability-targets",
    ),
    "non-finite-values": FindingCode(
        _W, "NaN in an argument, or inf where it is never meaningful.",
        "pitfalls#nan-or-inf-in-the-arguments",
    ),
    "poisson-negative-rate": FindingCode(
        _W, "A negative rate with log_input=False: NaN.",
        "losses/distributions#a-negative-rate-with-log_inputfalse-gives-nan",
    ),
    "hinge-input-not-distance": FindingCode(
        _W, "Negative values where HingeEmbeddingLoss reads a distance.",
        "losses/ranking-and-embeddings#hingeembeddingloss",
    ),
    # the rules of one loss
    "ctc-batch-first": FindingCode(
        _E, "CTC log_probs batch-first, (N, T, C), where CTCLoss wants (T, N, C).",
        _ERRORS + "input_lengths-must-be-of-size-batch_size",
    ),
    "ctc-lengths-out-of-range": FindingCode(
        _E, "CTC lengths longer than the tensors they count.",
        _ERRORS + "expected-input_lengths-to-have-value-at-most-4-but-got-value-6-while-"
        "checking-arguments-for-ctc_loss_allocate_outputs",
    ),
    "ctc-input-too-short": FindingCode(
        _W, "A CTC input with too few frames to spell its target: inf.",
        "pitfalls#ctc-input-too-short-for-its-target",
    ),
    "ctc-target-contains-blank": FindingCode(
        _W, "The blank index among a CTC target's labels.",
        "losses/sequences#blank",
    ),
    "linear-ce-features-mismatch": FindingCode(
        _E, "A linear_weight whose last dimension is not the input's number of features.",
        "losses/large-vocabulary#the-weight-is-c-by-d",
    ),
    "kl-reduction-mean": FindingCode(
        _W, "KLDivLoss with reduction='mean', which is not the KL divergence per sample.",
        "pitfalls#kldivloss-arguments-and-reduction",
    ),
}  # fmt: skip
