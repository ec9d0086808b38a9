"""The README says how to install the package and use it as the home page does, and the wheel
the site serves is the one that command installs (docs/_ext/wheel.py)."""

from __future__ import annotations

import hashlib
import html
import re

from lib.pages import DOCS, code_cells, read_executed, site_build, tags

README = (DOCS.parent / "README.md").read_text(encoding="utf-8")


def _served_wheel() -> tuple[str, str]:
    """The served wheel's file name and version."""
    (wheel,) = (site_build().html / "packages").glob("lossguide-*.whl")
    return wheel.name, wheel.name.split("-")[1]


def _home_page_text() -> str:
    page = (site_build().html / "index.html").read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _canonical_root() -> str:
    page = (site_build().html / "index.html").read_text(encoding="utf-8")
    return re.search(r'<link rel="canonical" href="([^"]+/)[^"/]*"', page).group(1)


def test_home_page_and_readme_give_the_command_that_installs_the_served_wheel():
    _, version = _served_wheel()
    command = f"pip install lossguide=={version} --find-links {_canonical_root()}packages/"
    assert command in _home_page_text()
    assert command in README, f"README.md does not say: {command}"


def test_links_page_lists_the_served_wheel_with_its_digest():
    name, _ = _served_wheel()
    folder = site_build().html / "packages"
    digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    links = (folder / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'href="([^"]+)"', links) == [f"{name}#sha256={digest}"]


def test_readme_shows_the_training_loop_example_the_home_page_runs():
    (example,) = [
        cell.source
        for cell in code_cells(read_executed(site_build(), "index"))
        if "lossguide.checked(" in cell.source and "remove-cell" not in tags(cell)
    ]
    assert f"```python\n{example}\n```" in README
