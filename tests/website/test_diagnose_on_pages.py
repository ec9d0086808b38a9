"""diagnose on every loss call the site makes: silent on the correct ones, never missing the
mistakes a page demonstrates.

Each page is executed in-process with every ``torch.nn.functional`` loss wrapped, so that
``diagnose`` sees each call exactly as the page makes it (modules call the functional).
A cell tagged ``mistake`` makes a deliberate wrong call, and diagnose must flag at least one
of its calls; every call in any other cell must give no findings. Cells tagged
``raises-exception`` are exempt either way: their errors are torch's to report.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import pytest
import torch.nn.functional as F
from IPython.core.interactiveshell import InteractiveShell
from myst_nb.core.read import read_myst_markdown_notebook

from lib.pages import DOCS, code_cells, executed_pages, tags
from lossguide import diagnose
from lossguide.catalog import LOSSES

PAGES = executed_pages()


class CallRecorder:
    """Wraps every functional loss; records diagnose's findings for each call."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[str, list]] = []
        self._inside = False
        for spec in LOSSES:
            original = getattr(F, spec.functional)
            monkeypatch.setattr(F, spec.functional, self._wrap(original))

    def _wrap(self, original):
        @functools.wraps(original)
        def recorded(*args, **kwargs):
            if not self._inside:  # diagnose and the loss may call other losses
                self._inside = True
                try:
                    self.calls.append((original.__name__, diagnose(original, *args, **kwargs)))
                finally:
                    self._inside = False
            return original(*args, **kwargs)

        return recorded


@pytest.fixture(scope="module")
def shell():
    # Figures drawn off screen, for this module only: kernels that later tests start inherit
    # the environment, and would show no figure with MPLBACKEND=Agg.
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("MPLBACKEND", "Agg")
        yield InteractiveShell.instance()


@pytest.mark.parametrize("page", PAGES)
def test_diagnose_flags_the_mistakes_and_nothing_else(page, shell, monkeypatch):
    source = DOCS / f"{page}.md"
    notebook = read_myst_markdown_notebook(source.read_text(encoding="utf-8"))
    recorder = CallRecorder(monkeypatch)
    monkeypatch.chdir(source.parent)
    shell.reset(new_session=False)
    false_alarms, missed = [], []
    for cell in code_cells(notebook):
        recorder.calls.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the pages' own warnings are checked in the build
            result = shell.run_cell(cell.source, silent=True)
        if "raises-exception" in tags(cell):
            continue
        assert result.error_in_exec is None, f"{page}: cell raised:\n{cell.source}"
        flagged = [(name, findings) for name, findings in recorder.calls if findings]
        if "mistake" in tags(cell):
            if not flagged:
                missed.append(cell.source)
        else:
            false_alarms.extend((cell.source, name, findings) for name, findings in flagged)
    assert not false_alarms, f"{page}: diagnose flagged correct calls: {false_alarms}"
    assert not missed, f"{page}: cells tagged mistake that diagnose did not flag: {missed}"


def test_pages_are_found():
    assert Path(DOCS / "basics" / "negative-log-likelihood.md").exists()
    assert "basics/negative-log-likelihood" in PAGES
