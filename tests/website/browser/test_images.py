"""Every picture on the site loads, says what it shows, and (a figure a cell drew) is sharp on
a high-DPI screen; every figure a cell draws is on its page as a picture, not as text."""

from __future__ import annotations

import pytest

from lib.browsing import DESKTOP, Look, site_pages
from lib.page_checks import figures_shown_as_text, image_problems
from lib.pages import (
    code_cells,
    executed_pages,
    read_executed,
    site_build,
    tags,
)

PAGES = site_pages()
HIDDEN = {"remove-cell", "remove-output"}


def figures_drawn(docname: str) -> int:
    """How many pictures the page's visible cells output, in its executed notebook."""
    if docname not in executed_pages():
        return 0
    return sum(
        1
        for cell in code_cells(read_executed(site_build(), docname))
        if not tags(cell) & HIDDEN
        for output in cell.outputs
        if any(kind.startswith("image/") for kind in output.get("data", {}))
    )


@pytest.mark.parametrize("path", PAGES)
def test_figures_are_pictures_that_load_and_say_what_they_show(view, path):
    tab = view(path, Look(*DESKTOP))
    problems = [
        f"a figure shown as text, not a picture: {text}" for text in figures_shown_as_text(tab)
    ]
    drawn = figures_drawn(path.removesuffix(".html"))
    shown = tab.locator("article .cell_output img").count()
    if shown != drawn:
        problems.append(f"{drawn} figures in the executed notebook, {shown} on the page")
    problems += image_problems(tab)
    assert not problems, f"{path}:\n" + "\n".join(problems)
