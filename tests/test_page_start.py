"""The page starts only the chapter it opens on, in Chromium: the others start when first shown or
when their script API is first used, in the state the address gives them.

The browser and the pages are the fixtures every page test shares (conftest.py, test_page_browser).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

DRAWN_MAP = "document.querySelectorAll('#mg-l-map *').length"  # the landscape's heat map and race
DATASETS = "document.querySelectorAll('#mg-t-dataset option').length"  # the training form's choices


def test_hidden_chapters_start_when_used_or_shown(browser: Any, pages: dict[str, Path]) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(pages["worked"].resolve().as_uri() + "#t.dataset=xor&t.hidden=4")
    page.wait_for_function("() => window.walkthrough !== undefined")
    assert page.evaluate("walkthrough.chapters.current()") == "backprop"
    assert page.evaluate(DRAWN_MAP) == 0 and page.evaluate(DATASETS) == 0  # neither started yet
    # the training API, used while its chapter is hidden, starts it in the address's settings
    settings = page.evaluate("walkthrough.training.state().settings")
    assert settings["dataset"] == "xor" and settings["hidden"] == [4]
    assert page.evaluate(DATASETS) > 0 and page.input_value("#mg-t-hidden") == "4"
    assert page.evaluate("walkthrough.chapters.current()") == "backprop"
    assert page.evaluate("walkthrough.training === walkthrough.training")  # one start, one API
    # showing a chapter starts it: the landscape is drawn, its API answers
    page.click("#mg-tab-descent")
    assert page.evaluate(DRAWN_MAP) > 0
    shown = page.evaluate("document.getElementById('mg-d-weight').selectedOptions[0].textContent")
    assert page.evaluate("walkthrough.descent.state().weight") == shown
    page.click("#mg-tab-training")  # already started: the run is the one the API made
    assert page.evaluate("walkthrough.training.state().settings.dataset") == "xor"
    assert errors == []
    context.close()
