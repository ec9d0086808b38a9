"""lossguide.FINDING_CODES: every code diagnose reports is registered, and every registered
code names a section of the site that exists."""

from __future__ import annotations

import re

import pytest
from myst_parser.slugs import github_slugify

import lossguide
from lib.pages import DOCS
from lossguide.finding_codes import FINDING_CODES, FindingCode
from lossguide.tables import finding_codes_table

HEADING = re.compile(r"^#{1,3} (.+)$", re.MULTILINE)


def _anchors(docname: str) -> set[str]:
    """The anchors of a page's headings, as MyST makes them (myst_heading_anchors = 3)."""
    text = (DOCS / f"{docname}.md").read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # comments in code cells
    return {github_slugify(title.strip()) for title in HEADING.findall(text)}


def test_the_registry_is_public_and_names_every_code_once():
    assert lossguide.FINDING_CODES is FINDING_CODES
    assert len(FINDING_CODES) >= 35
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code) for code in FINDING_CODES)


@pytest.mark.parametrize("code", FINDING_CODES)
def test_every_code_has_a_section_on_the_site(code):
    docname, anchor = FINDING_CODES[code].section.split("#")
    assert (DOCS / f"{docname}.md").exists(), f"{code}: no page docs/{docname}.md"
    assert anchor in _anchors(docname), f"{code}: docs/{docname}.md has no heading #{anchor}"


def test_a_missing_section_is_noticed():
    assert "shapes-that-broadcast" in _anchors("pitfalls")
    assert "no-such-section" not in _anchors("pitfalls")


def test_the_sites_table_lists_every_code_with_its_link():
    table = finding_codes_table()
    for code, info in FINDING_CODES.items():
        docname, anchor = info.section.split("#")
        assert f"| `{code}` |" in table
        assert f"(/{docname}.md#{anchor})" in table
    assert "```{finding-codes}" in (DOCS / "api.md").read_text(encoding="utf-8")


def test_a_code_must_say_where_it_is_explained():
    with pytest.raises(ValueError, match="severities must be among"):
        FindingCode(("fatal",), "summary", "pitfalls#x")
    with pytest.raises(ValueError, match="section must be 'docname#anchor'"):
        FindingCode(("error",), "summary", "pitfalls")
