"""Show the files that warnings and tracebacks name as a reader would see them.

A warning or a traceback in a cell's output names the file it comes from: torch's, in the
build's virtualenv (/home/.../.nox/docs/lib/python3.11/site-packages/torch/nn/modules/loss.py),
or lossguide's, in the checkout being built. Those paths mean nothing to a reader, and they
differ from one build machine to the next. In the pages, and in the notebooks readers download
(notebooks.py), the build's site-packages folder is shown as ``.../site-packages`` and the
checkout as a path relative to it: ``src/lossguide/convert.py``.
"""

from __future__ import annotations

import site
import sysconfig

from docutils import nodes
from sphinx.application import Sphinx

from buildinfo import PACKAGE_SOURCES


def _replacements() -> list[tuple[str, str]]:
    packages = {*site.getsitepackages(), *sysconfig.get_paths().values()}
    pairs = [(f"{folder}/", ".../site-packages/") for folder in packages]
    pairs = [pair for pair in pairs if pair[0].rstrip("/").endswith("site-packages")]
    # The kernels import lossguide from the checkout: src/lossguide, installed editable.
    checkout = PACKAGE_SOURCES.parents[1]
    pairs.append((f"{checkout}/", ""))
    # Longest first, so that a site-packages folder inside the checkout (.nox/...) wins.
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


REPLACEMENTS = _replacements()


def shorten(text: str) -> str:
    """``text`` with the build's paths replaced by the ones a reader knows."""
    for path, shown in REPLACEMENTS:
        text = text.replace(path, shown)
    return text


def _shorten_outputs(app: Sphinx, doctree: nodes.document) -> None:
    for block in doctree.findall(nodes.literal_block):
        for text in list(block.findall(nodes.Text)):
            if (shortened := shorten(text)) != text:
                text.parent.replace(text, nodes.Text(shortened))


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("doctree-read", _shorten_outputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
