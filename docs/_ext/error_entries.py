"""The entries of the error index: written as directives, collected into a file at build time.

An entry is a section of ``errors.md`` with a label, a heading (the message), an
``error-entry`` directive (cause, fix, the finding code, where readers hit it, the wordings
of CUDA builds and older releases) and the cells that raise or warn it; CONTRIBUTING.md,
"Adding an error entry", shows one. The directive renders the entry's prose and checks it: a
cause and a fix, codes registered in :data:`lossguide.FINDING_CODES`, sources that are web
addresses.

As each page is read, every entry on it is collected with the messages its cells printed,
taken from the notebook myst-nb executed: a cell tagged ``raises-exception`` gives its error
(``evalue``), a cell that shows stderr gives its warnings too. At the end of the
build, :func:`lossguide.error_index.index.build` turns the entries into templates and the
index is written to ``_static/error-index.json``, and as a script, ``error-index.js``, that the
lookup box on the error index and the search page load (a script, like Sphinx's own search
index, so that a site opened from disk works too). The lookup box is the ``error-lookup``
directive.

Settings: ``error_index_file`` (``_static/error-index.json``), where the index is written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

import nbformat
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from lossguide.error_index import index, messages
from lossguide.finding_codes import FINDING_CODES

logger = logging.getLogger(__name__)

ENTRY, ALIAS = "lossguide_error_entry", "lossguide_error_alias"
LABELS = {"cause": "Cause.", "fix": "Fix.", "sources": "Seen in."}
ANCHOR = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LOADER = "error-index.js"
SCRIPT = "error-lookup.js"


def _text(node: nodes.Node) -> str:
    """A paragraph's text as a terminal shows it: inline code between backticks."""
    if isinstance(node, nodes.literal):
        return f"`{node.astext()}`"
    if isinstance(node, nodes.Text):
        return str(node)
    return "".join(_text(child) for child in node.children)


def _label(node: nodes.Node) -> str | None:
    """The bold words a paragraph starts with (MyST puts an empty text node before them)."""
    if not isinstance(node, nodes.paragraph):
        return None
    first = next((child for child in node.children if child.astext().strip()), None)
    return first.astext() if isinstance(first, nodes.strong) else None


class ErrorAlias(SphinxDirective):
    """Another wording of the entry's message, as a CUDA build or an older release prints it.

    ```{error-alias} https://github.com/pytorch/pytorch/issues/...
    :printed-by: torch 1.x on CUDA
    the message as printed
    ```
    """

    required_arguments = 1
    has_content = True
    option_spec: ClassVar = {"printed-by": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        source = self.arguments[0]
        printed_by = self.options.get("printed-by", "").strip()
        message = "\n".join(self.content).strip()
        if not source.startswith(("https://", "http://")):
            raise self.error(f"error-alias: the source must be a web address, not {source!r}")
        if not printed_by or not message:
            raise self.error("error-alias needs :printed-by: and the message as its content")
        container = nodes.container(classes=["error-alias"])
        container[ALIAS] = {"message": message, "printed_by": printed_by, "source": source}
        caption = nodes.paragraph(classes=["error-alias-caption"])
        caption += nodes.Text(f"{printed_by} (")
        caption += nodes.reference("", "source", refuri=source)
        caption += nodes.Text("):")
        container += caption
        container += nodes.literal_block(message, message, language="none")
        return [container]


class ErrorEntry(SphinxDirective):
    """The prose and the facts of one entry; see the module's docstring."""

    has_content = True
    option_spec: ClassVar = {"code": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        content = self.parse_content_to_nodes()
        found: dict[str, nodes.paragraph] = {}
        for node in content:
            label = _label(node)
            for key, expected in LABELS.items():
                if label == expected:
                    if key in found:
                        raise self.error(f"error-entry: two paragraphs start with **{label}**")
                    found[key] = node
        for key in ("cause", "fix"):
            if key not in found:
                raise self.error(f"error-entry: a paragraph must start with **{LABELS[key]}**")
        codes = (self.options.get("code") or "").split()
        for code in codes:
            if code not in FINDING_CODES:
                raise self.error(f"error-entry: {code!r} is not in lossguide.FINDING_CODES")
        sources = (
            [
                {"title": reference.astext(), "url": reference["refuri"]}
                for reference in found["sources"].findall(nodes.reference)
                if reference.get("refuri", "").startswith(("https://", "http://"))
            ]
            if "sources" in found
            else []
        )
        aliases = [
            node[ALIAS]
            for item in content
            for node in item.findall(nodes.container)
            if ALIAS in node
        ]
        entry = nodes.container(classes=["error-entry"])
        entry[ENTRY] = {
            "cause": self._unlabelled(found["cause"]),
            "fix": self._unlabelled(found["fix"]),
            "codes": codes,
            "sources": sources,
            "aliases": aliases,
        }
        aliases_begun = False
        for node in content:
            if not aliases_begun and any(ALIAS in item for item in node.findall(nodes.container)):
                entry += nodes.paragraph("", "", nodes.strong("", "Also printed as:"))
                aliases_begun = True
            entry += node
            if node is found["fix"] and codes:
                entry += self._codes_paragraph(codes)
        return [entry]

    @staticmethod
    def _unlabelled(paragraph: nodes.paragraph) -> str:
        """The paragraph's text after its label, on one line (the source's breaks are not
        the reader's)."""
        return " ".join(_text(paragraph).split())[len(_label(paragraph)) :].strip()

    def _codes_paragraph(self, codes: list[str]) -> nodes.Node:
        """ "Code `x`; see <the section that explains it>", for each code."""
        parts = []
        for code in codes:
            docname, anchor = FINDING_CODES[code].section.split("#")
            part = f"`{code}`"
            if docname != self.env.docname:
                part += f" (see [](/{docname}.md#{anchor}))"
            parts.append(part)
        label = "Code" if len(codes) == 1 else "Codes"
        text = f"**{label}.** `lossguide.diagnose` reports {', '.join(parts)} for the call."
        return self.parse_text_to_nodes(text)[0]


def _entry_anchor(section: nodes.section, doctree: nodes.document) -> str | None:
    """The id of the label written before the section's heading: ``(anchor)=``."""
    # The section's other name is its title's, which has spaces or capitals in it.
    title_name = nodes.fully_normalize_name(section[0].astext())
    labels = [name for name in section["names"] if name != title_name and ANCHOR.match(name)]
    if len(labels) != 1:
        return None
    return doctree.nameids.get(labels[0])


def _executed_messages(notebook: nbformat.NotebookNode) -> dict[str, list[str]]:
    """For each entry's label, the messages the code cells under its heading printed."""
    found: dict[str, list[str]] = {}
    current: str | None = None
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            label = None
            for line in cell.source.splitlines():
                if match := re.match(r"^\((.+)\)=\s*$", line):
                    label = match.group(1)
                elif line.startswith("#"):
                    current = label if line.startswith("### ") else None
                    label = None
                elif line.strip():
                    label = None
            continue
        if current is None or cell.cell_type != "code":
            continue
        errors = [output.evalue for output in cell.outputs if output.output_type == "error"]
        found.setdefault(current, []).extend(errors)
        if cell.metadata.get("mystnb", {}).get("output_stderr") == "show":
            stderr = "".join(
                output.text
                for output in cell.outputs
                if output.output_type == "stream" and output.name == "stderr"
            )
            if stderr.strip():
                found.setdefault(current, []).extend(messages.segments(stderr))
    return {label: list(dict.fromkeys(texts)) for label, texts in found.items()}


def _collect(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    containers = [node for node in doctree.findall(nodes.container) if ENTRY in node]
    if not containers:
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{env.docname}.ipynb"
    printed = _executed_messages(nbformat.read(executed, as_version=4)) if executed.exists() else {}
    entries = []
    for container in containers:
        section = container.parent
        anchor = _entry_anchor(section, doctree) if isinstance(section, nodes.section) else None
        if anchor is None:
            logger.warning(
                "an error-entry must be the first thing in a section whose heading has a label "
                "of lowercase words and hyphens before it: (some-anchor)=",
                location=container,
            )
            continue
        if not printed.get(anchor):
            logger.warning(
                "error entry %r: no cell under its heading raised (raises-exception) or warned "
                "(output_stderr: show)",
                anchor,
                location=container,
            )
        entries.append(
            {
                "docname": env.docname,
                "anchor": anchor,
                "title": section[0].astext(),
                **container[ENTRY],
                "messages": printed.get(anchor, []),
            }
        )
    _entries(env)[env.docname] = entries


def _entries(env: BuildEnvironment) -> dict[str, list[dict]]:
    if not hasattr(env, ENTRY):
        setattr(env, ENTRY, {})
    return getattr(env, ENTRY)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _entries(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    theirs = _entries(other)
    _entries(env).update({docname: theirs[docname] for docname in docnames if docname in theirs})


def _write(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    collected = _entries(app.env)
    entries = [entry for docname in sorted(collected) for entry in collected[docname]]
    seen: set[str] = set()
    for entry in entries:
        if entry["anchor"] in seen:
            logger.warning("two error entries have the anchor %r", entry["anchor"])
        seen.add(entry["anchor"])
    text = index.dumps(index.build(entries, app.config.html_baseurl))
    target = Path(app.outdir, app.config.error_index_file)
    target.parent.mkdir(parents=True, exist_ok=True)
    loader = target.with_name(LOADER)
    # Rewritten only when they change, so that a rebuild leaves the files as they were.
    script = f"window.lossguideErrorIndex = {text.rstrip()};\n"
    for path, content in ((target, text), (loader, script)):
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")


class ErrorLookup(SphinxDirective):
    """The lookup box: a field to paste a message into, and the entries it matches."""

    def run(self) -> list[nodes.Node]:
        html = (
            '<form class="error-lookup" role="search" onsubmit="return false">\n'
            '<label for="error-lookup">Paste an error message</label>\n'
            '<input id="error-lookup" type="search" autocomplete="off" spellcheck="false" '
            'aria-describedby="error-lookup-status" '
            'placeholder="RuntimeError: Target 7 is out of bounds.">\n'
            '<p id="error-lookup-status" class="error-lookup-status" aria-live="polite"></p>\n'
            '<ol id="error-lookup-results" class="error-lookup-results"></ol>\n'
            "</form>\n"
        )
        self.env.metadata[self.env.docname]["error_lookup"] = True
        return [nodes.raw("", html, format="html")]


def _add_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # The lookup box's page and the search page, which puts matching entries first.
    has_box = pagename in app.env.metadata and app.env.metadata[pagename].get("error_lookup")
    if has_box or pagename == "search":
        loader = Path(app.config.error_index_file).with_name(LOADER).as_posix()
        app.add_js_file(loader.removeprefix("_static/"))
        app.add_js_file(SCRIPT, defer="defer")


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("error_index_file", "_static/error-index.json", "html", str)
    app.add_directive("error-entry", ErrorEntry)
    app.add_directive("error-alias", ErrorAlias)
    app.add_directive("error-lookup", ErrorLookup)
    app.connect("doctree-read", _collect)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("html-page-context", _add_scripts)
    app.connect("build-finished", _write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
