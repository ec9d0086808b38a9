"""The error index as a file: made from the site's entries at build time, read by
:func:`lossguide.explain`.

The site's build (``docs/_ext/error_index.py``) collects every entry of the error index page,
with the messages its cells printed, and writes :func:`build`'s result into the site as
``_static/error-index.json``, where the lookup box reads it. The package ships a copy,
``error_index.json`` beside this module, so that :func:`lossguide.explain` works without a
site; ``tools/update_error_index.py`` copies a build's file there, and a test of the built site
fails when the two differ.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable
from importlib import resources
from typing import TypedDict

from lossguide.error_index import matching, messages, templates
from lossguide.error_index.templates import StoredTemplate

__all__ = [
    "FORMAT",
    "SHIPPED",
    "Alias",
    "Entry",
    "ErrorIndex",
    "IndexedEntry",
    "Source",
    "build",
    "dumps",
    "load_shipped",
]

#: The version of the file's layout; the lookup box refuses another.
FORMAT = 1
#: The file name of the shipped copy, in this package.
SHIPPED = "error_index.json"


class Source(TypedDict):
    """A public page where readers hit the message."""

    title: str
    url: str


class Alias(TypedDict):
    """Another wording of the message: ``printed_by`` a CUDA build or an older release."""

    message: str
    printed_by: str
    source: str


class Entry(TypedDict):
    """One entry of the error index, as the site's build collects it."""

    docname: str
    anchor: str
    title: str
    cause: str
    fix: str
    codes: list[str]
    sources: list[Source]
    #: What the entry's cells raised or warned when the site was built.
    messages: list[str]
    aliases: list[Alias]


class IndexedEntry(Entry):
    """An entry with the templates of its messages and of its aliases."""

    templates: list[StoredTemplate]
    alias_templates: list[StoredTemplate]


class ErrorIndex(TypedDict):
    """The index file."""

    format: int
    base_url: str
    #: The patterns and tables of :mod:`~lossguide.error_index.templates`,
    #: :mod:`~lossguide.error_index.messages` and :mod:`~lossguide.error_index.matching`, for
    #: the lookup box, which mirrors them.
    matching: dict[str, object]
    weights: dict[str, int]
    entries: list[IndexedEntry]


def build(entries: Iterable[Entry], base_url: str) -> ErrorIndex:
    """The index of ``entries``, with the templates of their messages.

    Every message becomes a template (``templates``), and so does every alias
    (``alias_templates``). The words of the templates are weighted by
    how few entries use them (an inverse document frequency, as a whole number so that the
    Python and JavaScript matchers add up the same sums).

    >>> entry = {"docname": "errors", "anchor": "target-out-of-bounds", "codes": [],
    ...          "title": "Target 3 is out of bounds.", "cause": "...", "fix": "...",
    ...          "sources": [], "messages": ["Target 3 is out of bounds."],
    ...          "aliases": [{"message": "RuntimeError: Target 3 is out of bounds.",
    ...                       "printed_by": "torch 1.x", "source": "https://example.org"}]}
    >>> built = build([entry], "https://lossguide.readthedocs.io/en/latest/")
    >>> built["entries"][0]["templates"]
    [['target', ['number', '3'], 'is', 'out', 'of', 'bounds']]
    >>> built["weights"]["bounds"]
    100
    """
    indexed: list[IndexedEntry] = [
        {
            **entry,
            "templates": [templates.template(message) for message in entry["messages"]],
            # An alias is pasted text ("RuntimeError: ..."): its templates are the messages in
            # it, as explain reads them from a paste.
            "alias_templates": [
                templates.template(part)
                for alias in entry["aliases"]
                for part in messages.segments(alias["message"])
            ],
        }
        for entry in entries
    ]
    document_frequency: dict[str, int] = {}
    for entry in indexed:
        stored = [*entry["templates"], *entry["alias_templates"]]
        words = {item for template in stored for item in template if isinstance(item, str)}
        for word in words:
            document_frequency[word] = document_frequency.get(word, 0) + 1
    weights = {
        word: round(100 * (1 + math.log(len(indexed) / count)))
        for word, count in sorted(document_frequency.items())
    }
    return {
        "format": FORMAT,
        "base_url": base_url,
        "matching": {
            "token_pattern": templates.TOKEN_PATTERN,
            "slot_kinds": list(templates.SLOT_KINDS),
            "name_pattern": templates.NAME_PATTERN,
            "dtype_spellings": templates.DTYPE_SPELLINGS,
            "dtype_families": templates.DTYPE_FAMILIES,
            "message_line_pattern": messages.MESSAGE_LINE_PATTERN,
            "end_pattern": messages.END_PATTERN,
            "max_chars": messages.MAX_CHARS,
            "near_match_share": matching.NEAR_MATCH_SHARE,
            "near_match_min_words": matching.NEAR_MATCH_MIN_WORDS,
        },
        "weights": weights,
        "entries": indexed,
    }


def dumps(index: ErrorIndex) -> str:
    """The file's text: the same index gives the same bytes, one entry a line (a change to
    an entry shows as a change to its line)."""
    compact = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
    fields = [f"{compact(key)}:{compact(value)}" for key, value in index.items()]
    fields.remove(f'"entries":{compact(index["entries"])}')
    entries = ",\n".join(compact(entry) for entry in index["entries"])
    return "{" + ",\n".join(fields) + ',\n"entries":[\n' + entries + "\n]}\n"


@functools.cache
def load_shipped() -> ErrorIndex:
    """The index shipped with the package."""
    text = resources.files(__package__).joinpath(SHIPPED).read_text(encoding="utf-8")
    index: ErrorIndex = json.loads(text)
    return index
