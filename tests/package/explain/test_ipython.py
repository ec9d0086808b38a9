"""``%load_ext lossguide``: in a real IPython shell, and in a Jupyter kernel."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell

import lossguide.ipython

SRC = Path(__file__).parents[3] / "src"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
WRONG_LABELS = (
    "import torch\n"
    "from torch import nn\n"
    "nn.CrossEntropyLoss()(torch.randn(4, 3), torch.tensor([1, 2, 3, 0]))\n"
)


@pytest.fixture
def shell(capsys):
    shell = InteractiveShell.instance()
    shell.run_cell("%load_ext lossguide")
    yield shell
    shell.run_cell("%unload_ext lossguide")
    InteractiveShell.clear_instance()


def run(shell: InteractiveShell, capsys, code: str) -> str:
    capsys.readouterr()
    result = shell.run_cell(code)
    assert result.error_in_exec is not None, "the cell was meant to fail"
    captured = capsys.readouterr()
    return ANSI.sub("", captured.out + captured.err)


def test_a_loss_error_is_followed_by_its_explanation_and_the_findings(shell, capsys):
    shown = run(shell, capsys, WRONG_LABELS)
    traceback_end = shown.index("IndexError: Target 3 is out of bounds.")
    explanation = shown.index("lossguide: Target 3 is out of bounds.")
    findings = shown.index("lossguide.diagnose on the failing call to CrossEntropyLoss:")
    assert traceback_end < explanation < findings
    assert "More: https://" in shown
    assert "errors.html#target-out-of-bounds" in shown
    assert "- error [class-index-out-of-range]" in shown
    assert sys.last_value.args == ("Target 3 is out of bounds.",)  # as without the extension


def test_a_functional_loss_call_is_diagnosed_too(shell, capsys):
    shown = run(
        shell,
        capsys,
        "import torch\nimport torch.nn.functional as F\n"
        "F.cross_entropy(torch.randn(4, 3), torch.tensor([1, 2, 0, 0]).int())\n",
    )
    assert "lossguide: expected target dtype to be Long or Byte, but got Int" in shown
    assert "on the failing call to torch.nn.functional.cross_entropy:" in shown
    assert "[class-index-not-int64]" in shown


def test_other_errors_keep_their_plain_traceback(shell, capsys):
    shown = run(shell, capsys, "1 / 0")
    assert "ZeroDivisionError" in shown
    assert "lossguide" not in shown


def test_a_failure_inside_lossguide_leaves_the_traceback(shell, capsys, monkeypatch):
    def broken(error, tb):
        raise RuntimeError("lossguide is broken")

    monkeypatch.setattr(lossguide.ipython, "notes", broken)
    shown = run(shell, capsys, WRONG_LABELS)
    assert "Target 3 is out of bounds." in shown
    assert "lossguide is broken" not in shown
    assert "Custom TB Handler failed" not in shown
    # and the extension is still there for the next cell
    assert shell.custom_exceptions == (Exception,)


def test_unloading_restores_the_shell(capsys):
    shell = InteractiveShell.instance()
    try:
        before = (shell.custom_exceptions, shell.CustomTB)
        shell.run_cell("%load_ext lossguide")
        shell.run_cell("%load_ext lossguide")  # twice is once
        shell.run_cell("%unload_ext lossguide")
        assert (shell.custom_exceptions, shell.CustomTB) == before
        shown = run(shell, capsys, WRONG_LABELS)
        assert "lossguide:" not in shown
    finally:
        InteractiveShell.clear_instance()


def test_in_a_jupyter_kernel():
    from jupyter_client.manager import start_new_kernel

    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), *sys.path])}
    manager, client = start_new_kernel(kernel_name="python3", env=environment)
    try:
        outputs = []

        def keep(message):
            if message["msg_type"] in {"error", "stream"}:
                outputs.append(message["content"])

        client.execute_interactive("%load_ext lossguide", timeout=60, output_hook=keep)
        reply = client.execute_interactive(WRONG_LABELS, timeout=120, output_hook=keep)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "error"
    errors = [output for output in outputs if "traceback" in output]
    assert len(errors) == 1, outputs
    error = errors[0]
    assert (error["ename"], error["evalue"]) == ("IndexError", "Target 3 is out of bounds.")
    traceback = ANSI.sub("", "\n".join(error["traceback"]))
    assert "lossguide: Target 3 is out of bounds." in traceback
    assert "errors.html#target-out-of-bounds" in traceback
    assert "[class-index-out-of-range]" in traceback
