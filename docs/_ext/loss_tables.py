"""Directives that write the catalog's tables into a page.

    ```{loss-cheat-sheet}
    ```
    ```{loss-shapes} CrossEntropyLoss
    ```
    ```{loss-situations}
    ```

The Markdown comes from :mod:`lossguide.tables`, which reads :mod:`lossguide.catalog` and
does not import torch, so the tables cost the build nothing.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from lossguide import tables


class _MarkdownTable(SphinxDirective):
    def markdown(self) -> str:
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        return self.parse_text_to_nodes(self.markdown())


class CheatSheet(_MarkdownTable):
    def markdown(self) -> str:
        return tables.cheat_sheet()


class Shapes(_MarkdownTable):
    required_arguments = 1

    def markdown(self) -> str:
        return tables.shape_table(self.arguments[0])


class Situations(_MarkdownTable):
    def markdown(self) -> str:
        return tables.situations_table()


def setup(app: Sphinx) -> dict[str, object]:
    app.add_directive("loss-cheat-sheet", CheatSheet)
    app.add_directive("loss-shapes", Shapes)
    app.add_directive("loss-situations", Situations)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
