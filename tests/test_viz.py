"""draw_dot and write_frames: what the DOT source says about a graph whose numbers we know by hand."""

from __future__ import annotations

import json
import math
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import graphviz
import pytest

from micrograd_like import Value, backward_order, backward_steps
from micrograd_like.show.render import render_bytes
from micrograd_like.show.viz import (
    DEFAULT_MAX_NODES,
    FILL,
    GraphTooLargeError,
    draw_dot,
    frame_graph,
    path_nodes,
    write_frames,
)

SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
RENDERERS = ["embedded", pytest.param("native", marks=needs_dot)]
ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s\]]+)')


def _attrs(text: str | None) -> dict[str, str]:
    out = {}
    for key, value in ATTR.findall(text or ""):
        out[key] = value[1:-1] if value.startswith('"') else value
    return out


def parse(graph: graphviz.Digraph) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, dict[str, str]]]]:
    """Nodes {id: attributes} and edges [(tail, head, attributes)] of our DOT source, in order."""
    nodes: dict[str, dict[str, str]] = {}
    edges = []
    for line in graph.source.splitlines():
        edge = re.fullmatch(r"\t(\w+) -> (\w+)(?: \[(.*)\])?", line)
        node = re.fullmatch(r"\t([no]\d+) \[(.*)\]", line)
        if edge:
            edges.append((edge[1], edge[2], _attrs(edge[3])))
        elif node:
            nodes[node[1]] = _attrs(node[2])
    return nodes, edges


def node_id(graph: graphviz.Digraph, label: str) -> str:
    nodes, _ = parse(graph)
    (found,) = [i for i, a in nodes.items() if i.startswith("n") and a["label"].split("|")[0] == label]
    return found


def values_and_ops(nodes: dict[str, dict[str, str]]) -> tuple[list[str], list[str]]:
    return [i for i in nodes if i.startswith("n")], [i for i in nodes if i.startswith("o")]


# --- structure -----------------------------------------------------------------------------------


def test_counts_of_a_small_graph() -> None:
    a, b, c = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c")
    e = a * b
    d = e + c
    d.label = "d"
    nodes, edges = parse(draw_dot(d))
    values, ops = values_and_ops(nodes)
    assert len(values) == 5  # a, b, c, a*b, d
    assert len(ops) == 2  # *, +
    assert len(edges) == 2 + 2 + 2  # two inputs per op, and each op to its output
    assert sorted(nodes[o]["label"] for o in ops) == ["*", "+"]


@pytest.mark.parametrize("op", ["add", "mul"])
def test_a_value_used_twice_draws_two_edges(op: str) -> None:
    x = Value(3.0, "x")
    y = x + x if op == "add" else x * x
    y.backward()
    graph = draw_dot(y)
    nodes, edges = parse(graph)
    x_id = node_id(graph, "x")
    from_x = [e for e in edges if e[0] == x_id]
    assert len(from_x) == 2
    # each edge carries its own local derivative: d(x+x)/dx = 1 + 1, d(x*x)/dx = x + x
    expected = "1" if op == "add" else "3"
    assert [e[2]["label"] for e in from_x] == [expected, expected]
    assert nodes[x_id]["label"] == f"x|data 3|grad {2 if op == 'add' else 6}"


def test_value_boxes_show_label_data_and_grad() -> None:
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    y = a * b + a  # dy/da = b + 1 = -2, dy/db = a = 2
    y.label = "y"
    y.backward()
    graph = draw_dot(y)
    nodes, _ = parse(graph)
    assert nodes[node_id(graph, "a")]["label"] == "a|data 2|grad -2"
    assert nodes[node_id(graph, "b")]["label"] == "b|data -3|grad 2"
    assert nodes[node_id(graph, "y")]["label"] == "y|data -4|grad 1"
    # an unlabelled node shows the one name every view gives it: its expression
    assert nodes[node_id(graph, "a·b")]["label"] == "a·b|data -6|grad 1"
    three = Value(3.0, kind="constant")  # a constant's name is its number: the box shows only data
    z = a * three
    z.label = "z"
    assert [n["label"] for n in parse(draw_dot(z))[0].values() if n.get("class") == "constant"] == [
        "data 3|grad 0"
    ]


def test_edges_carry_the_local_derivatives_of_the_rules() -> None:
    a, b = Value(3.0, "a"), Value(4.0, "b")
    q = a / b  # d/da = 1/b = 0.25, d/db = -a/b² = -0.1875
    q.label = "q"
    c = Value(2.0, "c")
    p = c**3  # d/dc = 3c² = 12
    p.label = "p"
    t = Value(0.5, "t")
    h = t.tanh()  # d/dt = 1 - tanh²(0.5)
    h.label = "h"
    root = q + p + h
    graph = draw_dot(root, digits=6)
    _, edges = parse(graph)
    label_of = {(e[0]): e[2].get("label") for e in edges if e[1].startswith("o")}
    assert label_of[node_id(graph, "a")] == "0.25"
    assert label_of[node_id(graph, "b")] == "-0.1875"
    assert label_of[node_id(graph, "c")] == "12"
    assert label_of[node_id(graph, "t")] == f"{1 - math.tanh(0.5) ** 2:.6g}"
    # and the rule's formula is the edge's tooltip
    tooltips = {e[0]: e[2]["tooltip"] for e in edges if e[1].startswith("o")}
    assert tooltips[node_id(graph, "b")] == "d(a/b)/db = -(a/b)/b"


def test_edge_labels_can_be_turned_off_and_digits_chosen() -> None:
    x = Value(1.0, "x")
    y = x / 3.0
    y.label = "y"
    y.backward()
    bare = draw_dot(y, edge_labels=False, digits=2)
    nodes, edges = parse(bare)
    assert all("label" not in e[2] for e in edges)
    assert nodes[node_id(bare, "y")]["label"] == "y|data 0.33|grad 1"
    assert nodes[node_id(bare, "x")]["label"] == "x|data 1|grad 0.33"


def test_leaf_kinds_look_different() -> None:
    w = Value(0.5, "w", kind="parameter")
    x = Value(2.0, "x")
    y = w * x * 3.0  # the 3.0 becomes a constant leaf
    y.label = "y"
    nodes, _ = parse(draw_dot(y))
    by_class = {a["class"]: a["fillcolor"] for a in nodes.values()}
    assert by_class["parameter"] == FILL["parameter"]
    assert by_class["input"] == FILL["input"]
    assert by_class["constant"] == FILL["constant"]
    assert by_class["computed"] == FILL["op"]
    assert len({FILL["parameter"], FILL["input"], FILL["constant"], FILL["op"]}) == 4
    assert {a["shape"] for a in nodes.values() if a["class"] == "op"} == {"ellipse"}


def test_direction() -> None:
    y = Value(1.0, "x").exp()
    assert "rankdir=TB" in draw_dot(y, rankdir="TB").source
    assert "rankdir=LR" in draw_dot(y).source
    with pytest.raises(ValueError, match="rankdir"):
        draw_dot(y, rankdir="up")


def test_legend_names_the_root_and_only_the_colours_present() -> None:
    x = Value(2.0, "x")
    y = x * 3.0
    y.label = "loss"
    graph = draw_dot(y)
    assert "grad = dloss/d(value)" in graph.source
    assert "grey = constant" in graph.source and "orange = parameter" not in graph.source
    assert "label=" not in draw_dot(y, legend=False).source.split("\n")[1]


# --- determinism and escaping --------------------------------------------------------------------


def _program() -> Value:
    a, b = Value(0.5, "a", kind="parameter"), Value(-1.5, "b")
    y = ((a * b).tanh() + a**2 - b / 3.0).sigmoid()
    y.label = "y"
    y.backward()
    return y


def test_the_same_program_gives_the_same_source() -> None:
    first = draw_dot(_program(), highlight="a").source
    _ = [Value(float(i)) * 2 for i in range(100)]  # shift memory and creation numbers in between
    second = draw_dot(_program(), highlight="a").source
    assert first == second
    assert not re.search(r"0x[0-9a-f]{6,}|\d{9,}", first)  # no addresses or id()s


def test_special_characters_are_escaped_for_records() -> None:
    label = 'a"b<c>&d\\e{f}g|h'
    x = Value(1.0, label)
    y = x * 2.0
    y.label = "y"
    nodes, _ = parse(draw_dot(y))
    (field,) = [a["label"] for a in nodes.values() if a.get("class") == "input"]
    assert field.startswith('a\\"b\\<c\\>&amp;d\\\\e\\{f\\}g\\|h|data 1|')


# --- highlight -----------------------------------------------------------------------------------


def _highlight_graph() -> tuple[Value, dict[str, Value]]:
    w, b = Value(0.5, "w", kind="parameter"), Value(0.1, "b", kind="parameter")
    x = Value(2.0, "x")
    h = w * x
    h.label = "h"
    z = h + b
    z.label = "z"
    q = x * 3.0
    q.label = "q"
    loss = z * q
    loss.label = "L"
    loss.backward()
    return loss, {"w": w, "b": b, "x": x, "h": h, "z": z, "q": q, "L": loss}


def _marked(graph: graphviz.Digraph) -> tuple[set[str], set[tuple[str, str]]]:
    nodes, edges = parse(graph)
    hot_nodes = {i for i, a in nodes.items() if "highlight" in a.get("class", "")}
    hot_edges = {(t, h) for t, h, a in edges if a.get("class") == "highlight"}
    return hot_nodes, hot_edges


def test_highlight_marks_exactly_the_paths_from_root_to_the_target() -> None:
    loss, v = _highlight_graph()
    graph = draw_dot(loss, highlight=v["w"])
    n = {name: node_id(graph, name) for name in v}
    op = {name: "o" + n[name][1:] for name in ("h", "z", "L", "q")}
    hot_nodes, hot_edges = _marked(graph)
    # by hand: the only path is L -> z -> h -> w
    assert hot_nodes == {n["L"], n["z"], n["h"], n["w"], op["L"], op["z"], op["h"]}
    assert hot_edges == {
        (n["w"], op["h"]),
        (op["h"], n["h"]),
        (n["h"], op["z"]),
        (op["z"], n["z"]),
        (n["z"], op["L"]),
        (op["L"], n["L"]),
    }
    assert draw_dot(loss, highlight="w").source == graph.source  # by label, the same picture


def test_highlight_with_two_paths() -> None:
    loss, v = _highlight_graph()
    graph = draw_dot(loss, highlight="x")  # x reaches L through h and through q
    n = {name: node_id(graph, name) for name in v}
    hot_nodes, hot_edges = _marked(graph)
    assert {i for i in hot_nodes if i.startswith("n")} == {n["x"], n["h"], n["z"], n["q"], n["L"]}
    assert (n["x"], "o" + n["h"][1:]) in hot_edges and (n["x"], "o" + n["q"][1:]) in hot_edges
    assert (n["w"], "o" + n["h"][1:]) not in hot_edges  # w feeds a hot op but is not on a path to x
    assert path_nodes(loss, [v["x"]]) == {v["x"], v["h"], v["z"], v["q"], v["L"]}


def test_highlight_errors() -> None:
    loss, _ = _highlight_graph()
    with pytest.raises(
        ValueError, match=r"highlight: no node named 'nope' in this graph; its names: w, x, h, b, z, q, L$"
    ):
        draw_dot(loss, highlight="nope")
    with pytest.raises(ValueError, match=r"no node named 'hh'.*did you mean h\?"):
        draw_dot(loss, highlight="hh")
    with pytest.raises(ValueError, match="not part of this graph"):
        draw_dot(loss, highlight=Value(1.0, "elsewhere"))


def test_a_graph_of_many_long_names_is_listed_in_one_short_line() -> None:
    total = Value(0.0, "start")
    for k in range(100):
        total = total + Value(float(k), f"{'long' * 20}{k:03d}")
    with pytest.raises(ValueError) as caught:
        draw_dot(total, highlight="zzz")
    message = str(caught.value)
    assert "no node named 'zzz'" in message and "more)" in message and len(message) < 600, message
    assert "(83 characters)" in message  # each 83-character name is cut short
    with pytest.raises(ValueError, match=r"did you mean .*\(83 characters\)"):
        draw_dot(total, highlight="long" * 20 + "1000")


# --- size limit ----------------------------------------------------------------------------------


def test_node_limit() -> None:
    x = Value(0.0, "x")
    y = x
    for _ in range(DEFAULT_MAX_NODES):
        y = y + 1.0  # each step adds a constant and a sum: 2 values
    count = len(backward_order(y))
    assert count == 1 + 2 * DEFAULT_MAX_NODES
    with pytest.raises(GraphTooLargeError) as error:
        draw_dot(y)
    message = str(error.value)
    assert f"{count} value nodes" in message and "max_nodes" in message and "part" in message
    nodes, _ = parse(draw_dot(y, max_nodes=count))
    assert len(values_and_ops(nodes)[0]) == count
    with pytest.raises(GraphTooLargeError):
        write_frames(y, "unused-directory", max_nodes=10)


# --- frames --------------------------------------------------------------------------------------


def _texts(path: Path) -> list[str]:
    return [t.text or "" for t in ET.parse(path).getroot().iter(f"{SVG}text")]


def _classes(path: Path) -> list[str]:
    return [g.get("class", "") for g in ET.parse(path).getroot().iter(f"{SVG}g")]


def _frames_graph() -> tuple[Value, Value, Value]:
    x, w = Value(2.0, "x"), Value(-0.5, "w", kind="parameter")
    u = w * x
    u.label = "u"
    y = (u + x).tanh()  # x is used twice: by the product and by the sum
    y.label = "y"
    return y, x, w


def test_write_frames_one_svg_per_backward_step(tmp_path: Path) -> None:
    y, x, w = _frames_graph()
    expected_steps = len(list(backward_steps(_frames_graph()[0])))
    paths = write_frames(y, tmp_path / "frames", renderer="embedded")
    assert len(paths) == expected_steps == len(backward_order(y)) == 5  # y, y's sum, u, w, x
    assert [p.name for p in paths] == [f"step_{i:02d}.svg" for i in range(1, 6)]
    assert sorted(p.name for p in (tmp_path / "frames").iterdir()) == [p.name for p in paths]

    # the frames are the backward pass: the gradients are the ones backward() gives
    reference, rx, rw = _frames_graph()
    reference.backward()
    assert (x.grad, w.grad) == (rx.grad, rw.grad)

    # one current value per frame (with its op, unless a leaf); at first only the root has a gradient
    for path, step in zip(paths, backward_steps(_frames_graph()[0])):
        current = [c.split() for c in _classes(path) if {"node", "current"} <= set(c.split())]
        assert sorted("op" in c for c in current) == ([False] if step.node.is_leaf else [False, True])
    first = _texts(paths[0])
    assert "grad 1" in first and first.count("grad ?") == 3  # y and its input u + x are reached; u, w, x not
    last = _texts(paths[-1])
    assert "grad ?" not in last
    assert f"grad {rx.grad:.4g}" in last and f"grad {rw.grad:.4g}" in last


def test_frames_show_partial_sums_and_what_each_edge_carried(tmp_path: Path) -> None:
    y, _, _ = _frames_graph()
    paths = write_frames(y, tmp_path, renderer="embedded")
    steps = list(backward_steps(_frames_graph()[0]))  # the same steps on a fresh copy
    sum_step = next(s for s in steps if s.node.op == "add")
    texts = _texts(paths[sum_step.index])
    # the sum passes its upstream to x first: x has had 1 of its 2 uses
    x_edge = next(e for e in sum_step.edges if e.parent.label == "x")
    assert f"grad {x_edge.parent_grad:.4g} (1 of 2 uses)" in texts
    upstream = f"{sum_step.upstream:.4g}"
    # what the chain rule did on each edge, in the caption: local × upstream = contribution
    caption = " ".join(" ".join(t.split()) for t in texts)  # the renderers write spaces as nbsp
    assert f"dy/dx += 1 × {upstream} = {x_edge.contribution:.4g} (now {x_edge.parent_grad:.4g})" in caption


def test_frames_directory_must_be_a_directory(tmp_path: Path) -> None:
    y, _, _ = _frames_graph()
    file = tmp_path / "taken"
    file.write_text("")
    with pytest.raises(NotADirectoryError):
        write_frames(y, file)


# --- names, views, layout --------------------------------------------------------------------------


def test_frames_and_tooltips_use_the_one_naming() -> None:
    y, _, _ = _frames_graph()
    step = next(s for s in backward_steps(y) if s.node.op == "add")
    graph = frame_graph(step, {})
    assert "step 2 of 5:  u+x   dy/d(u+x) = 0.42" in graph.source
    assert "[add]" not in graph.source and "(unlabelled)" not in graph.source
    nodes, _ = parse(draw_dot(y))
    assert nodes[node_id(draw_dot(y), "u+x")]["tooltip"] == "u+x: computed by add"
    assert nodes[node_id(draw_dot(y), "y")]["tooltip"] == "y = tanh(u+x): computed by tanh"


def test_compact_draws_each_op_in_its_value_box() -> None:
    x, w = Value(2.0, "x"), Value(-0.5, "w", kind="parameter")
    y = (w * x).tanh()
    y.label = "y"
    y.backward()
    graph = draw_dot(y, compact=True)
    nodes, edges = parse(graph)
    assert not [i for i in nodes if i.startswith("o")]  # no op ovals
    assert nodes[node_id(graph, "tanh")]["label"] == "tanh|y|data -0.7616|grad 1"
    assert nodes[node_id(graph, "*")]["label"] == "*|w·x|data -1|grad 0.42"
    # every edge goes from an input straight to the value its op makes, labelled d(value)/d(input)
    product = node_id(graph, "*")
    assert sorted((t, a["label"]) for t, h, a in edges if h == product) == sorted(
        [(node_id(graph, "w"), "2"), (node_id(graph, "x"), "-0.5")]
    )
    assert "computed by the op in its first row" in graph.source


def _positions(graph: graphviz.Digraph, renderer: str, compact: bool) -> dict[str, tuple[float, float]]:
    laid = json.loads(render_bytes(graph, "json", renderer))  # type: ignore[arg-type]
    positions = {}
    for obj in laid["objects"]:
        if "label" in obj and obj["name"].startswith("n"):
            x, y = map(float, obj["pos"].split(","))
            computed = obj.get("class", "").startswith("computed")
            positions[obj["label"].split("|")[1 if computed and compact else 0]] = (x, y)
    return positions


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("compact", [False, True])
def test_the_first_layer_reads_top_to_bottom_without_crossings(renderer: str, compact: bool) -> None:
    from micrograd_like.post.example import build

    ex = build()
    ex.backward()
    at = _positions(draw_dot(ex.loss, highlight="w[2]12", compact=compact), renderer, compact)
    # each input beside the weights that multiply it, unit 1 above unit 2 (dot's y grows upwards)
    leaves = ["w[1]11", "x1", "w[1]21", "w[1]12", "x2", "w[1]22"]
    assert [at[n][1] for n in leaves] == sorted((at[n][1] for n in leaves), reverse=True)
    products = ["w[1]11·x1", "w[1]21·x1", "w[1]12·x2", "w[1]22·x2"]
    assert [at[n][1] for n in products] == sorted((at[n][1] for n in products), reverse=True)
    # so no two edges into the products cross: their inputs come in the products' order
    tails = [("w[1]11", "x1"), ("w[1]21", "x1"), ("w[1]12", "x2"), ("w[1]22", "x2")]
    lows = [min(at[a][1], at[b][1]) for a, b in tails]
    highs = [max(at[a][1], at[b][1]) for a, b in tails]
    assert all(low >= high for low, high in zip(lows, highs[1:]))
    assert at["s[1]1"][1] > at["s[1]2"][1] and at["z[1]1"][1] > at["z[1]2"][1]
    assert all(at[n][0] < at["s[1]1"][0] for n in leaves)  # and the network reads left to right
    assert at["s[1]1"][0] < at["z[1]1"][0] < at["s[2]"][0] < at["z[2]"][0] < at["L"][0]


def _svg_geometry(path: Path) -> tuple[tuple[str, ...], dict[str, str]]:
    """The canvas (width, height, viewBox) and each node's and edge's drawn outline."""
    root = ET.parse(path).getroot()
    canvas = (root.get("width", ""), root.get("height", ""), root.get("viewBox", ""))
    shapes: dict[str, str] = {}
    for g in root.iter(f"{SVG}g"):
        title = g.find(f"{SVG}title")
        if title is None or g.get("class", "").split()[:1] not in (["node"], ["edge"]):
            continue
        # a node's outline, an edge's spline (its arrowhead's size follows the pen width of the frame)
        drawn = [
            el for el in g if el.tag in (f"{SVG}polygon", f"{SVG}ellipse", f"{SVG}path", f"{SVG}polyline")
        ]
        if "edge" in g.get("class", ""):
            drawn = [el for el in drawn if el.tag == f"{SVG}path"]
        outline = [el.get("points") or el.get("d") or f"{el.get('cx')},{el.get('cy')}" for el in drawn]
        shapes[f"{title.text}#{len(shapes)}"] = " ".join(outline)
    return canvas, shapes


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("compact", [False, True])
def test_every_frame_has_the_same_layout_and_canvas(tmp_path: Path, renderer: str, compact: bool) -> None:
    from micrograd_like.post.example import build

    paths = write_frames(build().loss, tmp_path, renderer=renderer, compact=compact)  # type: ignore[arg-type]
    assert len(paths) == 23
    first_canvas, first_shapes = _svg_geometry(paths[0])
    for path in paths[1:]:
        canvas, shapes = _svg_geometry(path)
        assert canvas == first_canvas, path.name
        assert shapes == first_shapes, path.name  # every box, oval and edge exactly where it was
    texts = [_texts(path) for path in paths]
    assert texts[0] != texts[-1]  # while what they say changes
    # each box is big enough for its longest text in any frame: "grad 0.04762 (1 of 2 uses)"
    assert any("(1 of 2 uses)" in t for frame in texts for t in frame)


# --- the object draw_dot returns saves itself ---------------------------------------------------------


@pytest.fixture
def no_dot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_the_obvious_calls_work_without_graphviz(
    no_dot: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import micrograd_like

    monkeypatch.chdir(tmp_path)
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = (a * b).tanh()
    c.backward()
    assert draw_dot(c).render("g", format="svg") == "g.svg"
    assert draw_dot(c).render("g.png") == "g.png"
    assert micrograd_like.render(draw_dot(c), "x.svg") == Path("x.svg")  # the function, not the module
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        "g.png",
        "g.svg",
        "x.svg",
    ]  # no stray
    assert ET.parse(tmp_path / "g.svg").getroot().tag == f"{SVG}svg"
    assert (tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")
    assert draw_dot(c).render(outfile=tmp_path / "sub.svg", renderer="embedded") == str(tmp_path / "sub.svg")
    svg = draw_dot(c).pipe(encoding="utf-8")
    assert isinstance(svg, str) and "graphviz-pure" in svg
    assert draw_dot(c).pipe("png")[:4] == b"\x89PNG"


def test_render_refuses_to_overwrite_when_asked(tmp_path: Path) -> None:
    y = Value(1.0, "x").exp()
    (tmp_path / "g.svg").write_text("old")
    with pytest.raises(FileExistsError):
        draw_dot(y).render(tmp_path / "g.svg", raise_if_result_exists=True)
    assert (tmp_path / "g.svg").read_text() == "old"


# --- bad arguments: clear errors (each one a bare AttributeError or TypeError before) ----------------


_draw: Any = draw_dot  # called with wrong types on purpose
_frames: Any = write_frames


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda y: _draw(3.0), TypeError, "draw a Value .* got float: 3.0"),
        (lambda y: _draw(y, digits=2.5), ValueError, "digits must be a whole number from 1 to 17, got 2.5"),
        (lambda y: _draw(y, digits=True), ValueError, "digits must be a whole number"),
        (lambda y: _draw(y, digits=0), ValueError, "digits must be a whole number"),
        (lambda y: _draw(y, max_nodes=None), ValueError, "max_nodes must be a whole number >= 1, got None"),
        (lambda y: _draw(y, max_nodes=0), ValueError, "max_nodes must be a whole number >= 1"),
        (lambda y: _draw(y, highlight=3), TypeError, "name a node by its label"),
        (lambda y: _frames(y, "unused", digits=1.5), ValueError, "digits must be a whole number"),
    ],
)
def test_bad_arguments_say_what_is_wrong(call: Any, error: type[Exception], message: str) -> None:
    y = Value(1.0, "x").exp()
    with pytest.raises(error, match=message):
        call(y)
