"""lossguide.explain never raises and always returns a list, whatever it is given: random
text, binary junk, huge strings, objects whose str() fails, and every message torch's own
Python sources can raise."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossguide import explain

MESSAGE_ALPHABET = st.characters(codec="utf-8") | st.sampled_from(list("[](),.:'\"`-_0123456789\n"))
TORCH_WORDS = st.sampled_from(
    ["Target", "out", "of", "bounds", "Long", "Float", "torch.Size([2, 3])", "[4, 5]", "-1",
     "RuntimeError:", "UserWarning:", "\n", "Traceback (most recent call last):",
     "expected", "dtype", "input_lengths", "nll_loss2d_forward_out_cuda_template", "Assertion",
     "failed.", '"', "'", "(", ")", "../aten/src/ATen/native/cuda/Loss.cu:242:"]
)  # fmt: skip


def check(error: object) -> None:
    found = explain(error)
    assert isinstance(found, list)


@settings(max_examples=300, deadline=None)
@given(st.text(MESSAGE_ALPHABET, max_size=400))
def test_random_text(text):
    check(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(TORCH_WORDS, max_size=60).map(" ".join))
def test_random_torch_like_text(text):
    check(text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_binary_junk(data):
    check(data)
    check(bytearray(data))


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no str for you")


class BadException(Exception):
    def __str__(self) -> str:
        raise ValueError("no message")


@pytest.mark.parametrize(
    "thing",
    [None, 42, 3.5, [1, 2], {"a": 1}, object(), Unprintable(), BadException(), ValueError,
     KeyboardInterrupt(), warnings.WarningMessage("x", UserWarning, "f.py", 1), memoryview(b"ab")],
    ids=repr,
)  # fmt: skip
def test_objects_of_any_type(thing):
    check(thing)


def test_huge_strings():
    check("Target 3 is out of bounds. " * 400_000)
    check("x" * 10_000_000)
    check("[" * 200_000 + "1")
    check("\n" * 1_000_000)
    # The message at the end of a long traceback is still found.
    assert explain("  File 'x.py', line 1\n" * 100_000 + "RuntimeError: Target 3 is out of bounds.")


def test_an_exception_that_is_its_own_cause():
    error = RuntimeError("Target 3 is out of bounds.")
    error.__context__ = error
    assert explain(error)


def _torch_sources() -> list[Path]:
    import importlib.util

    root = Path(importlib.util.find_spec("torch").origin).parent
    return [
        *sorted((root / "nn").rglob("*.py")),
        *sorted((root / "_refs").rglob("*.py")),
        root / "_meta_registrations.py",
        root / "_decomp" / "decompositions.py",
        *sorted((root / "autograd").glob("*.py")),
        root / "functional.py",
        root / "_tensor.py",
    ]


def _messages(path: Path) -> list[str]:
    """The string constants and f-strings of a torch source file that read like messages,
    with each f-string's fields filled in with a number."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                part.value if isinstance(part, ast.Constant) else "7" for part in node.values
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if " " in text and 10 <= len(text) <= 2000:
            found.append(text)
    return found


def test_every_message_in_torchs_python_sources():
    messages = sorted({message for path in _torch_sources() for message in _messages(path)})
    assert len(messages) > 1000, "torch's sources were not found"
    for message in messages:
        check(message)
        check(f"RuntimeError: {message}")
