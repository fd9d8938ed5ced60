"""`micrograd-like example`: step through the post's worked example, every number exact.

Prints the walkthrough in the post's order (gradient-descent rule, forward pass, loss, the chain
rule down to one weight, its update, all six gradients, the loss after the step); `--json` prints
the same numbers as one JSON object, floats round-trip exact.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from ..example import WEIGHT_NAMES, build, parse_assignments
from ..walkthrough import summary, walkthrough
from . import UsageError


def register(subparsers: Any) -> None:
    """Add the `example` subcommand to the `micrograd-like` parser."""
    parser = subparsers.add_parser(
        "example",
        help="step through the post's worked example (forward, loss, chain rule, update)",
        description="Step through the post's two-layer tanh network: forward pass, loss, the chain "
        "rule down to one weight, and one gradient-descent step, with every number exact.",
    )
    parser.add_argument(
        "--step", action="store_true", help="pause for Enter between steps (q quits); only in a terminal"
    )
    parser.add_argument(
        "--param",
        default="w[2]12",
        metavar="NAME",
        help=f"the weight whose chain rule to spell out (default w[2]12; one of {', '.join(WEIGHT_NAMES)})",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override x1, x2, y, lr or a weight, e.g. --set w[2]12=0.5 (repeatable)",
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


def run(args: argparse.Namespace) -> int:
    """Print the walkthrough (or its JSON); bad arguments raise UsageError."""
    if args.param not in WEIGHT_NAMES:
        raise UsageError(f"--param: unknown weight {args.param!r}; valid weights: {', '.join(WEIGHT_NAMES)}")
    if args.digits is not None and not 1 <= args.digits <= 17:
        raise UsageError(f"--digits must be between 1 and 17, got {args.digits}")
    try:
        ex = build(parse_assignments(args.set))
    except ValueError as error:
        raise UsageError(f"--set: {error}") from None
    if args.code:  # --set values become the function's defaults
        from ..compiler import example_source

        print(example_source(ex.params), end="")
        return 0
    try:
        if args.json:
            print(json.dumps(summary(ex), indent=2, ensure_ascii=False))
            return 0
        sections = walkthrough(ex, args.param, digits=args.digits)
    except ValueError as error:  # e.g. the updated weights overflow the forward pass
        raise UsageError(str(error)) from None
    pause = args.step and sys.stdin.isatty()
    for i, section in enumerate(sections):
        print(f"{chr(10) if i else ''}== {section.title} ==")
        for step in section.steps:
            print(step)
            if pause and not _wait(sys.stdin, sys.stdout):
                return 0
    return 0


def _wait(stdin: TextIO, stdout: TextIO) -> bool:
    """Wait for Enter; False if the user typed q (or stdin ended)."""
    stdout.write("  [Enter: next, q: quit] ")
    stdout.flush()
    line = stdin.readline()
    return bool(line) and line.strip().lower() not in ("q", "quit")
