"""The generated operator methods (micrograd_like/core/operators.py): current, readable, and the rules' own.

The file is written by tools/generate_operators.py from the rule table; these tests check that it is
what the rules give today, that Python's tools (inspect, help, tracebacks, pdb) show its real code,
that every docstring carries its rule's formula and derivatives, and that each method computes
exactly what the generic `apply(rule, ...)` computes, errors included.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import math
import pydoc
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from micrograd_like import Value, apply, no_grad
from micrograd_like.core import operators, rules
from micrograd_like.core.rules import Rule

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "micrograd_like" / "core" / "operators.py"


def _load_generator() -> ModuleType:
    """tools/generate_operators.py is a script, not part of the package: load it from its path."""
    spec = importlib.util.spec_from_file_location(
        "generate_operators", ROOT / "tools" / "generate_operators.py"
    )
    assert spec is not None and spec.loader is not None, "tools/generate_operators.py is missing"
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


generator = _load_generator()
METHODS = generator.methods()
METHOD_IDS = [m.name for m in METHODS]


# --- the file is what the rules give ------------------------------------------------------------


def test_operators_py_is_what_the_generator_writes_from_todays_rules() -> None:
    assert GENERATED.read_text(encoding="utf-8") == generator.render(), (
        "micrograd_like/core/operators.py is out of date with the rule table: "
        "run `make generate` (python tools/generate_operators.py) and commit the result"
    )


def test_the_header_says_it_is_generated_by_what_and_from_what() -> None:
    head = GENERATED.read_text(encoding="utf-8")[:1200]
    assert "GENERATED" in head and "do not edit" in head
    assert "tools/generate_operators.py" in head and "micrograd_like/core/rules.py" in head
    assert "make generate" in head


def test_check_mode_fails_on_a_stale_file_and_names_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "micrograd_like" / "operators.py"
    stale.parent.mkdir()
    stale.write_text(generator.render().replace("a * b", "a + b"), encoding="utf-8")
    monkeypatch.setattr(generator, "ROOT", tmp_path)
    monkeypatch.setattr(generator, "TARGET", stale)
    assert generator.main(["--check"]) == 1
    assert "python tools/generate_operators.py" in capsys.readouterr().err
    assert generator.main([]) == 0  # rewrites it ...
    assert stale.read_text(encoding="utf-8") == generator.render()
    assert generator.main(["--check"]) == 0  # ... and then it is current


def test_every_rule_has_a_method_and_every_operator_symbol_its_rule() -> None:
    assert {m.rule.name for m in METHODS} == set(rules.RULES)
    on_value = {name: getattr(Value, name) for name in METHOD_IDS}
    assert all(inspect.getsourcefile(f) == str(GENERATED) for f in on_value.values())
    # the named functions, by their rule's name; Python's operators by their symbol
    assert {"exp", "log", "tanh", "sigmoid", "relu"} <= set(on_value)
    assert {"__add__", "__radd__", "__truediv__", "__rtruediv__", "__pow__", "__rpow__", "__neg__"} <= set(
        on_value
    )


def test_a_new_rule_becomes_a_method_when_the_generator_runs_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # what the README promises: a new op is one Rule in the table, then the generator
    square = Rule("square", "²", forward="a * a", local=("2 * a",), display="{a}²")
    mean = Rule("mean", "mean", forward="(a + b) / 2", local=("0.5", "0.5"), display="mean({a}, {b})")
    monkeypatch.setattr(rules, "SQUARE", square, raising=False)
    monkeypatch.setattr(rules, "MEAN", mean, raising=False)
    monkeypatch.setitem(rules.RULES, "square", square)
    monkeypatch.setitem(rules.RULES, "mean", mean)
    text = generator.render()
    compile(text, "operators.py", "exec")
    assert "    def square(self: Value) -> Value:" in text
    assert "    def mean(self: Value, other: Value | Number) -> Value:" in text
    assert "d/dx = 2·x" in text and "mean(a, b) = (a + b)/2" in text and "d/db = 0.5" in text
    assert "out._op = SQUARE" in text and "out._op = MEAN" in text


# --- Python's tools show the real code ---------------------------------------------------------


@pytest.mark.parametrize("method", METHODS, ids=METHOD_IDS)
def test_getsource_shows_the_operation_and_its_checks(method: Any) -> None:
    source = inspect.getsource(getattr(Value, method.name))
    assert source.lstrip().startswith(f"def {method.name}(")
    assert f"data = {generator.formatted(method.rule.python_forward())}" in source
    for i, _check in enumerate(method.rule.checks):
        assert f"raise {method.rule_name}.checks[{i}].failure(" in source
    assert f"out._op = {method.rule_name}" in source


def test_getsource_of_mul_reads_a_times_b() -> None:
    source = inspect.getsource(Value.__mul__)
    assert "data = a * b" in source and "raise _fail_not_finite(MUL, (a, b), data)" in source


def test_a_failing_op_points_its_traceback_at_a_real_line_of_the_generated_file() -> None:
    with pytest.raises(ValueError, match=r"log\(0\.0\) is undefined") as caught:
        Value(0.0).log()
    last = traceback.extract_tb(caught.value.__traceback__)[-1]
    assert last.filename == str(GENERATED) and last.name == "log"
    assert last.line == "raise LOG.checks[0].failure(a)"
    with pytest.raises(ZeroDivisionError) as caught_div:
        Value(1.0) / 0
    last = traceback.extract_tb(caught_div.value.__traceback__)[-1]
    assert last.filename == str(GENERATED) and last.line == "raise DIV.checks[0].failure(a, b)"


def test_pdb_steps_into_a_times_b_and_lists_the_generated_source(tmp_path: Path) -> None:
    script = tmp_path / "steps.py"
    script.write_text("from micrograd_like import Value\na, b = Value(2.0), Value(3.0)\nc = a * b\n")
    commands = "break 3\ncontinue\nstep\nstep\nlist\nquit\n"  # into a * b, then to its first line
    result = subprocess.run(
        [sys.executable, "-m", "pdb", str(script)],
        input=commands,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    out = result.stdout
    assert f"{GENERATED}(" in out and ")__mul__()" in out
    assert "-> if not isinstance(other, Value):" in out
    assert "data = a * b" in out  # `list` shows the method's own lines
    assert "[EOF]" not in out


# --- help() gives each op's formula and derivatives, from its rule -------------------------------


@pytest.mark.parametrize("method", METHODS, ids=METHOD_IDS)
def test_help_gives_the_forward_formula_and_every_derivative_of_its_rule(method: Any) -> None:
    rule = method.rule
    text = pydoc.render_doc(getattr(Value, method.name))  # what help() prints
    shown = ("a", "b") if len(rule.inputs) == 2 else ("x",)
    names = dict(zip(rule.inputs, shown))
    assert rule.show(*shown) in text
    for k, x in enumerate(shown):
        assert f"d/d{x} = {rule.local_text(k, **names)}" in text
    assert f"rules.{method.rule_name}" in text


def test_help_of_tanh_reads_as_the_math() -> None:
    doc = inspect.getdoc(Value.tanh)
    assert doc is not None
    assert doc.splitlines()[0].startswith("tanh(x)")
    assert "d/dx = 1 - tanh(x)²" in doc
    log_doc = inspect.getdoc(Value.log) or ""
    assert "d/dx = 1/x" in log_doc and "needs x > 0 (else ValueError)" in log_doc
    mul_doc = inspect.getdoc(Value.__mul__) or ""
    assert "d/da = b" in mul_doc and "d/db = a" in mul_doc


# --- each method computes what apply(rule, ...) computes ------------------------------------------

POINTS = [-2.5, -1.0, -0.3, 0.0, 0.4, 1.0, 3.0, 800.0]
UNARY: dict[str, Callable[[Value], Value]] = {
    "neg": lambda x: -x,
    "exp": Value.exp,
    "log": Value.log,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
}
BINARY: dict[str, Callable[[Value, Value], Value]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
}
REFLECTED: dict[str, Callable[[float, Value], Value]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
}


def _outcome(compute: Callable[..., Value], *args: object) -> tuple[object, ...]:
    """compute(*args): its value and what the node records, or the error's type and message."""
    try:
        out = compute(*args)
    except (ArithmeticError, ValueError) as error:
        return (type(error), str(error))
    return (out.data, out.rule, len(out.parents))


def test_the_cases_below_cover_every_rule() -> None:
    assert set(UNARY) | set(BINARY) == set(rules.RULES) and set(REFLECTED) == set(BINARY)


@pytest.mark.parametrize("name", UNARY)
def test_each_one_input_method_matches_apply_of_its_rule_values_and_errors_alike(name: str) -> None:
    for x in POINTS:
        assert _outcome(UNARY[name], Value(x)) == _outcome(apply, rules.RULES[name], Value(x)), x


@pytest.mark.parametrize("name", BINARY)
def test_each_operator_matches_apply_of_its_rule_values_and_errors_alike(name: str) -> None:
    for x in POINTS:
        for y in POINTS:
            generic = _outcome(apply, rules.RULES[name], Value(x), Value(y))
            assert _outcome(BINARY[name], Value(x), Value(y)) == generic, (x, y)
            assert _outcome(REFLECTED[name], x, Value(y)) == generic, (x, y)


def test_reflected_ops_record_the_number_first_as_a_constant() -> None:
    y = Value(4.0, "y")
    for out in (2 - y, 2 / y, 2**y):
        left, right = out.parents
        assert left.kind == "constant" and left.data == 2.0 and right is y


def test_a_plain_number_exponent_uses_the_rule_of_that_number() -> None:
    x = Value(-2.0)
    assert (x**3).rule is rules.power(3.0) and (x**3).data == -8.0  # a base < 0 is fine here
    with pytest.raises(TypeError, match="the exponent of"):
        x ** "3"  # type: ignore[operator]


def test_methods_record_nothing_inside_no_grad() -> None:
    a, b = Value(2.0), Value(3.0)
    with no_grad():
        outs = [a * b, 1 - a, -a, a.tanh(), a**b, 2**a]
    assert all(out.is_leaf and out.kind == "input" for out in outs)
    assert outs[0].data == 6.0 and math.isclose(outs[3].data, math.tanh(2.0))


def test_the_generated_module_gets_the_engine_names_it_uses() -> None:
    # operators.py imports Value and the engine's helpers for type checkers only; the engine hands
    # the real ones over when it defines Value: all of them, so no method meets a NameError
    tree = ast.parse(GENERATED.read_text(encoding="utf-8"))
    guarded = [
        node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    ]
    names = [
        alias.name
        for node in guarded
        for imp in node.body
        if isinstance(imp, ast.ImportFrom)
        for alias in imp.names
    ]
    assert "Value" in names and "_constant" in names
    assert all(hasattr(operators, name) for name in names if name != "Number")  # Number: annotations only
    assert operators.Value is Value
