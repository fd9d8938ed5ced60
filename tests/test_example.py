"""The worked example against the post's formulas, evaluated independently in plain Python floats.

`post_numbers(params)` never touches the engine: it is the post's arithmetic written out. The
library must agree with it exactly (`==`) for the defaults and for random settings of all ten
numbers. tanh²(s) is written t*t, as the tanh rule computes 1 − out·out: libm's pow(t, 2) is
not always correctly rounded (it differs from t*t in the last bit for about 1 input in 1,200),
while t*t is. The loss (ŷ − y)² is written **2, as the engine and the post write it.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import POST_WEIGHTS, post_numbers

from micrograd_like import Value, backward_order
from micrograd_like.learn.modules import MLP
from micrograd_like.post.example import (
    BIAS_NAMES,
    DEFAULT_WEIGHTS,
    DEFAULTS,
    FORWARD_NAMES,
    WEIGHT_NAMES,
    WorkedExample,
    build,
    parse_assignments,
)


def assert_matches_post(ex: WorkedExample) -> None:
    n = post_numbers(ex.params)
    for name in FORWARD_NAMES:
        assert ex.nodes[name].data == n[name], name
    assert ex.loss.data == n["L"]
    grads = ex.gradients()
    for w in WEIGHT_NAMES:
        assert grads[w] == n[f"dL/d{w}"], w
    assert all(node.grad == 0.0 for node in ex.nodes.values())  # gradients() computes on the side
    ex.backward()
    for w in WEIGHT_NAMES:
        assert ex.nodes[w].grad == grads[w], w
    assert ex.nodes["z[2]"].grad == n["dL/dz[2]"]
    assert ex.nodes["s[2]"].grad == n["dL/ds[2]"]
    for j in (1, 2):
        assert ex.nodes[f"z[1]{j}"].grad == n[f"dL/dz[1]{j}"]
        assert ex.nodes[f"s[1]{j}"].grad == n[f"dL/ds[1]{j}"]
    updated = ex.update()
    for w in WEIGHT_NAMES:
        assert updated[w] == n[f"new {w}"], w
    assert ex.after_update().loss.data == n["L after"]


def test_defaults_are_the_documented_ones() -> None:
    assert DEFAULT_WEIGHTS == POST_WEIGHTS  # the oracles' own copy, typed from DESIGN.md
    assert DEFAULTS == {"x1": 1.0, "x2": 1.0, "y": 1.0, "lr": 0.1, **DEFAULT_WEIGHTS}
    assert build().params == DEFAULTS


def test_default_example_matches_the_post_exactly() -> None:
    assert_matches_post(build())


def test_default_numbers_by_hand() -> None:
    # a few values checked against a calculator, so an oracle mistake cannot hide a library one
    ex = build()
    assert ex.nodes["s[1]1"].data == pytest.approx(-0.15)
    assert ex.nodes["s[1]2"].data == pytest.approx(0.7)
    assert ex.nodes["z[2]"].data == pytest.approx(0.30565742, abs=1e-8)
    assert ex.loss.data == pytest.approx(0.48211162, abs=1e-8)
    assert ex.gradients()["w[2]12"] == pytest.approx(-0.76086593, abs=1e-8)
    assert ex.update()["w[2]12"] == pytest.approx(0.42608659, abs=1e-8)
    assert ex.after_update().loss.data < ex.loss.data


finite = st.floats(min_value=-4.0, max_value=4.0, allow_nan=False, allow_infinity=False)
settings_of_all_ten = st.fixed_dictionaries(
    {
        "x1": finite,
        "x2": finite,
        "y": finite,
        "lr": st.floats(min_value=1e-6, max_value=2.0),
        **{w: finite for w in WEIGHT_NAMES},
    }
)


@settings(max_examples=300, deadline=None)
@given(settings_of_all_ten)
def test_random_settings_match_the_post_exactly(params: dict[str, float]) -> None:
    assert_matches_post(build(params))


@settings(max_examples=100, deadline=None)
@given(settings_of_all_ten)
def test_gradients_match_finite_differences(params: dict[str, float]) -> None:
    # a second oracle: central differences of the loss in each weight
    grads = build(params).gradients()

    def loss(w: str, h: float) -> float:
        return post_numbers({**params, w: params[w] + h})["L"]

    for w in WEIGHT_NAMES:
        h = 1e-6 * max(1.0, abs(params[w]))
        estimate = (loss(w, h) - loss(w, -h)) / (2 * h)
        assert grads[w] == pytest.approx(estimate, rel=1e-5, abs=1e-7), w


def test_the_network_is_nn_mlp_and_every_node_is_named() -> None:
    ex = build()
    assert isinstance(ex.model, MLP)
    assert ex.model.nin == 2 and ex.model.nouts == [2, 1] and not ex.model.bias
    params = ex.model.named_parameters()
    assert list(params) == list(WEIGHT_NAMES)
    for name, p in params.items():
        assert ex.nodes[name] is p and p.label == name and p.kind == "parameter"
    expected = ["x1", "x2", *WEIGHT_NAMES, *FORWARD_NAMES, "y", "L"]
    assert sorted(ex.nodes) == sorted(expected)
    for name, node in ex.nodes.items():
        assert node.label == name
    assert ex.loss is ex.nodes["L"]
    assert ex.nodes["z[2]"].op == "tanh" and ex.nodes["z[2]"].parents == (ex.nodes["s[2]"],)
    for j in (1, 2):
        z, s = ex.nodes[f"z[1]{j}"], ex.nodes[f"s[1]{j}"]
        assert z.op == "tanh" and z.parents == (s,)
        assert s.op == "add"
        products = s.parents
        assert [m.parents for m in products] == [
            (ex.nodes[f"w[1]{j}1"], ex.nodes["x1"]),
            (ex.nodes[f"w[1]{j}2"], ex.nodes["x2"]),
        ]
    products = ex.nodes["s[2]"].parents
    assert [m.parents for m in products] == [
        (ex.nodes["w[2]11"], ex.nodes["z[1]1"]),
        (ex.nodes["w[2]12"], ex.nodes["z[1]2"]),
    ]
    # every node of the graph is named except the four w·x products, the two w·z products and ŷ − y
    unnamed = [n for n in backward_order(ex.loss) if not n.label]
    assert sorted(n.op for n in unnamed) == ["mul"] * 6 + ["sub"]


def test_model_computes_what_the_example_shows() -> None:
    ex = build({"x1": 0.5, "x2": -2.0})
    again = ex.model([Value(0.5), Value(-2.0)])
    assert isinstance(again, Value) and again.data == ex.nodes["z[2]"].data


def test_backward_and_steps_start_from_zero_every_time() -> None:
    ex = build()
    ex.backward()
    first = {name: node.grad for name, node in ex.nodes.items()}
    ex.backward()
    assert {name: node.grad for name, node in ex.nodes.items()} == first
    for _ in ex.steps():
        pass
    assert {name: node.grad for name, node in ex.nodes.items()} == first
    assert ex.gradients() == {w: first[w] for w in WEIGHT_NAMES}


def test_update_leaves_the_model_alone() -> None:
    ex = build()
    before = ex.model.state_dict()
    new = ex.update()
    assert ex.model.state_dict() == before and ex.params["w[2]12"] == 0.35
    after = ex.after_update()
    assert after.model.state_dict() == new
    assert {k: after.params[k] for k in ("x1", "x2", "y", "lr")} == {
        "x1": 1.0,
        "x2": 1.0,
        "y": 1.0,
        "lr": 0.1,
    }


def test_chain_of_each_weight_equals_its_gradient() -> None:
    ex = build({"x1": 0.3, "x2": -1.7, "y": -0.5})
    n = post_numbers(ex.params)
    grads = ex.gradients()
    for w in WEIGHT_NAMES:
        e = ex.chain(w)
        assert len(e.paths) == 1
        assert e.total == n[f"dL/d{w}"] == grads[w]
        assert ex.nodes[w].grad == 0.0  # chain() explains: it writes no .grad
    names = [f.name for f in ex.chain("w[2]12").paths[0].factors]
    assert names == ["dL/dz[2]", "dz[2]/ds[2]", "ds[2]/dw[2]12"]
    names = [f.name for f in ex.chain("w[1]12").paths[0].factors]
    assert names == ["dL/dz[2]", "dz[2]/ds[2]", "ds[2]/dz[1]1", "dz[1]1/ds[1]1", "ds[1]1/dw[1]12"]
    values = [f.value for f in ex.chain("w[2]12").paths[0].factors]
    assert values == [n["dL/dz[2]"], n["dz[2]/ds[2]"], n["z[1]2"]]
    with pytest.raises(ValueError, match=r"valid weights: w\[1\]11"):
        ex.chain("x1")


def test_parse_assignments() -> None:
    assert parse_assignments([]) == {}
    assert parse_assignments(["w[2]12=0.3", " x1 = -2 ", "x1=5e-1"]) == {"w[2]12": 0.3, "x1": 0.5}
    for bad, message in [
        ("w[2]13=1", "unknown name 'w\\[2\\]13'"),
        ("w[2]12", "is not NAME=VALUE"),
        ("lr=fast", "'fast' is not a number"),
        ("x1=nan", "x1 must be a finite number"),
        ("y=inf", "y must be a finite number"),
        ("y=-inf", "y must be a finite number"),
        ("lr=0", "lr must be > 0"),
        ("lr=-0.1", "lr must be > 0"),
    ]:
        with pytest.raises(ValueError, match=message) as info:
            parse_assignments([bad])
        if "NAME" in str(info.value) or "unknown" in str(info.value):
            assert "x1, x2, y, lr, w[1]11, w[1]12, w[1]21, w[1]22, w[2]11, w[2]12" in str(info.value)


def test_build_rejects_bad_overrides() -> None:
    with pytest.raises(ValueError, match=r"b\[1\]1 is a bias, and the post's network has none.*bias=True"):
        build({"b[1]1": 1.0})
    with pytest.raises(
        ValueError, match=r"unknown name 'b\[3\]1'.*valid names: x1, .*, b\[1\]1, b\[1\]2, b\[2\]1"
    ):
        build({"b[3]1": 1.0}, bias=True)
    with pytest.raises(ValueError, match="must be a finite number"):
        build({"w[1]11": math.nan})
    with pytest.raises(ValueError, match="must be a number"):
        build({"x1": True})
    with pytest.raises(ValueError, match="forward pass fails"):
        build({"x1": 1e308, "x2": 1e308, "w[1]11": 1e308, "w[1]12": 1e308})


def test_repr_names_the_overrides() -> None:
    assert "overrides={'y': 0.5}" in repr(build({"y": 0.5}))


# --- biases, finite differences, any network ------------------------------------------------------


def test_biases_are_zero_by_default_and_change_nothing_then() -> None:
    plain, biased = build(), build(bias=True)
    first, second = ("w[1]11", "w[1]12", "w[1]21", "w[1]22", "b[1]1", "b[1]2"), ("w[2]11", "w[2]12", "b[2]1")
    assert biased.parameter_names == first + second
    assert [biased.params[b] for b in BIAS_NAMES] == [0.0, 0.0, 0.0]
    assert biased.loss.data == plain.loss.data and biased.forward() == plain.forward()
    grads = biased.gradients()
    n = post_numbers(DEFAULTS)
    assert grads["b[2]1"] == n["dL/ds[2]"]  # ds/db = 1: a bias's gradient is its unit's dL/ds
    assert grads["b[1]1"] == n["dL/ds[1]1"] and grads["b[1]2"] == n["dL/ds[1]2"]
    assert {w: grads[w] for w in WEIGHT_NAMES} == plain.gradients()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=-2.0, max_value=2.0), min_size=3, max_size=3))
def test_bias_gradients_match_finite_differences(biases: list[float]) -> None:
    ex = build(dict(zip(BIAS_NAMES, biases)), bias=True)
    grads = ex.gradients()
    for name in BIAS_NAMES:
        fd = ex.finite_difference(name)
        assert fd.h == 1e-6
        assert fd.estimate == (fd.plus - fd.minus) / (2 * fd.h)
        assert grads[name] == pytest.approx(fd.estimate, rel=1e-6, abs=1e-8), name


def test_finite_difference_is_two_forward_passes() -> None:
    ex = build()
    fd = ex.finite_difference("w[2]12", h=1e-4)
    assert fd.plus == post_numbers({**DEFAULTS, "w[2]12": 0.35 + 1e-4})["L"]
    assert fd.minus == post_numbers({**DEFAULTS, "w[2]12": 0.35 - 1e-4})["L"]
    assert ex.params["w[2]12"] == 0.35  # the example itself is untouched
    with pytest.raises(ValueError, match="unknown weight 'x1'"):
        ex.finite_difference("x1")


def test_any_mlp_makes_a_worked_example() -> None:
    model = MLP(3, [3, 2, 1], activation="tanh", bias=True, seed=3)
    ex = WorkedExample.of(model, [0.5, -1.0, 2.0], y=0.25, lr=0.05)
    assert ex.inputs == ("x1", "x2", "x3")
    layer1 = ("s[1]1", "s[1]2", "s[1]3", "z[1]1", "z[1]2", "z[1]3")
    assert ex.forward_names == (*layer1, "s[2]1", "s[2]2", "z[2]1", "z[2]2", "s[3]", "z[3]")
    assert ex.output is ex.nodes["z[3]"]
    again = model([0.5, -1.0, 2.0])
    assert isinstance(again, Value) and again.data == ex.output.data
    grads = ex.gradients()
    assert list(grads) == list(model.named_parameters())
    for name in ("w[1]23", "b[1]1", "w[2]13", "w[3]12", "b[3]1"):
        assert grads[name] == pytest.approx(ex.finite_difference(name).estimate, rel=1e-6, abs=1e-9), name
    assert ex.update()["w[3]12"] == ex.params["w[3]12"] - 0.05 * grads["w[3]12"]
    with pytest.raises(ValueError, match="one output unit"):
        WorkedExample.of(MLP(2, [2, 2], seed=0), [1.0, 1.0], y=0.0)
