"""Find the site's pages and the notebooks myst-nb executed for them."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat

from sitebuild import BUILD, DOCS, Site

SKIPPED_FOLDERS = {"_build", "_ext", "_static", "_templates", "jupyter_execute"}


def site_build() -> Site:
    """The build to check: the one in LOSSGUIDE_SITE, or in build/ at the top of the
    repository, where nox -s site and tools/sitebuild.py put it."""
    return Site(Path(os.environ.get("LOSSGUIDE_SITE", BUILD)))


def source_pages() -> list[str]:
    """The docname of every page in docs/, e.g. ``basics/regression``: read off the sources, so
    that an incremental build's leftovers from deleted pages are not taken for pages."""
    return [
        path.relative_to(DOCS).with_suffix("").as_posix()
        for path in sorted(DOCS.rglob("*.md"))
        if not SKIPPED_FOLDERS.intersection(path.relative_to(DOCS).parts)
    ]


def executed_pages() -> list[str]:
    """The docnames of every page with code cells, e.g. ``basics/regression``."""
    return [
        page
        for page in source_pages()
        if "```{code-cell}" in (DOCS / f"{page}.md").read_text(encoding="utf-8")
    ]


def read_executed(site: Site, page: str) -> nbformat.NotebookNode:
    path = site.executed / f"{page}.ipynb"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: build the site first (nox -s site), or set LOSSGUIDE_SITE"
        )
    return nbformat.read(path, as_version=4)


def code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def tags(cell: nbformat.NotebookNode) -> set[str]:
    return set(cell.metadata.get("tags", []))


def declares_stderr(cell: nbformat.NotebookNode) -> bool:
    """Whether the cell opted in to showing stderr (a warning it demonstrates)."""
    return cell.metadata.get("mystnb", {}).get("output_stderr") == "show"


def errors(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [output for output in cell.outputs if output.output_type == "error"]


def stderr(cell: nbformat.NotebookNode) -> str:
    return "".join(
        output.text
        for output in cell.outputs
        if output.output_type == "stream" and output.name == "stderr"
    )
