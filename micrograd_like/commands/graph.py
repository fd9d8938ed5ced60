"""`micrograd-like graph`: draw the worked example's computation graph, or one frame per backward step.

    micrograd-like graph -o graph.svg                 # after backward; the path to w[2]12 highlighted
    micrograd-like graph -o graph.png --highlight w[1]11 --set x1=0.5
    micrograd-like graph --frames frames/             # frames/step_00.svg, step_01.svg, ...

The format comes from the file's suffix (svg, png, pdf, dot, ...) unless `--format` names it. SVG,
PNG and DOT work everywhere; PDF needs Graphviz's `dot` program (see docs/rendering.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, get_args

from . import UsageError

DEFAULT_HIGHLIGHT = "w[2]12"  # the weight whose gradient the post derives step by step


def register(subparsers: Any) -> None:  # argparse's _SubParsersAction is private, hence Any
    """Add the `graph` subcommand to the `micrograd-like` parser."""
    from .. import render

    parser = subparsers.add_parser(
        "graph",
        help="draw the worked example's computation graph (or one frame per backward step)",
        description="Draw the worked example's graph after backward: values, gradients and the local "
        "derivative on every edge, with every path from the loss to one weight highlighted.",
    )
    out = parser.add_mutually_exclusive_group(required=True)
    out.add_argument("-o", "--output", metavar="FILE", help="write the graph here (format from the suffix)")
    out.add_argument("--frames", metavar="DIR", help="write one numbered SVG per backward step into DIR")
    parser.add_argument("--format", help="output format, overriding the suffix (svg, png, pdf, dot, ...)")
    parser.add_argument(
        "--highlight",
        metavar="NAME",
        default=DEFAULT_HIGHLIGHT,
        help=f"emphasise every path from the loss to this node (default {DEFAULT_HIGHLIGHT}; '' for none)",
    )
    parser.add_argument(
        "--set",
        dest="assignments",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="override an input, target or weight of the worked example (repeatable), e.g. --set w[2]12=0.5",
    )
    parser.add_argument(
        "--renderer",
        choices=get_args(render.Renderer),
        default="auto",
        help="native = Graphviz's dot program, embedded = the bundled graphviz-pure (default: auto)",
    )
    parser.add_argument("--direction", choices=("LR", "TB"), default="LR", help="layout direction")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build the worked example, then draw it (or its backward frames); bad input is a UsageError."""
    from .. import example
    from ..render import RenderError, render
    from ..viz import draw_dot, write_frames

    for flag, path in (("-o", args.output), ("--frames", args.frames)):
        if path == "":  # Path("") is the current folder: never what was meant
            raise UsageError(f"{flag} needs a {'file' if flag == '-o' else 'folder'} name, got ''")
    try:
        overrides = example.parse_assignments(args.assignments)
        worked = example.build(overrides)
    except ValueError as error:
        raise UsageError(str(error)) from None
    highlight = args.highlight or None
    if highlight is not None and highlight not in worked.nodes:
        names = ", ".join(worked.nodes)
        raise UsageError(f"--highlight: no node named {highlight!r}; the worked example has {names}")
    try:
        if args.frames is not None:
            if args.format not in (None, "svg"):
                raise UsageError(f"--frames writes SVG files; --format {args.format} is not supported there")
            directory = _frames_folder(args.frames)
            paths = write_frames(worked.loss, directory, rankdir=args.direction, renderer=args.renderer)
            print(f"wrote {len(paths)} frames to {args.frames}")
            return 0
        worked.backward()
        graph = draw_dot(worked.loss, rankdir=args.direction, highlight=highlight)
        path = render(graph, Path(args.output), format=args.format, renderer=args.renderer)
    except RenderError as error:
        raise UsageError(str(error)) from None
    except OSError as error:  # in words, not "[Errno 30] ..."
        where = f"cannot write {error.filename}" if error.filename else "cannot write the picture"
        raise UsageError(f"{where}: {error.strerror or error}") from None
    print(f"wrote {path}")
    return 0


def _frames_folder(name: str) -> Path:
    """The --frames folder, made if need be; a UsageError in words if it cannot be."""
    directory = Path(name)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"--frames {name}: exists and is not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a read-only file system, no permission, /proc, ...
        raise UsageError(f"--frames {name}: cannot create the folder: {error.strerror or error}") from None
    return directory
