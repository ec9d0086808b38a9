"""Messages to give lossguide.explain and the lookup box: the shipped index's own wordings,
with other numbers in them, as the same mistake with other data prints them."""

from __future__ import annotations

import re

from lossguide.error_index.index import load_shipped

_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])-?\d+(?![A-Za-z0-9_])")


def other_numbers(message: str) -> str:
    """``message`` with every whole number changed (sizes, indices, line numbers).

    >>> other_numbers("Expected target size [2, 5], got [2, 7]")
    'Expected target size [27, 48], got [27, 62]'
    """
    return _NUMBER.sub(lambda match: str(abs(int(match.group())) * 7 + 13), message)


def wordings() -> list[tuple[str, str]]:
    """(anchor, message) for every executed message and every alias of every entry."""
    return [
        (entry["anchor"], wording)
        for entry in load_shipped()["entries"]
        for wording in [*entry["messages"], *(alias["message"] for alias in entry["aliases"])]
    ]
