"""Keep napoleon away from the docstrings of attributes, constants and properties.

napoleon reads the first line of such a docstring as ``type: description`` when it has a
colon, so ``#: Real numbers in the call's dtype: logits, targets`` would render with a type of
"Real numbers in the call's dtype", and fail the nitpicky build as an unknown class. The
package writes these docstrings as plain prose, so they are kept as written: saved before
napoleon runs, put back after. Waits for https://github.com/sphinx-doc/sphinx/issues/9273.
"""

from __future__ import annotations

from sphinx.application import Sphinx

PROSE_ONLY = {"attribute", "data", "property"}
_saved: dict[int, list[str]] = {}


def _save(app: Sphinx, what: str, name: str, obj, options, lines: list[str]) -> None:
    if what in PROSE_ONLY:
        _saved[id(lines)] = list(lines)


def _restore(app: Sphinx, what: str, name: str, obj, options, lines: list[str]) -> None:
    if (original := _saved.pop(id(lines), None)) is not None:
        lines[:] = original


def setup(app: Sphinx) -> dict[str, object]:
    app.setup_extension("sphinx.ext.napoleon")
    app.connect("autodoc-process-docstring", _save, priority=400)  # napoleon's runs at 500
    app.connect("autodoc-process-docstring", _restore, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
