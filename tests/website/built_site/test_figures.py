"""Checks that the built site shows its figures as images.

A figure that reached a page only as its text representation, ``<Figure size 800x300 with 2
Axes>``, is what every page showed while the warm kernels lacked matplotlib-inline's
formatters (docs/_ext/warmkernel/): the build passed, and no test looked.
"""

from __future__ import annotations

import re

import pytest

from lib.pages import code_cells, executed_pages, read_executed, site_build

PAGES = executed_pages()
# A line, not an import, that draws: the site's figure helper, or pyplot making or showing one.
DRAWS = re.compile(
    r"^(?!\s*(?:from|import)\b).*\b(?:loss_and_gradient|plt\.(?:show|subplots|figure))\(",
    re.MULTILINE,
)
FIGURE_AS_TEXT = "<Figure size"


def is_figure_cell(cell) -> bool:
    """A cell that draws, or whose metadata sets options for its image (its alt text)."""
    return bool(DRAWS.search(cell.source)) or "image" in cell.metadata.get("mystnb", {})


def image_mimes(output) -> set[str]:
    return {mime for mime in output.get("data", {}) if mime.startswith("image/")}


@pytest.fixture(scope="module", params=PAGES)
def notebook(request):
    return request.param, read_executed(site_build(), request.param)


def test_the_site_has_figure_cells():
    # Else every other test here would pass for want of figures.
    figures = [
        cell
        for page in PAGES
        for cell in code_cells(read_executed(site_build(), page))
        if is_figure_cell(cell)
    ]
    assert figures, "no figure cell found: has DRAWS stopped matching how pages draw?"


def test_every_figure_cell_shows_an_image(notebook):
    page, executed = notebook
    for cell in code_cells(executed):
        if is_figure_cell(cell):
            images = set().union(*map(image_mimes, cell.outputs))
            assert images, f"{page}: a figure cell shows no image:\n{cell.source}"


def test_figures_are_sharp_on_high_dpi_screens(notebook):
    # SVG, or PNG at twice its displayed size (IPython's "retina": width and height in the
    # output's metadata, which myst-nb puts on the <img>).
    page, executed = notebook
    for cell in code_cells(executed):
        for output in cell.outputs:
            images = image_mimes(output)
            if not images or "image/svg+xml" in images:
                continue
            assert output.get("metadata", {}).get("image/png", {}).get("width"), (
                f"{page}: a figure only as a bitmap at screen resolution ({sorted(images)}):\n"
                f"{cell.source}"
            )


def test_no_output_shows_a_figure_as_text(notebook):
    # In the executed notebook a figure's text/plain is always "<Figure size ...>": it is what
    # a page shows only when no image comes with it.
    page, executed = notebook
    for cell in code_cells(executed):
        for output in cell.outputs:
            text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            if FIGURE_AS_TEXT in text:
                assert image_mimes(output), f"{page}: a figure shown as text:\n{cell.source}"


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_a_figure_as_text(page):
    html = (site_build().html / f"{page}.html").read_text(encoding="utf-8")
    for shown in (FIGURE_AS_TEXT, FIGURE_AS_TEXT.replace("<", "&lt;")):
        assert shown not in html, f"{page}.html shows {shown!r}"
