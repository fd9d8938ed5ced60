"""The `micrograd-like` command: `example`, `graph`, `explain`, `train` and `html`.

Each subcommand lives in `micrograd_like.commands.<name>` with a `register(subparsers)` function.
Bad arguments end with a one-line error on stderr and exit code 2, never a traceback; so do
argparse's own complaints (unknown flags, values that do not parse). Output that cannot be
written (a full disk) is a one-line error with exit code 1.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from . import __version__
from .commands import UsageError, example, explain, graph, html, train


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors are one line like ours, pointing to --help instead of printing usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="micrograd-like",
        description="Step through backpropagation on the post's worked example, draw and explain graphs, "
        "train an MLP.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in (example, graph, explain, train, html):
        command.register(sub)
    for command_parser in sub.choices.values():  # so leftover arguments are blamed on the subcommand
        command_parser.set_defaults(command_parser=command_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _no_missing_streams()
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)  # argparse itself exits 2 on bad flags
    if extra:
        args.command_parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        code = int(args.run(args) or 0)
        sys.stdout.flush()  # a full disk shows up here, where it is handled, not at exit
        return code
    except UsageError as error:
        _say(f"micrograd-like {args.command}: error: {error}")
        return 2
    except BrokenPipeError:  # `micrograd-like example | head`: the reader left; not an error
        _discard_stdout()
        return 0
    except KeyboardInterrupt:
        _say("")
        return 130
    except OSError as error:  # the output could not be written: a full disk, a vanished terminal
        _discard_stdout()
        where = f"cannot write {error.filename}" if error.filename else "cannot write the output"
        _say(f"micrograd-like {args.command}: error: {where}: {error.strerror or error}")
        return 1


def _no_missing_streams() -> None:
    """Started with >&- or 2>&-, Python has no sys.stdout/stderr: print(file=None) would then write
    the messages meant for stderr into stdout. Send whatever has no stream to /dev/null instead."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (lives as long as the process)


def _say(line: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # stderr is gone too: nothing left to tell
        print(line, file=sys.stderr)


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the flush at exit cannot fail (and print a traceback) again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file behind stdout (e.g. captured in tests)
        pass


if __name__ == "__main__":
    sys.exit(main())
