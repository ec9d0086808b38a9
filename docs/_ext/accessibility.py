"""Repairs to the theme's markup that axe-core reports as serious.

The captions of the sidebar's sections are ``role="heading"`` without the ``aria-level`` that
role requires, so screen readers cannot place them in the outline. They head the site's
top-level sections: level 2, under the site title. Sphinx writes that markup
(sphinx/writers/html5.py); remove this once https://github.com/sphinx-doc/sphinx/issues/14030
is fixed (https://github.com/sphinx-doc/sphinx/pull/14437, open).
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _heading_level(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    tree = context.get("furo_navigation_tree")
    if tree:
        context["furo_navigation_tree"] = tree.replace(
            'role="heading">', 'role="heading" aria-level="2">'
        )


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("html-page-context", _heading_level, priority=900)  # after furo's, at 500
    return {"parallel_read_safe": True, "parallel_write_safe": True}
