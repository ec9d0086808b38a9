"""The rules of KLDivLoss alone: its reduction, and a target whose kind ``log_target`` sets."""

from __future__ import annotations

from collections.abc import Iterator

from lossguide.diagnosis.call import LossCall
from lossguide.diagnosis.check_values import log_probability_finding, value_range
from lossguide.diagnosis.findings import Finding

__all__ = ["CHECKS"]


def reduction_mean(call: LossCall) -> Iterator[Finding]:
    if call.options.get("reduction") == "mean":
        yield Finding(
            "kl-reduction-mean",
            "warning",
            "KLDivLoss with reduction='mean' divides the sum by the number of elements, which "
            "includes the classes, so it is not the KL divergence averaged over samples (torch "
            "also warns). Pass reduction='batchmean'.",
        )


def target_not_log_probabilities(call: LossCall) -> Iterator[Finding]:
    """With log_target=True the target, too, holds log-probabilities."""
    if call.options.get("log_target"):
        yield from log_probability_finding(call, "target", "kl-target-not-log-probabilities")


def target_not_probabilities(call: LossCall) -> Iterator[Finding]:
    if call.options.get("log_target"):
        return
    stats = call.stats("target")
    if stats is None or not stats.finite or stats.low >= 0:
        return
    hint = (
        "They look like log-probabilities: pass log_target=True."
        if stats.high <= 0
        else "Pass probabilities (softmax), or log-probabilities with log_target=True."
    )
    yield Finding(
        "kl-target-not-probabilities",
        "warning",
        f"KLDivLoss with log_target=False needs probabilities as target, but target ranges "
        f"{value_range(stats)}; negative entries make the loss NaN. {hint}",
    )


CHECKS = (target_not_log_probabilities, reduction_mean, target_not_probabilities)
