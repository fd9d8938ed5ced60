"""compile_graph: straight-line Python with the engine's numbers, source a learner can read and run.

The oracle is the engine itself: `backward()` on the same graph (or on the same program rebuilt
from new data) must give the value and every leaf gradient the compiled function gives, bit for
bit, and the same error, word for word, where the numbers are bad.
"""

from __future__ import annotations

import ast
import math
import random
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import FALLBACK, Program, choose_op, programs, run_engine

from micrograd_like import RULES, BackwardError, Value, apply, backward_order, compile_graph, no_grad
from micrograd_like.compiler import example_source
from micrograd_like.compiler.codegen import can_hide
from micrograd_like.core.rules import Check, Rule, power
from micrograd_like.post.example import build

# --- random programs (oracles.programs), ops that may fail on new data ---------------------------


def outcome(call: Callable[[], float], leaves: list[Value]) -> tuple[object, ...]:
    """What a call gives: ("ok", value, gradients) or ("error", type, message), gradients unchanged."""
    before = [leaf.grad for leaf in leaves]
    try:
        value = call()
    except (ArithmeticError, ValueError) as error:
        assert [leaf.grad for leaf in leaves] == before, "a failed call changed a gradient"
        return ("error", type(error), str(error))
    return ("ok", value, [leaf.grad for leaf in leaves])


def applied_times_c(rule: Rule, leaves: list[Value]) -> float:
    """rule(a[, b]) · c built on the engine, and its backward pass; returns the value."""
    return run_backward(apply(rule, *leaves[: len(rule.inputs)]) * leaves[-1])


def run_backward(root: Value) -> float:
    root.backward()
    return root.data


def engine_outcome(program: Program, xs: list[float]) -> tuple[object, ...]:
    """The same program rebuilt on new inputs and run by the engine (what the compiled code must match)."""
    inputs = [Value(x, f"x{k}") for k, x in enumerate(xs)]
    try:
        root = run_engine(program, inputs)[-1]
    except (ArithmeticError, ValueError) as error:
        return ("error", type(error), str(error))
    return outcome(lambda: run_backward(root), inputs)


@settings(max_examples=250, deadline=None)
@given(
    program=programs(margins=False, min_ops=1, max_ops=20),
    new=st.lists(st.floats(-3, 3), min_size=4, max_size=4),
)
def test_random_graphs_give_the_engines_value_and_gradients_bit_for_bit(
    program: Program, new: list[float]
) -> None:
    inputs = [Value(x, f"x{k}") for k, x in enumerate(program.inputs)]
    f = compile_graph(run_engine(program, inputs)[-1])
    compiled = outcome(f, inputs)
    twin = [Value(x, f"x{k}") for k, x in enumerate(program.inputs)]
    twin_root = run_engine(program, twin)[-1]
    assert compiled == outcome(lambda: run_backward(twin_root), twin)
    # new data through the same compiled function: as if the program were run again on it
    xs = new[: len(inputs)]
    for leaf, x in zip(inputs, xs):
        leaf.data, leaf.grad = x, 0.0
    got, want = outcome(f, inputs), engine_outcome(program, xs)
    if want[0] == "error":  # where several ops fail, which one is met first depends on the program's
        assert got[0] == "error"  # order, which a graph does not record (see the evaluation-order test)
    else:
        assert got == want


def test_programs_that_may_fail_keep_ops_up_to_the_edge_of_their_domain() -> None:
    # the test above needs programs that fail on new data: each op is kept wherever the engine
    # computes it on the program's own inputs, not only a margin away from its domain's edges
    assert choose_op("log", 0.01, 0.0, 1.0, margins=False) == "log"
    assert choose_op("log", 0.01, 0.0, 1.0) == FALLBACK  # too near log's edge for finite differences
    assert choose_op("log", -1.0, 0.0, 1.0, margins=False) == FALLBACK  # the engine refuses it
    assert choose_op("div", 1.0, 0.01, 1.0, margins=False) == "div"
    assert choose_op("div", 1.0, 0.0001, 1.0, margins=False) == FALLBACK  # 10⁴: beyond ±LIMIT
    assert choose_op("pow", -8.0, 0.5, 1.0, margins=False) == FALLBACK  # no real square root


# --- every rule, rendered by the compiler, against backward() on many points ----------------------


def rules_under_test() -> list[Rule]:
    return [*RULES.values(), *(power(n) for n in (0, 1, 2, 3, -1, -2, 0.5, 1.5, -0.5))]


@pytest.mark.parametrize("rule", rules_under_test(), ids=lambda r: f"{r.name}{r.symbol}")
@settings(max_examples=60, deadline=None)
@given(points=st.lists(st.tuples(st.floats(-4, 4), st.floats(-4, 4)), min_size=1, max_size=5))
def test_every_rule_compiles_to_the_engines_numbers(rule: Rule, points: list[tuple[float, float]]) -> None:
    a, b = Value(1.5, "a"), Value(0.75, "b")
    c = Value(-1.25, "c")  # an upstream gradient other than 1
    out = apply(rule, *(a, b)[: len(rule.inputs)])
    root = out * c
    f = compile_graph(root)
    for x, y in points:  # new data each time, through the same compiled function
        leaves = [a, b, c]
        for leaf, value in zip(leaves, (x, y, -1.25)):
            leaf.data, leaf.grad = value, 0.0
        twin = [Value(v, n) for v, n in zip((x, y, -1.25), "abc")]
        assert outcome(f, leaves) == outcome(lambda: applied_times_c(rule, twin), twin)  # noqa: B023


def test_the_rules_that_can_hide_an_inf_are_the_saturating_ones() -> None:
    hiding = {(r.name, k) for r in RULES.values() for k in range(len(r.inputs)) if can_hide(r, k)}
    assert hiding == {
        ("div", 1),
        ("pow", 0),
        ("pow", 1),
        ("exp", 0),
        ("tanh", 0),
        ("sigmoid", 0),
        ("relu", 0),
    }
    assert can_hide(power(-1), 0) and can_hide(power(0), 0) and not can_hide(power(2), 0)


# --- the worked example: the post's numbers, bit for bit, and its source --------------------------


def test_worked_example_value_and_every_gradient_bit_for_bit() -> None:
    ex = build()
    f = compile_graph(ex.loss)
    assert f() == ex.loss.data
    reference = build()
    reference.loss.backward()
    for name in ("x1", "x2", "y", *(w for w in ex.nodes if w.startswith("w"))):
        assert ex.nodes[name].grad == reference.nodes[name].grad, name
    assert ex.nodes["w[2]12"].grad == -0.7608659278951793  # the post's dL/dw[2]12, DESIGN.md's number


def test_interior_nodes_are_not_updated() -> None:
    ex = build()
    before = {name: (node.data, node.grad) for name, node in ex.nodes.items() if not node.is_leaf}
    f = compile_graph(ex.loss)
    ex.nodes["w[2]12"].data = 0.9
    f()
    assert {name: (node.data, node.grad) for name, node in ex.nodes.items() if not node.is_leaf} == before


def test_source_reads_as_the_posts_forward_pass_and_chain_rule() -> None:
    source = compile_graph(build().loss).source
    lines = [line.strip() for line in source.splitlines()]
    forward = lines.index("# forward pass: each node from its parents")
    backward = lines.index("# backward pass: the chain rule, one line per edge, from the root down")
    assert lines[backward - 1] == ""  # a blank line between the two halves
    # the post's order: the first layer's linear parts, their activations, then the output layer
    assigned = [line.split(" = ")[0] for line in lines[forward + 1 : backward - 1]]
    named = [a for a in assigned if not a.startswith("t")]
    assert named == ["s_1_1", "s_1_2", "z_1_1", "z_1_2", "s_2", "z_2", "L"]
    assert "z_1_1 = math.tanh(s_1_1)  # z[1]1 = tanh(s[1]1)" in lines
    # the post's chain to w[2]12: dL/dz[2] = 2(ŷ − y), dz[2]/ds[2] = 1 − tanh²(s[2]), ds[2]/dw[2]12 = z[1]2
    expected = [
        "g_t7 = 2.0 * t7 * g_L                      # dL/d(z[2]-y) = 2·(z[2]-y)",
        "g_s_2 = (1.0 - z_2 * z_2) * g_z_2          # dz[2]/ds[2] = 1 - z[2]²",
        "g_w_2_12 = z_1_2 * g_t6                    # d(w[2]12·z[1]2)/dw[2]12 = z[1]2",
    ]
    for line in expected:
        assert line in lines
    # one line per op node forward, one per edge backward (+ the seed g_L = 1.0)
    order = backward_order(build().loss)
    ops = [n for n in order if not n.is_leaf]
    edges = sum(len(n.parents) for n in ops)
    assert len(assigned) == len(ops)
    body = lines[backward + 1 : lines.index("", backward)]
    assert len(body) == edges + 1


def test_source_runs_on_its_own_with_only_math(tmp_path: Path) -> None:
    source = example_source()
    tree = ast.parse(source)
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert [alias.name for n in imports for alias in n.names] == ["math"]
    path = tmp_path / "backprop.py"
    path.write_text(source, encoding="utf-8")
    # -I -S: no site-packages (so no micrograd_like to fall back on), no current directory
    done = subprocess.run([sys.executable, "-I", "-S", str(path)], capture_output=True, text=True, check=True)
    printed = dict(line.split(" = ") for line in done.stdout.splitlines())
    ex = build()
    ex.loss.backward()
    assert float(printed["L"]) == ex.loss.data
    for name in ("x1", "x2", "y", "w[1]11", "w[1]12", "w[1]21", "w[1]22", "w[2]11", "w[2]12"):
        assert float(printed[f"dL/d{name}"]) == ex.nodes[name].grad


def test_source_called_with_other_values() -> None:
    namespace: dict[str, object] = {}
    exec(example_source(), namespace)
    fn: Callable[..., tuple[float, tuple[float, ...]]] = namespace["forward_backward"]  # type: ignore[assignment]
    value, grads = fn(w_2_12=0.5)
    ex = build({"w[2]12": 0.5})
    ex.loss.backward()
    assert value == ex.loss.data
    assert grads[-1] == ex.nodes["w[2]12"].grad


def test_cli_example_code_prints_the_compiled_example(capsys: pytest.CaptureFixture[str]) -> None:
    from micrograd_like.cli import main

    assert main(["example", "--code", "--set", "w[2]12=0.5"]) == 0
    out = capsys.readouterr().out
    assert out == example_source({"w[2]12": 0.5})
    assert "    w_2_12=0.5," in out


# --- calling it again: current data, accumulation, relu branches ---------------------------------


def test_calls_see_new_data_and_accumulate_like_backward() -> None:
    x, w = Value(0.5, "x"), Value(-2.0, "w")
    f = compile_graph((w * x).tanh() ** 2)
    first = f()
    g1 = w.grad
    f()
    assert w.grad == 2 * g1  # leaves accumulate, as after two backward() calls
    w.data, w.grad, x.grad = 1.0, 0.0, 0.0
    twin_x, twin_w = Value(0.5), Value(1.0)
    twin = (twin_w * twin_x).tanh() ** 2
    twin.backward()
    assert f() == twin.data != first
    assert (w.grad, x.grad) == (twin_w.grad, twin_x.grad)


def test_relu_branches_follow_the_data() -> None:
    x, w = Value(1.0, "x"), Value(0.5, "w")
    f = compile_graph((w * x).relu() * x + (w - x).relu())
    for xv, wv in [(1.0, 0.5), (-1.0, 0.5), (2.0, 3.0), (-2.0, -3.0), (0.0, 0.0)]:
        x.data, w.data, x.grad, w.grad = xv, wv, 0.0, 0.0
        tx, tw = Value(xv), Value(wv)
        twin = (tw * tx).relu() * tx + (tw - tx).relu()
        twin.backward()
        assert (f(), x.grad, w.grad) == (twin.data, tx.grad, tw.grad)


def test_a_leaf_root_and_a_constant_root() -> None:
    x = Value(3.0, "x")
    f = compile_graph(x)
    assert (f(), x.grad) == (3.0, 1.0)
    c = Value(2.0, kind="constant")
    assert compile_graph(c)() == 2.0 and c.grad == 1.0


def test_shared_subgraphs_and_a_value_used_twice() -> None:
    x = Value(0.7, "x")
    h = (x * x).tanh()
    root = h * h + h / (x + 2) + x**x
    f = compile_graph(root)
    twin_x = Value(0.7)
    th = (twin_x * twin_x).tanh()
    twin = th * th + th / (twin_x + 2) + twin_x**twin_x
    twin.backward()
    assert (f(), x.grad) == (twin.data, twin_x.grad)


def test_wrt_limits_the_gradients_and_names_bad_leaves() -> None:
    x, w = Value(2.0, "x"), Value(3.0, "w", kind="parameter")
    y = x * w + 1
    f = compile_graph(y, wrt=[w])
    assert f() == 7.0 and (w.grad, x.grad) == (2.0, 0.0)
    with pytest.raises(ValueError, match="not in the graph"):
        compile_graph(y, wrt=[Value(1.0)])
    inner = y.parents[0]
    with pytest.raises(ValueError, match="computed by an op"):
        compile_graph(y, wrt=[inner])
    with pytest.raises(ValueError, match="is a constant"):
        compile_graph(y, wrt=[y.parents[1]])
    with pytest.raises(TypeError, match="needs a Value"):
        compile_graph(3.0)  # type: ignore[arg-type]


def test_labels_with_digits_that_are_not_decimal() -> None:
    # ² and ① are digits to str.isdigit but not to int(); ٣ is a decimal digit int() reads (as 3)
    a, b, c, d = (Value(v, label) for v, label in [(0.5, "²"), (-1.5, "x①"), (2.0, "٣"), (0.25, "w٣²")])
    root = (a * b + c).tanh() * d
    f = compile_graph(root)
    value = f()
    grads = [leaf.grad for leaf in (a, b, c, d)]
    for leaf in (a, b, c, d):
        leaf.grad = 0.0
    root.backward()
    assert (value, grads) == (root.data, [leaf.grad for leaf in (a, b, c, d)])


def test_a_changed_constant_is_refused() -> None:
    x = Value(2.0, "x")
    c = Value(3.0, kind="constant")
    f = compile_graph(x * c)
    assert f() == 6.0
    c.data = 4.0
    with pytest.raises(ValueError, match=r"3\.0 is now 4\.0.*compile again"):
        f()


def test_deep_chain_compiles_without_recursion() -> None:
    x = Value(1.0, "x")
    y = x
    for _ in range(3000):
        y = y * 1.0001
    f = compile_graph(y)
    expected = Value(1.0)
    z = expected
    for _ in range(3000):
        z = z * 1.0001
    z.backward()
    assert (f(), x.grad) == (z.data, expected.grad)


@pytest.mark.slow
def test_a_chain_past_pythons_limits() -> None:
    """36,000 ops: the code has more locals than two bytes can number (EXTENDED_ARG twice) and the
    graph is 36 times deeper than the recursion limit, so no step of compiling may recurse."""
    x = Value(1.0, "x")
    y = x
    for _ in range(12_000):
        y = (y * 1.0000001).tanh() + 0.5
    f = compile_graph(y)
    assert f.function.__code__.co_nlocals > 65_535
    before = y.data
    assert f() == before
    compiled_grad = x.grad
    x.grad = 0.0
    y.backward()
    assert compiled_grad == x.grad  # 0.0: a product of 12,000 factors tanh' < 1 underflows


# --- bad numbers: the engine's own errors, nothing changed ---------------------------------------


def engine_error(make: Callable[[], Value]) -> tuple[type[BaseException], str]:
    with pytest.raises((ArithmeticError, ValueError)) as caught:
        make().backward()
    return caught.type, str(caught.value)


def compiled_error(f: Callable[[], float], leaves: list[Value]) -> tuple[type[BaseException], str]:
    before = [leaf.grad for leaf in leaves]
    with pytest.raises((ArithmeticError, ValueError)) as caught:
        f()
    assert [leaf.grad for leaf in leaves] == before
    return caught.type, str(caught.value)


@pytest.mark.parametrize(
    ("build_graph", "bad"),
    [
        (lambda x: x.log(), -1.0),  # log of a number <= 0
        (lambda x: x.log(), 0.0),
        (lambda x: 1 / x, 0.0),  # division by zero
        (lambda x: x**-1, 0.0),
        (lambda x: x**0.5, -4.0),  # a negative base to a fractional power (complex in plain Python)
        (lambda x: x.exp(), 1000.0),  # overflow
        (lambda x: (x * x).tanh(), 1e200),  # an inf that tanh would hide: the engine still refuses it
        (lambda x: (x * x).relu() * 0, 1e200),
        (lambda x: x.log(), 1e-310),  # a finite value whose gradient 1/x is inf: BackwardError
        (lambda x: x ** Value(2.0, "n"), -2.0),  # a Value exponent needs a base > 0
    ],
)
def test_domain_errors_are_the_engines_words(build_graph: Callable[[Value], Value], bad: float) -> None:
    x = Value(0.5, "x")
    f = compile_graph(build_graph(x))
    f()
    x.data = bad
    expected = engine_error(lambda: build_graph(Value(bad, "x")))
    assert compiled_error(f, [x]) == expected


def test_of_two_failing_ops_the_one_python_evaluates_first_is_reported() -> None:
    x, y = Value(2.0, "x"), Value(1.0, "y")
    f = compile_graph(x.log() + 1 / y)
    x.data, y.data = -1.0, 0.0
    with pytest.raises(ValueError, match=r"log\(-1\.0\) is undefined"):
        f()  # Value(-1.0).log() + 1 / Value(0.0) raises at the log, as Python evaluates left first
    x.data, y.data = 2.0, 1.0
    g = compile_graph(1 / y + x.log())
    x.data, y.data = -1.0, 0.0
    with pytest.raises(ZeroDivisionError, match="divides by zero"):
        g()


def test_the_error_notes_name_the_node() -> None:
    x = Value(0.5, "x")
    y = (x * 2).log()
    y.label = "y"
    f = compile_graph(y)
    x.data = -1.0
    with pytest.raises(ValueError, match="log") as caught:
        f()
    if sys.version_info >= (3, 11):
        assert "log node y" in "".join(caught.value.__notes__)


def test_a_backward_error_names_the_op_like_the_engine() -> None:
    x = Value(1.0, "x")
    f = compile_graph(x.log() * 1e300)
    x.data = 1e-300  # log(x)·1e300 is finite; its gradient 1e300 / x is not
    with pytest.raises(BackwardError) as caught:
        f()
    with pytest.raises(BackwardError) as engine:
        (Value(1e-300, "x").log() * 1e300).backward()
    assert str(caught.value) == str(engine.value)
    assert "log" in str(caught.value) and caught.value.__context__ is None


def test_a_sum_that_overflows_is_not_an_error() -> None:
    p, q = Value(1.0, "p"), Value(1.0, "q")
    f = compile_graph(p.tanh() + q.tanh())
    p.data = q.data = 1e308
    assert f() == 2.0 and (p.grad, q.grad) == (0.0, 0.0)


def test_a_fallback_to_the_engine_says_so_once() -> None:
    # two finite watched values (tanh's inputs) whose sum is inf: the check is fooled, the engine is not
    p, q = Value(1.0, "p"), Value(1.0, "q")
    f = compile_graph((p * 1.0).tanh() + (q * 1.0).tanh())
    p.data = q.data = 1e308
    with pytest.warns(RuntimeWarning, match=r"compiled code failed \(ArithmeticError: a value or gradient"):
        assert f() == 2.0 and (p.grad, q.grad) == (0.0, 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once per compiled graph
        assert f() == 2.0


def test_a_leaf_holding_inf_or_nan_compiles_to_a_literal_not_a_name() -> None:
    x, c = Value(1.0, "x"), Value(3.0, kind="constant")
    y = x.tanh() * 2.0 + c
    x.data, c.data = math.inf, math.nan  # repr: inf and nan, which would be names in the code
    f = compile_graph(y)
    assert "    x=1e999," in f.source and "(1e999 - 1e999)" in f.source
    namespace: dict[str, Any] = {}
    exec(f.source, namespace)
    with pytest.raises(ArithmeticError):  # nan reaches the check
        namespace["forward_backward"]()


def test_custom_rules_checks_are_kept() -> None:
    capped = Rule(
        "capped",
        "cap",
        forward="a * 2",
        local=("2",),
        checks=(Check("a < 10", ValueError, "capped: {a} >= 10"),),
    )
    x = Value(3.0, "x")
    f = compile_graph(apply(capped, x))
    assert "if not (x < 10.0): raise ArithmeticError" in f.source
    assert (f(), x.grad) == (6.0, 2.0)
    x.data = 11.0
    with pytest.raises(ValueError, match=r"capped: 11\.0 >= 10"):
        f()
    assert x.grad == 2.0


def test_it_works_inside_no_grad() -> None:
    x = Value(2.0, "x")
    f = compile_graph(x.log())
    with no_grad():
        assert f() == math.log(2.0)
        x.data = -1.0
        with pytest.raises(ValueError, match="undefined"):
            f()
    assert x.grad == 0.5


def test_random_small_networks_stay_exact_across_many_updates() -> None:
    rng = random.Random(5)
    ws = [Value(rng.uniform(-1, 1), f"w{k}", kind="parameter") for k in range(6)]
    xs = [Value(rng.uniform(-1, 1), f"x{k}") for k in range(2)]
    h = [(ws[0] * xs[0] + ws[1] * xs[1]).tanh(), (ws[2] * xs[0] + ws[3] * xs[1]).relu()]
    loss = (ws[4] * h[0] + ws[5] * h[1] - 0.5) ** 2
    f = compile_graph(loss, wrt=ws)
    for _ in range(20):
        for w in ws:
            w.grad = 0.0
        value = f()
        tw = [Value(w.data) for w in ws]
        tx = [Value(x.data) for x in xs]
        th = [(tw[0] * tx[0] + tw[1] * tx[1]).tanh(), (tw[2] * tx[0] + tw[3] * tx[1]).relu()]
        twin = (tw[4] * th[0] + tw[5] * th[1] - 0.5) ** 2
        twin.backward()
        assert value == twin.data and [w.grad for w in ws] == [t.grad for t in tw]
        for w in ws:
            w.data -= 0.3 * w.grad
