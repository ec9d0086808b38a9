"""Text contrast on every page in each of the six ways a reader can see it: the operating
system set to light or dark, times furo's theme toggle on auto, light or dark.

axe-core's color-contrast rule measures each piece of text against what is drawn behind it.
It cannot measure text it cannot see, such as code scrolled out of view in a wide block: it
leaves that "incomplete", and the full axe run in test_pages.py passes it by; so does text
that crosses the bottom of the window. So the pages here are measured with every ``pre``
wrapped and in a window as tall as the page (for the measurement only: that moves text, not
colours), and text axe still cannot measure fails the test, unless it is a symbol (a
formula's operators) or too short to be taken for text.

Two looks that give every element the same colours give the same result: axe runs once per
page for each distinct set of colours (on a fixed site, twice: one light, one dark).
"""

from __future__ import annotations

import pytest

from lib.browsing import THEMES, site_pages
from lib.page_checks import contrast_problems

PAGES = site_pages()


@pytest.mark.parametrize("look", THEMES, ids=lambda look: f"{look.system}-{look.theme}")
@pytest.mark.parametrize("path", PAGES)
def test_text_contrast(view, path, look):
    tab = view(path, look)
    problems = contrast_problems(tab)
    assert not problems, (
        f"{path}, {look}:\n"
        + "\n".join(problems[:15])
        + (f"\n... {len(problems)} in all" if len(problems) > 15 else "")
    )
