"""Each loss's section on the built site links to torch's own pages for its class and function.

The links come from the ``{loss-torch-docs}`` directive and resolve through the trimmed torch
inventory in docs/_inventories; this checks what a reader gets: external links, into the docs
of the torch release the site documents, on the first line of the section.
"""

from __future__ import annotations

import re

import pytest

from lib.pages import DOCS, site_build
from lossguide.catalog import LOSSES

# The release the site documents is the one constraints.txt pins, e.g. "2.13" for 2.13.0.
RELEASE = re.search(
    r"^torch==(\d+\.\d+)\.", (DOCS.parent / "constraints.txt").read_text(encoding="utf-8"), re.M
).group(1)
TORCH_DOCS = f"https://docs.pytorch.org/docs/{RELEASE}/generated/"


def _first_paragraph(spec) -> str:
    html = (site_build().html / f"{spec.family.page}.html").read_text(encoding="utf-8")
    section = html[html.index(f'<section id="{spec.label}">') :]
    after_heading = section[section.index("</h2>") :]
    return after_heading[: after_heading.index("</p>")]


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_each_section_starts_by_linking_to_torchs_docs(spec):
    paragraph = _first_paragraph(spec)
    for name in (f"torch.nn.{spec.name}", f"torch.nn.functional.{spec.functional}"):
        link = f'<a class="reference external" href="{TORCH_DOCS}{name}.html#{name}"'
        assert link in paragraph, f"{spec.name}: no link to {name} in\n{paragraph}"
