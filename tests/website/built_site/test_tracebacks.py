"""Every error a page shows is in the short form: its type and message, not torch's frames.

A page opts in with ``%xmode Minimal`` in a hidden cell near its top; a page that shows an
error without it prints 30 to 50 lines of torch internals above the one line a reader needs.
"""

from __future__ import annotations

import re

import pytest

from lib.pages import code_cells, errors, executed_pages, read_executed, site_build

ANSI = re.compile(r"\x1b\[[0-9;]*m")
PAGES = executed_pages()


def _shown_errors(page: str) -> list[tuple[str, str, str]]:
    """For each error a page shows: its cell's source, the traceback as a reader sees it, and
    the error's type and message."""
    return [
        (
            cell.source,
            ANSI.sub("", "\n".join(output.traceback)).strip(),
            f"{output.ename}: {output.evalue}".strip(),
        )
        for cell in code_cells(read_executed(site_build(), page))
        for output in errors(cell)
    ]


def test_the_basics_pages_show_errors():
    # Else the test below would pass with nothing to check on the pages the issue was about.
    shown = [page for page in PAGES if page.startswith("basics/") and _shown_errors(page)]
    assert len(shown) >= 3, shown


@pytest.mark.parametrize("page", PAGES)
def test_every_error_shows_only_its_type_and_message(page):
    for source, traceback, message in _shown_errors(page):
        # Minimal mode shows "TypeError: 'int' object is not callable" and nothing else; a
        # message may itself run over several lines (lossguide's checked() lists findings).
        assert traceback == message, (
            f"{page}: the error of this cell is not in the short form; add a hidden cell with "
            f"%xmode Minimal at the top of the page:\n{source}\n\n{traceback}"
        )
