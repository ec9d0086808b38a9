"""``python -m lossguide explain``, run as a reader runs it: in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lib.error_messages import TRACEBACK

SRC = Path(__file__).parents[3] / "src"


def run(*arguments: str, stdin: str | int | None = None) -> subprocess.CompletedProcess:
    """Run the command with ``stdin`` as its standard input: text, or a file descriptor."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), *sys.path])}
    return subprocess.run(
        [sys.executable, "-m", "lossguide", *arguments],
        **({"stdin": stdin} if isinstance(stdin, int) else {"input": stdin}),
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )


def test_a_message_as_argument_prints_its_entry():
    result = run("explain", "RuntimeError: Target 12 is out of bounds.")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Target 3 is out of bounds."
    assert lines[1].startswith("Cause: A class index at or beyond the number of classes")
    assert any(line.startswith("Fix: ") for line in lines)
    assert "lossguide.diagnose code: class-index-out-of-range" in lines
    assert lines[-1].startswith("More: https://")
    assert lines[-1].endswith("errors.html#target-out-of-bounds")


def test_the_words_may_be_separate_arguments():
    result = run("explain", "Target", "3", "is", "out", "of", "bounds.")
    assert result.returncode == 0
    assert result.stdout.startswith("Target 3 is out of bounds.")


@pytest.mark.parametrize("arguments", [("explain",), ("explain", "-")])
def test_a_traceback_on_stdin(arguments):
    result = run(*arguments, stdin=TRACEBACK)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("expected target dtype to be Long or Byte, but got Float")
    assert "errors.html#target-dtype-float" in result.stdout


def test_all_prints_every_entry_that_fits():
    message = "Found dtype Double but expected Float"
    best = run("explain", message)
    every = run("explain", "--all", message)
    assert "more entr" in best.stdout
    assert "--all" in best.stdout
    assert every.stdout.count("More: ") >= 2
    assert every.stdout.index("found-float-expected-double") < every.stdout.index(
        "found-long-expected-float"
    )


def test_nothing_found_exits_1():
    result = run("explain", "ModuleNotFoundError: No module named 'numpy'")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "No entry" in result.stderr


@pytest.mark.parametrize("arguments", [(), ("explian", "x"), ("explain", "--bogus", "x")])
def test_usage_errors_exit_2(arguments):
    result = run(*arguments)
    assert result.returncode == 2
    assert "usage: python -m lossguide" in result.stderr


def test_no_message_and_no_pipe_is_a_usage_error():
    # stdin a terminal: nothing to read. A pseudo-terminal stands in for one.
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    try:
        result = run("explain", stdin=follower)
    finally:
        os.close(leader)
        os.close(follower)
    assert result.returncode == 2
    assert "give the message as an argument" in result.stderr
