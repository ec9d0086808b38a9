"""Text contrast on every page in each of the six ways a reader can see it: the operating
system set to light or dark, times furo's theme toggle on auto, light or dark.

axe-core's color-contrast rule measures each piece of text against what is drawn behind it.
It cannot measure text it cannot see, such as code scrolled out of view in a wide block: it
leaves that "incomplete", and the full axe run in test_pages.py passes it by; so does text
that crosses the bottom of the window. So the pages here are measured with every ``pre``
wrapped and in a window as tall as the page (for the measurement only: that moves text, not
colours), and text axe still cannot measure fails the test, unless it is a symbol (a
formula's operators) or too short to be taken for text.

Two looks that give every element the same colours give the same result: axe runs once per
page for each distinct set of colours (on a fixed site, twice: one light, one dark).
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser.conftest import THEMES, site_pages

PAGES = site_pages()
AXE = Axe()
CONTRAST = {
    "runOnly": {"type": "rule", "values": ["color-contrast"]},
    "resultTypes": ["violations", "incomplete"],
}
# Incomplete because there is nothing to measure: a symbol, or one or two characters.
UNMEASURABLE = {"nonBmp", "shortTextContent", "pseudoContent"}
WRAP_CODE = "pre { white-space: pre-wrap !important; overflow-wrap: anywhere !important; }"
# Every property that changes a colour drawn or which contrast ratio applies (large text
# needs less), hashed: equal for two looks only if axe would see the same colours.
COLOURS = """() => {
  const properties = ["color", "background-color", "background-image", "opacity", "filter",
    "mix-blend-mode", "text-shadow", "visibility", "font-size", "font-weight"];
  const styles = [...document.querySelectorAll("body *")].map((element) => {
    const style = getComputedStyle(element);
    return properties.map((name) => style.getPropertyValue(name)).join(";");
  });
  // Two 32-bit FNV-1a hashes with different seeds: crypto.subtle needs a secure origin.
  const text = styles.join("\\n");
  let [one, two] = [0x811c9dc5, 0x01000193 ^ 0x5bd1e995];
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    one = Math.imul(one ^ code, 0x01000193);
    two = Math.imul(two ^ code, 0x5bd1e995);
  }
  return `${styles.length}:${(one >>> 0).toString(16)}:${(two >>> 0).toString(16)}`;
}"""
_measured: dict[tuple[str, str], list[str]] = {}


def contrast_problems(tab) -> list[str]:
    """What axe's color-contrast rule finds wrong in the open page, or cannot measure."""
    # Before the measurement moves anything: the table of contents marks the section in view.
    key = (tab.url, tab.evaluate(COLOURS))
    if key not in _measured:
        tab.add_style_tag(content=WRAP_CODE)
        height = tab.evaluate("document.documentElement.scrollHeight")
        tab.set_viewport_size({"width": tab.viewport_size["width"], "height": height})
        results = AXE.run(tab, options=CONTRAST).response
        problems = []
        for kind in ("violations", "incomplete"):
            for rule in results[kind]:
                for node in rule["nodes"]:
                    data = (node["any"] or [{}])[0].get("data") or {}
                    if kind == "incomplete" and data.get("messageKey") in UNMEASURABLE:
                        continue
                    problems.append(_describe(kind, node, data))
        _measured[key] = problems
    return _measured[key]


def _describe(kind: str, node: dict, data: dict) -> str:
    target = " ".join(str(part) for part in node["target"])
    if kind == "violations":
        return (
            f"{target}: contrast {data.get('contrastRatio')} ({data.get('fgColor')} on"
            f" {data.get('bgColor')}), needs {data.get('expectedContrastRatio')}"
        )
    return f"{target}: not measured ({data.get('messageKey')}): {node['html'][:80]}"


@pytest.mark.parametrize("look", THEMES, ids=lambda look: f"{look.system}-{look.theme}")
@pytest.mark.parametrize("path", PAGES)
def test_text_contrast(view, path, look):
    tab = view(path, look)
    problems = contrast_problems(tab)
    assert not problems, (
        f"{path}, {look}:\n"
        + "\n".join(problems[:15])
        + (f"\n... {len(problems)} in all" if len(problems) > 15 else "")
    )
