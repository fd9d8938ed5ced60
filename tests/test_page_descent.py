"""The page's "Gradient descent" chapter in Chromium, against the Python engine.

- J along one weight: walkthrough.descent's J, slope and step words equal descent.descend's (1e-12),
  its threshold descent.threshold's (1e-9), over several weights, targets, learning rates and steps;
  on an --expr page, against grad and grad(grad(..., create_graph=True)).
- The landscape: walkthrough.landscape.run equals landscape.landscape_run (1e-9) for every
  optimizer, on random settings and starts.
- Chapters: the page opens on the worked example's chapter unless the hash names another; the tabs
  work from the keyboard and write the chapter into the hash.

The browser, the pages and the checks for network requests and console errors are
test_page_browser's fixtures (the browser: conftest.py's).
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from test_page_browser import OpenPage

from micrograd_like.core.expr import parse_expression
from micrograd_like.core.higher import grad
from micrograd_like.page import worked_example_page
from micrograd_like.post.descent import STEP_WORDS, descend, threshold
from micrograd_like.post.example import build
from micrograd_like.post.landscape import OPTIMIZERS, RACE, landscape_run

if TYPE_CHECKING:
    from playwright.sync_api import Position

Open = OpenPage


def near(a: float, b: float, tol: float) -> bool:
    return a == b or abs(a - b) <= tol * max(1.0, abs(a), abs(b))


@pytest.mark.parametrize(
    ("weight", "target", "lr"),
    [
        ("w[2]12", 1.0, 0.1),  # the post's step
        ("w[2]12", 0.5, 2.0),  # below 1/J'': converges
        ("w[2]12", 0.5, 4.0),  # between 1/J'' and 2/J'': overshoots, oscillates
        ("w[2]12", 0.5, 5.0),  # above 2/J'': diverges
        ("w[1]11", 0.3, 3.0),
        ("w[2]11", -0.2, 1.5),
        ("w[1]22", 0.5, 8.0),
    ],
)
def test_descent_along_a_weight_is_the_engines(
    open_page: Open,
    pages: dict[str, Path],
    weight: str,
    target: float,
    lr: float,
) -> None:
    view = open_page(pages["worked"])
    start = 0.7 if weight == "w[2]12" and target == 0.5 else None
    settings: dict[str, Any] = {"weight": weight, "lr": lr, "target": target}
    if start is not None:
        settings["w"] = start
    first = view.run("(s) => walkthrough.descent.set(s)", settings)
    steps, state = view.run(
        "() => [[1, 2, 3, 4, 5, 6].map(() => walkthrough.descent.step()), walkthrough.descent.state()]"
    )
    overrides = {"y": target, **({weight: start} if start is not None else {})}
    ex = build(overrides)
    python = descend(ex, weight, lr, steps=6)
    assert first["weight"] == weight and first["lr"] == lr and len(state["history"]) == 7
    for got, want in zip(state["history"], python):
        assert near(got["w"], want.w, 1e-12), (got, want)
        assert near(got["J"], want.J, 1e-12), (got, want)
        assert near(got["slope"], want.slope, 1e-12), (got, want)
        assert got["kind"] == want.kind and got["words"] == STEP_WORDS[want.kind]
    for got, want in zip(steps, python[1:]):
        assert near(got["w"], want.w, 1e-12) and near(got["J"], want.J, 1e-12)
        assert near(got["slope"], want.slope, 1e-12)
    # the threshold where the descent stands now: 2/J'' from the engine's second derivative
    here = threshold(build({**overrides, weight: python[-1].w}), weight)
    if here is None:
        assert state["threshold"] is None
    else:
        assert near(state["threshold"], here, 1e-9), (state["threshold"], here)


def test_threshold_at_every_parameter(open_page: Open, pages: dict[str, Path]) -> None:
    """α* for each of the worked example's weights, at two targets, equals descent.threshold."""
    view = open_page(pages["worked"])
    weights = view.run("walkthrough.data.descent.weights")
    assert sorted(weights) == sorted(build().model.named_parameters())
    settings = [{"weight": weight, "target": target} for target in (1.0, 0.5) for weight in weights]
    states = view.run("(all) => all.map((s) => walkthrough.descent.set(s))", settings)
    for setting, state in zip(settings, states, strict=True):
        weight, target = setting["weight"], setting["target"]
        want = threshold(build({"y": target}), weight)
        got = state["threshold"]
        assert (got is None) == (want is None), (weight, got, want)
        if want is not None:
            assert near(got, want, 1e-9), (weight, got, want)


def test_descent_on_an_expression_page(open_page: Open, pages: dict[str, Path]) -> None:
    """--expr pages: J along a leaf of their own expression (tanh(a*b + c), a=2, b=-3, c=1)."""
    view = open_page(pages["expr"])
    assert view.run("walkthrough.data.descent.weights") == ["a", "b", "c"]
    assert view.run("walkthrough.data.descent.target") is None
    view.run("(s) => walkthrough.descent.set(s)", {"weight": "b", "lr": 0.3})
    values = {"a": 2.0, "b": -3.0, "c": 1.0}
    for k in range(5):
        state = view.run("walkthrough.descent.state()")
        root = parse_expression("tanh(a*b + c)", values)
        b = root.leaves["b"]
        g = grad(root.root, b)
        c = grad(grad(root.root, b, create_graph=True), b)
        assert near(state["w"], values["b"], 1e-12) and near(state["J"], root.root.data, 1e-12)
        assert near(state["slope"], g, 1e-12)
        assert (state["threshold"] is None) == (c <= 0)
        if c > 0:
            assert near(state["threshold"], 2 / c, 1e-9)
        if k < 4:
            view.run("walkthrough.descent.step()")
            values["b"] = values["b"] - 0.3 * g


def _racers(seed: int) -> list[tuple[str, dict[str, Any]]]:
    rng = random.Random(seed)
    runs = [(name, dict(options)) for _, name, options in RACE]  # the racers the page opens with
    for name in OPTIMIZERS:  # random settings
        options: dict[str, Any] = {
            "lr": 10 ** rng.uniform(-2.5, -0.5),
            "weight_decay": rng.choice([0.0, 0.01]),
        }
        if name == "SGD":
            options["momentum"] = rng.uniform(0, 0.95)
            options["dampening"] = rng.uniform(0, 0.5)
        elif name == "RMSProp":
            options.update(alpha=rng.uniform(0.8, 0.99), centered=True, momentum=rng.uniform(0, 0.5))
        elif name == "Adam":
            options.update(betas=[rng.uniform(0.8, 0.95), rng.uniform(0.99, 0.9999)], amsgrad=True)
        elif name == "Adagrad":
            options.update(lr_decay=rng.uniform(0, 0.1), initial_accumulator_value=rng.uniform(0, 0.5))
        else:
            options.update(rho=rng.uniform(0.8, 0.95), eps=1e-5)
        runs.append((name, options))
    return runs


def test_landscape_runs_are_pythons(open_page: Open, pages: dict[str, Path]) -> None:
    view = open_page(pages["worked"])
    rng = random.Random(3)
    for name, options in _racers(11):
        start = [rng.uniform(-2, 2), rng.uniform(-2, 2)]
        got = view.run(
            "([n, o]) => walkthrough.landscape.run(n, o)", [name, {**options, "start": start, "steps": 120}]
        )
        want = landscape_run(name, start, 120, **options)
        assert len(got) == 121 and got[0][:2] == start
        worst = max(abs(a - b) for p, q in zip(got, want) for a, b in zip(p, q))
        assert worst <= 1e-9, (name, options, worst)


def test_landscape_run_errors(open_page: Open, pages: dict[str, Path]) -> None:
    view = open_page(pages["worked"])
    attempt = "([n, o]) => { try { walkthrough.landscape.run(n, o); } catch (e) { return e.message; } }"
    message = view.run(attempt, ["Momentum", {"start": [0, 0]}])
    assert "unknown optimizer" in message and "SGD" in message
    message = view.run(attempt, ["SGD", {"start": [0, 0], "beta": 1}])
    assert message.startswith('SGD has no option "beta"')


def test_chapters_tabs_and_hash(open_page: Open, pages: dict[str, Path]) -> None:
    view = open_page(pages["worked"])
    page = view.page
    assert view.run("walkthrough.chapters.current()") == "backprop"
    assert page.is_visible("#mg-next") and not page.is_visible("#mg-d-step")
    assert page.get_attribute("#mg-tab-backprop", "aria-selected") == "true"
    page.focus("#mg-tab-backprop")
    page.keyboard.press("ArrowLeft")  # to "Gradient descent", focused, shown, and in the hash
    assert view.run("document.activeElement.id") == "mg-tab-descent"
    assert page.is_visible("#mg-d-step") and not page.is_visible("#mg-next")
    assert view.run("location.hash") == "#chapter=descent"
    page.keyboard.press("Tab")  # out of the tab list, into the chapter
    assert view.run("document.activeElement.closest('[role=tabpanel]').id") == "mg-chapter-descent"
    page.click("#mg-d-step")  # the post's step, α = 0.1: the history says what it did
    items = page.locator("#mg-d-history li").all_text_contents()
    assert len(items) == 2 and items[1].endswith(STEP_WORDS["converges"])
    page.click("#mg-tab-backprop")
    assert view.run("location.hash") == "#chapter=backprop" and page.is_visible("#mg-next")
    assert view.run("walkthrough.next().step") == 1  # the worked example works where it was


def test_opens_on_the_chapter_the_hash_names(open_page: Open, pages: dict[str, Path]) -> None:
    view = open_page(pages["worked"], hash="#chapter=descent", viewport={"width": 390, "height": 844})
    page = view.page
    assert page.evaluate("walkthrough.chapters.current()") == "descent"
    assert page.is_visible("#mg-l-map") and not page.is_visible("#mg-next")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll on a phone
    box = page.locator("#mg-l-map").bounding_box()
    assert box is not None
    where: Position = {"x": box["width"] * 0.25, "y": box["height"] * 0.25}
    page.locator("#mg-l-map").click(position=where)  # θ ≈ (−1.1, 1.1)
    t1, t2 = float(page.input_value("#mg-l-t1")), float(page.input_value("#mg-l-t2"))
    assert math.isclose(t1, -1.1, abs_tol=0.05) and math.isclose(t2, 1.1, abs_tol=0.05)
    page.click("#mg-tab-backprop")
    assert page.evaluate("walkthrough.next().step") == 1


def test_the_page_stays_small() -> None:
    assert len(worked_example_page(renderer="embedded")) < 2_000_000
