"""Serve the built site on localhost and open it in Chromium, as a reader's browser would.

The site is served under the path it is published at (read off the canonical link of the
home page), so that the 404 page's absolute links resolve as they do on the host. Chromium is
LOSSGUIDE_CHROMIUM, which ``nox -s tests`` sets to the browser tools/chromium.py found or
installed; run alone, pytest takes a browser already on the machine the same way.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from built_site.notebooks import site_build, source_pages


def _load_tool():
    path = Path(__file__).parents[2] / "tools" / "chromium.py"
    spec = importlib.util.spec_from_file_location("lossguide_tools_chromium", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


chromium_tool = _load_tool()
CHROMIUM_ARGS = chromium_tool.CHROMIUM_ARGS


def html_root() -> Path:
    return site_build() / "html"


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


class _Handler(SimpleHTTPRequestHandler):
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


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    root = html_root()
    assert (root / "index.html").exists(), f"no site in {root}: build it first (nox -s docs)"
    prefix = published_prefix(root)
    handler = functools.partial(type("Handler", (_Handler,), {"prefix": prefix}), directory=root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="session")
def chromium() -> str:
    """LOSSGUIDE_CHROMIUM, or a browser already on the machine (tools/chromium.py)."""
    if os.environ.get("LOSSGUIDE_CHROMIUM"):
        return os.environ["LOSSGUIDE_CHROMIUM"]
    try:
        return chromium_tool.find(chromium_tool.Machine(), install=False).path
    except chromium_tool.NoBrowser as error:
        pytest.fail(f"{error}\n(nox -s tests installs one when it can)", pytrace=False)


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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


@pytest.fixture
def context(browser: Browser, site_url: str) -> Iterator[BrowserContext]:
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_url))
    context = browser.new_context(color_scheme="light")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext, site_url: str) -> tuple[Page, Traffic]:
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(site_url))
    traffic = Traffic(origin)
    page = context.new_page()
    # Nothing may leave the machine: a request elsewhere is recorded, then refused.
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(origin)
            else route.abort("blockedbyclient")
        ),
    )
    page.on("request", lambda request: traffic.requests.append(request.url))
    page.on(
        "requestfailed",
        lambda request: traffic.failed.append(f"{request.url}: {request.failure}"),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and traffic.failed.append(f"{response.url}: HTTP {response.status}")
        ),
    )
    page.on(
        "console",
        lambda message: message.type == "error" and traffic.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: traffic.console_errors.append(str(error)))
    return page, traffic


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


def _refuse_other_hosts(context: BrowserContext, site_url: str) -> None:
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(site_url))
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(origin)
            else route.abort("blockedbyclient")
        ),
    )


@pytest.fixture
def view(browser: Browser, site_url: str) -> Iterator[Callable[[str, Look], Page]]:
    """Open a page of the site as a reader with the given Look sees it, fonts loaded."""
    contexts: list[BrowserContext] = []

    def open_page(path: str, look: Look) -> Page:
        context = browser.new_context(
            viewport={"width": look.width, "height": look.height}, color_scheme=look.system
        )
        contexts.append(context)
        _refuse_other_hosts(context, site_url)
        context.add_init_script(f"localStorage.setItem('theme', {json.dumps(look.theme)})")
        tab = context.new_page()
        response = tab.goto(site_url + path)
        assert response.ok, f"{path}: HTTP {response.status}"
        tab.evaluate("document.fonts.ready.then(() => undefined)")
        applied = tab.evaluate(
            "[document.body.dataset.theme, matchMedia('(prefers-color-scheme: dark)').matches]"
        )
        assert applied == [look.theme, look.system == "dark"], f"{path}: {look} not applied"
        return tab

    yield open_page
    for context in contexts:
        context.close()
