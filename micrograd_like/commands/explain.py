"""`micrograd-like explain`: the chain rule for one gradient, spelled out as a sum over paths.

    micrograd-like explain                                    # the worked example, dL/dw[2]12
    micrograd-like explain --wrt w[1]11 --set x1=0.5
    micrograd-like explain --expr "tanh(a*b + c)" --set a=2 --set b=-3 --set c=1 --wrt a

Every number is exact unless `--digits` rounds it; the total is checked against what
`backward()` stored. Without `--wrt`, an expression is explained for each of its names in turn.
"""

from __future__ import annotations

import argparse
from typing import Any

from . import UsageError
from .graph import DEFAULT_HIGHLIGHT, add_graph_arguments, build_graph

WIDTH = 80


def register(subparsers: Any) -> None:
    """Add the `explain` subcommand to the `micrograd-like` parser."""
    parser = subparsers.add_parser(
        "explain",
        help="spell out the chain rule for one gradient (the worked example's, or your expression's)",
        description="d(root)/d(x) as the sum over every path from the root to x of the product of the "
        "local derivatives along it, with the numbers; the worked example unless --expr.",
    )
    add_graph_arguments(parser)
    parser.add_argument(
        "--wrt",
        metavar="NAME",
        help=f"the node to differentiate with respect to (default {DEFAULT_HIGHLIGHT} for the worked "
        "example, every name for --expr)",
    )
    parser.add_argument(
        "--every-node",
        action="store_true",
        help="one factor per edge, unlabelled nodes too (the worked example names only its labelled nodes)",
    )
    parser.add_argument(
        "--digits", type=int, metavar="N", help="round to N significant digits (default: exact)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the explanation(s); bad input is a UsageError."""
    from ..core.expr import names_in, normal_name
    from ..post.walkthrough import wrap
    from ..show.explain import explain
    from ..show.lookup import find_node
    from ..util.numbers import format_number

    if args.digits is not None and not 1 <= args.digits <= 17:
        raise UsageError(f"--digits must be between 1 and 17, got {args.digits}")
    root, default = build_graph(args)
    if args.wrt is not None:
        wanted = [args.wrt if args.expr is None else normal_name(args.wrt)]  # 𝐚 is the expression's a
    elif default is not None:
        wanted = [default]
    else:
        wanted = names_in(args.expr)
        if not wanted:
            raise UsageError("--expr has no names to differentiate with respect to; write one, e.g. a*2")
    skip = args.expr is None and not args.every_node  # the worked example: through its named nodes
    texts = []
    for name in wanted:
        try:
            node = find_node(root, name, what="--wrt")
            explanation = explain(root, node, skip_unlabelled=skip, digits=args.digits)
        except ValueError as error:
            raise UsageError(str(error)) from None
        same = "the same float" if explanation.total == node.grad else "equal up to rounding: another order"
        grad = format_number(node.grad, args.digits)
        check = f"backward() stored {explanation.param_name}.grad = {grad} ({same})"
        texts.append(wrap(f"{explanation}\n{check}", WIDTH))
    print("\n\n".join(texts))
    return 0
