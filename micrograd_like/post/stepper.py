"""Step through the forward and the backward pass in the terminal: `micrograd-like example --step`.

`forward_pages(root)` writes one page per forward step (`story.forward_steps`, the post's order):
the node's formula over names, with the numbers in, and its value.

`backward_pages(root)` runs the backward pass (`backward_steps`, the one chain-rule loop) and
writes one page per step: "step k/n", the node, its upstream gradient, each edge's local
derivative × upstream, and every gradient known so far. `page_through(pages, ...)` shows them:

- stdin and stdout are terminals: one key at a time (Enter, n, space or → for next; b or ← for
  back; q to quit), and each prompt is erased once answered, so the scrollback holds only pages;
- stdin is a terminal but stdout is not (a log, a pipe): the same keys, one line each, and the
  prompts stay in the text;
- stdin is not a terminal, or closed: every page, no prompts, no waiting.

    >>> from micrograd_like import Value
    >>> x = Value(3.0, "x")
    >>> y = x * x
    >>> y.label = "y"
    >>> pages = backward_pages(y)
    >>> print(pages[0])
    step 1/2: y = 9.0  (mul: y = x·x)
      upstream dy/dy = 1.0 (the seed: d(root)/d(root) = 1)
      to x (first use): local d(a·b)/da = b = x = 3.0
          local × upstream = 3.0 × 1.0 = 3.0, so dy/dx is now 3.0 (1 of 2 uses)
      to x (second use): local d(a·b)/db = a = x = 3.0
          local × upstream = 3.0 × 1.0 = 3.0, so dy/dx is now 6.0
      known so far: dy/dy = 1.0, dy/dx = 6.0
"""

from __future__ import annotations

import contextlib
import copy
import os
import select
from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO

from ..core.backprop import BackwardStep, backward_steps
from ..core.engine import Value
from ..core.names import dname, expression_of
from ..core.rules import Rule
from ..core.story import ForwardStep, Tally, forward_steps, tallied
from ..util.numbers import format_number
from .walkthrough import wrap

KEYS = "Enter/n: next, b: back, q: quit"
_NEXT, _BACK, _QUIT = "next", "back", "quit"
_ORDINAL = ("first", "second")


def forward_pages(source: Value | Iterable[ForwardStep], *, digits: int | None = None) -> list[str]:
    """One page of text per forward step from a root `Value` (`story.forward_steps`), or of the
    steps given (`WorkedExample.forward_steps(digits=...)`): the node's formula over names, then
    with the numbers in, then its value (exact unless `digits` rounds it), and the values so far."""
    steps = list(forward_steps(source, digits=digits) if isinstance(source, Value) else source)
    pages = []
    known: list[str] = []
    for step in steps:
        inputs = [f"{step.names[n]} = {format_number(n.data, digits)}" for n in step.reads if n.is_leaf]
        lines = [
            f"forward step {step.index + 1}/{step.count}: {step.name} = {step.formula}",
            f"  = {step.numbers}",
            f"  = {format_number(step.value, digits)}",
        ]
        if inputs:
            lines.append("  given: " + ", ".join(inputs))
        known.append(f"{step.name} = {format_number(step.value, digits)}")
        lines.append("  computed so far: " + ", ".join(known))
        pages.append("\n".join(lines))
    return pages


def backward_pages(
    source: Value | Iterable[BackwardStep], *, digits: int | None = None, width: int | None = None
) -> list[str]:
    """One page of text per backward step from a root `Value`, or of the steps given (e.g.
    `WorkedExample.steps()`, which starts the leaves from zero, and writes `.grad` as it runs).

    From a root, the pass runs on a copy of the graph that holds the same numbers and gradients,
    so the pages show what `backward()` does there (leaves accumulate onto what they hold) while
    no `.grad` of the graph changes. Numbers are exact unless `digits` rounds them; with `width`,
    long lines wrap between terms."""
    steps = iter(backward_steps(copy.deepcopy(source)) if isinstance(source, Value) else source)
    pages = []
    for step, tally in tallied(steps):
        page = _page(step, len(tally.uses), digits, tally, width)
        pages.append(wrap(page, width) if width else page)
    return pages


def _page(step: BackwardStep, count: int, digits: int | None, tally: Tally, width: int | None) -> str:
    def f(x: float) -> str:
        return format_number(x, digits)

    names = step.names
    node, root = step.node, step.root
    top, name = names[root], names[node]
    rule = node.rule
    if rule is None:
        head = f"step {step.index + 1}/{count}: {name} = {f(node.data)}  ({node.kind}, a leaf)"
        body = [
            f"  {dname(top, name)} = {f(step.upstream)} is complete: every use of {name} has passed its "
            "part, and a leaf passes nothing on"
        ]
    else:
        shown = expression_of(node, names)
        expression = "" if shown == name else f": {name} = {shown}"
        head = f"step {step.index + 1}/{count}: {name} = {f(node.data)}  ({node.op}{expression})"
        seed = " (the seed: d(root)/d(root) = 1)" if node is root else ""
        body = [f"  upstream {dname(top, name)} = {f(step.upstream)}{seed}"]
        inputs = {x: names[p] for x, p in zip(rule.inputs, node.parents)}
        twice = len(node.parents) == 2 and node.parents[0] is node.parents[1]
        for k, edge in enumerate(step.edges):
            parent = names[edge.parent]
            which = f" ({_ORDINAL[k]} use)" if twice else ""
            body.append(f"  to {parent}{which}: local {_local(rule, k, name, inputs, f(edge.local))}")
            body.append(
                f"      local × upstream = {f(edge.local)} × {f(step.upstream)} = {f(edge.contribution)}, "
                f"so {dname(top, parent)} is now {f(edge.parent_grad)}{edge.so_far()}"
            )
    listed = [
        f"{dname(top, names[other])} = {f(grad)}{tally.so_far(other)}" for other, grad in tally.grads.items()
    ]
    body += _packed("  known so far: ", listed, width)
    return "\n".join([head, *body])


def _packed(head: str, items: list[str], width: int | None) -> list[str]:
    """`head` and the items joined by ", ", lines broken between items (never inside one)."""
    lines = [head + items[0]]
    for item in items[1:]:
        if width is not None and len(lines[-1]) + 3 + len(item) > width:  # ", " now, "," if it breaks
            lines[-1] += ","
            lines.append(" " * 6 + item)
        else:
            lines[-1] += ", " + item
    return lines


def _local(rule: Rule, k: int, out: str, inputs: dict[str, str], number: str) -> str:
    """d(out)/d(input k) as the rule writes it, then with the names, then its number:
    "d(tanh(a))/da = 1 - tanh(a)² = 1 - z[2]² = 0.906..." (each form once)."""
    left, general = rule.formulas[k].split(" = ", 1)
    named = rule.local_text(k, out=out, **inputs)
    forms = [left, general] + ([named] if named != general else [])
    with contextlib.suppress(ValueError):
        if float(named) == float(number):
            return " = ".join(forms)  # the derivative is a constant (1, -1): its number adds nothing
    return " = ".join([*forms, number])


# --- showing the pages --------------------------------------------------------------------------


def page_through(pages: Sequence[str], stdin: TextIO | None, stdout: TextIO) -> bool:
    """Show `pages` one at a time (see the module docstring for the three modes).

    Returns False if the reader quit (q, or the end of input), True once past the last page.
    """
    if stdin is None or not _isatty(stdin):
        for page in pages:
            stdout.write(page + "\n\n")
        return True
    terminal = _isatty(stdout)
    with _cbreak(stdin) if terminal else contextlib.nullcontext() as raw:
        keys = _key_presses(raw) if raw is not None else _lines(stdin)
        return _show(pages, keys, stdout, terminal)


def _show(pages: Sequence[str], keys: Iterator[str], stdout: TextIO, terminal: bool) -> bool:
    i = 0
    while i < len(pages):
        stdout.write(pages[i] + "\n")
        stdout.write(f"[{i + 1}/{len(pages)}] {KEYS} ")
        stdout.flush()
        action = next(keys, _QUIT)
        # a terminal erases the answered prompt, so the scrollback keeps only the pages
        stdout.write("\r\x1b[K" if terminal else "\n")
        if action == _QUIT:
            stdout.flush()
            return False
        if action == _BACK and i == 0:
            stdout.write("(this is the first step)\n")
        i = max(i - 1, 0) if action == _BACK else i + 1
        stdout.write("\n")
    stdout.flush()
    return True


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):  # closed or not a real stream
        return False


def _action(text: str) -> str:
    text = text.strip().lower()
    if text in ("q", "quit", "exit"):
        return _QUIT
    if text in ("b", "back", "p", "\x1b[d"):
        return _BACK
    return _NEXT  # Enter, n, space, →, anything else


def _lines(stdin: TextIO) -> Iterator[str]:
    """Plain mode: one answer per line; the end of input quits."""
    while True:
        try:
            line = stdin.readline()
        except (OSError, ValueError):  # stdin closed under us
            return
        if not line:
            return
        yield _action(line)


@contextlib.contextmanager
def _cbreak(stdin: TextIO) -> Iterator[int | None]:
    """The terminal in cbreak mode (keys arrive one at a time, unechoed) for the block; yields its
    file descriptor, or None where that is not possible (then answers are read as lines)."""
    try:
        import termios
        import tty

        fd = stdin.fileno()
        saved = termios.tcgetattr(fd)
    except (ImportError, OSError, ValueError, AttributeError):  # not POSIX, or not a real terminal
        yield None
        return
    try:
        tty.setcbreak(fd, termios.TCSANOW)  # now, keeping keys typed ahead; before the first prompt
        yield fd
    finally:
        with contextlib.suppress(termios.error):
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _key_presses(fd: int) -> Iterator[str]:
    """Terminal mode: single key presses, without Enter."""
    while True:
        key = os.read(fd, 1)
        if not key or key == b"\x04":  # end of input, Ctrl-D
            return
        if key == b"\x1b":  # an arrow key sends ESC [ C (→) or ESC [ D (←); ESC alone quits
            while len(key) < 3 and select.select([fd], [], [], 0.05)[0]:
                key += os.read(fd, 1)
            if key == b"\x1b":
                yield _QUIT
                continue
        yield _action("" if key in (b"\r", b"\n", b" ") else key.decode("utf-8", "replace"))
