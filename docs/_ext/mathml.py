"""Render math as MathML while the site is built, set in the site's own math font.

Sphinx's default, MathJax, loads its script from a CDN, so pages read offline would show raw
TeX. Browsers render MathML Core natively, so converting TeX to MathML at build time gives
pages with no math script and no request to another host, and markup that screen readers
speak. The converter is math-core, written for MathML Core: it spaces operator names (log p,
max(0, x)), unary minus and relations as TeX does, puts the limits of a display sum under and
over it, and sets capital Greek upright.

A browser lays a formula out with the OpenType MATH table of its font, and few systems have a
math font: without one, sums stay text-sized and their limits slide to the side. Pages with
formulas load math.css, which sets them in Lossguide Math, a subset of Latin Modern Math
(_static/fonts/, made by tools/make_math_font.py), and preload that font; pages without math load
neither, as Sphinx adds MathJax only to pages with equations.

TeX that math-core cannot convert fails the build instead of rendering wrongly.
"""

from __future__ import annotations

from docutils import nodes
from math_core import LatexError, LatexToMathML
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

STYLESHEET = "math.css"
FONT = "_static/fonts/lossguide-math.woff2"

# Plain messages, without the terminal colours of the fancy ones, read well in a build log.
_converter = LatexToMathML(fancy_error=False)


def _to_mathml(latex: str, display: bool, node: nodes.Element) -> str:
    try:
        return _converter.convert_with_local_state(latex, displaystyle=display)
    except LatexError as error:
        logger.warning("cannot convert math %r to MathML: %s", latex, error, location=node)
        return f"<code>{latex}</code>"


def visit_math(self, node: nodes.math) -> None:
    self.body.append(_to_mathml(node.astext(), False, node))
    raise nodes.SkipNode


def visit_displaymath(self, node: nodes.math_block) -> None:
    number = ""
    if node.get("number"):
        number = f'<span class="eqno">({get_node_equation_number(self, node)})</span>'
    self.body.append(
        f'<div class="math-block">{_to_mathml(node.astext(), True, node)}{number}</div>\n'
    )
    raise nodes.SkipNode


def _add_math_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # Sphinx's HTML writer sets this when it renders a formula, as sphinx.ext.mathjax reads it.
    if not context.get("has_maths_elements"):
        return
    app.add_css_file(STYLESHEET)
    # Fetched as soon as the page's head is read, not once the stylesheet is applied: the
    # formulas are set in their font from the start instead of changing shape as it arrives.
    href = context["pathto"](FONT, resource=True)
    context["metatags"] += (
        f'\n<link rel="preload" href="{href}" as="font" type="font/woff2" crossorigin>'
    )


def setup(app: Sphinx) -> dict[str, object]:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    app.connect("html-page-context", _add_math_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
