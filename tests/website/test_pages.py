"""Checks of the page sources that need no build: every figure has alt text.

A figure's alt text is cell metadata, ``mystnb: {image: {alt: ...}}``, which myst-nb puts on
the ``<img>`` of the cell's image output. Without it the image has no alt at all, and a reader
who cannot see the figure learns nothing from it. The browser tests check the built pages'
``<img>`` elements; this finds a missing alt in the source, without building.
"""

from __future__ import annotations

import re

import pytest
from myst_nb.core.read import read_myst_markdown_notebook

from lib.pages import DOCS, code_cells, source_pages

# A call that draws a figure: the site's helper, or matplotlib's own.
DRAWS = re.compile(r"\bloss_and_gradient\(|\bplt\.(?:show|subplots|figure)\(")
FAMILY_PAGES = {f"losses/{path.stem}" for path in (DOCS / "losses").glob("*.md")} - {"losses/index"}


def _figure_cells() -> list[tuple[str, int, object]]:
    found = []
    for page in source_pages():
        text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
        if "```{code-cell}" not in text:
            continue
        for index, cell in enumerate(code_cells(read_myst_markdown_notebook(text))):
            if DRAWS.search(cell.source):
                found.append((page, index, cell))
    return found


FIGURES = _figure_cells()


def test_figures_are_found_on_every_family_page_and_the_regression_basics():
    # Else the test below could pass with nothing to check.
    assert {page for page, _, _ in FIGURES} >= FAMILY_PAGES | {"basics/regression"}
    assert len(FIGURES) >= 14


@pytest.mark.parametrize(
    ("page", "index", "cell"), FIGURES, ids=[f"{page}-cell{index}" for page, index, _ in FIGURES]
)
def test_every_figure_has_alt_text(page, index, cell):
    alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
    assert isinstance(alt, str), (
        f"{page}: this figure has no alt text; give its cell the metadata "
        f"mystnb: {{image: {{alt: ...}}}} saying what the plot shows:\n{cell.source}"
    )
    # A sentence, not a placeholder such as "plot" or the image's file name: which curves,
    # the axes, and the shape that matters take more than a few words.
    assert len(alt.split()) >= 15, f"{page}: alt text too short to describe the figure: {alt!r}"
