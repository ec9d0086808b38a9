"""Checks of the built site's executed notebooks: what myst-nb itself does not check."""

from __future__ import annotations

import re
import site
import sys
from importlib.metadata import version

import pytest

from lib.pages import (
    DOCS,
    code_cells,
    declares_stderr,
    errors,
    executed_pages,
    read_executed,
    site_build,
    stderr,
    tags,
)

PAGES = executed_pages()


def test_pages_are_found():
    assert "basics/regression" in PAGES, PAGES


@pytest.fixture(scope="module", params=PAGES)
def notebook(request):
    return request.param, read_executed(site_build(), request.param)


def test_every_cell_ran(notebook):
    page, executed = notebook
    cells = code_cells(executed)
    assert cells, f"{page} has no code cells"
    not_run = [cell.source[:60] for cell in cells if cell.execution_count is None]
    assert not not_run, f"{page}: cells that did not run: {not_run}"


def test_only_cells_tagged_raises_exception_raise(notebook):
    page, executed = notebook
    for cell in code_cells(executed):
        if "raises-exception" in tags(cell):
            assert errors(cell), (
                f"{page}: cell tagged raises-exception did not raise:\n{cell.source}"
            )
        else:
            assert not errors(cell), (
                f"{page}: cell raised:\n{cell.source}\n{errors(cell)[0].evalue}"
            )


def test_only_cells_that_declare_stderr_print_to_it(notebook):
    page, executed = notebook
    for cell in code_cells(executed):
        if declares_stderr(cell):
            assert "Warning" in stderr(cell), (
                f"{page}: cell declares output_stderr: show but printed no warning:\n{cell.source}"
            )
        else:
            assert not stderr(cell), f"{page}: unexpected stderr:\n{stderr(cell)}"


def test_no_output_shows_a_warning(notebook):
    page, executed = notebook
    for cell in code_cells(executed):
        if declares_stderr(cell):
            continue
        for output in cell.outputs:
            text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            assert not re.search(r"\w+Warning:", text), f"{page}: output shows a warning:\n{text}"


@pytest.mark.parametrize("page", PAGES)
def test_footer_names_the_versions_that_ran(page):
    html = (site_build().html / f"{page}.html").read_text(encoding="utf-8")
    assert f"torch {version('torch')}" in html
    assert f"NumPy {version('numpy')}" in html


@pytest.mark.parametrize("page", PAGES)
def test_outputs_name_no_path_of_the_build_machine(page):
    # The build's paths, which the kernels print in warnings and tracebacks (outputpaths.py).
    paths = {str(DOCS.parent), sys.prefix, *site.getsitepackages()}
    shown = {
        "page": (site_build().html / f"{page}.html").read_text(encoding="utf-8"),
        "download": (site_build().html / "_notebooks" / f"{page}.ipynb").read_text("utf-8"),
    }
    for where, text in shown.items():
        leaks = sorted(path for path in paths if path in text)
        assert not leaks, f"{page}: the {where} shows {leaks}"
