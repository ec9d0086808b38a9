"""Directives that write the catalog's tables into a page.

    ```{loss-cheat-sheet}
    ```
    ```{loss-shapes} CrossEntropyLoss
    ```
    ```{loss-torch-docs} CrossEntropyLoss
    ```
    ```{loss-situations}
    ```
    ```{finding-codes}
    ```

The Markdown comes from :mod:`lossguide.tables`, which reads :mod:`lossguide.catalog` and
:mod:`lossguide.finding_codes` and does not import torch, so the tables cost the build
nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from lossguide import tables


def _table_directive(render: Callable[..., str], arguments: int = 0) -> type[SphinxDirective]:
    """A directive that parses the Markdown ``render(*its arguments)`` returns."""

    class TableDirective(SphinxDirective):
        required_arguments = arguments

        def run(self) -> list[nodes.Node]:
            return self.parse_text_to_nodes(render(*self.arguments))

    return TableDirective


def setup(app: Sphinx) -> dict[str, object]:
    app.add_directive("loss-cheat-sheet", _table_directive(tables.cheat_sheet))
    app.add_directive("loss-shapes", _table_directive(tables.shape_table, arguments=1))
    app.add_directive("loss-situations", _table_directive(tables.situations_table))
    # Every code lossguide.diagnose reports, each linked to the section that explains it.
    app.add_directive("finding-codes", _table_directive(tables.finding_codes_table))
    # Not a table, but made the same way: the line under each loss's heading that links to
    # torch's pages for its class and function.
    app.add_directive("loss-torch-docs", _table_directive(tables.torch_docs, arguments=1))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
