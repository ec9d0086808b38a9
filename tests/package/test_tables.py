"""The generated tables: every loss once, every column filled, every link to a real label."""

from __future__ import annotations

import re

import pytest

from lib.pages import DOCS
from lossguide.catalog import FAMILIES, LOSSES, OUTPUT_LAYERS, RECIPES
from lossguide.tables import cheat_sheet, shape_table, situations_table, torch_docs

EVERY_LOSS = (*LOSSES, *OUTPUT_LAYERS)

LINK = re.compile(r"\{ref\}`(\w+) <(loss-\w+)>`")


def _rows(table: str) -> list[list[str]]:
    lines = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


def test_cheat_sheet_lists_every_loss_once():
    linked = LINK.findall(cheat_sheet())
    assert sorted(name for name, _ in linked) == sorted(spec.name for spec in EVERY_LOSS)
    assert len(linked) == 23


def test_cheat_sheet_names_every_functional():
    sheet = cheat_sheet()
    for spec in LOSSES:
        assert f"`F.{spec.functional}`" in sheet
    for spec in OUTPUT_LAYERS:
        assert f"{{ref}}`{spec.name} <{spec.label}>`<br>module only" in sheet


def test_cheat_sheet_has_a_table_per_family_with_full_rows():
    sheet = cheat_sheet()
    for family in FAMILIES:
        assert f"{family.title} </{family.page}>" in sheet
    for row in _rows(sheet):
        assert len(row) == 5, row
        assert all(row[:4]), row


@pytest.mark.parametrize("spec", EVERY_LOSS, ids=lambda spec: spec.name)
def test_shape_table_has_a_row_per_layout_and_a_column_per_argument(spec):
    header, *rows = _rows(shape_table(spec.name))
    assert header == ["layout", *(argument.name for argument in spec.arguments)]
    assert [row[0] for row in rows] == [layout.name for layout in spec.layouts]
    assert all(len(row) == len(header) for row in rows)


def test_situations_table_covers_every_loss():
    linked = {name for name, _ in LINK.findall(situations_table())}
    assert linked == {spec.name for spec in EVERY_LOSS}


def test_situations_table_marks_every_recipe_and_its_section_exists():
    table = situations_table()
    choosing = (DOCS / "choosing.md").read_text(encoding="utf-8")
    for recipe in RECIPES:
        assert f"{{ref}}`{recipe.name} <{recipe.label}>` (not in torch.nn)" in table
        assert f"({recipe.label})=" in choosing, recipe.label


@pytest.mark.parametrize("spec", EVERY_LOSS, ids=lambda spec: spec.name)
def test_every_label_the_tables_link_to_is_on_its_family_page(spec):
    page = DOCS / f"{spec.family.page}.md"
    assert f"({spec.label})=" in page.read_text(encoding="utf-8")


def _section(spec) -> str:
    """The source of the loss's section: from its label to the next heading of its level."""
    page = (DOCS / f"{spec.family.page}.md").read_text(encoding="utf-8")
    start = page.index(f"({spec.label})=\n## {spec.name}\n")
    end = page.find("\n## ", start + len(spec.label) + 4)
    return page[start : end if end != -1 else None]


@pytest.mark.parametrize("spec", EVERY_LOSS, ids=lambda spec: spec.name)
def test_torch_docs_links_the_class_and_the_function(spec):
    line = torch_docs(spec.name)
    assert f"{{py:class}}`torch.nn.{spec.name}`" in line
    if spec.in_functional:
        assert f"{{py:func}}`torch.nn.functional.{spec.functional}`" in line
    else:
        assert "a module with no function in `torch.nn.functional`" in line


@pytest.mark.parametrize("spec", EVERY_LOSS, ids=lambda spec: spec.name)
def test_each_section_starts_with_links_to_torchs_docs(spec):
    """The first thing under the heading is the line that links to torch's pages for the
    class and the function: readers look for it there, and search finds the loss by both
    names, since the line names both in full."""
    _, _, body = _section(spec).partition(f"## {spec.name}\n")
    directive = f"```{{loss-torch-docs}} {spec.name}\n```\n"
    assert body.lstrip("\n").startswith(directive), (
        f"the section {spec.name} in docs/{spec.family.page}.md must start with\n{directive}"
    )
