"""Find the messages in what a reader has: an exception, a warning, or pasted text.

Pasted text may be a bare message, a whole traceback, a warning as Python prints it
(``.../loss.py:610: UserWarning: Using a target size ...``) or the lines a CUDA build prints
before its error (``Loss.cu:242: ...: block: [0,0,0], thread: [5,0,0] Assertion `t >= 0 &&
t < n_classes` failed.``). The message parts are what the templates are matched against, not
the code lines of the traceback, whose words (``input``, ``target``, ``weight``) are in every
loss call.

>>> segments("Traceback (most recent call last):\\n  File \\"x.py\\", line 1\\n"
...          "RuntimeError: Target 3 is out of bounds.")
['Target 3 is out of bounds.']
>>> segments("Target 3 is out of bounds.")
['Target 3 is out of bounds.']
"""

from __future__ import annotations

import re
import warnings

__all__ = ["MAX_CHARS", "MESSAGE_LINE_PATTERN", "segments", "text_of"]

#: Only the end of a longer text is read: a traceback ends with its message.
MAX_CHARS = 64_000

# "RuntimeError: ...", "torch.OutOfMemoryError: ...", "path.py:12: UserWarning: ...",
# "[W loss.cpp:12] Warning: ..." (torch's C++ warnings), and CUDA's assertion lines.
MESSAGE_LINE_PATTERN = (
    r"^\s*(?:\S*:\d+:\s*)?(?:\[W[^\]]*\]\s*)?(?:[A-Za-z_][A-Za-z0-9_.]*\.)?"
    r"([A-Za-z_][A-Za-z0-9_]*(?:Error|Exception|Warning)):\s?(.*)$"
    r"|^(.*Assertion .* failed\.?.*)$"
)
_MESSAGE_LINE = re.compile(MESSAGE_LINE_PATTERN)
# Lines that end a message: the next traceback, or a code line of a warning.
END_PATTERN = (
    r"^(?:Traceback \(most recent call last\)|During handling of|The above exception|\s*File \")"
)
_END = re.compile(END_PATTERN)


def segments(text: str) -> list[str]:
    """The messages in ``text``, oldest first; ``[text]`` when it has no message line."""
    lines = text[-MAX_CHARS:].splitlines()
    found: list[str] = []
    current: list[str] | None = None
    warning = False
    for line in lines:
        match = _MESSAGE_LINE.match(line)
        if match:
            if current is not None:
                found.append("\n".join(current))
            if match.group(3) is not None:  # an assertion line is a message of its own
                found.append(match.group(3))
                current = None
            else:
                current = [match.group(2)]
                warning = match.group(1).endswith("Warning")
        elif current is not None:
            indented = line[:1].isspace()
            if not line.strip() or _END.match(line) or (warning and indented):
                found.append("\n".join(current))
                current = None
            else:
                current.append(line)
    if current is not None:
        found.append("\n".join(current))
    found = [segment for segment in found if segment.strip()]
    return found or [text[-MAX_CHARS:]]


def text_of(error: object) -> str:
    """The text to read in what :func:`lossguide.explain` is given.

    An exception gives ``Type: message`` for itself and each exception it was raised from or
    while handling; a warning gives ``Category: message``; text is itself; bytes are decoded.
    Raises nothing but what ``str()`` of a foreign object raises.

    >>> text_of(ValueError("bad"))
    'ValueError: bad'
    >>> text_of(UserWarning("odd"))
    'UserWarning: odd'
    """
    if isinstance(error, str):
        return error
    if isinstance(error, (bytes, bytearray, memoryview)):
        return bytes(error).decode("utf-8", errors="replace")
    if isinstance(error, warnings.WarningMessage):
        return f"{getattr(error.category, '__name__', 'Warning')}: {error.message}"
    if isinstance(error, BaseException):
        chain: list[str] = []
        seen: set[int] = set()
        while isinstance(error, BaseException) and id(error) not in seen and len(chain) < 8:
            seen.add(id(error))
            chain.append(f"{type(error).__name__}: {error}")
            error = error.__cause__ or error.__context__
        return "\n\n".join(reversed(chain))  # oldest first, as a traceback prints them
    return str(error)
