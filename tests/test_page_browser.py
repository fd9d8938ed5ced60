"""The walkthrough page in a real browser: headless Chromium driven by Playwright.

The oracle is always the Python engine: the page's values, gradients, steps, updates and error
messages must equal what `backward()`, `backward_steps`, `explain` and the ops themselves give.
Every test also checks that the page made no network request and logged no JavaScript error.

Chromium: Debian's `chromium` package (Playwright's own browser download is not used). Without
it the tests skip with how to install it, except under CI=true, where that is a failure.
Set MICROGRAD_LIKE_SCREENSHOTS=DIR to keep the screenshots the tests take (the ones only a person
looks at are taken only then); docs/page.png is made by tools/page_screenshots.py (test_page_export
checks that it shows today's page).
"""

from __future__ import annotations

import math
import os
import random
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest
from browser_tab import Tab, call_failed
from page_words import JS_RESERVED, OBJECT_PROTOTYPE, SLOTS, graph_of_words, screenshot_tool

from micrograd_like import RULES, Value, backward_order, backward_steps, count_paths, explain
from micrograd_like.cli import main
from micrograd_like.core.expr import parse_expression
from micrograd_like.core.names import graph_names
from micrograd_like.page import walkthrough_page, worked_example_page
from micrograd_like.post.example import DEFAULT_WEIGHTS, build
from micrograd_like.show.viz import path_nodes

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

CHROMIUM = os.environ.get("MICROGRAD_LIKE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
HOW_TO = (
    "the browser tests need Chromium at /usr/bin/chromium (Debian/Ubuntu: sudo apt-get install chromium; "
    "or set MICROGRAD_LIKE_CHROMIUM) and the playwright package (pip install -e '.[dev]')"
)
# every op of the rule table, with a Value exponent (a ** c) and fixed ones (b ** 2, relu ** 3)
ALL_OPS = "exp(a) / (1 + b ** 2) - log(c) * sigmoid(a - c) + relu(b) ** 3 + a ** c - tanh(-b) * -2"
EXPRESSION = "tanh(a*b + c)"


def _unavailable(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why} (CI=true: the browser tests must run in CI)")
    pytest.skip(why)


@dataclass
class Opened:
    """A page open in a tab (browser_tab.Tab), with what it asked the network for and what it logged."""

    page: Page
    url: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def state(self) -> dict[str, Any]:
        result: dict[str, Any] = self.page.evaluate("walkthrough.state()")
        return result

    def run(self, script: str, *args: object) -> Any:
        return self.page.evaluate(script, *args) if args else self.page.evaluate(script)


LAPTOP: ViewportSize = {"width": 1366, "height": 768}


class OpenPage(Protocol):
    def __call__(self, path: Path, *, hash: str = "", viewport: ViewportSize | None = None) -> Opened: ...


@pytest.fixture
def open_page(browser: Browser, tab: Tab, request: pytest.FixtureRequest) -> Iterator[OpenPage]:
    """Open a saved page from file:// (with `hash` as its address's fragment, in a window of
    `viewport`), blocking every other request; afterwards assert that none was made and that the
    console has no error. A test's first page loads in the worker's shared tab (browser_tab.py),
    each later one in a tab of its own, in a browser context of its own."""
    tabs: list[Tab] = []  # the tabs this test took: the shared one, then its own
    opened: list[Opened] = []

    def go(path: Path, *, hash: str = "", viewport: ViewportSize | None = None) -> Opened:
        url = path.resolve().as_uri()  # what the page's request asks for: the fragment stays home
        taken = Tab(browser, LAPTOP) if tabs else tab
        tabs.append(taken)
        page = taken.take(viewport, lambda asked: asked == url)
        view = Opened(page, url, blocked=taken.blocked)
        taken.listen("request", lambda asked: view.requests.append(asked.url))
        taken.listen(
            "console", lambda msg: view.errors.append(msg.text) if msg.type in ("error", "warning") else None
        )
        taken.listen("pageerror", lambda error: view.errors.append(str(error)))
        page.goto(url + hash)
        page.wait_for_function("() => window.walkthrough !== undefined")
        opened.append(view)
        return view

    try:
        yield go
        for view in opened:
            assert view.errors == [], f"JavaScript errors: {view.errors}"
            assert view.blocked == [], f"the page tried to fetch {view.blocked}"
            assert set(view.requests) <= {view.url}, f"requests besides the page: {view.requests}"
    finally:
        healthy = not call_failed(request.node) and not sys.exc_info()[0]
        for taken in tabs:
            if taken is tab:
                tab.give_back(healthy)
            else:
                taken.close()


class Pages(dict[str, Path]):
    """The saved pages, each written the first time a test asks for it (a worker makes only the
    ones its tests open)."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def __missing__(self, name: str) -> Path:
        self[name] = path = getattr(self, "_" + name)(self.folder)
        return path

    @staticmethod
    def _worked(folder: Path) -> Path:
        return worked_example_page().save(folder / "worked_example.html")

    @staticmethod
    def _all_ops(folder: Path) -> Path:
        expression = parse_expression(ALL_OPS, {"a": 0.7, "b": -1.3, "c": 2.1})
        return walkthrough_page(expression.root, 0.05).save(folder / "all_ops.html")

    @staticmethod
    def _expr(folder: Path) -> Path:
        cli = folder / "expr.html"
        args = ["html", "--expr", EXPRESSION, "--set", "a=2", "--set", "b=-3", "--set", "c=1", "-o", str(cli)]
        assert main(args) == 0
        return cli

    @staticmethod
    def _bad_math(folder: Path) -> Path:
        bad = parse_expression("log(a) + exp(b) + c / d", {"a": 1.5, "b": 0.5, "c": 1.0, "d": 2.0})
        return walkthrough_page(bad.root).save(folder / "bad_math.html")


@pytest.fixture(scope="session")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return Pages(tmp_path_factory.mktemp("pages"))


# --- the Python side: what the page must show ------------------------------------------------------


def python_numbers(root: Value) -> tuple[dict[str, float], dict[str, float]]:
    """{name: value}, {name: d(root)/d(name)} from one backward pass from zero leaf gradients."""
    order = backward_order(root)
    for node in order:
        node.grad = 0.0
    root.backward()
    names = graph_names(order).text
    return {names[n]: n.data for n in order}, {names[n]: n.grad for n in order}


def close(a: float, b: float, rel: float = 1e-12) -> bool:
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def assert_close(page: dict[str, float | None], python: dict[str, float], what: str) -> None:
    assert set(page) == set(python), what
    bad = {k: (page[k], python[k]) for k in python if page[k] is None or not close(page[k], python[k])}  # type: ignore[arg-type]
    assert not bad, f"{what} differ from the engine's by more than 1e-12 relative: {bad}"


def shoot(view: Opened, tmp_path: Path, name: str, full_page: bool = False) -> Path:
    """A screenshot; kept in $MICROGRAD_LIKE_SCREENSHOTS when set."""
    target = tmp_path / name
    view.page.screenshot(path=str(target), full_page=full_page)
    assert target.read_bytes().startswith(b"\x89PNG")
    keep = os.environ.get("MICROGRAD_LIKE_SCREENSHOTS")
    if keep:
        shutil.copy(target, Path(keep) / name)
    return target


def shoot_to_keep(view: Opened, tmp_path: Path, name: str, full_page: bool = False) -> None:
    """A screenshot only a person looks at: taken when $MICROGRAD_LIKE_SCREENSHOTS asks to keep it."""
    if os.environ.get("MICROGRAD_LIKE_SCREENSHOTS"):
        shoot(view, tmp_path, name, full_page)


UI_ROUNDS = 3  # cases typed into the labelled boxes; the rest go through walkthrough.set at once


def assert_recomputes_like_the_engine(
    view: Opened, cases: list[dict[str, float]], engine: Callable[[dict[str, float]], Value]
) -> None:
    """Each case's leaf values entered in turn, then the page's values and gradients equal the
    engine's (`engine(values)`: the graph with those leaves). The first UI_ROUNDS cases are typed
    into the boxes (the reader's path); the rest, in one evaluate, go to walkthrough.set, the
    function a box's input event calls, with the same text a box would hold."""

    def check(state: dict[str, Any], values: dict[str, float]) -> None:
        engine_values, engine_grads = python_numbers(engine(values))
        assert state["error"] is None, values
        assert_close(state["values"], engine_values, f"values at {values}")
        assert_close(state["grads"], engine_grads, f"gradients at {values}")

    for values in cases[:UI_ROUNDS]:
        for name, value in values.items():
            view.page.get_by_label(name, exact=True).fill(repr(value))
        check(view.state(), values)
    states = view.run(
        """cases => cases.map(c => {
          c.forEach(([name, text]) => walkthrough.set(name, text));
          return walkthrough.state();
        })""",
        [[[name, repr(value)] for name, value in values.items()] for values in cases[UI_ROUNDS:]],
    )
    for values, state in zip(cases[UI_ROUNDS:], states, strict=True):
        check(state, values)


# --- the tests ---------------------------------------------------------------------------------------


# --- the tests ---------------------------------------------------------------------------------------


def test_opens_offline_with_the_engines_numbers(open_page: OpenPage, pages: dict[str, Path]) -> None:
    view = open_page(pages["worked"])
    state = view.state()
    ex = build()
    values, _ = python_numbers(ex.loss)
    forward = list(ex.forward_steps())  # the page steps the forward pass first: 7 + 23 steps
    assert state["step"] == 0 and state["steps"] == len(forward) + len(values) == 7 + 23
    assert state["phase"] == "forward" and set(state["shown"]) == {
        k for k, n in ex.nodes.items() if n.is_leaf
    }
    assert_close(state["values"], values, "values")  # complete, whatever the stepping shows
    assert all(g is None for g in state["grads"].values())  # nothing reached yet
    assert state["loss"] == ex.loss.data and state["error"] is None and state["lr"] == 0.1
    assert view.page.locator("#mg-counter").inner_text() == "0 / 30"
    assert view.page.locator("#mg-selfcheck").is_hidden()  # the page agrees with its own reference
    # the post's names, in the picture and the inputs
    for name in ("x1", "x2", "w[1]11", "w[2]12", "s[1]1", "z[1]1", "s[2]", "z[2]", "y", "L"):
        assert view.page.locator("svg.mg-picture >> text=" + name).count() >= 1, name
    for name in ("x1", "x2", "y", *DEFAULT_WEIGHTS):
        assert view.page.get_by_label(name, exact=True).input_value() == repr(
            build().params[name]
        ).removesuffix(".0")


def after_a_step(view: Opened) -> tuple[dict[str, Any], str, str, list[str | None]]:
    """In one evaluate: the state, the step's words, the counter, and the data box of the current
    node in the picture on show."""
    result: tuple[dict[str, Any], str, str, list[str | None]] = view.run(
        """() => {
          const shown = Array.from(document.querySelectorAll('svg.mg-picture'))
            .filter(s => !s.closest('[hidden]'));
          const boxes = shown.flatMap(s => [...s.querySelectorAll('g.mg-current[data-node] .mg-data')]);
          return [walkthrough.state(), document.getElementById('mg-step-text').innerText,
                  document.getElementById('mg-counter').innerText, boxes.map(b => b.textContent)];
        }"""
    )
    return result


@pytest.mark.slow  # many page interactions: seconds
def test_stepping_to_the_end_equals_backward(open_page: OpenPage, pages: dict[str, Path]) -> None:
    view = open_page(pages["worked"])
    ex = build()
    python_steps = list(ex.steps())
    names = graph_names(backward_order(ex.loss)).text
    page_nodes = view.run("walkthrough.nodes()")
    # the same steps, in the same order: step i processes node i of backward order
    assert [names[step.node] for step in python_steps] == [n["name"] for n in page_nodes]
    next_button = view.page.get_by_role("button", name="Next step", exact=True)
    forward = list(ex.forward_steps())
    shown = set(view.state()["shown"])
    for k, f in enumerate(forward, 1):  # the forward pass first: each step reveals its node's value
        assert f.name not in shown
        next_button.click()
        state, text, _, boxes = after_a_step(view)
        assert state["phase"] == ("forward" if k < len(forward) else "backward")
        assert f.name in state["shown"] and shown < set(state["shown"])
        shown = set(state["shown"])
        assert f"Forward step {k} of {len(forward)}:" in text and str(f) in text  # Python's own line
        assert boxes == [f"data {f.value:.4g}"]  # the value appears in the op graph as it is computed
    assert shown == set(names.values())
    total = len(forward) + len(python_steps)
    for k, step in enumerate(python_steps, 1):
        next_button.click()
        state, text, counter, _ = after_a_step(view)
        assert state["step"] == len(forward) + k
        assert counter == f"{len(forward) + k} / {total}"
        assert state["grads"][names[step.node]] is not None  # the step's node shows its gradient
        for edge in step.edges:  # each edge's parent shows the partial sum the engine had just then
            assert close(state["grads"][names[edge.parent]], edge.parent_grad)
        assert f"Step {k}:" in text
        if step.node.rule is not None:
            assert f"{step.upstream:.6g}" in text
        if names[step.node] in ("w[2]12·z[1]2", "w[2]12"):  # DESIGN: say so where the walk reaches it
            assert "w[2]12 multiplies z[1]2" in text
    assert next_button.is_disabled() and view.state()["phase"] == "done"
    _, grads = python_numbers(ex.loss)
    assert_close(view.state()["grads"], grads, "gradients at the end")
    # every step's numbers, against backward_steps: upstream, local, contribution, parent grad
    page_steps = view.run("walkthrough.steps()")
    for py, js in zip(python_steps, page_steps):
        assert close(js[0], py.upstream)
        for edge, numbers in zip(py.edges, js[1:]):
            assert all(
                close(a, b) for a, b in zip(numbers, (edge.local, edge.contribution, edge.parent_grad))
            )


def test_previous_and_reset_go_back(open_page: OpenPage, pages: dict[str, Path]) -> None:
    view = open_page(pages["worked"])
    states = [view.state()]
    for _ in range(6):
        states.append(view.run("walkthrough.next()"))
    previous = view.page.get_by_role("button", name="Previous step", exact=True)
    for k in range(6, 0, -1):
        previous.click()
        assert view.state() == states[k - 1]
    assert previous.is_disabled()
    view.run("walkthrough.end()")
    view.page.get_by_role("button", name="Reset", exact=True).click()
    assert view.state() == states[0]
    assert view.page.locator("svg.mg-picture .mg-grad").first.text_content() == "grad ?"


@pytest.mark.slow  # many page interactions: seconds
def test_editing_the_labelled_inputs_recomputes_like_the_engine(
    open_page: OpenPage, pages: dict[str, Path]
) -> None:
    view = open_page(pages["worked"])
    view.run("walkthrough.end()")
    rng = random.Random(12)
    cases = []
    for _ in range(25):
        values = {name: rng.uniform(-2, 2) for name in DEFAULT_WEIGHTS}
        values.update(
            x1=rng.uniform(-3, 3), x2=rng.uniform(-3, 3), y=rng.choice([1.0, -1.0, rng.uniform(-1, 1)])
        )
        cases.append(values)
    assert_recomputes_like_the_engine(view, cases, lambda values: build(values).loss)
    # a slider moves its leaf too
    slider = view.page.get_by_label("w[2]12 slider", exact=True)
    slider.focus()
    before = view.state()["values"]["w[2]12"]
    view.page.keyboard.press("ArrowRight")
    after = view.state()["values"]["w[2]12"]
    assert after != before
    assert float(view.page.get_by_label("w[2]12", exact=True).input_value()) == after


@pytest.mark.slow  # many page interactions: seconds
def test_every_op_recomputes_like_the_engine(open_page: OpenPage, pages: dict[str, Path]) -> None:
    ops = {node.op for node in backward_order(parse_expression(ALL_OPS, {"a": 1, "b": 1, "c": 1}).root)}
    assert ops - {""} == set(RULES)  # the page below runs every rule's generated JavaScript
    view = open_page(pages["all_ops"])
    view.run("walkthrough.end()")
    rng = random.Random(5)
    cases = [
        {"a": rng.uniform(0.05, 3), "b": rng.uniform(-3, 3), "c": rng.uniform(0.05, 3)} for _ in range(40)
    ]
    assert_recomputes_like_the_engine(view, cases, lambda values: parse_expression(ALL_OPS, values).root)


def test_apply_update_is_one_gradient_descent_step(
    open_page: OpenPage, pages: dict[str, Path], tmp_path: Path
) -> None:
    view = open_page(pages["worked"])
    ex = build()
    button = view.page.get_by_role("button", name="Apply update", exact=True)
    for _ in range(4):
        new = ex.update()  # w - 0.1·dL/dw for the six weights
        before = ex.loss.data
        button.click()
        state = view.state()
        for name, value in new.items():
            assert close(state["values"][name], value), name
        after = ex.after_update()
        assert close(state["loss"], after.loss.data)
        text = view.page.locator("#mg-update-text").inner_text()
        assert f"L before: {before:.6g} → after: {after.loss.data:.6g}" in text
        assert "lower" in text
        ex = after
    assert len(view.state()["history"]) == 5  # the loss before and after each of the 4 updates
    assert view.page.locator("#mg-plot circle").count() == 5
    # a different α, through its input
    view.page.get_by_label("learning rate α").fill("0.5")
    new = ex.update()
    grads = ex.gradients()  # update() computes on the side: .grad stays as it was
    lr_half = {name: ex.params[name] - 0.5 * grads[name] for name in new}
    button.click()
    state = view.state()
    assert state["lr"] == 0.5
    for name, value in lr_half.items():
        assert close(state["values"][name], value), name
    shoot_to_keep(view, tmp_path, "page_after_updates.png", full_page=True)


def test_expression_page_from_the_cli(open_page: OpenPage, pages: dict[str, Path]) -> None:
    view = open_page(pages["expr"])
    assert "f = tanh(a*b + c)" in view.page.title()
    expression = parse_expression(EXPRESSION, {"a": 2, "b": -3, "c": 1})
    values, grads = python_numbers(expression.root)
    view.run("walkthrough.end()")
    state = view.state()
    assert_close(state["values"], values, "values")
    assert_close(state["grads"], grads, "gradients")
    view.page.get_by_label("b", exact=True).fill("0.25")
    values, grads = python_numbers(parse_expression(EXPRESSION, {"a": 2, "b": 0.25, "c": 1}).root)
    assert_close(view.state()["values"], values, "values")
    assert_close(view.state()["grads"], grads, "gradients")


def test_quiz_says_right_or_wrong_then_reveals(
    open_page: OpenPage, pages: dict[str, Path], tmp_path: Path
) -> None:
    view = open_page(pages["worked"])
    page = view.page
    page.get_by_label("Quiz mode").check()
    steps = list(build().steps())
    for _ in build().forward_steps():  # the quiz asks about the backward pass: step the forward one
        page.get_by_role("button", name="Next step", exact=True).click()
    page.get_by_role("button", name="Next step", exact=True).click()
    assert view.state()["step"] == 7  # the question comes before the step reveals anything
    assert "?" in page.locator("#mg-step-text").inner_text()
    guess = page.get_by_label("prediction for the contribution to dL/d(z[2]-y)")
    guess.fill(f"{steps[0].edges[0].contribution:.4f}")  # -1.3887: right within the tolerance
    shoot_to_keep(view, tmp_path, "page_quiz.png")
    page.get_by_role("button", name="Check answer").click()
    assert view.state()["step"] == 8
    assert "✓ Right" in page.locator("#mg-quiz").inner_text()
    page.get_by_role("button", name="Next step", exact=True).click()
    page.get_by_label("prediction for the contribution to dL/dz[2]").fill("2")  # wrong
    page.get_by_label("prediction for the contribution to dL/dy").fill(repr(steps[1].edges[1].contribution))
    page.keyboard.press("Enter")
    quiz = page.locator("#mg-quiz").inner_text()
    assert "✗ Not quite" in quiz and f"{steps[1].edges[0].contribution:.6g}" in quiz and "✓ Right" in quiz
    assert view.state()["quiz"] == {"on": True, "kind": "contribution", "right": 2, "asked": 3}
    assert "Score: 2 right of 3" in quiz
    # Next with a question open reveals it without scoring
    page.get_by_role("button", name="Next step", exact=True).click()
    page.get_by_role("button", name="Next step", exact=True).click()
    assert view.state()["step"] == 10 and view.state()["quiz"]["asked"] == 3


def test_bad_math_shows_the_engines_message(open_page: OpenPage, pages: dict[str, Path]) -> None:
    view = open_page(pages["bad_math"])
    view.run("walkthrough.end()")
    good = view.state()
    cases = [
        ("a", 0.0, lambda: Value(0.0).log()),
        ("a", -2.5, lambda: Value(-2.5).log()),
        ("b", 1000.0, lambda: Value(1000.0).exp()),
        ("d", 0.0, lambda: Value(1.0) / Value(0.0)),
    ]
    for name, number, engine in cases:
        with pytest.raises((ValueError, ArithmeticError)) as raised:
            engine()
        view.page.get_by_label(name, exact=True).fill(repr(number))
        state = view.state()
        assert state["error"] == str(raised.value)
        message = view.page.locator("#mg-message")
        assert message.is_visible() and str(raised.value) in message.inner_text()
        assert view.page.get_by_label(name, exact=True).get_attribute("aria-invalid") == "true"
        assert state["values"] == good["values"]  # the last numbers that could be computed stay
        body = view.page.inner_text("body")
        assert "NaN" not in body and "Infinity" not in body
        assert view.page.get_by_role("button", name="Apply update").is_disabled()
        view.page.get_by_label(name, exact=True).fill(
            repr(1.5 if name == "a" else 0.5 if name == "b" else 2.0)
        )
        assert view.state()["error"] is None and message.is_hidden()


def test_explain_lists_every_path_and_sums_to_the_gradient(
    open_page: OpenPage, pages: dict[str, Path]
) -> None:
    view = open_page(pages["worked"])
    ex = build()
    ex.backward()
    for name in ("x1", "w[1]11", "w[2]12", "z[1]2"):
        node = ex.nodes[name]
        result = view.run("name => walkthrough.explain(name)", name)
        assert len(result["paths"]) == count_paths(ex.loss, node)
        assert close(result["total"], explain(ex.loss, node).total)
        assert close(result["grad"], node.grad)
    # clicking a leaf in the picture explains it, and dashes its paths
    view.page.locator('svg.mg-picture:visible [data-node][aria-label="explain dL/dx2"]').click()
    assert view.page.locator("#mg-explain-select").input_value() == str(
        [n["name"] for n in view.run("walkthrough.nodes()")].index("x2")
    )
    text = view.page.locator("#mg-explain-text").inner_text()
    assert "sum over the 2 paths from L to x2" in text
    on_path = path_nodes(ex.loss, [ex.nodes["x2"]])
    edges = sum(1 for n in on_path for p in n.parents if p in on_path)  # shared stretches count once
    assert view.page.locator("svg.mg-picture:visible g.mg-path[data-edge]").count() == edges == 13
    assert f"{ex.nodes['x2'].grad:.6g}" in text


def test_keyboard_operates_the_page(open_page: OpenPage, pages: dict[str, Path]) -> None:
    view = open_page(pages["worked"])
    page = view.page
    page.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    assert view.state()["step"] == 2
    page.get_by_label("w[1]11", exact=True).focus()
    page.keyboard.press("ArrowRight")  # inside an input the arrows edit it, they do not step
    assert view.state()["step"] == 2
    # Tab reaches a leaf of the picture; Enter explains it
    page.locator("svg.mg-picture:visible [data-node][tabindex='0']").first.focus()
    page.keyboard.press("Enter")
    assert page.locator("#mg-explain-text").inner_text().startswith("dL/d")
    page.get_by_role("button", name="Next step", exact=True).focus()
    page.keyboard.press("Enter")
    assert view.state()["step"] == 3
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # a visible focus ring


def test_layouts_and_zoom(open_page: OpenPage, pages: dict[str, Path], tmp_path: Path) -> None:
    view = open_page(pages["worked"])
    page = view.page
    assert page.locator("[data-layout=LR]").is_visible() and page.locator("[data-layout=TB]").is_hidden()
    page.get_by_label("layout").select_option("TB")
    assert page.locator("[data-layout=TB]").is_visible() and page.locator("[data-layout=LR]").is_hidden()
    view.run("walkthrough.next()")
    # both pictures follow the steps
    assert page.locator("[data-layout=TB] g.mg-current[data-node]").count() == 1
    width = page.locator("[data-layout=TB] svg").bounding_box()["width"]  # type: ignore[index]
    page.get_by_role("button", name="zoom in").click()
    assert page.locator("[data-layout=TB] svg").bounding_box()["width"] > width  # type: ignore[index]
    page.get_by_role("button", name="Fit").click()
    box = page.locator("[data-layout=TB] svg").bounding_box()
    viewport = page.locator("#mg-viewport").bounding_box()
    assert box is not None and viewport is not None and box["width"] <= viewport["width"]
    shoot_to_keep(view, tmp_path, "page_tb.png")


def test_inline_in_a_notebook_frame(browser: Browser) -> None:
    """`_repr_html_` is an iframe whose srcdoc is the whole page: its script runs inside the frame."""
    expression = parse_expression(EXPRESSION, {"a": 2, "b": -3, "c": 1})
    page_object = walkthrough_page(expression.root)
    context = browser.new_context()
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.set_content(
            f"<!DOCTYPE html><html><body><h1>notebook</h1>{page_object._repr_html_()}</body></html>"
        )
        frame = page.frame_locator("iframe")
        frame.get_by_role("button", name="Next step", exact=True).click()
        total = len(page_object.data["forward"]) + len(page_object.data["nodes"])  # both passes
        assert frame.locator("#mg-counter").inner_text() == f"1 / {total}"
        frame.get_by_label("a", exact=True).fill("1.5")
        assert "1.5" in frame.get_by_label("a", exact=True).input_value()
    finally:
        context.close()
    assert errors == []


def test_numbers_print_as_python_prints_them(open_page: OpenPage, pages: dict[str, Path]) -> None:
    view = open_page(pages["expr"])
    rng = random.Random(3)
    numbers = [
        0.0,
        -0.0,
        1.0,
        -2.5,
        0.1,
        1e-05,
        1e-4,
        123456789.0,
        1e16,
        1e15,
        2.5e-300,
        1.7976931348623157e308,
    ]
    numbers += [rng.uniform(-1, 1) * 10 ** rng.randint(-12, 20) for _ in range(300)]
    numbers += [math.inf, -math.inf]
    got = view.run(
        "xs => xs.map(x => [walkthrough.repr(x), walkthrough.format(x, 4), walkthrough.format(x, 6)])",
        numbers,
    )
    for x, (r, g4, g6) in zip(numbers, got):
        assert r == repr(x), x
        if math.isfinite(x):
            assert g4 == f"{x:.4g}" and g6 == f"{x:.6g}", x


def test_screenshot_of_the_worked_example(
    open_page: OpenPage, pages: dict[str, Path], tmp_path: Path
) -> None:
    """The scene of docs/page.png (tools/page_screenshots.py): mid-way through the backward pass,
    a path explained."""
    view = open_page(pages["worked"])
    tool = screenshot_tool()
    tool.play(view.page, tool.WORKED_EXAMPLE)
    target = shoot(view, tmp_path, "page.png")
    assert target.stat().st_size > 20_000
    steps = list(backward_steps(build().loss))
    assert view.state()["step"] == 13 < len(steps)
    assert view.page.locator("#mg-explain-select").input_value() == str(
        [n["name"] for n in view.run("walkthrough.nodes()")].index("w[2]12")
    )


# --- names are data: JavaScript words, Object.prototype's properties, template slots -------------


def _all_names_work(view: Opened, build: Callable[[dict[str, float]], Value], leaf_names: list[str]) -> None:
    """state() has every node under its own name with the engine's numbers (`build(values)` is the
    graph with those leaf values), at the start, at the end, and after edits; explain finds a node
    by its name. One evaluate walks the page through all of it; states come back as [name, number]
    pairs (Playwright's own transfer of an object drops a key named __proto__; the page has it)."""
    edits = {name: 0.25 + 0.125 * k for k, name in enumerate(leaf_names[:: max(1, len(leaf_names) // 8)])}
    start, end, after = view.run(
        """edits => {
          const named = s => [Object.entries(s.values), Object.entries(s.grads), s.error];
          const start = named(walkthrough.state());
          const end = named(walkthrough.end());
          const after = edits.map(([name, x]) => {
            walkthrough.set(name, x);
            const state = named(walkthrough.state());
            const explained = walkthrough.explain(name);
            return [state, explained.target, explained.grad];
          });
          return [start, end, after];
        }""",
        list(edits.items()),
    )
    values, grads = python_numbers(build({}))
    assert view.page.locator("#mg-selfcheck").is_hidden()
    assert_close(dict(start[0]), values, "values")
    assert set(dict(start[1])) == set(values) and start[2] is None
    assert_close(dict(end[1]), grads, "gradients")
    edited: dict[str, float] = {}
    for name, ((page_values, page_grads, error), target, grad) in zip(edits, after, strict=True):
        edited[name] = edits[name]
        values, grads = python_numbers(build(edited))
        assert error is None
        assert_close(dict(page_values), values, f"values after setting {name}")
        assert_close(dict(page_grads), grads, f"gradients after setting {name}")
        assert target == name and close(grad, grads[name])


def test_javascript_words_and_object_properties_as_names(open_page: OpenPage, tmp_path: Path) -> None:
    words = [*JS_RESERVED, *OBJECT_PROTOTYPE]
    root = graph_of_words(words)
    path = walkthrough_page(root, renderer="embedded").save(tmp_path / "words.html")
    view = open_page(path)
    assert set(view.run("Object.getOwnPropertyNames(Object.prototype)")) <= set(OBJECT_PROTOTYPE)
    leaves = [n.label for n in backward_order(root) if n.kind == "parameter"]
    _all_names_work(view, lambda values: graph_of_words(words, values), leaves)


def test_javascript_words_as_names_through_the_cli(open_page: OpenPage, tmp_path: Path) -> None:
    accepted = []
    for word in [*JS_RESERVED, *OBJECT_PROTOTYPE]:  # the expression language refuses Python's keywords
        try:
            parse_expression(f"{word} * 2", {word: 1.0})
        except ValueError:
            continue
        accepted.append(word)
    strict = ["package", "private", "protected", "public", "interface", "implements", "constructor"]
    assert {*strict, "toString", "valueOf", "hasOwnProperty", "isPrototypeOf"} <= set(accepted)
    pairs = [accepted[k : k + 2] for k in range(0, len(accepted), 2)]
    text = "tanh(0.1*(" + " + ".join("*".join(pair) for pair in pairs) + "))"
    start = {w: 0.5 + 0.01 * k for k, w in enumerate(accepted)}
    target = tmp_path / "words.html"
    sets = [item for w, v in start.items() for item in ("--set", f"{w}={v!r}")]
    assert main(["html", "--expr", text, *sets, "--renderer", "embedded", "-o", str(target)]) == 0
    view = open_page(target)
    _all_names_work(view, lambda values: parse_expression(text, {**start, **values}).root, accepted)
    # one word strict-mode JavaScript reserves, alone in a small expression: the whole page works
    small = tmp_path / "package.html"
    args = ["--expr", "tanh(package*b + 1)", "--set", "package=2", "--set", "b=-3", "-o", str(small)]
    assert main(["html", *args, "--renderer", "embedded"]) == 0
    view = open_page(small)
    first = {"package": 2.0, "b": -3.0}
    _all_names_work(
        view, lambda values: parse_expression("tanh(package*b + 1)", {**first, **values}).root, ["package"]
    )


def test_template_slots_in_names_and_titles(open_page: OpenPage, tmp_path: Path) -> None:
    text = " ".join(SLOTS)
    root = graph_of_words([*SLOTS, text])
    leaf = next(n for n in backward_order(root) if n.kind == "parameter")
    page = walkthrough_page(root, title=text, intro=text, notes={leaf: text}, renderer="embedded")
    view = open_page(page.save(tmp_path / "slots.html"))
    assert view.page.locator("h1").inner_text() == text and view.page.title() == text
    assert view.page.locator(".mg-lede").inner_text() == text
    leaves = [n.label for n in backward_order(root) if n.kind == "parameter"]
    _all_names_work(view, lambda values: graph_of_words([*SLOTS, text], values), leaves)


# --- a number box: every invalid entry says so, nothing computes from it ---------------------------


def test_an_invalid_number_after_an_error_is_reported(open_page: OpenPage, pages: dict[str, Path]) -> None:
    view = open_page(pages["expr"])
    page = view.page
    box = page.get_by_label("a", exact=True)
    message = page.locator("#mg-message")
    box.fill("")
    box.blur()
    assert "a needs a finite number, got nothing" in message.inner_text()
    assert view.state()["error"] is not None and box.get_attribute("aria-invalid") == "true"
    box.click()
    page.keyboard.type("1e")  # "1" computes at once; "1e" is half a number
    page.keyboard.press("Tab")
    state = view.state()
    assert state["error"] == "a needs a finite number, got text that is not a number"
    assert message.is_visible() and state["error"] in message.inner_text()
    values, _ = python_numbers(parse_expression(EXPRESSION, {"a": 1, "b": -3, "c": 1}).root)
    assert_close(state["values"], values, "values")  # the last good entry, not one read from "1e"
    assert page.get_by_role("button", name="Apply update").is_disabled()
    # editing another box does not hide the bad one
    page.get_by_label("b", exact=True).fill("0.5")
    assert view.state()["error"] == "a needs a finite number, got text that is not a number"
    # the API's strings are read strictly too: "2abc" is not 2
    assert view.run("walkthrough.set('a', '2abc')")["error"] == "a needs a finite number, got 2abc"
    # recovery: a good number clears the message and computes from it
    box.fill("1.5e0")
    state = view.state()
    assert state["error"] is None and message.is_hidden() and box.get_attribute("aria-invalid") == "false"
    values, grads = python_numbers(parse_expression(EXPRESSION, {"a": 1.5, "b": 0.5, "c": 1}).root)
    assert_close(state["values"], values, "values after recovery")
    assert_close(view.run("walkthrough.end()")["grads"], grads, "gradients after recovery")


def test_the_table_of_every_value_shows_names(open_page: OpenPage, pages: dict[str, Path]) -> None:
    view = open_page(pages["worked"])
    rows = view.page.locator("#mg-all tr")
    order = backward_order(build().loss)
    names = graph_names(order).text
    assert rows.locator("th").all_text_contents() == [names[node] for node in order]  # row i is node i
    made_by = rows.locator("td:nth-of-type(1)").all_text_contents()
    assert made_by == [node.op or f"leaf ({node.kind})" for node in order]
    assert not any(
        re.fullmatch(r"n\d+", cell) for cell in view.page.locator("#mg-all td").all_text_contents()
    )
