"""The generated tables: every loss once, every column filled, every link to a real label."""

from __future__ import annotations

import re

import pytest

from built_site.notebooks import DOCS
from lossguide.catalog import FAMILIES, LOSSES
from lossguide.tables import cheat_sheet, shape_table, situations_table

LINK = re.compile(r"\{ref\}`(\w+) <(loss-\w+)>`")


def _rows(table: str) -> list[list[str]]:
    lines = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


def test_cheat_sheet_lists_every_loss_once():
    linked = LINK.findall(cheat_sheet())
    assert [name for name, _ in linked] == [spec.name for spec in LOSSES]
    assert len(linked) == 21


def test_cheat_sheet_names_every_functional():
    sheet = cheat_sheet()
    for spec in LOSSES:
        assert f"`F.{spec.functional}`" in sheet


def test_cheat_sheet_has_a_table_per_family_with_full_rows():
    sheet = cheat_sheet()
    for family in FAMILIES:
        assert f"{family.title} </{family.page}>" in sheet
    for row in _rows(sheet):
        assert len(row) == 5, row
        assert all(row[:4]), row


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_shape_table_has_a_row_per_layout_and_a_column_per_argument(spec):
    header, *rows = _rows(shape_table(spec.name))
    assert header == ["layout", *(argument.name for argument in spec.arguments)]
    assert [row[0] for row in rows] == [layout.name for layout in spec.layouts]
    assert all(len(row) == len(header) for row in rows)


def test_situations_table_covers_every_loss():
    linked = {name for name, _ in LINK.findall(situations_table())}
    assert linked == {spec.name for spec in LOSSES}


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_every_label_the_tables_link_to_is_on_its_family_page(spec):
    page = DOCS / f"{spec.family.page}.md"
    assert f"({spec.label})=" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_search_can_find_each_loss_by_both_names(spec):
    """Its section is headed by the class name and names the functional in full."""
    page = (DOCS / f"{spec.family.page}.md").read_text(encoding="utf-8")
    assert f"## {spec.name}\n" in page
    assert f"torch.nn.functional.{spec.functional}`" in page
