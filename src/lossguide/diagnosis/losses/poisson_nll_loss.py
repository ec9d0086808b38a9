"""The rules of PoissonNLLLoss alone: with ``log_input=False`` its input is a rate."""

from __future__ import annotations

from collections.abc import Iterator

from lossguide.diagnosis.call import LossCall
from lossguide.diagnosis.evidence import fmt_number
from lossguide.diagnosis.findings import Finding

__all__ = ["CHECKS"]


def negative_rate(call: LossCall) -> Iterator[Finding]:
    if call.options.get("log_input", True):
        return
    stats = call.stats("input")
    if stats is not None and stats.finite and stats.low < 0:
        yield Finding(
            "poisson-negative-rate",
            "warning",
            f"PoissonNLLLoss with log_input=False reads input as a rate, which cannot be "
            f"negative, but input goes down to {fmt_number(stats.low)}; the loss will be NaN. "
            f"Pass the log of the rate with log_input=True (the default), or make the rate "
            f"positive, e.g. with softplus.",
        )


CHECKS = (negative_rate,)
