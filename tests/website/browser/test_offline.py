"""The built HTML itself loads nothing from another host: no script, stylesheet or font."""

from __future__ import annotations

import re

import pytest

from lib.browsing import html_root, site_pages

# A tag attribute that makes the browser fetch: src, or href on a <link> it loads.
FETCHED = re.compile(
    r"<(?:script|img|iframe|source|video|audio)\b[^>]*\bsrc=\"(https?:)?//"
    r"|<link\b(?=[^>]*\brel=\"(?:stylesheet|preload|modulepreload|icon|prefetch)\")"
    r"[^>]*\bhref=\"(https?:)?//"
    r"|@import\s+url\(\"?(https?:)?//"
)


@pytest.mark.parametrize("path", [*site_pages(), "404.html"])
def test_page_fetches_nothing_from_another_host(path):
    html = (html_root() / path).read_text(encoding="utf-8")
    assert not FETCHED.search(html), FETCHED.search(html).group(0)
    assert not re.search(r"<script[^>]*(mathjax|katex|require\.js)", html, re.IGNORECASE)


def test_check_catches_a_remote_script():
    assert FETCHED.search('<script src="https://cdn.example.org/x.js"></script>')
    assert FETCHED.search('<link rel="stylesheet" href="//cdn.example.org/x.css">')
    assert not FETCHED.search('<a href="https://docs.pytorch.org/">torch</a>')
