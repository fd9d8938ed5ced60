"""Fixtures shared by the browser tests (test_page_browser.py, test_page_descent.py): one Chromium
for the session, since Playwright's sync API runs one event loop per thread."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_tab import CALL_FAILED, Tab
from test_page_browser import ARGS, CHROMIUM, HOW_TO, LAPTOP, _unavailable, open_page, pages  # noqa: F401  (fixtures every page test shares)

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable(HOW_TO)
    if not Path(CHROMIUM).exists():
        _unavailable(HOW_TO)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def tab(browser: Browser) -> Iterator[Tab]:
    """The tab each page test's first page loads in (browser_tab.py)."""
    shared = Tab(browser, LAPTOP)
    yield shared
    shared.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Note whether a test's call failed: open_page then replaces the shared tab, not reusing it."""
    report = yield
    if report.when == "call":  # type: ignore[attr-defined]
        item.stash[CALL_FAILED] = report.failed  # type: ignore[attr-defined]
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives Chromium is marked `browser` (`pytest -m "not browser"` skips them)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
