"""Two clean builds of the site must execute to identical outputs: the outputs the pages show,
as in the notebooks readers download (docs/_ext/notebooks.py).

``nox -s reproducible`` makes the two builds and runs this module with
LOSSGUIDE_REPRODUCIBLE_BUILDS set to their folders, separated by os.pathsep.

A cell tagged ``measured`` shows a measurement of the machine that built it (the peak memory on
the large-vocabulary page), which varies a little from run to run: of it, both builds must show
the same kinds of output (an image, say), not the same bytes.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from myst_nb.core.read import read_myst_markdown_notebook

from lib.pages import DOCS, code_cells, executed_pages, tags
from sitebuild import Site

BUILDS = os.environ.get("LOSSGUIDE_REPRODUCIBLE_BUILDS", "")

pytestmark = pytest.mark.skipif(
    not BUILDS, reason="needs two builds of the site: run nox -s reproducible"
)


def outputs(build: Path, page: str) -> list[tuple[bool, list[dict]]]:
    """Every code cell's outputs in the page's notebook download, and whether it is measured."""
    notebook = nbformat.read(Site(build).html / "_notebooks" / f"{page}.ipynb", as_version=4)
    return [
        ("measured" in tags(cell), [dict(output) for output in cell.outputs])
        for cell in code_cells(notebook)
    ]


def kinds(cell_outputs: list[dict]) -> list[tuple[str, ...]]:
    """What a cell shows, without the bytes: each output's type and MIME types."""
    return [(output["output_type"], *sorted(output.get("data", {}))) for output in cell_outputs]


@pytest.mark.parametrize("page", executed_pages())
def test_two_clean_builds_give_identical_outputs(page):
    first, second = (Path(build) for build in BUILDS.split(os.pathsep))
    first_outputs, second_outputs = outputs(first, page), outputs(second, page)
    assert len(first_outputs) == len(second_outputs)
    pairs = zip(first_outputs, second_outputs, strict=True)
    for index, ((measured, a), (_, b)) in enumerate(pairs):
        if measured:
            assert kinds(a) == kinds(b), f"{page}: measured cell {index} shows other outputs"
        else:
            assert a == b, f"{page}: cell {index} differs between builds"


def test_only_measurements_are_exempt():
    """The exemption is for measurements of the machine, and each one is named here."""
    measured = {
        page: sum("measured" in tags(cell) for cell in code_cells(read_page(page)))
        for page in executed_pages()
    }
    assert {page: count for page, count in measured.items() if count} == {
        "losses/large-vocabulary": 1
    }


def read_page(page: str) -> nbformat.NotebookNode:
    return read_myst_markdown_notebook((DOCS / f"{page}.md").read_text(encoding="utf-8"))
