"""Two clean builds of the site must execute to identical outputs: the outputs the pages show,
as in the notebooks readers download (docs/_ext/notebooks.py).

``nox -s reproducible`` makes the two builds and runs this module with
LOSSGUIDE_REPRODUCIBLE_BUILDS set to their folders, separated by os.pathsep.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from lib.pages import code_cells, executed_pages
from sitebuild import Site

BUILDS = os.environ.get("LOSSGUIDE_REPRODUCIBLE_BUILDS", "")

pytestmark = pytest.mark.skipif(
    not BUILDS, reason="needs two builds of the site: run nox -s reproducible"
)


def outputs(build: Path, page: str) -> list[list[dict]]:
    """Every code cell's outputs in the page's notebook download."""
    notebook = nbformat.read(Site(build).html / "_notebooks" / f"{page}.ipynb", as_version=4)
    return [[dict(output) for output in cell.outputs] for cell in code_cells(notebook)]


@pytest.mark.parametrize("page", executed_pages())
def test_two_clean_builds_give_identical_outputs(page):
    first, second = (Path(build) for build in BUILDS.split(os.pathsep))
    first_outputs, second_outputs = outputs(first, page), outputs(second, page)
    assert len(first_outputs) == len(second_outputs)
    for index, (a, b) in enumerate(zip(first_outputs, second_outputs, strict=True)):
        assert a == b, f"{page}: cell {index} differs between builds"
