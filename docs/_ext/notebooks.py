"""Let readers download each executed page as a Jupyter notebook.

myst-nb writes the notebook it executed for a page beside the HTML output, in
``<build>/jupyter_execute/``, which is not served. This copies each one into the HTML output
under ``_notebooks/`` and gives the page template its address as ``notebook_download`` (see
``_templates/components/view-this-page.html``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx

FOLDER = "_notebooks"


def _executed(app: Sphinx, pagename: str) -> Path:
    return Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"


def _link(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is not None and _executed(app, pagename).exists():
        context["notebook_download"] = context["pathto"](f"{FOLDER}/{pagename}.ipynb", 1)


def _copy(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for docname in app.env.found_docs:
        source = _executed(app, docname)
        if source.exists():
            target = Path(app.outdir, FOLDER, f"{docname}.ipynb")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("html-page-context", _link)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
