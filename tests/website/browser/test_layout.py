"""Every page on a phone and on a desktop, light and dark: nothing wider than its box, no
formula cut, and a full-page screenshot of each under build/screenshots/ for a person to look
at (e.g. build/screenshots/dark-390/losses/multi-class.png).

The contract with the site's CSS: inside the article, no element's content is wider than its
box, whatever its overflow setting, but a cell's input code (a ``pre`` in ``div.cell_input``)
and a display formula (``div.math-block``), which scroll sideways; and the page itself never
scrolls sideways.
"""

from __future__ import annotations

import pytest

from lib.browsing import DESKTOP, PHONE, Look, site_pages
from lib.page_checks import clipped_formulas, overflow_problems
from lib.pages import site_build

PAGES = site_pages()
SIZES = [PHONE, DESKTOP]


def screenshot_path(path: str, look: Look):
    """build/screenshots/<theme>-<width>/<page>.png"""
    return (
        site_build().root
        / "screenshots"
        / f"{look.theme}-{look.width}"
        / path.replace(".html", ".png")
    )


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}" for w, _ in SIZES])
@pytest.mark.parametrize("path", PAGES)
def test_page_fits_its_window(view, path, width, height, theme):
    look = Look(width, height, system=theme, theme=theme)
    tab = view(path, look)
    shot = screenshot_path(path, look)
    shot.parent.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=shot, full_page=True)
    problems = overflow_problems(tab) + [f"formula cut: {cut}" for cut in clipped_formulas(tab)]
    assert not problems, f"{path} at {look}:\n" + "\n".join(problems)
