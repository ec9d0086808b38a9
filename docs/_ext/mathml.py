"""Render math as MathML while the site is built.

Sphinx's default, MathJax, loads its script from a CDN, so pages read offline would show raw
TeX. Browsers render MathML Core natively, so converting TeX to MathML at build time (with
latex2mathml) gives pages with no math script, no font download and no network request, and
markup that screen readers speak.

TeX that latex2mathml cannot convert faithfully fails the build instead of rendering wrongly.
"""

from __future__ import annotations

import re

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

# latex2mathml passes alignment points through as text when it does not know the environment.
_UNCONVERTED = re.compile(r"<mi>&</mi>|<mi>\\")


def _to_mathml(latex: str, display: str, node: nodes.Element) -> str:
    try:
        mathml = convert(latex, display=display)
    except Exception as error:  # latex2mathml raises many exception types for bad TeX
        logger.warning("cannot convert math %r to MathML: %s", latex, error, location=node)
        return f"<code>{latex}</code>"
    if _UNCONVERTED.search(mathml):
        logger.warning(
            "math %r has TeX that MathML conversion does not support", latex, location=node
        )
    return mathml


def visit_math(self, node: nodes.math) -> None:
    self.body.append(_to_mathml(node.astext(), "inline", node))
    raise nodes.SkipNode


def visit_displaymath(self, node: nodes.math_block) -> None:
    number = ""
    if node.get("number"):
        number = f'<span class="eqno">({get_node_equation_number(self, node)})</span>'
    self.body.append(
        f'<div class="math-block">{_to_mathml(node.astext(), "block", node)}{number}</div>\n'
    )
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, object]:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
