"""Every page of the built site, in Chromium: loads offline and cleanly, math, accessibility."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from lib.browsing import html_root, site_pages

PAGES = site_pages()
# TeX that would be visible if a formula had not been turned into MathML.
RAW_TEX = re.compile(r"\\(?:frac|sum|ell|log|exp|mathrm|mathbf|left|right|lvert|rvert|sqrt|cdot)\b")
# Everything readable on the page but code, where TeX or a dollar sign may be meant.
PROSE = """() => {
  const article = document.querySelector("article").cloneNode(true);
  article.querySelectorAll("pre, code, math, script, style").forEach((node) => node.remove());
  return article.textContent;
}"""
AXE = Axe()
ALL_BUT_CONTRAST = {"resultTypes": ["violations"], "rules": {"color-contrast": {"enabled": False}}}


def test_the_site_has_pages():
    assert "index.html" in PAGES
    assert "basics/regression.html" in PAGES


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_without_errors(page, site_url, path):
    tab, traffic = page
    response = tab.goto(site_url + path, wait_until="networkidle")
    assert response.ok, f"{path}: HTTP {response.status}"
    assert not traffic.foreign(), f"{path} asks another host for: {traffic.foreign()}"
    assert not traffic.failed, f"{path}: failed requests: {traffic.failed}"
    assert not traffic.console_errors, f"{path}: console errors: {traffic.console_errors}"


@pytest.mark.parametrize("path", PAGES)
def test_math_is_rendered_as_mathml(page, site_url, path):
    tab, _ = page
    tab.goto(site_url + path)
    assert tab.locator("script[src*='mathjax' i], script[src*='katex' i]").count() == 0
    formulas = tab.locator("math")
    for index in range(formulas.count()):
        formula = formulas.nth(index)
        assert formula.evaluate("math => math.children.length") > 0, formula.inner_html()
        box = formula.bounding_box()
        assert box, f"{path}: formula {index} is not displayed"
        assert box["width"] > 0, f"{path}: formula {index} has no width"
        assert box["height"] > 0, f"{path}: formula {index} has no height"
    prose = tab.evaluate(PROSE)
    assert not RAW_TEX.findall(prose), f"{path} shows raw TeX: {RAW_TEX.findall(prose)}"
    assert not re.search(r"\$[^\s$]+\$", prose), f"{path} shows $-delimited TeX"


def test_pages_with_formulas_have_them():
    """The MathML check above must have something to check."""
    html = (html_root() / "basics" / "regression.html").read_text(encoding="utf-8")
    assert html.count("<math") >= 2


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violation(page, site_url, path):
    """Every axe-core rule but color-contrast, which test_contrast.py runs in every theme."""
    tab, _ = page
    tab.goto(site_url + path)
    violations = AXE.run(tab, options=ALL_BUT_CONTRAST).response["violations"]
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']}, at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in violations
        if violation["impact"] in {"serious", "critical"}
    ]
    assert not serious, f"{path}:\n" + "\n".join(serious)
