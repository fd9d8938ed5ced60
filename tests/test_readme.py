"""Every code example in README.md runs, and every CLI excerpt is the command's real output.

What the README may hold, and how each kind of block is checked:

- ```python (or a bare ``` block) with `>>>` prompts: a session, run statement by statement; each
  output must match (whitespace normalised, `...` elides). An error is shown as doctest shows it:
  the header `Traceback (most recent call last):`, an indented `...`, then its last line
  (`ValueError: log(0.0) is undefined: ...`; a class from a module, with the module's name).
  Each session ends with a blank line before its closing fence: the standard doctest reads the
  whole file, and would take the fence for expected output.
- ```python without prompts: a script, executed (in a temporary directory); it must not raise.
- ```console: `$ micrograd-like ...` lines are run (in a temporary directory, through this
  interpreter); the lines after each, up to the next `$`, are its output. A line `...` elides any
  number of lines; without one the output must match exactly.
- a block right after `<!-- output of: micrograd-like ARGS -->`: an excerpt of that command's output;
  its runs of lines (split at `...` lines) must appear in the output in order.
- anything else (```sh, ```text, a layout sketch) is not run.

The standard tools read the same README: `python -m pytest --doctest-glob=README.md README.md` and
`python -m doctest README.md` must pass too (tested below), so a reader can check it with either.

Blocks the current README gets wrong are listed in KNOWN_STALE (strict xfail): fixing the README
turns them into failures until their entry is removed, so the list can only shrink.
"""

from __future__ import annotations

import doctest
import io
import os
import re
import shlex
import subprocess
import sys
import traceback
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
FENCE = re.compile(r"^```(\S*)\s*$")
MARKER = re.compile(r"^<!--\s*output of:\s*(micrograd-like\s.*?)\s*-->\s*$")
CHECKER = doctest.OutputChecker()
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

# first line of a block -> what is wrong with it in today's README (reported to the README's owner)
KNOWN_STALE: dict[str, str] = {}


@dataclass(frozen=True)
class Block:
    language: str
    line: int  # where the block's first line is in README.md, 1-based
    text: str
    command: str | None = None  # from an "output of:" marker just above the block

    @property
    def first(self) -> str:
        return next((line for line in self.text.splitlines() if line.strip()), "")

    @property
    def kind(self) -> str:
        if self.command is not None:
            return "excerpt"
        if self.language == "console":
            return "console"
        if self.language in ("python", "pycon", "") and ">>> " in self.text:
            return "session"
        if self.language == "python":
            return "script"
        return "skip"


def blocks(text: str) -> list[Block]:
    """The fenced blocks of a Markdown text, with the command of an "output of:" marker above."""
    found: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        start, body = i + 1, []
        i += 1
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        above = next((lines[j] for j in range(start - 2, -1, -1) if lines[j].strip()), "")
        marker = MARKER.match(above)
        found.append(Block(opening[1], start + 1, "\n".join(body) + "\n", marker[1] if marker else None))
        i += 1
    return found


def matches_excerpt(expected: str, actual: str, *, whole: bool) -> str | None:
    """None if `actual` holds `expected` (its runs of lines, split at `...` lines, in order; with
    `whole`, starting and ending where `actual` does unless `...` says otherwise); else a reason."""
    want = [line.rstrip() for line in expected.rstrip("\n").splitlines()]
    got = [line.rstrip() for line in actual.rstrip("\n").splitlines()]
    runs: list[list[str]] = [[]]
    for line in want:
        if line.strip() == "...":
            runs.append([])
        else:
            runs[-1].append(line)
    open_start = not whole or not runs[0]
    open_end = not whole or not runs[-1]
    at = 0
    for k, run in enumerate(r for r in runs if r):
        for start in range(at, len(got) - len(run) + 1):
            if got[start : start + len(run)] == run:
                if k == 0 and not open_start and start != 0:
                    return f"the output does not start with {run[0]!r}"
                at = start + len(run)
                break
        else:
            close = [g for g in got if g.strip() and g.split()[:1] == run[0].split()[:1]][:3]
            return f"not in the output: {run[0]!r} (lines starting alike: {close})"
    if not open_end and at != len(got):
        return f"the output goes on after the excerpt: {got[at]!r}"
    return None


def _run_cli(command: str, cwd: Path) -> str:
    argv = shlex.split(command)
    assert argv[0] == "micrograd-like", f"only micrograd-like commands are run, got {command!r}"
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "micrograd_like.cli", *argv[1:]],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=300,
    )
    return done.stdout + done.stderr


def check_session(text: str, cwd: Path, before: tuple[str, ...] = ()) -> list[str]:
    """Run a `>>>` session; the examples whose output differs, as messages.

    The README's sessions continue one another, as a doctest file does: the sessions `before`
    this one are run first, quietly, so their imports and names are there."""
    problems = []
    namespace: dict[str, object] = {"__name__": "__readme__"}
    old = Path.cwd()
    os.chdir(cwd)
    try:
        for earlier in before:
            for example in doctest.DocTestParser().get_examples(earlier):
                try:
                    with redirect_stdout(io.StringIO()):
                        exec(compile(example.source, "<README>", "single"), namespace)
                except Exception:  # checked in its own test
                    pass
        for example in doctest.DocTestParser().get_examples(text):
            out = io.StringIO()
            try:
                with redirect_stdout(out):
                    exec(compile(example.source, "<README>", "single"), namespace)
                got = out.getvalue()
            except Exception as error:  # shown in the README as doctest shows it
                last = traceback.format_exception_only(type(error), error)[-1]
                got = out.getvalue() + "Traceback (most recent call last):\n    ...\n" + last
            if not CHECKER.check_output(example.want, got, FLAGS):
                problems.append(f">>> {example.source.strip()}\nwant: {example.want!r}\ngot:  {got!r}")
    finally:
        os.chdir(old)
    return problems


def check(block: Block, cwd: Path, before: tuple[str, ...] = ()) -> list[str]:
    if block.kind == "session":
        return check_session(block.text, cwd, before)
    if block.kind == "script":
        old = Path.cwd()
        os.chdir(cwd)
        try:
            exec(compile(block.text, f"<README line {block.line}>", "exec"), {"__name__": "__readme__"})
        finally:
            os.chdir(old)
        return []
    if block.kind == "excerpt":
        assert block.command is not None
        problem = matches_excerpt(block.text, _run_cli(block.command, cwd), whole=False)
        return [f"{block.command}: {problem}"] if problem else []
    problems = []  # console
    commands = re.split(r"^\$ ", block.text, flags=re.MULTILINE)
    assert not commands[0].strip(), "a ```console block starts with a `$ micrograd-like ...` line"
    for chunk in commands[1:]:
        command, _, expected = chunk.partition("\n")
        problem = matches_excerpt(expected, _run_cli(command, cwd), whole=True)
        if problem:
            problems.append(f"$ {command}: {problem}")
    return problems


README_BLOCKS = [b for b in blocks(README.read_text(encoding="utf-8")) if b.kind != "skip"]


def _param(block: Block) -> object:
    marks = []
    if block.first in KNOWN_STALE:
        marks.append(pytest.mark.xfail(reason=KNOWN_STALE[block.first], strict=True))
    if block.kind == "script":
        marks.append(pytest.mark.slow)  # e.g. the training example: seconds
    return pytest.param(block, marks=marks, id=f"line{block.line}-{block.kind}")


@pytest.mark.parametrize("block", [_param(b) for b in README_BLOCKS])
def test_readme_example(block: Block, tmp_path: Path) -> None:
    before = tuple(b.text for b in README_BLOCKS if b.kind == "session" and b.line < block.line)
    problems = check(block, tmp_path, before)
    assert not problems, f"README.md line {block.line} ({block.kind}):\n" + "\n\n".join(problems)


def test_the_readme_has_examples_to_check() -> None:
    kinds = {b.kind for b in README_BLOCKS}
    assert "session" in kinds, "README.md shows no Python session"
    assert set(KNOWN_STALE) <= {b.first for b in README_BLOCKS}, "a KNOWN_STALE entry names no block"


# --- the checker itself, on texts whose verdict is known ------------------------------------------------


def test_blocks_and_markers_are_found() -> None:
    text = (
        "intro\n```python\n>>> 1 + 1\n2\n```\n<!-- output of: micrograd-like example -->\n```\nL = 1\n```\n"
    )
    found = blocks(text)
    assert [(b.kind, b.line, b.command) for b in found] == [
        ("session", 3, None),
        ("excerpt", 8, "micrograd-like example"),
    ]


def test_excerpts_match_in_order_and_fail_otherwise() -> None:
    out = "a\nb\nc\nd\n"
    assert matches_excerpt("b\nc\n", out, whole=False) is None
    assert matches_excerpt("a\n...\nd\n", out, whole=True) is None
    assert matches_excerpt("a\nb\nc\nd\n", out, whole=True) is None
    assert matches_excerpt("c\nb\n", out, whole=False) is not None  # out of order
    assert matches_excerpt("b\nc\n", out, whole=True) is not None  # not the whole output
    assert matches_excerpt("a\n...\nc\n", out, whole=True) is not None  # the output goes on
    assert matches_excerpt("a\nx\n", out, whole=False) is not None


def test_sessions_compare_outputs_and_errors(tmp_path: Path) -> None:
    header = "Traceback (most recent call last):\n    ...\n"
    good = f">>> x = 2\n>>> x * 3\n6\n>>> 1 / 0\n{header}ZeroDivisionError: division by zero\n"
    assert check_session(good, tmp_path) == []
    # what the standard doctest would refuse: no traceback header, or a class without its module
    assert len(check_session(">>> 1 / 0\nZeroDivisionError: division by zero\n", tmp_path)) == 1
    raising = ">>> from micrograd_like import GradcheckError\n>>> raise GradcheckError('x')\n"
    unqualified = f"{raising}{header}GradcheckError: x\n"
    assert len(check_session(unqualified, tmp_path)) == 1
    assert (
        check_session(
            unqualified.replace("\nGradcheckError", "\nmicrograd_like.core.gradcheck.GradcheckError"),
            tmp_path,
        )
        == []
    )
    bad = ">>> 2 + 2\n5\n"
    assert len(check_session(bad, tmp_path)) == 1
    assert len(check_session(">>> int('x')\n", tmp_path)) == 1  # an error nobody wrote down


def test_console_blocks_run_the_command(tmp_path: Path) -> None:
    right = Block(
        "console",
        1,
        "$ micrograd-like explain --digits 3\n...\nbackward() stored w[2]12.grad = -0.761 (the same float)\n",
    )
    assert check(right, tmp_path) == []
    wrong = Block("console", 1, "$ micrograd-like explain --digits 3\ndL/dw[2]12 = 42\n")
    assert len(check(wrong, tmp_path)) == 1


# --- the standard tools -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tool",
    [
        ["-m", "pytest", "--doctest-glob=README.md", "-p", "no:cacheprovider", "-q"],
        ["-m", "doctest"],
    ],
    ids=["pytest --doctest-glob", "python -m doctest"],
)
def test_the_standard_doctest_passes_on_the_readme(tool: list[str], tmp_path: Path) -> None:
    # run elsewhere: the README's session writes f.svg into the current folder
    done = subprocess.run(
        [sys.executable, *tool, str(README)], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (tmp_path / "f.svg").exists()  # it ran the sessions, not nothing


def test_every_session_ends_with_a_blank_line_before_its_fence() -> None:
    # without it the standard doctest reads the closing ``` as part of the last expected output
    for block in README_BLOCKS:
        if block.kind == "session":
            assert block.text.endswith("\n\n"), (
                f"README.md line {block.line}: add a blank line before the closing ```"
            )
