"""`micrograd-like example`: step through the post's worked example, every number exact.

Prints the walkthrough in the post's order (gradient-descent rule, forward pass, loss, the chain
rule down to one weight, its update, all six gradients, the loss after the step); `--json` prints
the same numbers as one JSON object, floats round-trip exact.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `example` subcommand to the `micrograd-like` parser."""
    parser = subparsers.add_parser(
        "example",
        help="step through the post's worked example (forward, loss, chain rule, update)",
        description="Step through the post's two-layer tanh network: forward pass, loss, the chain "
        "rule down to one weight, and one gradient-descent step, with every number exact.",
    )
    parser.add_argument("--step", action="store_true", help="pause for Enter between steps (q quits)")
    parser.add_argument("--param", default="w[2]12", metavar="NAME", help="whose chain to spell out")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override x1, x2, y, lr or a weight (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print the numbers as one JSON object")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the walkthrough (or its JSON); bad arguments raise UsageError."""
    from . import UsageError

    raise UsageError("the worked example is not available yet")
