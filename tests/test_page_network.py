"""The worked example's page in Chromium: the network view linked to the op graph, Check my
gradient, the state in the address, Restore defaults, the first view at three screen sizes,
accessibility (axe-core) and load time. Oracles: the engine (build(), backward, the update rule).
The fixtures (offline pages, no console error) are test_page_browser's; Chromium is conftest.py's.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from test_page_browser import LAPTOP, Opened, OpenPage, shoot_to_keep

from micrograd_like.post.example import build
from micrograd_like.show.network_view import MAX_WIDTH, MIN_WIDTH, NEGATIVE, POSITIVE

WEIGHTS = ["w[1]11", "w[1]12", "w[1]21", "w[1]22", "w[2]11", "w[2]12"]
UNITS = ["x1", "x2", "z[1]1", "z[1]2", "z[2]"]
SIZES = {"laptop": (LAPTOP["width"], LAPTOP["height"]), "desktop": (1920, 1080), "phone": (390, 844)}


def engine(**overrides: float) -> Any:
    ex = build(overrides or None)
    ex.backward()
    return ex


def edge(view: Opened, name: str) -> dict[str, Any]:
    result: dict[str, Any] = view.run(
        """name => {
          const g = document.querySelector('svg.mg-network [data-name="' + CSS.escape(name) + '"]');
          const line = g.querySelector('.mg-w-line');
          return {w: +g.getAttribute('data-w'), width: +line.getAttribute('stroke-width'),
                  colour: line.getAttribute('stroke'), tab: g.getAttribute('tabindex'),
                  text: g.textContent, selected: g.classList.contains('mg-selected')};
        }""",
        name,
    )
    return result


def width(w: float, largest: float = 0.7) -> float:
    return MAX_WIDTH if abs(w) >= largest else MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * abs(w) / largest


def test_network_view_shows_the_engines_numbers_and_restyles_edges(
    open_page: OpenPage, pages: dict[str, Path]
) -> None:
    view = open_page(pages["worked"])
    ex = engine()
    before = view.run("document.querySelector('svg.mg-network [data-name=\"z[2]\"]').textContent")
    assert "?" in before  # the forward pass has not computed ŷ yet: the view shows it as it comes
    view.run("walkthrough.end()")
    for name in WEIGHTS:
        got = edge(view, name)
        w = ex.nodes[name].data
        assert got["tab"] == "0" and got["w"] == w
        assert f"{name} = {w:.4g}" in got["text"] and f"dL/dw = {ex.nodes[name].grad:.4g}" in got["text"]
        assert math.isclose(got["width"], round(width(w), 2))
        assert got["colour"] == (POSITIVE if w > 0 else NEGATIVE)
    for name in UNITS:
        text = view.run(f"document.querySelector('svg.mg-network [data-name=\"{name}\"]').textContent")
        assert f"{ex.nodes[name].data:.4g}" in text
    view.run("walkthrough.set('w[2]12', -0.5)")
    changed = engine(**{"w[2]12": -0.5})
    got = edge(view, "w[2]12")
    assert (
        got["w"] == -0.5 and got["colour"] == NEGATIVE and math.isclose(got["width"], round(width(-0.5), 2))
    )
    assert f"dL/dw = {changed.nodes['w[2]12'].grad:.4g}" in got["text"]
    unit = view.run("document.querySelector('svg.mg-network [data-name=\"z[2]\"]').textContent")
    assert f"{changed.nodes['z[2]'].data:.4g}" in unit


def test_the_expression_page_has_no_network_view(open_page: OpenPage, pages: dict[str, Path]) -> None:
    view = open_page(pages["expr"])
    assert view.run("document.querySelector('svg.mg-network') === null")


def test_selecting_links_the_network_and_the_op_graph_both_ways(
    open_page: OpenPage, pages: dict[str, Path], tmp_path: Path
) -> None:
    view = open_page(pages["worked"])
    page = view.page
    index = {n["name"]: n["index"] for n in view.run("walkthrough.nodes()")}
    ex = engine()
    page.locator('svg.mg-network [data-name="w[2]12"] text').first.click()
    assert view.state()["selected"] == "w[2]12" and edge(view, "w[2]12")["selected"]
    target = f'svg.mg-picture [data-node="{index["w[2]12"]}"]'
    assert view.run(f"document.querySelector('{target}').classList.contains('mg-target')")
    explained = page.locator("#mg-explain-text").inner_text()
    assert "dL/dw[2]12" in explained and f"{ex.nodes['w[2]12'].grad:.6g}" in explained
    shoot_to_keep(view, tmp_path, "page_network_selected.png")
    # the op graph selects in the network view
    page.locator(f'svg.mg-picture:visible [data-node="{index["z[1]1"]}"]').click()
    assert view.state()["selected"] == "z[1]1"
    assert view.run(
        "document.querySelector('svg.mg-network [data-name=\"z[1]1\"]').classList.contains('mg-selected')"
    )
    assert not edge(view, "w[2]12")["selected"]
    # the keyboard: focus, Enter
    page.locator('svg.mg-network [data-name="x1"]').focus()
    page.keyboard.press("Enter")
    assert view.state()["selected"] == "x1"
    assert "2 paths" in page.locator("#mg-explain-text").inner_text()
    # and the script
    assert view.run("walkthrough.select('w[1]11').selected") == "w[1]11"
    with pytest.raises(Exception, match="no value named"):
        view.run("walkthrough.select('constructor')")


def test_hovering_a_weight_shows_its_formula_with_numbers(
    open_page: OpenPage, pages: dict[str, Path]
) -> None:
    view = open_page(pages["worked"])
    ex = engine()
    view.page.locator('svg.mg-network [data-name="w[2]12"] text').first.hover()
    info = view.page.locator("#mg-net-info").inner_text()
    n = ex.nodes
    assert f"s[2] = w[2]11·z[1]1 + w[2]12·z[1]2 = (-0.7)·({n['z[1]1'].data:.6g}) + 0.35·" in info
    assert f"dL/dw[2]12 = dL/ds[2]·z[1]2 = ({n['s[2]'].grad:.6g})·{n['z[1]2'].data:.6g}" in info
    after = n["w[2]12"].data - ex.lr * n["w[2]12"].grad
    assert f"= {after:.6g}" in info
    view.page.locator('svg.mg-network [data-name="z[1]2"]').focus()
    info = view.page.locator("#mg-net-info").inner_text()
    assert f"z[1]2 = tanh(s[1]2) = tanh({n['s[1]2'].data:.6g}) = {n['z[1]2'].data:.6g}" in info


def test_apply_update_animates_the_edges_to_the_new_weights(
    open_page: OpenPage, pages: dict[str, Path]
) -> None:
    view = open_page(pages["worked"])
    ex = engine()
    old = {name: ex.nodes[name].data for name in WEIGHTS}
    new = {name: old[name] - ex.lr * ex.nodes[name].grad for name in WEIGHTS}
    seen = view.run(
        """() => new Promise(done => {
          walkthrough.update();
          const g = document.querySelector('svg.mg-network [data-name="w[2]12"]');
          const ws = [];
          const tick = () => {
            ws.push(+g.getAttribute('data-w'));
            ws.length < 8 ? requestAnimationFrame(tick) : done(ws);
          };
          requestAnimationFrame(tick);
        })"""
    )
    lo, hi = sorted([old["w[2]12"], new["w[2]12"]])
    assert any(lo < w < hi for w in seen), seen  # in between: animated, not a jump
    animating = "document.querySelector('svg.mg-network').classList.contains('mg-animating')"
    view.page.wait_for_function(f"() => !{animating}", timeout=1000)  # the animation takes 0.7 s
    assert not view.run(animating)
    for name in WEIGHTS:
        got = edge(view, name)
        assert got["w"] == new[name] and math.isclose(got["width"], round(width(new[name]), 2))


def test_check_my_gradient(open_page: OpenPage, pages: dict[str, Path], tmp_path: Path) -> None:
    view = open_page(pages["worked"])
    ex = engine()
    grad = ex.nodes["w[2]12"].grad
    right = view.run("walkthrough.check('w[2]12', '2*(z[2]-y)*(1-z[2]**2)*z[1]2')")
    assert right["correct"] and math.isclose(right["expected"], grad, rel_tol=1e-12)
    assert math.isclose(right["value"], grad, rel_tol=1e-12)
    assert math.isclose(right["finite_difference"], grad, rel_tol=1e-6)
    wrong = view.run("walkthrough.check('w[2]12', '2*(z[2]-y)*(1-z[2]**2)*z[1]1')")
    assert not wrong["correct"]
    assert (
        f"ds[2]/dw[2]12 is z[1]2 = {ex.nodes['z[1]2'].data:.6g}; your expression has z[1]1"
        in wrong["message"]
    )
    missing = view.run("walkthrough.check('w[2]12', '2*(z[2]-y)*z[1]2')")
    assert "dz[2]/ds[2] is 1 - z[2]² = " in missing["message"] and "missing" in missing["message"]
    number = view.run(f"walkthrough.check('w[2]12', '{grad:.4f}')")
    assert number["correct"]  # a number worked out by hand: right within the quiz's tolerance
    # two paths to x1: one term per path
    x1 = view.run("walkthrough.check('x1', 'dL/ds[1]1*w[1]11')")
    assert not x1["correct"] and x1["value"] is None  # dL/ds[1]1 is not a value: cannot read
    sum_of_two = "2*(z[2]-y)*(1-z[2]**2)*w[2]11*(1-z[1]1**2)*w[1]11"
    one = view.run(f"walkthrough.check('x1', '{sum_of_two}')")
    assert not one["correct"] and "sum over 2 paths" in one["message"]
    for hostile in ["constructor", "__proto__", "alert(1)", "x1" + "+x1" * 5000, "(" * 60 + "1" + ")" * 60]:
        result = view.run("a => walkthrough.check('w[2]12', a)", hostile)
        assert not result["correct"] and result["message"].startswith("Cannot read your answer")
    assert view.run("typeof window.alert === 'function' && Object.prototype.polluted === undefined")
    # the box beside the explain panel
    view.page.get_by_label("gradient of", exact=True).nth(1).select_option(label="w[2]11")
    view.page.get_by_label("your gradient").fill("2*(z[2]-y)*(1-z[2]**2)*z[1]1")
    view.page.get_by_role("button", name="Check", exact=True).click()
    assert "✓ Right" in view.page.locator("#mg-mine-text").inner_text()
    shoot_to_keep(view, tmp_path, "page_check.png")


def test_quiz_asks_local_derivatives_upstreams_and_whole_gradients(
    open_page: OpenPage, pages: dict[str, Path]
) -> None:
    view = open_page(pages["worked"])
    page = view.page
    steps = list(build().steps())
    for _ in build().forward_steps():  # the quiz asks about the backward pass
        view.run("walkthrough.next()")
    view.run("walkthrough.quiz(true, 'local')")
    page.get_by_role("button", name="Next step", exact=True).click()
    page.get_by_label("prediction for the local derivative dL/d(z[2]-y)").fill("2*(z[2]-y)")
    page.get_by_role("button", name="Check answer").click()
    assert "✓ Right" in page.locator("#mg-quiz").inner_text()
    view.run("walkthrough.quiz(true, 'upstream')")
    page.get_by_role("button", name="Next step", exact=True).click()
    page.get_by_label("prediction for the upstream gradient dL/d(z[2]-y)").fill(f"{steps[1].upstream:.5f}")
    page.get_by_role("button", name="Check answer").click()
    assert "✓ Right" in page.locator("#mg-quiz").inner_text()
    view.run("walkthrough.quiz(true, 'gradient')")
    page.get_by_role("button", name="Next step", exact=True).click()
    page.get_by_label("prediction for the whole gradient dL/ds[2]").fill("0")
    page.get_by_role("button", name="Check answer").click()
    assert "✗ Not quite" in page.locator("#mg-quiz").inner_text()
    assert view.state()["quiz"] == {"on": True, "kind": "gradient", "right": 2, "asked": 3}


def test_the_address_holds_the_state_and_restore_brings_back_the_defaults(
    open_page: OpenPage, pages: dict[str, Path]
) -> None:
    view = open_page(pages["worked"])
    view.run("walkthrough.set('w[2]12', 0.3)")
    view.run("walkthrough.setLearningRate(0.05)")
    for _ in range(5):
        view.run("walkthrough.next()")
    view.run("walkthrough.select('w[1]21')")
    before = view.state()
    hash_ = view.run("location.hash")
    assert "step=5" in hash_ and "lr=0.05" in hash_
    other = open_page(pages["worked"], hash=hash_)  # a new document at that address
    after = other.state()
    for key in ("step", "values", "grads", "lr", "selected", "loss"):
        assert after[key] == before[key], key
    assert after["values"]["w[2]12"] == 0.3
    # Reset rewinds only; Restore defaults also brings back the values and α
    other.run("walkthrough.reset()")
    assert other.state()["step"] == 0 and other.state()["values"]["w[2]12"] == 0.3
    other.page.get_by_role("button", name="Restore defaults").click()
    restored, ex = other.state(), engine()
    assert restored["step"] == 0 and restored["lr"] == ex.lr and restored["selected"] is None
    assert restored["values"]["w[2]12"] == ex.nodes["w[2]12"].data and restored["loss"] == ex.loss.data
    assert other.run("location.hash") == ""
    assert (
        other.run(
            "document.getElementById('mg-leaf-' + "
            "walkthrough.nodes().find(n => n.name === 'w[2]12').index).value"
        )
        == "0.35"
    )
    # a hash that does not read is left out, never run
    other.page.goto(other.url + "#step=abc&v.constructor=1&v.__proto__=2&lr=-1&sel=alert(1)")
    other.page.wait_for_function("() => window.walkthrough !== undefined")
    assert other.state()["step"] == 0 and other.state()["lr"] == ex.lr and other.state()["selected"] is None


def boxes_cut(view: Opened) -> list[str]:
    """The op graph's boxes that the viewport's edge cuts (partly inside, partly outside)."""
    result: list[str] = view.run(
        """() => {
          const v = document.getElementById('mg-viewport').getBoundingClientRect();
          const svg = Array.from(document.querySelectorAll('svg.mg-picture'))
            .find(s => !s.closest('[hidden]'));
          return Array.from(svg.querySelectorAll('[data-node], [data-op]')).filter(g => {
            const r = g.getBoundingClientRect();
            const inside = r.left >= v.left - 0.5 && r.right <= v.right + 0.5
              && r.top >= v.top - 0.5 && r.bottom <= v.bottom + 0.5;
            const outside = r.right <= v.left || r.left >= v.right || r.bottom <= v.top || r.top >= v.bottom;
            return !inside && !outside;
          }).map(g => g.textContent.trim().split('\\n')[0]);
        }"""
    )
    return result


def smallest_text(view: Opened, selector: str) -> float:
    return float(
        view.run(
            f"""() => Math.min(...Array.from(document.querySelectorAll('{selector} text'))
                 .filter(t => !t.closest('[hidden]') && t.textContent.trim())
                 .map(t => t.getBoundingClientRect().height))"""
        )
    )


@pytest.mark.parametrize("size", SIZES)
def test_first_view_at_three_screen_sizes(
    open_page: OpenPage, pages: dict[str, Path], tmp_path: Path, size: str
) -> None:
    w, h = SIZES[size]
    view = open_page(pages["worked"], viewport={"width": w, "height": h})
    page = view.page
    shoot_to_keep(view, tmp_path, f"page_{size}.png")
    assert view.run("document.documentElement.scrollWidth") <= w  # no sideways scrolling
    if size == "laptop":
        net = view.run(
            "(() => { const r = document.getElementById('mg-net-view').getBoundingClientRect(); "
            "return [r.left, r.top, r.right, r.bottom]; })()"
        )
        assert net[0] >= 0 and net[1] >= 0 and net[2] <= w and net[3] <= h, net
        assert smallest_text(view, "svg.mg-network") >= 9 and smallest_text(view, "svg.mg-picture") >= 9
        assert boxes_cut(view) == []
        for _ in range(12):
            page.get_by_role("button", name="Next step", exact=True).click()
            assert boxes_cut(view) == []
        shoot_to_keep(view, tmp_path, f"page_{size}_stepped.png")
    if size == "desktop":
        whole = view.run(
            """() => { const v = document.getElementById('mg-viewport').getBoundingClientRect();
                 const s = document.querySelector('svg.mg-picture').getBoundingClientRect();
                 return s.width <= v.width && s.height <= v.height
                   && v.bottom <= innerHeight && v.right <= innerWidth; }"""
        )
        assert whole and boxes_cut(view) == []
    if size == "phone":
        for _ in range(4):
            page.get_by_role("button", name="Next step", exact=True).click()
            seen = view.run(
                """() => { const r = document.getElementById('mg-step-text').getBoundingClientRect();
                     const bar = document.querySelector('.mg-toolbar').getBoundingClientRect();
                     return r.top >= bar.bottom - 1 && r.top < innerHeight - 40; }"""
            )
            assert seen
        page.mouse.wheel(0, 1500)  # the reader scrolled away; stepping brings the explanation back
        page.get_by_role("button", name="Next step", exact=True).click()
        assert view.run(
            """() => { const r = document.getElementById('mg-step-text').getBoundingClientRect();
                 const bar = document.querySelector('.mg-toolbar').getBoundingClientRect();
                 return r.bottom > bar.bottom && r.top < innerHeight; }"""
        )
        shoot_to_keep(view, tmp_path, f"page_{size}_stepped.png")


def test_accessibility_load_time_and_size(open_page: OpenPage, pages: dict[str, Path]) -> None:
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    # the target is 300 ms (82 ms on an idle machine); the bound here only catches a page that
    # blocks, since a timed test on a shared, loaded machine (CI runs the suite on every core) flakes
    bound = 1500
    view = open_page(pages["worked"])
    times = [view.run("walkthrough.ready")]
    while min(times) >= bound and len(times) < 6:  # a few loads while none meets it: the machine may be busy
        view.page.reload()
        view.page.wait_for_function("() => window.walkthrough !== undefined")
        times.append(view.run("walkthrough.ready"))
    ready = min(times)
    size = pages["worked"].stat().st_size
    print(f"worked example page: interactive {ready:.0f} ms after navigation, {size} bytes")
    assert ready < bound
    assert pages["worked"].stat().st_size < 2_000_000
    view.run("walkthrough.quiz(true); walkthrough.select('w[2]12'); walkthrough.check('w[2]12', '1')")
    results = Axe().run(view.page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
