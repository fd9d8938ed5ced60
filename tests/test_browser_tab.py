"""The shared tab of the page tests (browser_tab.py) hands each test a page of its own: a new
document at the address asked for, the requests it may make, and no tab a failed test touched."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_tab import Tab
from test_page_browser import LAPTOP

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def test_each_taking_loads_a_new_document_and_a_failure_replaces_the_tab(
    browser: Browser, pages: dict[str, Path]
) -> None:
    from playwright.sync_api import Error as PlaywrightError

    url = pages["worked"].resolve().as_uri()
    tab = Tab(browser, LAPTOP)
    try:
        page = tab.take(None, lambda asked: asked == url)
        page.goto(url + "#step=3")
        page.wait_for_function("() => window.walkthrough !== undefined")
        page.evaluate("() => { window.leftBehind = 1; walkthrough.next(); }")
        assert page.evaluate("() => walkthrough.state().step") == 4
        tab.give_back(healthy=True)
        assert tab.page is page and page.url == "about:blank"

        again = tab.take({"width": 400, "height": 700}, lambda asked: asked == url)
        assert again is page
        again.goto(url + "#step=3")  # the same address as before: still a new document
        again.wait_for_function("() => window.walkthrough !== undefined")
        assert again.evaluate("() => [window.leftBehind, walkthrough.state().step]") == [None, 3]
        assert again.evaluate("() => window.innerWidth") == 400
        tab.give_back(healthy=False)
        assert tab.page is None and page.is_closed()

        third = tab.take(None, lambda asked: False)  # nothing allowed: the page's own request blocked
        assert third is not page
        assert third.viewport_size == LAPTOP
        with pytest.raises(PlaywrightError, match="ERR_FAILED"):
            third.goto(url)
        assert tab.blocked == [url]
    finally:
        tab.close()
