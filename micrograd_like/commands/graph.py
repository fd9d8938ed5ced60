"""`micrograd-like graph`: draw a computation graph (the worked example's, or your own expression).

    micrograd-like graph -o graph.svg                 # after backward; the path to w[2]12 highlighted
    micrograd-like graph -o graph.png --highlight w[1]11 --set x1=0.5
    micrograd-like graph --expr "tanh(a*b + c)" --set a=2 --set b=-3 --set c=1 -o f.svg
    micrograd-like graph --format text                # the graph as an indented tree, in the terminal
    micrograd-like graph --frames frames/             # frames/step_01.svg, step_02.svg, ...
    micrograd-like graph --network -o network.svg     # the network itself: units, weights on edges
    micrograd-like graph --model moons.json -o net.png  # a network saved by `train --save`

The format comes from the file's suffix (svg, png, pdf, dot, ...) unless `--format` names it;
`-o -` writes to stdout. SVG, PNG and DOT work everywhere; PDF needs Graphviz's `dot` program
(see docs/rendering.md). `--format text` (a tree) and `--format table` need no renderer at all.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from ..core.engine import Value
from . import UsageError

if TYPE_CHECKING:
    from ..learn.modules import MLP
    from ..show.viz import Drawing

DEFAULT_HIGHLIGHT = "w[2]12"  # the weight whose gradient the post derives step by step
TEXT_FORMATS = ("text", "table")  # a tree or a table of nodes, as plain text


def register(subparsers: Any) -> None:  # argparse's _SubParsersAction is private, hence Any
    """Add the `graph` subcommand to the `micrograd-like` parser."""
    from ..show.render import Renderer  # the renderers the library has: one list, kept there

    parser = subparsers.add_parser(
        "graph",
        help="draw a computation graph: the worked example's, or an expression (or one frame per step)",
        description="Draw a graph after backward: values, gradients and the local derivative on every "
        "edge, with every path from the root to one node highlighted. The worked example unless --expr.",
    )
    out = parser.add_mutually_exclusive_group()
    out.add_argument(
        "-o", "--output", metavar="FILE", help="write the graph here (format from the suffix; - for stdout)"
    )
    out.add_argument("--frames", metavar="DIR", help="write one numbered SVG per backward step into DIR")
    parser.add_argument(
        "--format",
        help="output format, overriding the suffix (svg, png, pdf, dot, ...; text or table: as text)",
    )
    add_graph_arguments(parser)
    parser.add_argument(
        "--highlight",
        metavar="NAME",
        default=None,
        help=f"emphasise every path from the root to this node (default {DEFAULT_HIGHLIGHT} for the "
        "worked example, none for --expr; '' for none)",
    )
    parser.add_argument(
        "--compact", action="store_true", help="draw each op inside its value's box (narrower)"
    )
    parser.add_argument("--digits", type=int, default=4, metavar="N", help="significant digits (default 4)")
    parser.add_argument(
        "--renderer",
        choices=get_args(Renderer),
        default="auto",
        help="native = Graphviz's dot program, embedded = the bundled graphviz-pure (default: auto)",
    )
    parser.add_argument("--direction", choices=("LR", "TB"), default="LR", help="layout direction")
    parser.add_argument(
        "--network",
        action="store_true",
        help="draw the network itself (units as circles, each weight on its edge) instead of its graph",
    )
    parser.add_argument(
        "--model",
        metavar="FILE",
        help="draw the network view of a model saved by `train --save`; --set x1=.. .. y=.. runs it on "
        "one sample (its s, z and dL/dw shown)",
    )
    parser.set_defaults(run=run)


def add_graph_arguments(parser: argparse.ArgumentParser) -> None:
    """--expr, --set and --bias: which graph (shared with `micrograd-like explain`)."""
    parser.add_argument(
        "--expr",
        metavar="EXPR",
        help="an expression of your own, e.g. 'tanh(a*b + c)': numbers, names, + - * / **, exp, log, "
        "tanh, sigmoid, relu; give each name a value with --set",
    )
    parser.add_argument(
        "--set",
        dest="assignments",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="a value for a name of --expr, or an override of the worked example (x1, x2, y, lr, a "
        "weight), e.g. --set w[2]12=0.5 (repeatable)",
    )
    parser.add_argument(
        "--bias",
        action="store_true",
        help="the worked example with biases b[1]1, b[1]2, b[2]1 (0 unless --set)",
    )


def build_graph(args: argparse.Namespace) -> tuple[Value, str | None]:
    """The root of the graph the arguments describe, after backward, and its default highlight."""
    from ..core.expr import parse_expression, parse_values
    from ..post import example

    if args.expr is not None:
        if args.bias:
            raise UsageError("--bias belongs to the worked example; write a bias into --expr instead")
        try:
            expression = parse_expression(args.expr, parse_values(args.assignments))
            expression.root.backward()
        except (ValueError, ArithmeticError) as error:  # ExpressionError, or bad math such as log(0)
            raise UsageError(f"--expr: {error}") from None
        return expression.root, None
    try:
        worked = example.build(example.parse_assignments(args.assignments, bias=args.bias), bias=args.bias)
    except ValueError as error:
        raise UsageError(str(error)) from None
    worked.backward()
    return worked.loss, DEFAULT_HIGHLIGHT


def run(args: argparse.Namespace) -> int:
    """Build the graph, then draw it (or its backward frames, or its text); bad input is a UsageError."""
    from ..core.order import backward_order
    from ..show.lookup import find_nodes
    from ..show.render import RenderError, render, render_bytes
    from ..show.textview import text_graph
    from ..show.viz import draw_dot, write_frames

    if args.format is not None and not args.format.strip(". "):
        raise UsageError("--format needs a format name (svg, png, pdf, dot, text, table, ...), got ''")
    fmt = (args.format or "").lower().lstrip(".")
    if args.output is None and args.frames is None and fmt not in TEXT_FORMATS:
        raise UsageError("name an output: -o/--output FILE (- for stdout), --frames DIR, or --format text")
    if not 1 <= args.digits <= 17:
        raise UsageError(f"--digits must be between 1 and 17, got {args.digits}")
    for flag, path in (("-o", args.output), ("--frames", args.frames)):
        if path == "":  # Path("") is the current folder: never what was meant
            raise UsageError(f"{flag} needs a {'file' if flag == '-o' else 'folder'} name, got ''")
    if args.output is not None and args.output != "-":
        from ..util.files import is_stdout

        if is_stdout(args.output):  # -o /dev/stdout: as -o -, with no "wrote" line in the output
            args.output = "-"
    network = network_view(args)  # --network or --model: the network view, drawn below
    if network is None:
        root, default = build_graph(args)
        highlight = default if args.highlight is None else args.highlight or None
        if highlight is not None and args.expr is not None:
            from ..core.expr import normal_name

            highlight = normal_name(highlight)  # as the expression's names are read: 𝐚 is a
        if highlight is not None:
            try:
                find_nodes(root, highlight)
            except ValueError as error:
                raise UsageError(f"--highlight: {error}") from None
    try:
        if args.frames is not None:
            if args.format not in (None, "svg"):
                raise UsageError(f"--frames writes SVG files; --format {args.format} is not supported there")
            for node in backward_order(root):  # the frames *are* a backward pass: from zero again
                if node.is_leaf:
                    node.grad = 0.0
            options = {"rankdir": args.direction, "digits": args.digits, "compact": args.compact}
            folder, made = _frames_folder(args.frames)
            try:
                paths = write_frames(root, folder, renderer=args.renderer, **options)
            except (RenderError, OSError) as error:  # all frames or none: no set that looks finished
                if made:  # still empty: the writer removed what it had written
                    with contextlib.suppress(OSError):
                        folder.rmdir()
                raise UsageError(f"--frames {args.frames}: {error}") from None
            print(f"wrote {len(paths)} frames to {args.frames}")
            return 0
        if fmt in TEXT_FORMATS:
            text = (
                str(text_graph(root, style="tree" if fmt == "text" else "table", digits=args.digits)) + "\n"
            )
            return _write(text.encode("utf-8"), args.output or "-", text=True)
        graph = (
            network
            if network is not None
            else draw_dot(
                root, rankdir=args.direction, highlight=highlight, digits=args.digits, compact=args.compact
            )
        )
        if args.output == "-":
            data = render_bytes(graph, fmt or "svg", args.renderer)
            return _write(data, "-", text=(fmt or "svg") in ("svg", "dot", "gv", "plain", "json", "xdot"))
        path = render(graph, Path(args.output), format=fmt or None, renderer=args.renderer)
    except (RenderError, OSError) as error:
        if isinstance(error, OSError) and (args.output or "-") == "-":
            raise  # stdout could not be written (closed, a reader that left): the CLI's to report
        raise UsageError(str(error)) from None
    print(f"wrote {path}")
    return 0


def network_view(args: argparse.Namespace) -> Drawing | None:
    """The network view --network or --model asks for (None without them); a UsageError for
    options that belong to the op graph, and for a model file that cannot be read."""
    from ..learn.modules import MLP, ModelFileError
    from ..post import example
    from ..show.network_view import draw_network

    if not args.network and args.model is None:
        return None
    used = [
        flag
        for flag, given in (
            ("--expr", args.expr is not None),
            ("--frames", args.frames is not None),
            ("--highlight", args.highlight is not None),
            ("--compact", args.compact),
            ("--format text/table", (args.format or "").lower().lstrip(".") in TEXT_FORMATS),
        )
        if given
    ]
    if used:
        raise UsageError(
            f"{used[0]} draws the computation graph; the network view (--network/--model) has none"
        )
    if args.model is None:
        try:
            worked = example.build(
                example.parse_assignments(args.assignments, bias=args.bias), bias=args.bias
            )
        except ValueError as error:
            raise UsageError(str(error)) from None
        worked.backward()
        return draw_network(worked.model, worked.loss, digits=args.digits, rankdir=args.direction)
    if args.bias:
        raise UsageError("--bias belongs to the worked example; a saved model has biases or not already")
    try:
        model = MLP.load(args.model)
    except FileNotFoundError as error:
        raise UsageError(f"--model: {error.strerror}") from None
    except ModelFileError as error:
        raise UsageError(f"--model: {error}") from None
    model, root = _on_sample(model, args.assignments)
    return draw_network(model, root, digits=args.digits, rankdir=args.direction)


def _on_sample(model: MLP, assignments: list[str]) -> tuple[MLP, Value | None]:
    """`model` run on the sample --set gives (x1..xn and y, all or none) and its loss, after
    backward; without --set, `model` alone."""
    from ..core.expr import parse_values
    from ..post.example import WorkedExample

    if not assignments:
        return model, None
    names = [f"x{k}" for k in range(1, model.nin + 1)] + ["y"]
    try:
        values = parse_values(assignments)
    except ValueError as error:
        raise UsageError(f"--set: {error}") from None
    unknown = [name for name in values if name not in names]
    missing = [name for name in names if name not in values]
    if unknown or missing:
        problem = f"unknown name {unknown[0]!r}" if unknown else f"no value for {', '.join(missing)}"
        raise UsageError(f"--set with --model: {problem}; give every one of {', '.join(names)}")
    try:
        worked = WorkedExample.of(model, [values[name] for name in names[:-1]], values["y"])
        worked.backward()
    except (ValueError, ArithmeticError) as error:
        raise UsageError(f"--model: {error}") from None
    return worked.model, worked.loss


def _frames_folder(name: str) -> tuple[Path, bool]:
    """The --frames folder, made if need be (before the work, to fail early), and whether it was
    made here; a UsageError in words if it cannot be."""
    directory = Path(name)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"--frames {name}: exists and is not a directory")
    made = not directory.exists()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a read-only file system, no permission, /proc, ...
        raise UsageError(f"--frames {name}: cannot create the folder: {error.strerror or error}") from None
    return directory, made


def _write(data: bytes, output: str, *, text: bool) -> int:
    """Write to stdout (`-`) or a file; a binary picture refuses to go to a terminal."""
    if output != "-":
        from ..util.files import write_bytes

        try:
            write_bytes(output, data)  # whole or not at all; a pipe or device is written into
        except OSError as error:  # the message names the file, the reason and what was left
            raise UsageError(str(error)) from None
        print(f"wrote {output}")
        return 0
    if not text and sys.stdout.isatty():
        raise UsageError("-o -: a binary picture would garble the terminal; redirect it (> graph.png)")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0
