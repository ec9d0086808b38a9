"""The error index's lookup box and the search page rank entries as lossguide.explain does.

The box's matcher (docs/_static/error-lookup.js) mirrors the package's, on the index file the
build wrote; these tests give both the same texts and require the same entries, in the same
order: every entry's wordings with other numbers, whole tracebacks, the messages users
reported, and texts that match nothing.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from lib.error_messages import TRACEBACK, other_numbers, real_world_messages, wordings
from lossguide import explain

UNRELATED = ["", "   ", "hello world", "ModuleNotFoundError: No module named 'numpy'"]
VARIED = [other_numbers(message) for _, message in wordings()]
TEXTS = [
    *VARIED,
    *(message.reported for message in real_world_messages()),
    TRACEBACK,
    f"{TRACEBACK}\n{TRACEBACK.replace('Float', 'Int')}",
    *UNRELATED,
]


def python_ranking(text: str) -> list[str]:
    return [explanation.link for explanation in explain(text)]


@pytest.fixture
def errors_page(page, site_url):
    tab, traffic = page
    tab.goto(site_url + "errors.html")
    tab.wait_for_function("() => typeof window.lossguideExplain === 'function'")
    yield tab
    assert not traffic.console_errors, traffic.console_errors
    assert not traffic.foreign(), traffic.foreign()


def test_the_matcher_in_the_page_ranks_as_python(errors_page):
    ranked = errors_page.evaluate(
        "texts => texts.map(text => window.lossguideExplain(text)"
        ".map(entry => `${entry.docname}.html#${entry.anchor}`))",
        TEXTS,
    )
    differ = [
        (text[:80], javascript, python_ranking(text))
        for text, javascript in zip(TEXTS, ranked, strict=True)
        if javascript != python_ranking(text)
    ]
    assert not differ, differ


def shown_links(tab) -> list[str]:
    """The results' addresses, relative to the site's root as explain's links are."""
    root = tab.evaluate(
        "() => new URL(document.documentElement.dataset.content_root, location).href"
    )
    links = tab.eval_on_selector_all("#error-lookup-results a", "links => links.map(a => a.href)")
    return [link.removeprefix(root) for link in links]


@pytest.mark.parametrize("text", [*VARIED[::3], UNRELATED[2]], ids=lambda text: text[:40])
def test_typing_a_message_lists_its_entries_best_first(errors_page, text):
    box = errors_page.get_by_label("Paste an error message")
    assert box.evaluate("element => [element.tagName, element.id]") == ["INPUT", "error-lookup"]
    box.fill(text)
    assert shown_links(errors_page) == python_ranking(text)
    status = errors_page.locator("#error-lookup-status").inner_text()
    assert ("No entry" in status) == (not python_ranking(text))


def test_a_pasted_traceback_keeps_its_lines(errors_page):
    errors_page.get_by_label("Paste an error message").focus()
    errors_page.evaluate(
        """text => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            const paste = {clipboardData: data, bubbles: true, cancelable: true};
            const box = document.getElementById("error-lookup");
            box.dispatchEvent(new ClipboardEvent("paste", paste));
        }""",
        TRACEBACK,
    )
    assert shown_links(errors_page)[0] == "errors.html#target-dtype-float"
    assert shown_links(errors_page) == python_ranking(TRACEBACK)


def test_a_result_leads_to_its_entry(errors_page):
    errors_page.get_by_label("Paste an error message").fill("Target 12 is out of bounds.")
    errors_page.locator("#error-lookup-results a").first.click()
    errors_page.wait_for_function("() => location.hash === '#target-out-of-bounds'")
    # The page scrolls smoothly (furo): wait until the entry is at the top of the window.
    errors_page.wait_for_function(
        "() => Math.abs(document.getElementById('target-out-of-bounds')"
        ".getBoundingClientRect().top) < 200",
        timeout=5_000,
    )


@pytest.mark.parametrize(
    ("anchor", "message"),
    [(anchor, other_numbers(message)) for anchor, message in wordings()[::4]],
    ids=lambda value: value[:40],
)
def test_search_lists_the_entry_first(page, site_url, anchor, message):
    tab, traffic = page
    tab.goto(f"{site_url}search.html?q={quote(message)}")
    first = tab.locator("#search-results ul.search li a").first
    first.wait_for(timeout=15_000)
    assert first.evaluate("a => a.href") == site_url + python_ranking(message)[0]
    assert first.evaluate("a => a.hash") == f"#{anchor}"
    tab.wait_for_function(
        "() => !document.querySelector('#search-results h2').textContent.includes('Searching')"
    )
    summary = tab.locator("#search-results .search-summary").inner_text()
    assert "did not match" not in summary
    assert not traffic.console_errors, traffic.console_errors
