"""What :func:`lossguide.diagnose` reports: findings, and the warning that carries them.

>>> finding = Finding("kl-reduction-mean", "warning", "Use reduction='batchmean'.")
>>> print(finding)
warning [kl-reduction-mean]: Use reduction='batchmean'.
>>> finding.is_error
False
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lossguide.finding_codes import SEVERITIES, Severity

__all__ = ["SEVERITIES", "Finding", "LossguideWarning", "describe"]


class LossguideWarning(UserWarning):
    """Warned by :func:`lossguide.checked` when a loss call looks wrong."""


@dataclass(frozen=True)
class Finding:
    """One thing that looks wrong in a loss call.

    ``code`` is a stable kebab-case name to search the docs for or to filter on, one of
    :data:`lossguide.finding_codes.FINDING_CODES`, which names the section of the site that
    explains it; ``message`` says what was seen, why it matters and how to fix it.
    """

    code: str
    severity: Severity
    message: str

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    @property
    def is_error(self) -> bool:
        """Whether torch raises on the call (rather than returning a doubtful value)."""
        return self.severity == "error"

    def __str__(self) -> str:
        return f"{self.severity} [{self.code}]: {self.message}"


def describe(findings: Iterable[Finding]) -> str:
    """One line per finding, for a warning or an exception message.

    >>> print(describe([Finding("a", "error", "first."), Finding("b", "warning", "second.")]))
    - error [a]: first.
    - warning [b]: second.
    """
    return "\n".join(f"- {finding}" for finding in findings)
