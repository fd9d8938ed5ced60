"""`micrograd-like html`: write the interactive walkthrough page (one offline HTML file).

    micrograd-like html -o page.html                               # the post's worked example
    micrograd-like html -o page.html --set w[2]12=0.5 --set lr=0.3  # with your own numbers
    micrograd-like html --expr "tanh(a*b + c)" --set a=2 --set b=-3 --set c=1 -o f.html

The page steps the backward pass node by node, recomputes every value and gradient when a leaf is
edited, explains a gradient as a sum over paths, and takes gradient-descent steps. Open it in a
browser; it needs no server and makes no network request.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, get_args

from . import UsageError


def register(subparsers: Any) -> None:
    """Add the `html` subcommand to the `micrograd-like` parser."""
    from ..show.render import Renderer  # the renderers the library has

    parser = subparsers.add_parser(
        "html",
        help="write the interactive walkthrough page (step backprop, edit, update) as one HTML file",
        description="Write one self-contained HTML page that steps the backward pass through the worked "
        "example (or --expr), recomputes everything when you edit a leaf, and takes gradient-descent steps.",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="write the page here, e.g. page.html"
    )
    parser.add_argument(
        "--expr",
        metavar="TEXT",
        help='an expression of your own instead of the worked example, e.g. "tanh(a*b + c)"',
    )
    parser.add_argument(
        "--set",
        dest="assignments",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="the worked example: override x1, x2, y, lr or a weight; --expr: give each name its value "
        "(lr sets the learning rate unless the expression uses the name lr). Repeatable.",
    )
    parser.add_argument(
        "--renderer",
        choices=get_args(Renderer),
        default="auto",
        help="native = Graphviz's dot program, embedded = the bundled graphviz-pure (default: auto)",
    )
    parser.set_defaults(run=run)


def _assignments(items: list[str]) -> dict[str, float]:
    """["a=2", "b = -3"] -> {"a": 2.0, "b": -3.0} (expr's one parser); a UsageError names a bad item."""
    from ..core.expr import ExpressionError, parse_values

    try:
        return parse_values(items)
    except ExpressionError as error:
        raise UsageError(f"--set: {error}") from None


def run(args: argparse.Namespace) -> int:
    """Build the graph, write the page; bad input is a UsageError (one line, exit 2)."""
    from ..core.expr import names_in, parse_expression
    from ..page import walkthrough_page, worked_example_page
    from ..post.example import parse_assignments
    from ..show.render import RenderError
    from ..util.files import is_stdout

    target = Path(args.output)
    if target.is_dir():
        raise UsageError(
            f"-o: {args.output!r} is a directory; name a file, e.g. {Path(args.output) / 'page.html'}"
        )
    if not target.parent.is_dir():
        raise UsageError(f"-o: cannot write {args.output!r}: folder {str(target.parent)!r} does not exist")
    try:
        if args.expr is None:
            page = worked_example_page(parse_assignments(args.assignments), renderer=args.renderer)
        else:
            values = _assignments(args.assignments)
            lr = 0.1
            if "lr" in values and "lr" not in names_in(args.expr):
                lr = values.pop("lr")
                if lr <= 0:
                    raise UsageError(f"--set lr: the learning rate must be > 0, got {lr!r}")
            expression = parse_expression(args.expr, values)
            page = walkthrough_page(
                expression.root,
                lr,
                title=f"Backpropagation, step by step: f = {args.expr.strip()}",
                intro=f"f = {args.expr.strip()} with "
                + ", ".join(f"{name} = {leaf.data!r}" for name, leaf in expression.leaves.items())
                + ". Step the backward pass from f, edit any name's value and watch everything "
                "recompute, and take gradient-descent steps on f.",
                renderer=args.renderer,
            )
        if is_stdout(target):  # -o /dev/stdout: the page is the output, and nothing else
            sys.stdout.flush()
            sys.stdout.buffer.write(page.html.encode("utf-8"))
            return 0
        path = page.save(target)
    except (ValueError, ArithmeticError, RenderError, OSError) as error:  # ExpressionError is a ValueError
        raise UsageError(str(error)) from None
    print(f"wrote {path} ({len(page) // 1024} KB; open it in a browser: {path.resolve().as_uri()})")
    return 0
