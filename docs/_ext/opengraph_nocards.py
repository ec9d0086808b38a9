"""sphinxext-opengraph, without the import of matplotlib that only its social cards need.

The extension imports its social-card module, and with it matplotlib and pyplot, whenever it
loads: 1.5 s of CPU on every build, a no-change rebuild included, for cards this site turns
off (drawing them needs a font fetched at build time). Marking that module as absent before
the extension loads takes the path it has for a missing matplotlib; its note saying so on
stdout is held back. sphinxext-opengraph 0.13 imports it unconditionally (__init__.py:29-36);
no upstream issue asks for a lazy import (the nearest is
https://github.com/sphinx-doc/sphinxext-opengraph/issues/145).
"""

from __future__ import annotations

import contextlib
import io
import sys

from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, object]:
    sys.modules.setdefault("sphinxext.opengraph._social_cards", None)
    with contextlib.redirect_stdout(io.StringIO()):
        app.setup_extension("sphinxext.opengraph")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
