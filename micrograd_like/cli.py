"""The `micrograd-like` command: `example`, `graph`, `explain` and `train`.

Each subcommand lives in `micrograd_like.commands.<name>` with a `register(subparsers)` function.
Bad arguments end with a one-line error on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .commands import UsageError, example, explain, graph, train


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="micrograd-like",
        description="Step through backpropagation on the post's worked example, draw and explain graphs, "
        "train an MLP.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in (example, graph, explain, train):
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse itself exits 2 on unknown flags
    try:
        return int(args.run(args) or 0)
    except UsageError as error:
        print(f"micrograd-like {args.command}: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `micrograd-like example | head`: the reader left; not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
