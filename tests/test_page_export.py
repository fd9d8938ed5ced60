"""The walkthrough page's file, without a browser: its data, its generated math, its picture, saving.

The page's numbers are checked against the engine in a real browser (test_page_browser.py); here
the exported data must equal the engine's own steps and gradients, the generated JavaScript must
be the rule table's renderings, and the file must be self-contained.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from page_words import JS_RESERVED, OBJECT_PROTOTYPE, SLOTS, graph_of_words, screenshot_tool

from micrograd_like import RULES, Value, backward_order, backward_steps
from micrograd_like import walkthrough_page as exported
from micrograd_like.core.expr import parse_expression
from micrograd_like.core.names import graph_names
from micrograd_like.page import walkthrough_page, worked_example_page
from micrograd_like.page.bundle import controller as bundled_controller
from micrograd_like.page.document import fill_template
from micrograd_like.page.export import graph_data
from micrograd_like.page.jsgen import graph_script, js_operands, rule_ids
from micrograd_like.page.svg import PictureError, mark_up
from micrograd_like.post.example import build

ALL_OPS = "exp(a) / (1 + b ** 2) - log(c) * sigmoid(a - c) + relu(b) ** 3 + a ** c - tanh(-b) * -2"


def test_the_data_are_the_engines_steps_and_gradients() -> None:
    ex = build()
    data = graph_data(ex.loss, 0.1)
    steps = list(ex.steps())  # the engine's own backward pass, from zero leaf gradients
    assert len(data["steps"]) == len(steps) == len(data["nodes"]) == 23
    for (index, upstream, edges), step in zip(data["steps"], steps):
        assert index == step.index and upstream == step.upstream
        assert edges == [[e.local, e.contribution, e.parent_grad] for e in step.edges]
    order = backward_order(ex.loss)
    names = graph_names(order)
    assert [n["name"] for n in data["nodes"]] == [names.text[node] for node in order]
    assert data["reference"]["grads"] == [node.grad for node in order]  # ex.steps() ran to the end
    assert data["reference"]["values"] == [node.data for node in order]
    tanh = data["nodes"][[n["name"] for n in data["nodes"]].index("z[2]")]
    assert tanh["edges"] == [{"d": "dz[2]/ds[2]", "formula": "1 - z[2]²", "numbers": "1 - ⟨out⟩²", "use": 1}]


def test_the_callers_graph_is_left_alone() -> None:
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    f = a * b + a
    a.grad = 5.0  # from some earlier backward pass
    data = graph_data(f)
    assert a.grad == 5.0 and b.grad == 0.0 and f.grad == 0.0
    assert data["reference"]["grads"][[n["name"] for n in data["nodes"]].index("a")] == -2.0  # b + 1


def test_bad_roots_and_rates_are_clear_errors() -> None:
    with pytest.raises(TypeError, match="needs a Value"):
        walkthrough_page(3.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a leaf"):
        walkthrough_page(Value(1.0))
    x = Value(1.0, "x")
    for lr in (0.0, -0.1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="lr must be a finite number > 0"):
            walkthrough_page(x * 2, lr)
    with pytest.raises(ValueError, match="layouts"):
        walkthrough_page(x * 2, layouts=("XY",))
    with pytest.raises(ValueError, match="more than max_nodes=5"):
        walkthrough_page(((x * 2 + 1) * 3).tanh(), max_nodes=5)


def test_generated_math_is_the_rule_tables_rendering() -> None:
    root = parse_expression(ALL_OPS, {"a": 0.7, "b": -1.3, "c": 2.1}).root
    order = backward_order(root)
    names = graph_names(order)
    script = graph_script(order, names, rule_ids(order))
    code = js_operands(order)
    # the page's own identifiers, never a label: n<i> for node i, a number literal for a constant
    assert all(code[n] == f"n{i}" for i, n in enumerate(order) if n.kind != "constant")

    seen = set()
    for node in order:
        rule = node.rule
        if rule is None:
            continue
        inputs = {x: code[p] for x, p in zip(rule.inputs, node.parents)}
        assert f"var {code[node]} = {rule.js_forward(**inputs)};" in script
        for k in range(len(node.parents)):
            assert f"$l{k} = {rule.js_local(k, out=code[node], **inputs)};" in script
        seen.add(rule.name)
    assert seen == set(RULES)
    # the controller is op-agnostic: no op's math in it
    controller = bundled_controller()
    # pyrandom.js is Python's random.Random reproduced: its gauss has random's own log, not a rule's
    modules = re.split(r"^(?=const \$\w+ = \(function)", controller, flags=re.M)
    assert sum(m.startswith("const $pyrandom ") for m in modules) == 1
    controller = "".join(m for m in modules if not m.startswith("const $pyrandom "))
    for function in ("Math.tanh", "Math.exp", "Math.log(", "Math.pow"):
        assert function not in controller
    assert "$g[" in script and script.count("// the chain rule") == sum(len(n.parents) for n in order)


def test_the_file_is_self_contained_and_small(tmp_path: Path) -> None:
    page = worked_example_page()
    text = page.html
    assert len(page) < 2_000_000  # bytes: the worked example's budget, a page that opens at once
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text)  # nothing fetched
    assert "@import" not in text and "url(" not in text.replace("url(#", "")
    # only the page's own scripts end a <script>: no "</script" inside the data or the code
    assert text.count("<script") == text.count("</script>") == 4  # data, graph math, chapter math, controller
    assert (
        "Gradient descent, feedforward and backpropagation, step by step: the post's worked example" in text
    )
    for name in ("w[1]11", "s[1]1", "z[1]1", "z[2]"):
        assert name in text
    path = page.save(tmp_path / "page.html")
    assert path.read_text(encoding="utf-8") == text


def test_labels_cannot_break_out_of_the_page() -> None:
    a = Value(1.0, "</script><script>alert(1)</script>")
    b = Value(2.0, "b\u2028c")
    f = a * b
    f.label = "<!-- f"
    text = walkthrough_page(f, renderer="embedded").html
    assert text.count("<script") == text.count("</script>") == 4  # data, graph math, chapter math, controller
    assert "<!-- f" not in text.split("<main>", 1)[1]


def test_save_refuses_folders_and_missing_folders(tmp_path: Path) -> None:
    page = walkthrough_page(Value(1.0, "x") * 2, renderer="embedded")
    with pytest.raises(IsADirectoryError, match="is a directory"):
        page.save(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        page.save(tmp_path / "missing" / "page.html")
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_notebook_display_is_an_iframe_with_the_page() -> None:
    page = walkthrough_page(Value(1.0, "x") * 2, renderer="embedded")
    shown = page._repr_html_()
    assert shown.startswith("<iframe ") and 'sandbox="allow-scripts"' in shown
    srcdoc = re.search(r'srcdoc="([^"]*)"', shown)
    assert srcdoc is not None and html.unescape(srcdoc.group(1)) == page.html
    assert exported is walkthrough_page  # micrograd_like re-exports it


def test_picture_hooks_follow_the_graphviz_titles() -> None:
    x = Value(3.0, "x")
    y = x * x + x
    order = backward_order(y)
    for renderer in ("native", "embedded"):
        from micrograd_like.show.render import RenderError, render_svg
        from micrograd_like.show.viz import draw_dot

        try:
            svg = render_svg(draw_dot(y, legend=False), renderer=renderer)
        except RenderError:
            continue  # no Graphviz dot here: the embedded renderer is tested anyway
        marked = mark_up(svg, order)
        assert sorted(re.findall(r'data-edge="(\d+:\d+)"', marked)) == ["0:0", "0:1", "1:0", "1:1"]
        assert marked.count('class="mg-data"') == marked.count('class="mg-grad"') == 3
        assert ' id="' not in marked  # Graphviz's ids would repeat across the page's two pictures
    with pytest.raises(PictureError, match="no value node"):
        mark_up('<svg xmlns="http://www.w3.org/2000/svg"><g class="node"><title>o0</title></g></svg>', order)


def test_every_step_of_backward_steps_is_in_the_page() -> None:
    root = parse_expression("tanh(a*b + c) * a", {"a": 2, "b": -3, "c": 1}).root
    data = walkthrough_page(root, renderer="embedded").data
    assert [s[0] for s in data["steps"]] == [s.index for s in backward_steps(root)]


def test_names_that_are_javascript_words_never_become_code() -> None:
    def identifiers(words: list[str]) -> tuple[set[str], str]:
        order = backward_order(graph_of_words(words))
        script = graph_script(order, graph_names(order), rule_ids(order))
        code = "\n".join(line.split("//")[0] for line in script.splitlines())  # comments name them
        return set(re.findall(r"[A-Za-z_$][\w$]*", code)), script

    words = [*JS_RESERVED, *OBJECT_PROTOTYPE]
    attacked, script = identifiers(words)
    neutral, _ = identifiers([f"w{i}" for i in range(len(words))])
    assert attacked == neutral  # the same code whatever the names: they never reach it
    order = backward_order(graph_of_words(words))
    assert all(
        f"\n    var n{i} = $leaf[{i}];" in script for i, n in enumerate(order) if n.kind == "parameter"
    )


def test_template_slots_in_user_text_stay_text() -> None:
    text = " ".join(SLOTS)
    root = graph_of_words([*SLOTS, *(s.lower() for s in SLOTS), text])
    leaf = next(n for n in backward_order(root) if n.is_leaf)
    page = walkthrough_page(root, title=f"<{text}>", intro=text, notes={leaf: text}, renderer="embedded")
    found = re.search(r'<script type="application/json" id="mg-data">(.*?)</script>', page.html, re.S)
    assert found is not None and json.loads(found.group(1)) == page.data  # the data survived whole
    assert f"<title>{html.escape('<' + text + '>')}</title>" in page.html
    assert f"<h1>{html.escape('<' + text + '>')}</h1>" in page.html
    assert f'<p class="mg-lede">{text}</p>' in page.html
    assert page.html.count("<style>") == 1 and page.html.count("<script") == 4
    with pytest.raises(KeyError, match="slots"):
        fill_template("__MG_TITLE__ __MG_UNKNOWN__", {"__MG_TITLE__": "t"})


def test_the_docs_pictures_of_the_page_are_of_todays_page(tmp_path: Path) -> None:
    """docs/page.png carries the digest of the page and actions it shows; when this fails, run
    `python tools/page_screenshots.py` (headless Chromium) and look at the new picture."""
    tool = screenshot_tool()
    assert tool.stale() == [], "run python tools/page_screenshots.py"
    # the check can fail: a picture of another page is stale
    other = tool.Scene("page.png", lambda: walkthrough_page(Value(1.0, "x") * 2).html, ())
    assert tool.stale((other,)) == ["page.png"]
    assert tool.stale(tool.SCENES, tmp_path) == [s.file for s in tool.SCENES]  # missing
