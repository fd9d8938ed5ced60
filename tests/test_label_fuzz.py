"""Labels are data, never code: whatever a label holds, compiling and running the graph runs nothing
of it, the source compiles, and the numbers are the engine's, bit for bit.

Labels come from data files, shared notebooks and loaded models, so the fuzzer mixes payloads that
try to leave a comment or a docstring (line breaks of every kind, triple quotes, indentation),
texts that used to crash compilation (backslashes, NUL, lone surrogates) and random unicode text.
A payload that ran would create the canary file. A label equal to a name the generated code reads
(`sum`, `math`, `ArithmeticError`), to a builtin or to a keyword must not change what the code calls.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import os
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from micrograd_like import Value
from micrograd_like.compiler import compile_batch, compile_graph
from micrograd_like.compiler.codegen import comment, inert
from micrograd_like.core.names import _RESERVED, PYTHON_GLOBALS
from micrograd_like.learn.losses import cost

CANARY = Path(tempfile.gettempdir()) / f"micrograd_like_label_canary_{os.getpid()}"
RUN = f"__import__('pathlib').Path({str(CANARY)!r}).touch()"

PAYLOADS = [
    f"x\n    {RUN}  #",  # a new line at the function's indentation
    f"x\n        {RUN}  #",  # ... at the batched loop's
    f"x\n{RUN}\n#",
    f'"""\n{RUN}\n"""',  # out of a docstring
    f'x"""; {RUN}; """',
    f"x'''; {RUN}; '''",
    f"x\r    {RUN}  #",  # the other line endings Python knows
    f"x\r\n    {RUN}  #",
    f"x\x0c\n    {RUN}  #",
    f"x\u2028    {RUN}  #",  # and the ones str.splitlines knows
    f"x\u2029    {RUN}  #",
    f"x\x85    {RUN}  #",
    f"x\x0b    {RUN}  #",
    f"x\x1c\x1d\x1e    {RUN}  #",
    f"x\\\n    {RUN}  #",  # a backslash before the break
    f"\u202e\n    {RUN}  #",  # a bidi override, then a break
]
CRASHERS = [
    "C:\\New",
    "\\x1",
    "\\users",
    "\\N{",
    "\\u12",
    "\r",
    "\r\n",
    "\n",
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff",
    "a\udc80b",
    "{",
    "}",
    "{out}",
    "%s",
    "'",
    '"',
    '"""',
    "'''",
    "\\",
    "#",
    "\t",
    "\ufeff",
    "🙂",
]
# names the generated code, Python or its __main__ block, could read: none may change what it calls
CODE_WORDS = sorted(
    {name for name in dir(builtins) if not name.startswith("__") or name in ("__name__", "__builtins__")}
    | set(keyword.kwlist)
    | set(keyword.softkwlist)
    | PYTHON_GLOBALS
    | _RESERVED
    | {"check", "data", "seed", "result", "upstream", "constant", "value", "grads", "name", "g", "g_x"}
    | {"forward_backward", "forward_backward_batch", "t1", "t2", "input1", "parameter1", "v", "_"}
)

labels = (
    st.sampled_from(PAYLOADS + CRASHERS)
    | st.text(st.characters(codec=None, exclude_categories=()), max_size=12)  # surrogates, controls
    | st.text(st.sampled_from("\n\r\x00\x0b\x0c\x85\u2028\u2029\ud800\\\"'# x"), max_size=8)
)


@pytest.fixture(autouse=True)
def _no_canary() -> Iterator[None]:
    CANARY.unlink(missing_ok=True)
    yield
    CANARY.unlink(missing_ok=True)


def assert_nothing_ran() -> None:
    assert not CANARY.exists(), "a label's text ran as code"


# --- one graph, labels everywhere -----------------------------------------------------------------


def graph(
    names: tuple[str, str, str, str, str], x: float = 2.0, w: Value | None = None, b: Value | None = None
) -> tuple[Value, list[Value]]:
    """tanh(w·x + b)·w with a label on each leaf, an inner node and the root (two uses of w: a sum);
    `w` and `b` may be given (the weights rows share)."""
    xv = Value(x, names[0])
    wv = w if w is not None else Value(-0.75, names[1], kind="parameter")
    bv = b if b is not None else Value(0.5, names[2])
    inner = wv * xv + bv
    inner.label = names[3]
    root = inner.tanh() * wv
    root.label = names[4]
    return root, [xv, wv, bv]


def free_names(source: str, function: str) -> set[str]:
    """The names `function` reads that it does not bind: what it takes from its globals."""
    tree = ast.parse(source)
    (fn,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function]
    bound = {a.arg for a in fn.args.args}
    bound |= {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - bound


def run_script(path: Path) -> subprocess.CompletedProcess[str]:
    """`python path`, with no site-packages (nothing from micrograd_like to lean on)."""
    return subprocess.run([sys.executable, "-I", "-S", str(path)], capture_output=True, text=True, check=True)


def check_graph(names: tuple[str, str, str, str, str]) -> str:
    root, leaves = graph(names)
    f = compile_graph(root)
    assert_nothing_ran()
    compile(f.source, "<fuzzed>", "exec")  # the text alone compiles, and encodes
    f.source.encode("utf-8")
    assert free_names(f.source, "forward_backward") <= PYTHON_GLOBALS
    twin, twin_leaves = graph(names)
    twin.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback to the engine either
        value, grads = f.function()
        assert f() == twin.data == value
    assert [leaf.grad for leaf in leaves] == [leaf.grad for leaf in twin_leaves]
    assert list(grads) == [leaf.grad for leaf in f.wrt]  # in the code's argument order
    assert_nothing_ran()
    return f.source


def check_batch(names: tuple[str, str, str, str, str]) -> None:
    rows = [(2.0, 1.0), (-1.0, 0.0), (0.5, 3.0)]

    def sample(
        x: float, y: float, w: Value | None = None, b: Value | None = None
    ) -> tuple[Value, list[Value]]:
        root, (xv, wv, bv) = graph(names, x, w, b)
        yv = Value(y, names[2] + names[0])
        loss = (root - yv) ** 2
        loss.label = names[4]
        return loss, [xv, yv, wv, bv]

    loss, (x, y, w, b) = sample(0.0, 0.0)
    batch = compile_batch(loss, rows=[x, y])
    assert_nothing_ran()
    compile(batch.source, "<fuzzed>", "exec")
    assert free_names(batch.source, "forward_backward_batch") <= PYTHON_GLOBALS
    # the engine: the whole set's graph on shared weights, its mean, backward
    twin_w, twin_b = Value(w.data, kind="parameter"), Value(b.data)
    j = cost([sample(*row, twin_w, twin_b)[0] for row in rows])
    j.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert batch(rows) == j.data
    assert (w.grad, b.grad) == (twin_w.grad, twin_b.grad)
    assert_nothing_ran()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(labels, labels, labels, labels, labels))
@example(tuple(PAYLOADS[:5]))
@example(tuple(PAYLOADS[5:10]))
@example(tuple(PAYLOADS[10:15]))
@example((PAYLOADS[15], *CRASHERS[:4]))
@example(tuple(CRASHERS[4:9]))
@example(tuple(CRASHERS[9:14]))
@example(tuple(CRASHERS[14:19]))
@example(tuple(CRASHERS[19:24]))
@example((*CRASHERS[24:], "x", "x", "x"))
def test_any_label_compiles_to_inert_code_with_the_engines_numbers(names: tuple[str, ...]) -> None:
    check_graph(names)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(labels, labels, labels, labels, labels))
@example(tuple(PAYLOADS[:5]))
@example(tuple(PAYLOADS[5:10]))
@example(tuple(PAYLOADS[10:15]))
@example(tuple(CRASHERS[4:9]))
@example(tuple(CRASHERS[9:14]))
def test_any_label_compiles_to_inert_batched_code_with_the_engines_numbers(names: tuple[str, ...]) -> None:
    check_batch(names)  # type: ignore[arg-type]


def test_every_payload_is_inert_in_every_place_one_at_a_time() -> None:
    for label in PAYLOADS + CRASHERS:
        for place in range(5):
            names = ["x", "w", "b", "s", "L"]
            names[place] = label
            check_graph(tuple(names))  # type: ignore[arg-type]
            check_batch(tuple(names))  # type: ignore[arg-type]


def test_the_source_run_as_a_script_runs_nothing(tmp_path: Path) -> None:
    cases = [PAYLOADS[0:5], PAYLOADS[5:10], PAYLOADS[10:15], [PAYLOADS[15], *CRASHERS[4:8]], CRASHERS[8:13]]
    for i, names in enumerate(cases):
        root, _ = graph(tuple(names))  # type: ignore[arg-type]
        f = compile_graph(root)
        path = tmp_path / f"compiled_{i}.py"
        path.write_text(f.source, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-I", "-S", str(path)], capture_output=True, text=True, check=True
        )
        assert_nothing_ran()
        first = done.stdout.splitlines()[0]
        assert first.startswith(inert(names[4]) + " = ")  # the root's name, escaped as in the comments
        assert float(first.rsplit(" ", 1)[1]) == f()


# --- the escaping itself ---------------------------------------------------------------------------


@given(st.text(st.characters(codec=None, exclude_categories=())))
def test_a_comment_is_one_printable_line(text: str) -> None:
    line = comment(text)
    assert line.startswith("# ") and line.isprintable()
    assert len(line.splitlines()) == 1
    line.encode("utf-8")
    assert ast.parse(f"x = 1  {line}\n").body[0].end_lineno == 1  # one comment: nothing after it


def test_printable_text_is_kept_as_written() -> None:
    assert inert("w[2]12·z[1]2 C:\\New ŷ") == "w[2]12·z[1]2 C:\\New ŷ"
    assert inert("a\nb\r\x00\u2028\ud800") == "a\\nb\\r\\x00\\u2028\\ud800"


# --- names the generated code reads ----------------------------------------------------------------


def named(label: str, p: float = 0.5, q: float = 0.25) -> tuple[Value, list[Value]]:
    """tanh(p·1)+tanh(q·1), every node labelled `label`: it reaches `sum` (the finiteness check adds
    several values) and, when p and q are ~1e308, `raise ArithmeticError`."""
    pv, qv = Value(p, label), Value(q, label)
    a, b = pv * 1.0, qv * 1.0
    a.label = b.label = label
    ta, tb = a.tanh(), b.tanh()
    ta.label = tb.label = label
    root = ta + tb
    root.label = label
    return root, [pv, qv]


@pytest.mark.parametrize("label", CODE_WORDS)
def test_a_label_named_like_what_the_code_calls_changes_nothing(label: str) -> None:
    root, leaves = named(label)
    f = compile_graph(root)
    assert free_names(f.source, "forward_backward") <= PYTHON_GLOBALS
    twin, twin_leaves = named(label)
    twin.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fallback to the engine would warn: an error here
        value, grads = f.function()
        assert f() == value == twin.data
    assert [leaf.grad for leaf in leaves] == [leaf.grad for leaf in twin_leaves]
    assert list(grads) == [leaf.grad for leaf in f.wrt]
    batch = compile_batch(root, rows=[leaves[0]])
    assert free_names(batch.source, "forward_backward_batch") <= PYTHON_GLOBALS
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert batch([(0.5,)]) == value
    # the code's own error path: tanh's inputs sum to inf, the check raises ArithmeticError itself
    with pytest.raises(ArithmeticError, match="inf or nan"):
        f.function(1e308, 1e308)


def test_labels_named_like_the_codes_globals_run_as_a_script(tmp_path: Path) -> None:
    for label in ["sum", "math", "ArithmeticError", "print", "zip", "value", "__name__"]:
        root, _ = named(label)
        f = compile_graph(root)
        path = tmp_path / "compiled.py"
        path.write_text(f.source, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-I", "-S", str(path)], capture_output=True, text=True, check=True
        )
        assert float(done.stdout.splitlines()[0].rsplit(" ", 1)[1]) == f()


def test_a_label_is_never_an_identifier_the_code_reads() -> None:
    from micrograd_like.core.names import graph_names

    nodes = [Value(1.0, name) for name in CODE_WORDS]
    code = graph_names(nodes).code
    assert not set(code.values()) & (PYTHON_GLOBALS | set(keyword.kwlist))
    assert all(name.isidentifier() and name.isascii() and not name.startswith("_") for name in code.values())


def test_make_sure_payloads_would_run_if_they_were_code() -> None:
    # the oracle works: the payload, executed, does create the canary
    exec(RUN)
    assert CANARY.exists()
    CANARY.unlink()
