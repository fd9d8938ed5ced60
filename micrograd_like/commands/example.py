"""`micrograd-like example`: step through the post's worked example, every number exact.

Prints the walkthrough in the post's order (gradient-descent rule, forward pass, loss, the chain
rule down to one weight, its update, every gradient beside its finite-difference check, the loss
after the step, judged: downhill, overshot or saturated); `--json` prints the same numbers as one
JSON object, floats round-trip exact. `--step` pages through the forward pass (the post's order,
each named node's formula with its numbers), then the backward pass node by node,
`--train N` runs N steps of gradient descent, `--bias` adds the biases the post sets to zero.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..post.diagnose import judged_steps
from ..post.example import WorkedExample, build, parse_assignments
from ..post.stepper import backward_pages, forward_pages, page_through
from ..post.walkthrough import Section, summary, walkthrough, wrap
from ..util.numbers import format_number
from . import UsageError

WIDTH = 80  # printed text wraps between terms at 80 columns, so no number breaks mid-digit


def register(subparsers: Any) -> None:
    """Add the `example` subcommand to the `micrograd-like` parser."""
    parser = subparsers.add_parser(
        "example",
        help="step through the post's worked example (forward, loss, chain rule, update)",
        description="Step through the post's two-layer tanh network: forward pass, loss, the chain "
        "rule down to one weight, and one gradient-descent step, with every number exact.",
    )
    parser.add_argument(
        "--step",
        action="store_true",
        help="page through the forward pass, then the backward pass, node by node (Enter/n next, b back, "
        "q quit); in a terminal",
    )
    parser.add_argument(
        "--train",
        type=int,
        metavar="N",
        help="run N steps of gradient descent, printing L and ŷ after each, with warnings on overshoot "
        "and saturation (try --train 20 --set y=0.5 --set lr=5)",
    )
    parser.add_argument(
        "--param",
        default="w[2]12",
        metavar="NAME",
        help="the weight (or bias) whose chain rule to spell out (default w[2]12)",
    )
    parser.add_argument(
        "--bias",
        action="store_true",
        help="give the network the biases the post sets to 0: b[1]1, b[1]2, b[2]1 (0 unless --set)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override x1, x2, y, lr, a weight or (with --bias) a bias, e.g. --set w[2]12=0.5 (repeatable)",
    )
    parser.add_argument(
        "--digits",
        type=int,
        metavar="N",
        help="round printed numbers to N significant digits (default: exact repr)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the numbers as one JSON object (exact floats)"
    )
    parser.add_argument(
        "--code",
        action="store_true",
        help="print the example compiled to Python: the forward pass and the chain rule as code that runs",
    )
    parser.set_defaults(run=run)


def _example(args: argparse.Namespace) -> WorkedExample:
    """The worked example the arguments describe; bad arguments raise UsageError."""
    if args.digits is not None and not 1 <= args.digits <= 17:
        raise UsageError(f"--digits must be between 1 and 17, got {args.digits}")
    if args.train is not None and args.train < 1:
        raise UsageError(f"--train needs a number of steps >= 1, got {args.train}")
    if args.train is not None and args.step:
        raise UsageError("--step pages through one backward pass; it cannot be combined with --train")
    try:
        ex = build(parse_assignments(args.set, bias=args.bias), bias=args.bias)
    except ValueError as error:
        raise UsageError(f"--set: {error}") from None
    if args.param not in ex.parameter_names:
        kind = "parameters" if args.bias else "weights"
        raise UsageError(
            f"--param: unknown weight {args.param!r}; valid {kind}: {', '.join(ex.parameter_names)}"
        )
    return ex


def run(args: argparse.Namespace) -> int:
    """Print the walkthrough (or its JSON, a training run, or its code); bad arguments raise UsageError."""
    ex = _example(args)
    if args.code:  # --set values become the function's defaults
        from ..compiler import example_source

        if args.bias:
            raise UsageError("--code writes the post's network; it cannot be combined with --bias")
        print(example_source(ex.params), end="")
        return 0
    try:
        if args.train is not None:
            return _train(ex, args.train, args.digits, args.json)
        if args.json:
            print(json.dumps(summary(ex), indent=2, ensure_ascii=False))
            return 0
        sections = walkthrough(ex, args.param, digits=args.digits)
    except ValueError as error:  # e.g. the updated weights overflow the forward pass
        raise UsageError(str(error)) from None
    if not args.step:
        _print(sections)
        return 0
    _print(sections[:1])  # the rule; then the forward pass and the backward pass by hand
    forward = forward_pages(ex.forward_steps(digits=args.digits), digits=args.digits)
    backward = backward_pages(ex.steps(), digits=args.digits, width=WIDTH)  # from zero leaf gradients
    print(f"\n== Forward pass ({len(forward)} steps), then backward pass ({len(backward)} steps) ==")
    pages = [wrap(page, WIDTH) for page in forward] + backward
    if not page_through(pages, sys.stdin, sys.stdout):
        return 0  # the reader quit
    _print(sections[3:], first=False)
    return 0


def _print(sections: list[Section], first: bool = True) -> None:
    for i, section in enumerate(sections):
        print(f"{chr(10) if i or not first else ''}{wrap(str(section), WIDTH)}")


def _train(ex: WorkedExample, steps: int, digits: int | None, as_json: bool) -> int:
    """N steps of gradient descent: L and ŷ after each, with what went wrong when something did."""

    def f(x: float) -> str:
        return format_number(x, digits)

    rows = []
    last = None
    for row in judged_steps(ex, steps):
        notes = row.report.warnings(f) if row.report else []
        rows.append((row.index, row.example.loss.data, row.example.output.data, notes))
        last = row
    assert last is not None
    if as_json:
        doc = [{"step": i, "loss": loss, "output": out, "notes": notes} for i, loss, out, notes in rows]
        print(json.dumps({"params": dict(ex.params), "steps": doc}, indent=2, ensure_ascii=False))
        return 0
    y = ex.target.data
    print(
        wrap(
            f"Gradient descent from the worked example: {steps} steps with α = {f(ex.lr)}, target "
            f"y = {f(y)}. After each step: the loss L and the prediction ŷ.",
            WIDTH,
        )
    )
    widths = (max(4, len(str(steps))), max(len(f(r[1])) for r in rows), max(len(f(r[2])) for r in rows))
    print(f"{'step':<{widths[0]}}  {'L':<{widths[1]}}  ŷ")
    for i, loss, out, notes in rows:
        print(f"{i:<{widths[0]}}  {f(loss):<{widths[1]}}  {f(out)}")
        if notes:
            print(wrap(f"{'':<{widths[0]}}  ↳ {'; '.join(notes)}", WIDTH))
    print(wrap(_train_summary(rows, last.report, f), WIDTH))
    return 0


def _train_summary(rows: list[tuple[int, float, float, list[str]]], report: Any, f: Any) -> str:
    """What the run showed, in a sentence or two."""
    overshoots = sum(1 for *_, notes in rows if any("overshot" in n or "passed" in n for n in notes))
    stuck = [i for i, *_, notes in rows if any("saturated" in n for n in notes)]
    parts = [f"After {rows[-1][0]} steps: L = {f(rows[-1][1])}, ŷ = {f(rows[-1][2])}."]
    if overshoots:
        parts.append(
            f"{overshoots} step{'s' if overshoots > 1 else ''} passed the minimum (ŷ jumped past y, or L "
            "rose): the learning rate is too big for this loss."
        )
    if stuck:
        parts.append(
            f"From step {stuck[0]} a tanh unit was saturated (|s| large, slope dz/ds near 0), so its "
            "gradients vanished and training stalled: big steps push s into tanh's flat tails."
        )
    if not overshoots and not stuck:
        parts.append("Every step went downhill.")
    return " ".join(parts)
