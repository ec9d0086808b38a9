"""From an error to the entries of the error index that explain it."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from lossguide.error_index.index import load_shipped
from lossguide.error_index.matching import Matcher, Template
from lossguide.error_index.messages import segments, text_of

__all__ = ["Explanation", "explain", "shipped_matcher"]


@dataclass(frozen=True)
class Explanation:
    """One entry of the site's error index: what the message means and what to do."""

    #: The entry's heading: the message as today's torch prints it.
    title: str
    #: Why torch raises it, in a sentence or two.
    cause: str
    #: What to change.
    fix: str
    #: The code (:data:`~lossguide.finding_codes.FINDING_CODES`) with which
    #: :func:`lossguide.diagnose` flags the call before it is made, or None when it has none.
    code: str | None
    #: The entry's address relative to the site's root, such as
    #: ``errors.html#target-out-of-bounds``.
    link: str
    #: The same on the published site.
    url: str

    def __str__(self) -> str:
        lines = [self.title, f"Cause: {self.cause}", f"Fix: {self.fix}"]
        if self.code:
            lines.append(f"lossguide.diagnose code: {self.code}")
        lines.append(f"More: {self.url}")
        return "\n".join(lines)


def explain(error: object) -> list[Explanation]:
    """The entries of the error index that explain ``error``, best first.

    ``error`` is an exception, a warning (a ``warnings.WarningMessage`` as
    ``warnings.catch_warnings(record=True)`` records it, or a :class:`Warning`), or text: a
    message or a whole traceback pasted as it is, whatever the sizes, indices, dtypes and kernel
    names in it, and from a CUDA build or an older torch as well. Returns an empty list when no
    entry fits; never raises.

    >>> import lossguide
    >>> best = lossguide.explain("RuntimeError: Target 7 is out of bounds.")[0]
    >>> best.code, best.link
    ('class-index-out-of-range', 'errors.html#target-out-of-bounds')
    >>> lossguide.explain("nothing like a torch error")
    []
    """
    try:
        matcher = shipped_matcher()
        found = matcher.rank(segments(text_of(error)))
        return [_explanations()[entry] for entry, _ in found]
    except Exception:
        # A reader's error is being explained: an error of ours must not replace it.
        return []


@functools.cache
def shipped_matcher() -> Matcher:
    """The matcher of the index shipped with the package, made once."""
    index = load_shipped()
    weights = index["weights"]
    return Matcher(
        [
            Template.from_index(number, stored, weights, executed)
            for number, entry in enumerate(index["entries"])
            for executed, stored_templates in (
                (True, entry["templates"]),
                (False, entry["alias_templates"]),
            )
            for stored in stored_templates
        ],
        weights,
    )


@functools.cache
def _explanations() -> tuple[Explanation, ...]:
    index = load_shipped()
    explanations = []
    for entry in index["entries"]:
        link = f"{entry['docname']}.html#{entry['anchor']}"
        explanations.append(
            Explanation(
                title=entry["title"],
                cause=entry["cause"],
                fix=entry["fix"],
                code=entry["codes"][0] if entry["codes"] else None,
                link=link,
                url=index["base_url"] + link,
            )
        )
    return tuple(explanations)
