"""The error index the build wrote: the same as the package's copy, and true to the page."""

from __future__ import annotations

import html
import json
import re

import pytest

from lib.pages import code_cells, errors, read_executed, site_build, tags
from lossguide import FINDING_CODES, explain
from lossguide.error_index import index

BUILT = site_build().html / "_static" / "error-index.json"
UPDATE = "python tools/update_error_index.py"


@pytest.fixture(scope="module")
def built() -> dict:
    assert BUILT.exists(), f"{BUILT} is missing: build the site first (nox -s site)"
    return json.loads(BUILT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def page() -> str:
    return (site_build().html / "errors.html").read_text(encoding="utf-8")


def test_the_package_ships_what_the_build_wrote():
    shipped = index.load_shipped.__wrapped__()
    assert BUILT.read_text(encoding="utf-8") == index.dumps(shipped), (
        f"src/lossguide/error_index/error_index.json differs from the index of the build in "
        f"{BUILT.parent}: run `{UPDATE}` and commit the copy"
    )


def test_the_script_holds_the_same_index(built):
    script = (BUILT.parent / "error-index.js").read_text(encoding="utf-8")
    prefix = "window.lossguideErrorIndex = "
    assert script.startswith(prefix)
    assert json.loads(script.removeprefix(prefix).rstrip().removesuffix(";")) == built


def test_the_published_address_is_the_sites(built, page):
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', page).group(1)
    assert canonical == built["base_url"] + "errors.html"


def test_every_entry_is_a_section_of_its_page(built):
    anchors = [entry["anchor"] for entry in built["entries"]]
    assert len(anchors) == len(set(anchors))
    pages = {
        docname: (site_build().html / f"{docname}.html").read_text(encoding="utf-8")
        for docname in {entry["docname"] for entry in built["entries"]}
    }
    for entry in built["entries"]:
        section = re.search(
            rf'<section id="{entry["anchor"]}">\s*(?:<span id="[^"]*"></span>)*<h3>(.*?)<a ',
            pages[entry["docname"]],
            re.S,
        )
        assert section, f"no section with the id {entry['anchor']!r}"
        assert html.unescape(re.sub(r"<[^>]+>", "", section.group(1))) == entry["title"]


def test_every_entry_has_its_facts(built):
    for entry in built["entries"]:
        assert entry["cause"], entry["anchor"]
        assert entry["fix"], entry["anchor"]
        assert entry["messages"], f"{entry['anchor']}: no executed message"
        assert len(entry["templates"]) == len(entry["messages"])
        assert len(entry["alias_templates"]) >= len(entry["aliases"])
        assert all(code in FINDING_CODES for code in entry["codes"])
        for link in [*entry["sources"], *({"url": a["source"]} for a in entry["aliases"])]:
            assert link["url"].startswith("https://"), entry["anchor"]


def raised_on(docname: str) -> set[str]:
    return {
        output.evalue
        for cell in code_cells(read_executed(site_build(), docname))
        if "raises-exception" in tags(cell)
        for output in errors(cell)
    }


def test_the_messages_are_the_ones_the_cells_raised(built):
    # What the page printed is what the index holds: every error of a cell of errors.md.
    held = {message for entry in built["entries"] for message in entry["messages"]}
    assert raised_on("errors") <= held, raised_on("errors") - held
    # The other pages with entries may show an error outside an entry (segmentation shows
    # the error index's "Target 255 is out of bounds."): explain knows each of them.
    for docname in {entry["docname"] for entry in built["entries"]} - {"errors"}:
        unknown = {message for message in raised_on(docname) if not explain(message)}
        assert not unknown, (docname, unknown)


def test_the_lookup_box_is_on_the_page(page):
    assert re.search(r'<label for="error-lookup">Paste an error message</label>', page)
    assert re.search(r'<input id="error-lookup"', page)
    assert 'id="error-lookup-results"' in page
    assert "error-lookup.js" in page
    search = (site_build().html / "search.html").read_text(encoding="utf-8")
    assert "error-index.js" in search
    assert "error-lookup.js" in search
