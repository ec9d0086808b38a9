"""Fixtures that serve the built site on localhost and open it in Chromium, as a reader's
browser would (the helpers they use are in tests/lib/browsing.py).

Chromium is LOSSGUIDE_CHROMIUM, which ``nox -s site`` sets to the browser tools/chromium.py
found or installed; run alone, pytest takes a browser already on the machine the same way.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from lib.browsing import (
    CHROMIUM_ARGS,
    Look,
    Traffic,
    chromium_tool,
    html_root,
    refuse_other_hosts,
    serving,
)


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    root = html_root()
    assert (root / "index.html").exists(), f"no site in {root}: build it first (nox -s site)"
    with serving(root) as url:
        yield url


@pytest.fixture(scope="session")
def chromium() -> str:
    """LOSSGUIDE_CHROMIUM, or a browser already on the machine (tools/chromium.py)."""
    if os.environ.get("LOSSGUIDE_CHROMIUM"):
        return os.environ["LOSSGUIDE_CHROMIUM"]
    try:
        return chromium_tool.find(chromium_tool.Machine(), install=False).path
    except chromium_tool.NoBrowser as error:
        pytest.fail(f"{error}\n(nox -s site installs one when it can)", pytrace=False)


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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
    refuse_other_hosts(page, site_url)  # the request is still recorded in traffic
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


@pytest.fixture
def view(browser: Browser, site_url: str) -> Iterator[Callable[[str, Look], Page]]:
    """Open a page of the site as a reader with the given Look sees it, fonts loaded."""
    contexts: list[BrowserContext] = []

    def open_page(path: str, look: Look) -> Page:
        context = browser.new_context(
            viewport={"width": look.width, "height": look.height}, color_scheme=look.system
        )
        contexts.append(context)
        refuse_other_hosts(context, site_url)
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
