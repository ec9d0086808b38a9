"""Messages to give lossguide.explain and the lookup box: the shipped index's own wordings,
with other numbers in them, as the same mistake with other data prints them."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from lossguide.error_index.explanations import shipped_matcher
from lossguide.error_index.index import load_shipped
from lossguide.error_index.messages import segments

#: A traceback as a reader pastes it, from a loss module's call; its entry is target-dtype-float.
TRACEBACK = """\
Traceback (most recent call last):
  File "/home/me/train.py", line 41, in <module>
    loss = criterion(output, target)
  File ".../site-packages/torch/nn/modules/loss.py", line 1310, in forward
    return F.cross_entropy(input, target, weight=self.weight,
RuntimeError: expected target dtype to be Long or Byte, but got Float
"""

#: Messages users reported in public threads, each with what torch 2.13 prints for the same
#: mistake (collected for issue 13; see the file's header).
REAL_WORLD = Path(__file__).with_name("data") / "real_world_messages.toml"
#: Reports whose reproducer, on torch 2.13, makes another mistake than the one reported: the
#: entry of today's message is not theirs.
ANOTHER_MISTAKE_TODAY = {
    "dimension-out-of-range-discuss-cbow": "reported: an output without its batch dimension; "
    "today the one-hot target fails first",
    "mse-long-target-munkai": "reported: a Long target to MSELoss, which torch 2.13 accepts; "
    "today only the shapes warn",
}

_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])-?\d+(?![A-Za-z0-9_])")


def other_numbers(message: str) -> str:
    """``message`` with every whole number changed (sizes, indices, line numbers).

    >>> other_numbers("Expected target size [2, 5], got [2, 7]")
    'Expected target size [27, 48], got [27, 62]'
    """
    return _NUMBER.sub(lambda match: str(abs(int(match.group())) * 7 + 13), message)


# Each dtype name to another that a message reporting the same mistake could name: int64
# labels where int32 ones were reported, float16 weights where float64 ones were. Float stays,
# since it is nearly always the dtype a message expects.
_OTHER_DTYPE = {
    "LongTensor": "IntTensor",
    "IntTensor": "ShortTensor",
    "DoubleTensor": "HalfTensor",
    "Long": "Int",
    "Int": "Short",
    "Double": "Half",
    "Half": "BFloat16",
    "int64": "int32",
    "int32": "int16",
    "float64": "float16",
}
_DTYPE_NAMES = "|".join(sorted(_OTHER_DTYPE, key=len, reverse=True))
_DTYPE = re.compile(rf"(?<![A-Za-z0-9_])({_DTYPE_NAMES})(?![A-Za-z0-9_])")


def other_dtypes(message: str) -> str:
    """``message`` with each dtype name changed to another of its family.

    >>> other_dtypes("expected scalar type Float but found Double")
    'expected scalar type Float but found Half'
    """
    return _DTYPE.sub(lambda match: _OTHER_DTYPE[match.group()], message)


def wordings() -> list[tuple[str, str]]:
    """(anchor, message) for every executed message and every alias of every entry."""
    return [
        (entry["anchor"], wording)
        for entry in load_shipped()["entries"]
        for wording in [*entry["messages"], *(alias["message"] for alias in entry["aliases"])]
    ]


@dataclass(frozen=True)
class RealWorldMessage:
    id: str
    reported: str
    source: str
    #: The anchor of the entry that explains it, or None when no entry does yet.
    entry: str | None


def real_world_messages() -> list[RealWorldMessage]:
    """The reported messages, each with its entry: the one named in the file (``entry``), else
    the one whose template today's wording matches with no dtype of another family (an
    integer target's message is not explained by a float one's entry)."""
    messages = tomllib.loads(REAL_WORLD.read_text(encoding="utf-8"))["message"]
    anchors = [entry["anchor"] for entry in load_shipped()["entries"]]
    found = []
    for message in messages:
        entry = message.get("entry")
        if (
            entry is None
            and message["today_type"] != "none"
            and (message["id"] not in ANOTHER_MISTAKE_TODAY)
        ):
            ranked = shipped_matcher().rank(
                segments(f"{message['today_type']}: {message['today']}")
            )
            if ranked and ranked[0][1][0] == 1 and ranked[0][1][3] == 0:
                entry = anchors[ranked[0][0]]
        found.append(RealWorldMessage(message["id"], message["reported"], message["source"], entry))
    return found
