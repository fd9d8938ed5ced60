"""The network view: `draw_network` and `micrograd-like graph --network / --model`.

Oracles: the model's own parameters and gradients (read back from the rendered SVG at 17 digits,
so equal means equal), the post's chain rule in plain floats, and the colour and width rules
stated in the module (sign -> colour, |w| -> width, monotone).
"""

from __future__ import annotations

import itertools
import math
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import micrograd_like
from micrograd_like import MLP, Value, draw_network
from micrograd_like.cli import main
from micrograd_like.core.names import dname
from micrograd_like.learn.losses import squared_error
from micrograd_like.post.example import WorkedExample, build
from micrograd_like.show.network_view import MAX_WIDTH, MIN_WIDTH, NEGATIVE, POSITIVE, ZERO, forward_pass
from micrograd_like.show.render import Renderer, render, render_bytes, render_svg
from micrograd_like.show.viz import Drawing, visible

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed (CI installs it)")
RENDERERS = ["embedded", pytest.param("native", marks=needs_dot)]
DOCS = Path(__file__).resolve().parent.parent / "docs"


@dataclass(frozen=True)
class Edge:
    classes: list[str]
    tooltip: str
    texts: list[str]
    stroke: str
    width: float

    @property
    def name(self) -> str:
        return self.tooltip.split(" = ")[0]


def _edges(svg: str) -> dict[str, Edge]:
    """Every weight edge of a rendered network, by the weight's name (its tooltip's first word)."""
    found = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        classes = g.get("class", "").split()
        if "edge" not in classes or "weight" not in classes:
            continue
        link = next(g.iter(f"{SVG}a"))
        path = next(g.iter(f"{SVG}path"))
        edge = Edge(
            classes,
            link.get(f"{XLINK}title", ""),
            [t.text or "" for t in g.iter(f"{SVG}text")],
            path.get("stroke", "").lower(),
            float(path.get("stroke-width", "1")),
        )
        found[edge.name] = edge
    return found


def _units(svg: str) -> dict[str, tuple[list[str], str]]:
    """Every circle of a rendered network: node id -> (its texts, its tooltip)."""
    found = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if "node" in g.get("class", "").split():
            title = g.find(f"{SVG}title")
            link = next(g.iter(f"{SVG}a"), None)
            tooltip = link.get(f"{XLINK}title", "") if link is not None else ""
            found[(title.text or "") if title is not None else ""] = (
                [t.text or "" for t in g.iter(f"{SVG}text")],
                tooltip,
            )
    return found


def _worked(bias: bool = False) -> WorkedExample:
    ex = build(bias=bias)
    ex.backward()
    return ex


def _post_gradient() -> float:
    """dL/dw[2]12 from the post's chain, in plain floats (the documented default weights)."""
    z11, z12 = math.tanh(0.25 - 0.40), math.tanh(0.60 + 0.10)
    y_hat = math.tanh(-0.70 * z11 + 0.35 * z12)
    return 2 * (y_hat - 1.0) * (1 - y_hat**2) * z12


def _one_sample(model: MLP, x: list[float], y: float) -> Value:
    loss = squared_error(model.outputs(x)[0], Value(y))
    loss.label = "L"
    loss.backward()
    return loss


# --- the picture's content: names, values, gradients -----------------------------------------


@pytest.mark.parametrize("renderer", RENDERERS)
def test_every_weight_is_an_edge_with_its_name_value_and_gradient(renderer: str) -> None:
    ex = _worked()
    svg = render_svg(draw_network(ex.model, ex.loss, digits=17), renderer=renderer)  # type: ignore[arg-type]
    edges = _edges(svg)
    params = ex.model.named_parameters()
    assert set(edges) == set(params) == {"w[1]11", "w[1]12", "w[1]21", "w[1]22", "w[2]11", "w[2]12"}
    for name, p in params.items():
        value_line, grad_line = edges[name].texts
        assert value_line.startswith(f"{name} = ") and float(value_line.split(" = ")[1]) == p.data
        assert grad_line.startswith("dL/dw = ") and float(grad_line.split(" = ")[1]) == p.grad
    assert float(edges["w[2]12"].texts[1].split(" = ")[1]) == pytest.approx(_post_gradient(), rel=1e-12)
    # each edge joins the unit the name says: w[2]12 reads z[1]2 into s[2]
    assert ": z[1]2 → s[2];" in edges["w[2]12"].tooltip
    assert ": x2 → s[1]1;" in edges["w[1]12"].tooltip


def test_units_show_s_and_z_of_the_forward_pass_and_the_output_is_y_hat() -> None:
    ex = _worked()
    units = _units(render_svg(draw_network(ex.model, ex.loss, digits=17), renderer="embedded"))
    nodes = ex.nodes
    for unit, s, z in (("u1_1", "s[1]1", "z[1]1"), ("u1_2", "s[1]2", "z[1]2"), ("u2_1", "s[2]", "z[2]")):
        texts, tooltip = units[unit]
        assert float(texts[0].removeprefix(f"{s} = ")) == nodes[s].data
        assert float(texts[1].split(" = ")[-1]) == nodes[z].data
        assert f"dL/d{s} = {nodes[s].grad!r}" in tooltip
    assert units["u2_1"][0][1].startswith("ŷ = z[2] = ")
    formula = re.search(r"s\[1\]2 = w\[1\]21·x1 \+ w\[1\]22·x2 = (\S+); z\[1\]2 = tanh", units["u1_2"][1])
    assert formula is not None and float(formula[1]) == nodes["s[1]2"].data
    assert units["x1"][0] == ["x1 = 1"] and units["x2"][0] == ["x2 = 1"]


def test_without_a_forward_pass_the_units_show_their_names_and_gradients_wait_for_backward() -> None:
    model = MLP(2, [2, 1], seed=3)
    edges = _edges(render_svg(draw_network(model), renderer="embedded"))
    assert all(len(edge.texts) == 1 and "dL/d" not in edge.tooltip for edge in edges.values())
    units = _units(render_svg(draw_network(model), renderer="embedded"))
    assert units["u1_1"][0] == ["s[1]1", "z[1]1", f"b[1]1 = {model.named_parameters()['b[1]1'].data:.4g}"]
    assert units["u2_1"][0][:2] == ["s[2]", "ŷ = z[2]"]
    assert units["x1"][0] == ["x1"]
    _one_sample(model, [0.5, -1.0], 1.0)  # a backward pass fills .grad: now the edges carry it
    edges = _edges(render_svg(draw_network(model, digits=17), renderer="embedded"))
    for name, p in model.named_parameters().items():
        if name.startswith("w"):
            assert float(edges[name].texts[1].removeprefix("dL/dw = ")) == p.grad


def test_before_backward_a_forward_pass_shows_values_but_no_gradients() -> None:
    ex = build()  # forward only
    edges = _edges(render_svg(draw_network(ex.model, ex.loss), renderer="embedded"))
    assert [len(edge.texts) for edge in edges.values()] == [1] * 6
    units = _units(render_svg(draw_network(ex.model, ex.loss), renderer="embedded"))
    assert units["u1_2"][0] == ["s[1]2 = 0.7", "z[1]2 = 0.6044"]


def test_biases_are_named_as_the_post_names_them() -> None:
    ex = build({"b[1]2": -0.25}, bias=True)
    ex.backward()
    units = _units(render_svg(draw_network(ex.model, ex.loss), renderer="embedded"))
    assert units["u1_1"][0][-1] == "b[1]1 = 0" and units["u1_2"][0][-1] == "b[1]2 = -0.25"
    assert units["u2_1"][0][-1] == "b[2]1 = 0"
    grad = ex.nodes["b[1]2"].grad
    assert f"b[1]2 = -0.25, dL/db[1]2 = {grad:.4g}" in units["u1_2"][1]
    assert "s[1]2 = w[1]21·x1 + w[1]22·x2 + b[1]2 = 0.45" in units["u1_2"][1]


def test_a_linear_output_and_several_outputs() -> None:
    model = MLP(3, [2, 2], output_activation="linear", seed=1)
    out = model.outputs([1.0, 2.0, 3.0])
    root = out[0] + out[1]
    root.backward()
    units = _units(render_svg(draw_network(model, root), renderer="embedded"))
    assert units["u2_1"][0][0] == f"ŷ1 = s[2]1 = {out[0].data:.4g}"
    assert units["u2_2"][0][0] == f"ŷ2 = s[2]2 = {out[1].data:.4g}"
    assert {"x1", "x2", "x3"} <= set(units)
    source = draw_network(model, root).source
    assert "z = tanh(s) (output: s)" in source
    edges = _edges(render_svg(draw_network(model, root), renderer="embedded"))
    assert ": z[1]2 → s[2]1;" in edges["w[2]12"].tooltip  # a linear unit's output is s itself


# --- colour and width ---------------------------------------------------------------------------


def test_colour_by_sign_and_width_growing_with_the_size_of_the_weight() -> None:
    model = MLP(3, [4, 3, 1], seed=5)
    state = model.state_dict()
    state["w[1]11"] = 0.0  # no sign: grey
    model.load_state_dict(state)
    edges = _edges(render_svg(draw_network(model, edge_labels=True), renderer="embedded"))
    params = {name: p.data for name, p in model.named_parameters().items() if name.startswith("w")}
    assert set(edges) == set(params)
    for name, w in params.items():
        expected = POSITIVE if w > 0 else NEGATIVE if w < 0 else ZERO
        assert edges[name].stroke == expected.lower(), name
        assert ("positive" if w > 0 else "negative" if w < 0 else "zero") in edges[name].classes
    by_size = sorted(params, key=lambda name: abs(params[name]))
    widths = [edges[name].width for name in by_size]
    assert widths == sorted(widths)  # monotone in |w|
    for a, b in itertools.pairwise(by_size):
        if abs(params[a]) < abs(params[b]) - 1e-3:  # clearly larger |w|: clearly wider (2 decimals drawn)
            assert edges[a].width < edges[b].width, (a, b)
    assert edges["w[1]11"].width == MIN_WIDTH and widths[-1] == MAX_WIDTH


def test_a_nan_or_infinite_weight_still_draws() -> None:
    model = MLP(2, [1], seed=0)
    model.named_parameters()["w[1]11"].data = math.inf
    model.named_parameters()["w[1]12"].data = math.nan
    edges = _edges(render_svg(draw_network(model), renderer="embedded"))
    assert edges["w[1]11"].stroke == POSITIVE.lower() and edges["w[1]11"].width == MAX_WIDTH
    assert edges["w[1]12"].stroke == ZERO.lower() and edges["w[1]12"].texts == ["w[1]12 = nan"]


def test_the_legend_says_what_colour_width_and_names_mean() -> None:
    ex = _worked()
    source = draw_network(ex.model, ex.loss).source
    assert "blue &gt; 0, orange &lt; 0" in source and "width grows with |w| (widest: |w| = 0.7)" in source
    assert "w[l]jk = the weight from unit k of layer l-1 to unit j of layer l" in source
    assert "dL/dw = the gradient of L" in source
    assert "label=" not in draw_network(ex.model, ex.loss, legend=False).source.split("node [")[0]


# --- dense networks -----------------------------------------------------------------------------


def test_a_2_16_16_1_network_keeps_its_labels_in_tooltips() -> None:
    model = MLP(2, [16, 16, 1], seed=7)
    loss = _one_sample(model, [0.5, -1.0], 1.0)
    svg = render_svg(draw_network(model, loss, digits=17), renderer="embedded")
    edges = _edges(svg)
    params = {name: p for name, p in model.named_parameters().items() if name.startswith("w")}
    assert len(edges) == len(params) == 2 * 16 + 16 * 16 + 16
    for name, p in params.items():
        edge = edges[name]
        assert edge.texts == []  # no label on the edge
        found = re.fullmatch(r"\S+ = (\S+): .* → .*; dL/d\(?\S+?\)? = (\S+)", edge.tooltip)
        assert found is not None, edge.tooltip
        assert float(found[1]) == p.data and float(found[2]) == p.grad
    # the units stay in order top to bottom, and each shows its name and output
    units = _units(svg)
    name, value = units["u1_16"][0]
    assert name == "z[1]16" and float(value) == loss_node(loss, "z[1]16").data
    ys = [_y(svg, f"u2_{j}") for j in range(1, 17)]
    assert ys == sorted(ys)


def loss_node(root: Value, label: str) -> Value:
    return next(node for node in micrograd_like.backward_order(root) if node.label == label)


def _y(svg: str, node: str) -> float:
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        title = g.find(f"{SVG}title")
        if title is not None and title.text == node:
            return float(next(g.iter(f"{SVG}ellipse")).get("cy", "nan"))
    raise AssertionError(node)


def test_labels_move_to_tooltips_beyond_twelve_weights_between_two_layers() -> None:
    def labelled(nin: int, nouts: list[int], edge_labels: bool | None = None) -> bool:
        picture = draw_network(MLP(nin, nouts, seed=0), edge_labels=edge_labels)
        edges = _edges(render_svg(picture, renderer="embedded"))
        return all(edge.texts for edge in edges.values())

    assert labelled(3, [4, 1]) and labelled(2, [3, 3, 1])
    assert not labelled(4, [4, 1]) and not labelled(2, [13, 1])
    assert labelled(4, [4, 1], edge_labels=True) and not labelled(2, [2, 1], edge_labels=False)


# --- rendering, determinism, escaping ------------------------------------------------------------


@pytest.mark.parametrize("renderer", RENDERERS)
def test_it_is_a_drawing_that_saves_with_either_renderer(tmp_path: Path, renderer: str) -> None:
    ex = _worked()
    picture = draw_network(ex.model, ex.loss)
    assert isinstance(picture, Drawing)
    png = render(picture, tmp_path / "n.png", renderer=renderer)  # type: ignore[arg-type]
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    svg = picture.render(tmp_path / "n.svg", renderer=renderer)  # type: ignore[arg-type]
    assert len(_edges(Path(svg).read_text(encoding="utf-8"))) == 6


@needs_dot
def test_both_renderers_draw_the_same_texts_and_tooltips() -> None:
    ex = _worked(bias=True)
    picture = draw_network(ex.model, ex.loss)

    def texts(svg: str) -> list[str]:
        root = ET.fromstring(svg)
        return sorted(
            [t.text or "" for t in root.iter(f"{SVG}text")]
            + [a.get(f"{XLINK}title", "") for a in root.iter(f"{SVG}a")]
        )

    assert texts(render_svg(picture, "native")) == texts(render_svg(picture, "embedded"))


def test_the_same_network_gives_the_same_picture() -> None:
    first, second = _worked(), _worked()
    assert draw_network(first.model, first.loss).source == draw_network(second.model, second.loss).source
    model = MLP(2, [16, 16, 1], seed=2)
    assert render_bytes(draw_network(model), "svg", "embedded") == render_bytes(
        draw_network(model), "svg", "embedded"
    )


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=12))
def test_a_roots_label_is_text_not_markup(label: str) -> None:
    model = MLP(1, [1], seed=0)
    root = model.outputs([2.0])[0] * 3.0
    root.label = label
    root.backward()
    grad = model.named_parameters()["w[1]11"].grad
    renderers: list[Renderer] = ["embedded", "native"] if HAS_DOT else ["embedded"]
    for renderer in renderers:
        edges = _edges(render_svg(draw_network(model, root), renderer=renderer))
        assert edges["w[1]11"].texts[1] == visible(f"{dname(label, 'w')} = {grad:.4g}")


# --- errors -------------------------------------------------------------------------------------


def test_bad_arguments_are_clear_errors() -> None:
    ex = build()
    with pytest.raises(TypeError, match="draws an MLP"):
        draw_network(ex.loss)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="root must be a Value"):
        draw_network(ex.model, ex.model)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="digits"):
        draw_network(ex.model, digits=0)
    with pytest.raises(ValueError, match="rankdir"):
        draw_network(ex.model, rankdir="RL")
    with pytest.raises(ValueError, match="not computed by this network"):
        draw_network(MLP(2, [2, 1], bias=False, seed=0), ex.loss)
    model = MLP(2, [2, 1], seed=0)
    batch = sum(
        (squared_error(model.outputs(x)[0], Value(1.0)) for x in ([0.0, 1.0], [1.0, 0.0])), Value(0.0)
    )
    with pytest.raises(ValueError, match="on 2 samples"):
        forward_pass(model, batch)


def test_top_to_bottom() -> None:
    ex = _worked()
    svg = render_svg(draw_network(ex.model, ex.loss, rankdir="TB"), renderer="embedded")
    assert _y(svg, "x1") < _y(svg, "u1_1") < _y(svg, "u2_1")


# --- the command line ---------------------------------------------------------------------------


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_graph_network_draws_the_worked_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "n.svg"
    assert _cli(capsys, "graph", "--network", "-o", str(target), "--digits", "17") == (
        0,
        f"wrote {target}\n",
        "",
    )
    edges = _edges(target.read_text(encoding="utf-8"))
    assert float(edges["w[2]12"].texts[1].removeprefix("dL/dw = ")) == pytest.approx(
        _post_gradient(), rel=1e-12
    )
    code, _, _ = _cli(
        capsys, "graph", "--network", "--bias", "--set", "b[1]2=0.5", "--set", "w[2]12=-1", "-o", str(target)
    )
    assert code == 0
    svg = target.read_text(encoding="utf-8")
    assert _units(svg)["u1_2"][0][-1] == "b[1]2 = 0.5"
    assert (
        _edges(svg)["w[2]12"].texts[0] == "w[2]12 = -1" and _edges(svg)["w[2]12"].stroke == NEGATIVE.lower()
    )
    code, out, _ = _cli(capsys, "graph", "--network", "-o", "-", "--format", "dot")
    assert code == 0 and out.startswith("digraph network {")
    png = tmp_path / "n.png"
    assert _cli(capsys, "graph", "--network", "-o", str(png), "--renderer", "embedded")[0] == 0
    assert png.read_bytes().startswith(b"\x89PNG")


def test_graph_model_draws_a_network_saved_by_train(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "moons.json"
    code, _, _ = _cli(
        capsys,
        "train",
        "--epochs",
        "3",
        "--samples",
        "20",
        "--hidden",
        "3",
        "--save",
        str(saved),
        "--no-progress",
    )
    assert code == 0
    model = MLP.load(saved)
    target = tmp_path / "m.svg"
    assert _cli(capsys, "graph", "--model", str(saved), "-o", str(target), "--digits", "17")[0] == 0
    edges = _edges(target.read_text(encoding="utf-8"))
    weights = {name: w for name, w in model.state_dict().items() if name.startswith("w")}
    assert {name: float(edge.texts[0].split(" = ")[1]) for name, edge in edges.items()} == weights
    biases = _units(target.read_text(encoding="utf-8"))["u1_3"][0]
    assert biases[-1] == f"b[1]3 = {model.state_dict()['b[1]3']!r}"
    # on one sample: s, z and dL/dw of that sample
    args = ["--set", "x1=0.5", "--set", "x2=-0.25", "--set", "y=1"]
    assert _cli(capsys, "graph", "--model", str(saved), *args, "-o", str(target), "--digits", "17")[0] == 0
    grads = WorkedExample.of(model, [0.5, -0.25], 1.0).gradients()
    edges = _edges(target.read_text(encoding="utf-8"))
    assert {name: float(edges[name].texts[1].split(" = ")[1]) for name in weights} == {
        n: grads[n] for n in weights
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "MISSING"], "no model file"),
        (["--model", "DIR"], "is a directory"),
        (["--model", "NOTJSON"], "not valid JSON"),
        (["--model", "OTHER"], "not a micrograd_like model file"),
        (["--model", "GOOD", "--set", "x1=1"], "no value for x2, y"),
        (
            ["--model", "GOOD", "--set", "x1=1", "--set", "x2=2", "--set", "y=0", "--set", "w=1"],
            "unknown name 'w'",
        ),
        (["--model", "GOOD", "--set", "x1=one"], "not a number"),
        (["--model", "GOOD", "--bias"], "--bias belongs to the worked example"),
        (["--network", "--expr", "a*b"], "--expr draws the computation graph"),
        (["--network", "--frames", "FRAMES"], "--frames draws the computation graph"),
        (["--network", "--compact"], "--compact draws the computation graph"),
        (["--network", "--highlight", "w[2]12"], "--highlight draws the computation graph"),
        (["--network", "--set", "w[9]9=1"], "unknown name"),
    ],
)
def test_graph_network_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    good = tmp_path / "good.json"
    MLP(2, [2, 1], seed=0).save(good)
    (tmp_path / "notjson.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "other.json").write_text('{"a": 1}', encoding="utf-8")
    places = {
        "MISSING": tmp_path / "missing.json",
        "DIR": tmp_path,
        "NOTJSON": tmp_path / "notjson.json",
        "OTHER": tmp_path / "other.json",
        "GOOD": good,
        "FRAMES": tmp_path / "frames",
    }
    args = [str(places.get(arg, arg)) for arg in args]
    target = tmp_path / "out.svg"
    output = [] if "--frames" in args else ["-o", str(target)]  # argparse: -o and --frames exclude each other
    code, out, err = _cli(capsys, "graph", *args, *output)
    assert code == 2 and out == ""
    assert err.startswith("micrograd-like graph: error: ") and message in err and err.count("\n") == 1, err
    assert not target.exists()


def test_graph_network_text_formats_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "graph", "--network", "--format", "text")
    assert code == 2 and "--format text/table draws the computation graph" in err


# --- the README's picture -------------------------------------------------------------------------


def test_docs_network_svg_is_what_the_command_draws_now(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/network.svg is the README's picture: regenerate it with
    `micrograd-like graph --network --renderer embedded -o docs/network.svg` when this fails."""
    target = tmp_path / "network.svg"
    assert _cli(capsys, "graph", "--network", "--renderer", "embedded", "-o", str(target))[0] == 0
    assert target.read_bytes() == (DOCS / "network.svg").read_bytes(), "docs/network.svg is stale"
