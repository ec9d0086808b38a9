"""Where long names and printed text may wrap, so that a page fits a phone's width.

The HTML of four kinds of node gets break opportunities while it is written:

- Inline code: a ``<wbr>`` after each ``.`` and ``_`` inside a name, so that
  ``F.binary_cross_entropy_with_logits`` wraps as ``F.binary_cross_entropy_`` /
  ``with_logits`` and never mid-word (lossguide.css lets it wrap only there).
- Headings and table cells: a ``<wbr>`` between the words of a long CamelCase class name,
  e.g. ``MultiLabel<wbr>Soft<wbr>Margin<wbr>Loss``: on a phone, a two-column table with
  ``TripletMarginWithDistanceLoss`` in it was wider than the column.
- Printed text, the outputs of cells and the examples of the API reference: each line in its
  own ``<span class="line">``, which lossguide.css wraps with a hanging indent, so that a
  wrapped line reads as the continuation of the one above; and a ``<wbr>`` after each ``/``
  of a path and each ``.`` and ``_`` of a name. The code of cells is left as it is: it
  scrolls sideways, as code in an editor does.
- Table cells: ``data-label``, the text of their column's header, which lossguide.css shows
  beside each cell when a table too wide for a phone is shown as one block per row.

A ``<wbr>`` is not text: copying, search and the notebooks are unchanged.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from docutils import nodes
from sphinx.application import Sphinx

_TAG_OR_NEWLINE = re.compile(r"(<[^>]*>|\n)")
_TAG = re.compile(r"(<[^>]*>)")
# After a dot, or an underscore inside a name (not a leading one: self._|call, not self._|_call).
_NAME_BREAK = re.compile(r"(?<=\.)(?=[A-Za-z_])|(?<=[A-Za-z0-9]_)(?=[A-Za-z0-9])")
_PATH_OR_NAME_BREAK = re.compile(rf"(?<=/)(?=[\w.])|{_NAME_BREAK.pattern}")
# Words of a CamelCase name long enough to be worth breaking, e.g. CosineEmbeddingLoss.
_LONG_CAMEL = re.compile(r"\b[A-Z][A-Za-z]{15,}\b")
_CAMEL_BREAK = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _in_text(markup: str, add: Callable[[str], str]) -> str:
    """``markup`` with ``add`` applied to its text, never inside a tag."""
    return "".join(piece if piece.startswith("<") else add(piece) for piece in _TAG.split(markup))


def _name_breaks(text: str) -> str:
    return _NAME_BREAK.sub("<wbr>", text)


def _camel_breaks(text: str) -> str:
    return _LONG_CAMEL.sub(lambda word: _CAMEL_BREAK.sub("<wbr>", word.group()), text)


def _printed_lines(markup: str) -> str:
    """The inside of a ``<pre>``, one ``<span class="line">`` per line.

    Pygments' spans may run across a line end; each is closed before it and opened again
    after it, so that the line spans nest properly.
    """
    lines: list[str] = []
    line: list[str] = []
    open_tags: list[str] = []
    for piece in _TAG_OR_NEWLINE.split(markup):
        if piece == "\n":
            lines.append("".join(line) + "</span>" * len(open_tags) + "\n")
            line = list(open_tags)
        elif piece.startswith("</span"):
            open_tags.pop()
            line.append(piece)
        elif piece.startswith("<span"):
            open_tags.append(piece)
            line.append(piece)
        elif piece.startswith("<"):
            line.append(piece)
        elif piece:
            line.append(_PATH_OR_NAME_BREAK.sub("<wbr>", piece))
    if any(not piece.startswith("<") for piece in line):
        lines.append("".join(line) + "</span>" * len(open_tags))
    return "".join(f'<span class="line">{text}</span>' for text in lines)


def _printed_block(markup: str) -> str:
    """A literal block's HTML with its lines wrapped, and ``wrap`` added to its ``<pre>``."""
    tag_start = markup.index("<pre")
    tag_end = markup.index(">", tag_start)
    tag = markup[tag_start:tag_end]
    tag = tag.replace(' class="', ' class="wrap ', 1) if " class=" in tag else tag + ' class="wrap"'
    end = markup.rindex("</pre>")
    return markup[:tag_start] + tag + ">" + _printed_lines(markup[tag_end + 1 : end]) + markup[end:]


def _is_printed(node: nodes.Element) -> bool:
    """Output and examples, not the code of a cell, which myst-nb puts in a cell_input."""
    return not any("cell_input" in parent.get("classes", []) for parent in _parents(node))


def _parents(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


def _is_heading(node: nodes.Element) -> bool:
    return isinstance(node.parent, nodes.section)


def _rewrite(
    name: str, rewrite: Callable[[str], str], applies: Callable[[nodes.Element], bool]
) -> tuple[Callable, Callable]:
    """Visitors that run the translator's own, then ``rewrite`` the HTML the node made.

    A visitor that writes the whole node raises SkipNode; otherwise the node's HTML is
    complete when it is departed.
    """

    def rewrite_since(self, start: int) -> None:
        self.body[start:] = [rewrite("".join(self.body[start:]))]

    def visit(self, node: nodes.Element) -> None:
        start = len(self.body)
        try:
            getattr(type(self), f"visit_{name}")(self, node)
        except nodes.SkipNode:
            if applies(node):
                rewrite_since(self, start)
            raise
        self.__dict__.setdefault("_wrapping_starts", []).append(start)

    def depart(self, node: nodes.Element) -> None:
        getattr(type(self), f"depart_{name}")(self, node)
        start = self._wrapping_starts.pop()
        if applies(node):
            rewrite_since(self, start)

    return visit, depart


def visit_table(self, node: nodes.table) -> None:
    columns = max((group["cols"] for group in node.findall(nodes.tgroup)), default=0)
    if columns >= 3:
        node["classes"].append("stackable")  # see lossguide.css: one block per row on phones
    type(self).visit_table(self, node)
    self.__dict__.setdefault("_wrapping_labels", []).append([])


def depart_table(self, node: nodes.table) -> None:
    type(self).depart_table(self, node)
    self._wrapping_labels.pop()


def visit_entry(self, node: nodes.entry) -> None:
    column = node.parent.column
    start = len(self.body)
    self.__dict__.setdefault("_wrapping_entry_starts", []).append(start)
    type(self).visit_entry(self, node)
    labels = self._wrapping_labels[-1] if getattr(self, "_wrapping_labels", None) else None
    if labels is None:
        return
    if isinstance(node.parent.parent, nodes.thead):
        self._wrapping_header_start = start if node.parent is node.parent.parent[0] else None
    elif column < len(labels) and labels[column]:
        tag = self.body[start]
        attribute = f' data-label="{html.escape(labels[column])}"'
        self.body[start] = tag.replace("<td", "<td" + attribute, 1)


def depart_entry(self, node: nodes.entry) -> None:
    type(self).depart_entry(self, node)
    start = self._wrapping_entry_starts.pop()
    if not isinstance(node.parent.parent, nodes.thead):
        self.body[start:] = [_in_text("".join(self.body[start:]), _camel_breaks)]
    labels = self._wrapping_labels[-1] if getattr(self, "_wrapping_labels", None) else None
    if labels is None or getattr(self, "_wrapping_header_start", None) is None:
        return
    if not isinstance(node.parent.parent, nodes.thead):
        return
    # The header as the reader sees it, formulas included, as plain text.
    header = "".join(self.body[self._wrapping_header_start :])
    text = " ".join(html.unescape(_TAG.sub("", header)).split()).rstrip("¶").strip()
    labels.extend([text] * (node.get("morecols", 0) + 1))


def setup(app: Sphinx) -> dict[str, object]:
    literal = _rewrite("literal", lambda markup: _in_text(markup, _name_breaks), lambda node: True)
    title = _rewrite("title", lambda markup: _in_text(markup, _camel_breaks), _is_heading)
    printed = _rewrite("literal_block", _printed_block, _is_printed)
    app.add_node(nodes.literal, override=True, html=literal)
    app.add_node(nodes.title, override=True, html=title)
    # Sphinx writes doctest blocks with its literal-block visitors, so these cover them too.
    app.add_node(nodes.literal_block, override=True, html=printed)
    app.add_node(nodes.table, override=True, html=(visit_table, depart_table))
    app.add_node(nodes.entry, override=True, html=(visit_entry, depart_entry))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
