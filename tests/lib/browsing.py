"""The built site as a reader's browser gets it: where it is, how it is served, how it looks.

Plain helpers for the browser tests; their fixtures are in tests/website/browser/conftest.py.
The site is served under the path it is published at (read off the canonical link of the
home page), so that the 404 page's absolute links resolve as they do on the host.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page

import chromium as chromium_tool  # tools/chromium.py
from lib.pages import site_build, source_pages

CHROMIUM_ARGS = chromium_tool.CHROMIUM_ARGS


def html_root() -> Path:
    return site_build().html


def site_pages() -> list[str]:
    """Every page of the site but the 404 page, as a path relative to its root, e.g.
    ``basics/shapes.html``: one for each page in docs/, and Sphinx's search page."""
    return [f"{page}.html" for page in source_pages() if page != "404"] + ["search.html"]


def published_prefix(root: Path) -> str:
    """The path the site is published under, e.g. ``/en/latest/``: where 404.html points."""
    index = (root / "index.html").read_text(encoding="utf-8")
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', index)
    assert canonical, "index.html has no canonical link: is html_baseurl set?"
    return urlsplit(canonical.group(1)).path.rsplit("/", 1)[0] + "/"


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves a built site under ``prefix``, with its 404 page for anything else."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + path[len(self.prefix) :])

    def send_head(self):
        if not self.path.startswith(self.prefix):  # outside the site: a 404
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        not_found = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not not_found.exists():
            return super().send_error(code, message, explain)
        body = not_found.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving(root: Path) -> Iterator[str]:
    """Serve the site built in ``root`` on localhost for the duration of the block, under the
    path it is published at; yields its address, e.g. ``http://127.0.0.1:8123/en/latest/``."""
    prefix = published_prefix(root)
    handler = functools.partial(type("Handler", (SiteHandler,), {"prefix": prefix}), directory=root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class Traffic:
    """What a page did on the network and in its console while it loaded."""

    origin: str
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def foreign(self) -> list[str]:
        return [
            url
            for url in self.requests
            if not url.startswith(("data:", "blob:", "about:")) and not url.startswith(self.origin)
        ]


@dataclass(frozen=True)
class Look:
    """How a reader sees the site: the window's size, the colour scheme the operating system
    asks for, and the theme chosen with furo's toggle (kept in localStorage: auto follows the
    operating system)."""

    width: int = 1280
    height: int = 900
    system: str = "light"
    theme: str = "auto"

    def __str__(self) -> str:
        return f"{self.width}x{self.height}, system {self.system}, theme {self.theme}"


# Every combination of the operating system's setting and furo's theme.
THEMES = [
    Look(system=system, theme=theme)
    for system in ("light", "dark")
    for theme in ("auto", "light", "dark")
]
PHONE = (390, 844)
DESKTOP = (1280, 900)


def refuse_other_hosts(target: BrowserContext | Page, site_url: str) -> None:
    """Nothing may leave the machine: a request to another host is refused."""
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(site_url))
    target.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(origin)
            else route.abort("blockedbyclient")
        ),
    )
