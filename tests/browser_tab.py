"""One browser tab that a worker's page tests take turns in.

Opening a page in a new browser context starts a new renderer process: about 0.8 core-seconds
against 0.25 for loading the page into a tab that already has one (measured on the worked example,
15 loads each). So each test's first page loads into this tab, and a test's later pages, which it
may use side by side, get contexts of their own.

Between tests the tab is emptied: its listeners removed, the mouse moved to a corner, and the tab
sent to about:blank, so the next test's page is a new document (a `goto` that only changed the
fragment would keep the old one). After a test that failed, the tab is closed and the next test
gets a new one: nothing a failing test left behind can reach another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Request, Route, ViewportSize


CALL_FAILED = pytest.StashKey[bool]()  # set by tests/conftest.py's pytest_runtest_makereport


def call_failed(item: pytest.Item) -> bool:
    """Whether the test `item` failed (its call, not its teardown), as far as it has run."""
    return item.stash.get(CALL_FAILED, False)


class Tab:
    """The shared tab: `take` it for one test, `give_back` after; requests go where `allow` says."""

    def __init__(self, browser: Browser, viewport: ViewportSize) -> None:
        self.browser = browser
        self.viewport = viewport
        self.context: BrowserContext | None = None
        self.page: Page | None = None
        self.allow: Callable[[str], bool] | None = None  # the current test's rule; None: block all
        self.blocked: list[str] = []  # where the current test's page asked to go, and was refused
        self.listeners: list[tuple[str, Callable[[Any], None]]] = []

    def take(self, viewport: ViewportSize | None, allow: Callable[[str], bool]) -> Page:
        if self.page is None:
            self.context = self.browser.new_context(viewport=self.viewport)
            self.context.route("**/*", self._route)
            self.page = self.context.new_page()
        self.page.set_viewport_size(viewport or self.viewport)
        self.allow, self.blocked = allow, []
        return self.page

    def listen(self, event: str, handler: Callable[[Any], None]) -> None:
        assert self.page is not None
        self.page.on(event, handler)  # type: ignore[call-overload]  # one of the page's events
        self.listeners.append((event, handler))

    def give_back(self, healthy: bool) -> None:
        page = self.page
        if page is None:
            return
        for event, handler in self.listeners:
            page.remove_listener(event, handler)
        self.listeners, self.allow = [], None
        if healthy:
            try:
                page.mouse.move(0, 0)
                page.goto("about:blank")
                return
            except Exception:  # a tab that cannot be emptied is replaced, below
                pass
        self.close()

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
        self.context = self.page = None

    def _route(self, route: Route, request: Request) -> None:
        if self.allow is not None and self.allow(request.url):
            route.continue_()
        else:
            self.blocked.append(request.url)
            route.abort()
