"""The walkthrough reads the graph, not the post's names: it works for any MLP, biases included.

Oracles: the nodes' own numbers (every formula's result is the node's data or the rule's local
derivative), backward() (every chain ends in the parameter's gradient), finite differences, and
for the judged steps, the example after the step computed by hand with after_update().
"""

from __future__ import annotations

import math
import re

import pytest

from micrograd_like import MLP, Value
from micrograd_like.post.diagnose import judge_step, judged_steps, saturated
from micrograd_like.post.example import WorkedExample, build
from micrograd_like.post.stepper import backward_pages
from micrograd_like.post.walkthrough import summary, walkthrough, wrap


def deep() -> WorkedExample:
    model = MLP(3, [3, 2, 1], activation="tanh", bias=True, seed=7)
    return WorkedExample.of(model, [0.5, -1.0, 2.0], y=0.3, lr=0.05)


def text(ex: WorkedExample, param: str) -> list[str]:
    return "\n".join(str(s) for s in walkthrough(ex, param)).splitlines()


def test_a_3_3_2_1_network_with_biases_is_walked_through() -> None:
    ex = deep()
    lines = text(ex, "w[1]23")
    assert [line for line in lines if line.startswith("== ")][5] == "== 6. All 23 weights and biases =="
    network = (
        "The network: inputs x1, x2, x3; three tanh hidden units; two tanh hidden units; one tanh output ŷ"
    )
    assert f"{network}; biases." in lines
    # each linear part: its terms from the graph, with the numbers, ending in the node's data
    for name in ("s[1]1", "s[1]3", "s[2]2", "s[3]"):
        node = ex.nodes[name]
        (line,) = [
            line for line in lines if line.startswith(f"{name} = ") or line.startswith(f"ŷ = {name} = ")
        ]
        assert line.endswith(f" = {node.data!r}")
        products = 3 if name.startswith(("s[1]", "s[2]")) else 2  # one per input: w·x named, then numbers
        assert line.count("·") == 2 * products
        assert f"b[{name[2]}]" in line  # the bias term
    assert f"ŷ = z[3] = tanh(s[3]) = tanh({ex.nodes['s[3]'].data!r}) = {ex.output.data!r}" in lines


def test_the_chain_of_a_deep_weight_multiplies_out_to_its_gradient() -> None:
    ex = deep()
    lines = text(ex, "w[1]23")
    factor_lines = [line for line in lines if re.match(r"d[^ ]+/d[^ ]+ = ", line)]
    names = [line.split(" = ")[0] for line in factor_lines]
    first = ["dL/dz[3]", "dz[3]/ds[3]", "ds[3]/dz[2]1", "dz[2]1/ds[2]1", "ds[2]1/dz[1]2", "dz[1]2/ds[1]2"]
    second = ["ds[3]/dz[2]2", "dz[2]2/ds[2]2", "ds[2]2/dz[1]2", "dz[1]2/ds[1]2"]  # after "as in path 1"
    assert names == [*first, "ds[1]2/dw[1]23", *second, "ds[1]2/dw[1]23"]  # w[1]23 reaches L two ways
    assert "Path 2 of 2: L → z[3] → s[3] → z[2]2 → s[2]2 → z[1]2 → s[1]2 → w[1]23" in lines
    values = [float(line.rsplit(" = ", 1)[1]) for line in factor_lines]
    path1 = math.prod(values[:7])
    path2 = values[0] * values[1] * math.prod(values[7:])
    grad = ex.gradients()["w[1]23"]
    assert ex.nodes["w[1]23"].grad == 0.0  # the walkthrough computes on the side
    assert path1 + path2 == pytest.approx(grad, rel=1e-12)
    assert grad == pytest.approx(ex.finite_difference("w[1]23").estimate, rel=1e-6)
    assert "ds[1]2/dw[1]23 = x3 = 2.0" in lines  # the input that w[1]23 multiplies, read from the graph
    (stored,) = [line for line in lines if line.startswith("and backward() stored w[1]23.grad = ")]
    assert stored.endswith("(the same float).") or "last bits" in stored
    assert "Naming note" not in "\n".join(lines)  # only the post's network has the post's sentence


def test_the_one_path_of_each_parameter_is_found() -> None:
    ex = deep()
    ex.backward()
    for name in ex.parameter_names:
        lines = text(ex, name)
        (one_line,) = [line for line in lines if line.startswith("In one line: ")]
        total = float(one_line.rsplit(" = ", 1)[1])
        assert total == pytest.approx(ex.nodes[name].grad, rel=1e-12, abs=1e-300), name
        if name.startswith(("w[3]", "b[3]", "w[2]", "b[2]")):  # one path: the same float as backward()
            assert total == ex.nodes[name].grad, name


def test_the_post_example_with_biases_and_summary() -> None:
    ex = build({"b[1]2": 0.3}, bias=True)
    doc = summary(ex)
    assert list(doc["chain"]) == ["dL/dz[2]", "dz[2]/ds[2]", "dL/ds[2]"]
    assert doc["gradients"]["b[2]1"] == doc["chain"]["dL/ds[2]"]
    assert list(doc["gradients"]) == list(ex.parameter_names)
    linear = WorkedExample.of(MLP(2, [2, 1], output_activation="linear", seed=0), [1.0, 2.0], y=0.5)
    assert list(summary(linear)["chain"]) == ["dL/ds[2]"]  # ŷ is s itself: nothing between


# --- judging a step ---------------------------------------------------------------------------


def test_saturation_is_read_from_the_rules() -> None:
    ex = build({"w[1]11": 5.0, "w[1]12": 0.0})  # s[1]1 = 5: tanh' = 1 - tanh(5)² ≈ 1.8e-4
    (unit,) = saturated(ex)
    assert unit.name == "z[1]1" and unit.op == "tanh" and unit.s == 5.0
    assert unit.slope == 1 - math.tanh(5.0) ** 2 < 0.01
    assert saturated(build()) == []


def test_a_small_step_goes_downhill_a_big_one_overshoots() -> None:
    good = build({"y": 0.5, "lr": 0.1})
    report = judge_step(good, good.after_update())
    assert report.lower and not report.passed_target and not report.saturated
    assert report.verdict(repr) == "lower: the step went downhill"
    big = build({"y": 0.5, "lr": 2.0})
    after = big.after_update()
    report = judge_step(big, after)
    assert report.rose and report.passed_target  # by hand: ŷ 0.31 -> 0.85 over y = 0.5, L up
    assert big.output.data < 0.5 < after.output.data and after.loss.data > big.loss.data
    assert report.warnings(repr) == ["ŷ passed y = 0.5", "L rose: overshot"]


def test_train_is_repeated_steps() -> None:
    rows = list(judged_steps(build({"lr": 0.3}), 3))
    assert [row.index for row in rows] == [0, 1, 2, 3] and rows[0].report is None
    ex = build({"lr": 0.3})
    for row in rows[1:]:
        ex = ex.after_update()
        assert row.example.loss.data == ex.loss.data
    with pytest.raises(ValueError, match="whole number >= 0"):
        list(judged_steps(build(), -1))


# --- the stepper's pages and wrapping ------------------------------------------------------------


def test_pages_are_the_backward_pass() -> None:
    ex = build()
    pages = backward_pages(ex.steps())
    assert len(pages) == 23 and pages[0].startswith("step 1/23: L = ")
    reference = build()
    reference.backward()
    assert {n: v.grad for n, v in ex.nodes.items()} == {n: v.grad for n, v in reference.nodes.items()}
    leaf = next(page for page in pages if page.startswith("step 19/23: x1 = 1.0  (input, a leaf)"))
    assert f"dL/dx1 = {reference.nodes['x1'].grad!r} is complete" in leaf
    partial = next(page for page in pages if "w[1]11·x1 = 0.25  (mul)" in page.splitlines()[0])
    contribution = 0.25 * reference.nodes["s[1]1"].grad  # local d(w·x)/dx = w, times upstream dL/ds[1]1
    assert f"so dL/dx1 is now {contribution!r} (1 of 2 uses)" in partial


def test_pages_of_any_graph_name_unlabelled_nodes_like_every_view() -> None:
    a = Value(2.0, "a")
    out = (a * Value(-3.0) + 1.5).tanh()
    pages = backward_pages(out, digits=4)
    assert pages[0].startswith("step 1/6: t3 = -0.9998  (tanh: t3 = tanh(a·input1+1.5))")  # as every view
    assert "to a·input1+1.5: local d(tanh(a))/da = 1 - tanh(a)² = 1 - t3² = 0.0004935" in pages[0]
    assert pages[2].startswith("step 3/6: a·input1 = -6  (mul)")


def test_wrap_breaks_only_between_terms() -> None:
    line = (
        "so dL/ds[2] = dL/dz[2] · dz[2]/ds[2] = (-1.3886851619333154) · 0.9065735421898757 = -1.25894522624"
    )
    wrapped = wrap(line, 40).splitlines()
    assert all(len(part) <= 40 for part in wrapped)
    assert " ".join(part.strip() for part in wrapped) == line
    assert wrapped[1].startswith("    ")  # a formula continues further in
    prose = wrap("word " * 30, 40).splitlines()
    assert all(not part.startswith(" ") for part in prose)  # prose keeps its indent
    assert wrap("x" * 100, 40) == "x" * 100  # one word longer than the line stays whole
