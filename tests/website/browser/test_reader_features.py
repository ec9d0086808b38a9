"""What a reader does with the built site: search, copy code, switch theme, download notebooks."""

from __future__ import annotations

import json

import nbformat
import pytest

from lib.pages import code_cells, executed_pages, read_executed, site_build, tags

SEARCH_TERMS = ["CrossEntropyLoss", "nll_loss"]


@pytest.mark.parametrize("term", SEARCH_TERMS)
def test_search_finds(page, site_url, term):
    tab, _ = page
    tab.goto(f"{site_url}search.html?q={term}")
    summary = tab.locator("#search-results .search-summary")
    summary.wait_for(timeout=15_000)
    tab.wait_for_function(
        "() => !document.querySelector('#search-results').textContent.includes('Searching')"
    )
    results = tab.locator("#search-results ul.search li")
    assert results.count() > 0, f"no result for {term!r}: {summary.inner_text()}"


def test_copy_button_copies_the_cell_source_only(page, site_url):
    tab, _ = page
    tab.goto(site_url + "basics/regression.html")
    cells = [
        cell
        for cell in code_cells(read_executed(site_build(), "basics/regression"))
        if not tags(cell) & {"remove-cell", "remove-input"}
    ]
    sources = tab.locator("div.cell_input")
    assert sources.count() == len(cells)
    # One button per cell's code, none on its outputs.
    assert tab.locator("button.copybtn").count() == len(cells)
    for index in (0, len(cells) - 1):
        assert cells[index].outputs, "the check needs cells with outputs"
        block = sources.nth(index)
        block.hover()
        block.locator("button.copybtn").click()
        copied = tab.evaluate("navigator.clipboard.readText()")
        assert copied.strip() == cells[index].source.strip()


def test_copy_button_leaves_out_doctest_prompts_and_output(page, site_url):
    tab, _ = page
    tab.goto(site_url + "api.html")
    example = tab.locator("div.highlight-pycon, div.doctest").first
    text = example.locator("pre").inner_text()
    assert ">>> " in text, "the check needs an example with prompts"
    example.hover()
    example.locator("button.copybtn").click()
    copied = tab.evaluate("navigator.clipboard.readText()")
    expected = [line[4:] for line in text.splitlines() if line.startswith((">>> ", "... "))]
    # An output line leaves an empty line behind: harmless when pasted.
    assert [line for line in copied.splitlines() if line.strip()] == expected


def _background_luminance(tab) -> float:
    rgb = tab.evaluate(
        "getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)"
    )
    return sum(channel / 255 for channel in rgb) / 3


def test_theme_toggle_switches_to_dark_and_back(page, site_url):
    tab, _ = page
    tab.goto(site_url + "index.html")
    assert tab.evaluate("document.body.dataset.theme") == "auto"
    assert _background_luminance(tab) > 0.8
    toggle = tab.locator("button.theme-toggle:visible").first
    toggle.click()
    assert tab.evaluate("document.body.dataset.theme") == "dark"
    tab.wait_for_function(
        "() => getComputedStyle(document.body).backgroundColor !== 'rgb(255, 255, 255)'"
    )
    assert _background_luminance(tab) < 0.2
    toggle.click()
    assert tab.evaluate("document.body.dataset.theme") == "light"
    assert _background_luminance(tab) > 0.8


@pytest.mark.parametrize("docname", executed_pages())
def test_page_links_to_its_executed_notebook(page, site_url, docname):
    tab, _ = page
    tab.goto(f"{site_url}{docname}.html")
    link = tab.locator("a[download][href$='.ipynb']")
    assert link.count() == 1, f"{docname} has no notebook download link"
    address = link.evaluate("a => a.href")
    response = tab.request.get(address)
    assert response.ok, f"{address}: HTTP {response.status}"
    notebook = nbformat.reads(response.text(), as_version=4)
    nbformat.validate(notebook)
    # First the cell that installs what the page needs (docs/_ext/installcell.py), which the
    # build does not run, then the page's cells as they ran.
    install, *cells = code_cells(notebook)
    assert "install-what-this-page-needs" in install.metadata.tags
    assert install.execution_count is None
    assert not install.outputs
    served = [cell.source for cell in cells]
    assert served == [cell.source for cell in code_cells(read_executed(site_build(), docname))]
    assert all(cell.execution_count for cell in cells), "not executed"
    assert notebook.metadata.kernelspec.name == "python3"
    json.loads(response.text())


def test_unknown_address_shows_the_404_page(page, site_url):
    tab, traffic = page
    response = tab.goto(site_url + "no/such/page.html", wait_until="networkidle")
    assert response.status == 404
    assert "Page not found" in tab.title()
    assert tab.locator("link[rel=stylesheet]").count() > 0
    stylesheets_applied = tab.evaluate("document.styleSheets.length")
    assert stylesheets_applied > 0
    assert [failure for failure in traffic.failed if "no/such/page" not in failure] == []
    assert not traffic.foreign()
    # Its links lead back into the site.
    home = tab.locator("a.sidebar-brand").first.evaluate("a => a.href")
    assert tab.request.get(home).ok
