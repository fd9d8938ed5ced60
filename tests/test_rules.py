"""Every derivative rule against finite differences, over many points of its valid domain (hypothesis).

For each op: the forward value matches a plain-`math` reference, `Value.local_grads()` matches a
five-point central difference of that reference, and a full `backward()` through the op (with an
upstream gradient other than 1) matches finite differences too. Kinks (relu at 0) and domain edges
are kept a safe distance away.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import partials

from micrograd_like import RULES, Value, rules


def close(analytic: float, numeric: float, scale: float) -> bool:
    """Agreement up to finite-difference error; `scale` is the size of the function's values."""
    return abs(analytic - numeric) <= 1e-7 * max(1.0, abs(numeric), scale)


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a)) if a > -700 else 0.0


def _relu(a: float) -> float:
    return max(a, 0.0)


NO_PARAM = st.just(0.0)


@dataclass(frozen=True)
class Case:
    """One op: how to write it with Values, its plain-math reference, and where it is defined."""

    name: str  # the op name the node must report
    build: Callable[..., Value]  # (*inputs as Values, param) -> output Value
    reference: Callable[..., float]  # (*inputs as floats, param) -> output float
    inputs: st.SearchStrategy[tuple[float, ...]]
    param: st.SearchStrategy[float] = NO_PARAM  # a fixed number in the op (a ** n's n)


def real(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def away_from_zero(lo: float, hi: float) -> st.SearchStrategy[float]:
    """|x| in [lo, hi], either sign."""
    return real(lo, hi) | real(-hi, -lo)


WIDE = real(-1e3, 1e3)

CASES = [
    Case("add", lambda a, b, p: a + b, lambda a, b, p: a + b, st.tuples(WIDE, WIDE)),
    Case("sub", lambda a, b, p: a - b, lambda a, b, p: a - b, st.tuples(WIDE, WIDE)),
    Case("mul", lambda a, b, p: a * b, lambda a, b, p: a * b, st.tuples(WIDE, WIDE)),
    Case(
        "div", lambda a, b, p: a / b, lambda a, b, p: a / b, st.tuples(real(-10, 10), away_from_zero(0.1, 10))
    ),
    Case("neg", lambda a, p: -a, lambda a, p: -a, st.tuples(WIDE)),
    # a ** n with a fixed number n: any real n on a positive base ...
    Case("pow", lambda a, p: a**p, lambda a, p: a**p, st.tuples(real(0.05, 20)), real(-4, 4)),
    # ... whole-number n on any base (n = 0 included: its derivative is 0 even at a = 0)
    Case("pow", lambda a, p: a**p, lambda a, p: a**p, st.tuples(real(-5, 5)), st.integers(0, 5).map(float)),
    Case(
        "pow",
        lambda a, p: a**p,
        lambda a, p: a**p,
        st.tuples(away_from_zero(0.2, 5)),
        st.sampled_from([-1.0, -2.0, -3.0]),
    ),
    # a ** b with both Values: base > 0
    Case("pow", lambda a, b, p: a**b, lambda a, b, p: a**b, st.tuples(real(0.05, 20), real(-4, 4))),
    Case("exp", lambda a, p: a.exp(), lambda a, p: math.exp(a), st.tuples(real(-60, 60))),
    Case("log", lambda a, p: a.log(), lambda a, p: math.log(a), st.tuples(real(1e-3, 1e4))),
    Case("tanh", lambda a, p: a.tanh(), lambda a, p: math.tanh(a), st.tuples(real(-20, 20))),
    Case("sigmoid", lambda a, p: a.sigmoid(), lambda a, p: _sigmoid(a), st.tuples(real(-60, 60))),
    Case("relu", lambda a, p: a.relu(), lambda a, p: _relu(a), st.tuples(away_from_zero(1e-3, 1e3))),
]
CASE_IDS = [f"{c.name}-{i}" for i, c in enumerate(CASES)]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_local_grads_match_finite_differences(case: Case, data: st.DataObject) -> None:
    point = data.draw(case.inputs, label="inputs")
    p = data.draw(case.param, label="param")
    leaves = [Value(x) for x in point]
    out = case.build(*leaves, p)
    expected = case.reference(*point, p)

    assert out.op == case.name and out.parents == tuple(leaves)
    assert out.data == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert math.isfinite(out.data)

    local = out.local_grads()
    numeric = partials(lambda *xs: case.reference(*xs, p), point)
    assert len(local) == len(point)
    for k, (analytic, fd) in enumerate(zip(local, numeric)):
        assert close(analytic, fd, abs(expected)), (
            f"{case.name} at {point} (param {p}): d/d input {k} = {analytic!r}, finite differences {fd!r}"
        )


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_backward_through_each_op_matches_finite_differences(case: Case, data: st.DataObject) -> None:
    point = data.draw(case.inputs, label="inputs")
    p = data.draw(case.param, label="param")
    w0 = data.draw(real(-3, 3), label="w")  # an upstream gradient other than 1
    leaves = [Value(x) for x in point]
    w = Value(w0)
    op_node = case.build(*leaves, p)
    root = op_node * w
    root.backward()

    # the chain rule by hand: d root/d input = local derivative · upstream (= w), to the bit
    assert op_node.grad == w0
    assert [leaf.grad for leaf in leaves] == [local * w0 for local in op_node.local_grads()]
    assert w.grad == op_node.data

    expected = case.reference(*point, p) * w0
    numeric = partials(lambda *xs: case.reference(*xs[:-1], p) * xs[-1], [*point, w0])
    for leaf, fd in zip([*leaves, w], numeric):
        assert close(leaf.grad, fd, abs(expected) + abs(op_node.data)), (case.name, point, p, w0)


def test_every_rule_is_covered_and_well_formed() -> None:
    assert {c.name for c in CASES} == set(RULES)
    for name, rule in RULES.items():
        assert rule.name == name and rule.symbol
        assert all(f.startswith("d(") and "/d" in f for f in rule.formulas)
    # one formula per input: two-input ops have two, one-input ops one
    arity = {"add": 2, "sub": 2, "mul": 2, "div": 2, "pow": 2, "neg": 1, "exp": 1, "log": 1}
    arity |= {"tanh": 1, "sigmoid": 1, "relu": 1}
    assert {name: len(rule.formulas) for name, rule in RULES.items()} == arity
    assert len(rules.power(3.0).formulas) == 1


def test_power_rules_are_cached_per_exponent_and_name_it() -> None:
    assert rules.power(2.0) is rules.power(2.0)
    assert rules.power(2.0) is not rules.power(3.0)
    assert rules.power(2.0).symbol == "**2" and rules.power(0.5).symbol == "**0.5"
    assert (Value(3.0) ** 2).rule is rules.power(2.0)


def test_relu_derivative_at_the_kink_is_zero() -> None:
    # the convention at the kink (as in PyTorch): relu'(0) = 0
    x = Value(0.0)
    y = x.relu()
    y.backward()
    assert y.data == 0.0 and x.grad == 0.0


def test_sigmoid_is_exact_far_out_on_both_sides() -> None:
    # written so neither branch overflows: σ(-800) is 0 (not an OverflowError from exp(800))
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0
    assert Value(-30.0).sigmoid().data == pytest.approx(math.exp(-30.0) / (1 + math.exp(-30.0)), rel=1e-15)


def test_rules_built_from_the_same_description_are_equal_and_hash_alike() -> None:
    def square(symbol: str = "²", local: str = "2 * a") -> rules.Rule:
        return rules.Rule("square", symbol, forward="a * a", local=(local,), display="{a}²")

    assert square() == square() and hash(square()) == hash(square())
    assert len({square(), square()}) == 1
    assert square() != square(symbol="sq") and square() != square(local="a + a")  # another description
    assert rules.MUL != rules.ADD and rules.MUL != "mul"
    copy = rules.Rule("mul", "*", forward="a * b", local=("b", "a"))  # the table's MUL, made again
    assert copy == rules.MUL and copy is not rules.MUL


def test_a_pickled_rule_comes_back_equal_and_a_registered_one_as_itself() -> None:
    import pickle

    own = rules.Rule("twice", "2×", forward="2 * a", local=("2",), checks=rules.LOG.checks)
    assert pickle.loads(pickle.dumps(own)) == own
    assert pickle.loads(pickle.dumps(rules.TANH)) is rules.TANH
    assert pickle.loads(pickle.dumps(rules.power(3.0))) is rules.power(3.0)


def test_a_leaf_kind_reads_like_a_rule_to_the_backward_loop_and_has_no_local_derivatives() -> None:
    leaf = Value(2.0)
    assert leaf._op.fixed is None
    with pytest.raises(TypeError, match=r"a leaf \(input\) has no inputs, so no local derivatives"):
        leaf._op.backward_local(2.0)
