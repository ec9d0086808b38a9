"""Rank the entries of the error index against a text.

Each entry has templates (:mod:`~lossguide.error_index.templates`): its executed messages and
their aliases. A template *matches* a message when its tokens appear there one after the other,
each literal as itself and each slot as any value of its kind; among matches, a dtype of
another family than the executed one (``Double`` where the template has ``Long``) counts
against, and a dtype or kernel name equal to the executed one counts for. A template that does
not match may still *nearly* match: when most of its words, weighted by how rare they are
among the templates, are in the message, in any order. That catches wordings that changed a
little between releases; a match always ranks above a near match.

The ranking key of an entry is its best template's, over every message in the text:

1. matched (1) or nearly matched (0);
2. the share of the template's word weight found (1 for a match);
3. the template's word weight: of two matches, the longer, rarer template is the more
   specific;
4. fewer dtypes of another family, then 5. more dtype and kernel names equal;
6. an executed message before an alias: with no value to tell them apart, the wording the
   site executed is the general case, an alias one release's or one kernel's;
7. the later message in the text;
8. the entry's place on the page, earlier first.

The lookup box on the site computes the same key in JavaScript, from the same index file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from lossguide.error_index.templates import DTYPE_FAMILIES, StoredTemplate, Token, tokenize

__all__ = ["NEAR_MATCH_MIN_WORDS", "NEAR_MATCH_SHARE", "Key", "Matcher", "Template"]

#: A near match needs this share of the template's word weight... (on the real-world set, 0.7
#: also sent 15 messages that no entry explains to a wrong one, such as "'float' object has no
#: attribute 'backward'" to the entry of "'list' object has no attribute 'size'"; 0.8 kept
#: every message that has an entry on it)
NEAR_MATCH_SHARE = 0.8
#: ... and this many of its words: a short template ("target out of range") nearly matches
#: too much ("Dimension out of range").
NEAR_MATCH_MIN_WORDS = 4

#: The ranking key of a template, as the module's docstring lists it, without the entry's place.
Key: TypeAlias = tuple[int, float, int, int, int, int, int]

# Slots whose values tell entries apart; numbers, shapes and paths never do.
_TELLING_SLOTS = {"dtype", "name"}


@dataclass(frozen=True)
class Template:
    """One template of one entry, ready to match."""

    entry: int
    #: 1 for a message the site executed, 0 for an alias.
    executed: int
    tokens: tuple[Token, ...]
    words: frozenset[str]
    weight: int
    #: Where to look for the template first: the offset and value of its rarest word.
    anchor: tuple[int, str] | None

    @classmethod
    def from_index(
        cls,
        entry: int,
        stored: StoredTemplate,
        weights: dict[str, int],
        executed: bool = True,
    ) -> Template:
        tokens = tuple(
            ("word", item) if isinstance(item, str) else (item[0], item[1]) for item in stored
        )
        words = frozenset(value for kind, value in tokens if kind == "word")
        anchor = min(
            ((offset, value) for offset, (kind, value) in enumerate(tokens) if kind == "word"),
            key=lambda item: (-weights.get(item[1], 0), item[0]),
            default=None,
        )
        weight = sum(weights.get(word, 0) for word in words)
        return cls(entry, int(executed), tokens, words, weight, anchor)


class Matcher:
    """The templates of an index, and the ranking of its entries against a text."""

    def __init__(self, templates: Sequence[Template], weights: dict[str, int]) -> None:
        self.templates = tuple(templates)
        self.weights = weights

    def rank(self, messages: Sequence[str]) -> list[tuple[int, Key]]:
        """``(entry, key)`` for each entry that matches or nearly matches one of
        ``messages``, best first."""
        best: dict[int, tuple[Key, int]] = {}
        for position, message in enumerate(messages):
            tokens = tokenize(message)
            positions: dict[str, list[int]] = {}
            for index, (kind, value) in enumerate(tokens):
                if kind == "word":
                    positions.setdefault(value, []).append(index)
            present = set(positions)
            for template in self.templates:
                key = self._key(template, tokens, positions, present, position)
                if key is not None and (
                    template.entry not in best or key > best[template.entry][0]
                ):
                    best[template.entry] = (key, -template.entry)
        ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
        return [(entry, key) for entry, (key, _) in ranked]

    def _key(
        self,
        template: Template,
        tokens: list[Token],
        positions: dict[str, list[int]],
        present: set[str],
        position: int,
    ) -> Key | None:
        alignment = _best_alignment(template, tokens, positions)
        if alignment is not None:
            mismatched, equal = alignment
            return (1, 1.0, template.weight, -mismatched, equal, template.executed, position)
        found = template.words & present
        if not template.weight or len(found) < NEAR_MATCH_MIN_WORDS:
            return None
        share = sum(self.weights.get(word, 0) for word in found) / template.weight
        if share < NEAR_MATCH_SHARE:
            return None
        return (0, share, template.weight, 0, 0, template.executed, position)


def _best_alignment(
    template: Template, tokens: list[Token], positions: dict[str, list[int]]
) -> tuple[int, int] | None:
    """(dtypes of another family, telling slots equal) of the template's best match, if any."""
    starts: Iterable[int]
    if template.anchor is None:
        starts = range(len(tokens) - len(template.tokens) + 1)
    else:
        offset, word = template.anchor
        starts = [index - offset for index in positions.get(word, ())]
    best: tuple[int, int] | None = None
    for start in starts:
        if start < 0 or start + len(template.tokens) > len(tokens):
            continue
        mismatched = equal = 0
        for (kind, value), (found_kind, found_value) in zip(
            template.tokens, tokens[start : start + len(template.tokens)], strict=True
        ):
            if kind != found_kind or (kind == "word" and value != found_value):
                break
            if kind == "dtype" and DTYPE_FAMILIES.get(value) != DTYPE_FAMILIES.get(found_value):
                mismatched += 1
            if kind in _TELLING_SLOTS and value == found_value:
                equal += 1
        else:
            if best is None or (-mismatched, equal) > (-best[0], best[1]):
                best = (mismatched, equal)
    return best
