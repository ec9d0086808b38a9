"""Let readers download each executed page as a Jupyter notebook.

myst-nb writes the notebook it executed for a page beside the HTML output, in
``<build>/jupyter_execute/``, which is not served. This copies each one into the HTML output
under ``_notebooks/`` and gives the page template its address as ``notebook_download`` (see
``_templates/components/view-this-page.html``).

The copy's outputs are the page's: with ``nb_merge_streams``, myst-nb's coalesce_streams joins
the pieces of a cell's printed output before rendering it, and so does the copy. How a kernel
splits its output into pieces depends on timing, so the executed notebooks of two builds may
differ where the pages, and the copies, do not. The files that warnings and tracebacks name are
shown as on the page, too (outputpaths.py).

Unlike the page, the copy starts with a cell that installs what the page needs where it is
missing (installcell.py), so that it runs in a fresh Jupyter or Colab. It is added to the copy
only: the build never runs it. The cell depends on the served wheel (wheel.py) and the releases
the build ran with, not on the page, so a copy is written again when either changes, even if
its page did not run again.
"""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import version
from pathlib import Path

import nbformat
from myst_nb.core.utils import coalesce_streams
from packaging.version import Version
from sphinx.application import Sphinx

import installcell
import wheel
from outputpaths import shorten

FOLDER = "_notebooks"
# The install cell's tag and id (an id of its own: a random one would change on every build).
INSTALL_CELL = "install-what-this-page-needs"


def _executed(app: Sphinx, pagename: str) -> Path:
    return Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"


def _link(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is not None and _executed(app, pagename).exists():
        context["notebook_download"] = context["pathto"](f"{FOLDER}/{pagename}.ipynb", 1)


def _copy(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    package = wheel.package(app)
    releases = {name: Version(version(name)).public for name in ("torch", "numpy", "matplotlib")}
    # What the install cells depend on besides their page; the stamp keeps the last build's.
    inputs = json.dumps([package.wheel, package.find_links, package.requires, releases])
    inputs += hashlib.sha256(Path(installcell.__file__).read_bytes()).hexdigest()
    stamp = Path(app.doctreedir, "notebook-install-cells.txt")
    rewrite_all = not stamp.exists() or stamp.read_text(encoding="utf-8") != inputs
    for docname in app.env.found_docs:
        source = _executed(app, docname)
        target = Path(app.outdir, FOLDER, f"{docname}.ipynb")
        if not source.exists() or (
            not rewrite_all
            and target.exists()
            and target.stat().st_mtime_ns >= source.stat().st_mtime_ns
        ):
            continue
        notebook = nbformat.read(source, as_version=4)
        code = []
        for cell in notebook.cells:
            if cell.cell_type == "code":
                code.append(cell.source)
                if app.config.nb_merge_streams:
                    cell.outputs = coalesce_streams(_first_piece_of_each_stream(cell.outputs))
                for output in cell.outputs:
                    _shorten_paths(output)
        needed = installcell.needs(installcell.imported_modules(code), package.requires)
        install = installcell.source(package.version, package.find_links, needed, releases)
        if install is not None:
            cell = nbformat.v4.new_code_cell(install, metadata={"tags": [INSTALL_CELL]})
            cell.id = INSTALL_CELL
            notebook.cells.insert(0, cell)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
    stamp.write_text(inputs, encoding="utf-8")


def _first_piece_of_each_stream(
    outputs: list[nbformat.NotebookNode],
) -> list[nbformat.NotebookNode]:
    """The outputs without the later pieces of each stream.

    myst-nb (1.4, myst_nb.core.render) renders a page with coalesce_streams, which appends
    each later piece of a stream to its first piece in place, and then writes the executed
    notebook, later pieces included. Joining them again repeated them: a cell whose printed
    output the kernel had sent in two pieces showed its second half twice, in one clean build
    of two. The first piece already holds the whole stream. The in-place join is
    myst_nb/core/utils.py:26-35, unchanged on MyST-NB's main branch; its stripping came with
    https://github.com/executablebooks/MyST-NB/pull/604. No upstream issue found: drop this
    once coalesce_streams copies what it joins.
    """
    seen: set[str] = set()
    kept = []
    for output in outputs:
        if output.output_type == "stream":
            if output.name in seen:
                continue
            seen.add(output.name)
        kept.append(output)
    return kept


def _shorten_paths(output: nbformat.NotebookNode) -> None:
    if output.output_type == "stream":
        output.text = shorten(output.text)
    elif output.output_type == "error":
        output.traceback = [shorten(line) for line in output.traceback]
    elif "text/plain" in output.get("data", {}):
        output.data["text/plain"] = shorten(output.data["text/plain"])


def setup(app: Sphinx) -> dict[str, object]:
    app.setup_extension("wheel")
    app.connect("html-page-context", _link)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
