"""The `micrograd-like` command: `example`, `graph`, `explain`, `train` and `html`.

Each subcommand lives in `micrograd_like.commands.<name>` with a `register(subparsers)` function.
Bad arguments end with a one-line error on stderr and exit code 2, never a traceback; so do
argparse's own complaints (unknown flags, values that do not parse). Output that cannot be
written (a full disk, stdout closed with >&-) is a one-line error with exit code 1, as `cat` does;
a reader that leaves early (`| head -1`) ends the command silently, with cat's status 141.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from .commands import UsageError, example, explain, graph, html, train
from .util.version import VERSION as __version__

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors are one line like ours, pointing to --help instead of printing usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        """argparse drops the error of a failed write (--help into a closed pipe); let main see it."""
        if message:
            (file or sys.stderr).write(message)


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
    prog = parser.prog
    try:
        try:
            args, extra = parser.parse_known_args(argv)  # argparse itself exits 2 on bad flags
        except SystemExit:  # --help, --version or a bad flag: the text is out; make sure it was written
            sys.stdout.flush()
            raise
        prog = f"{parser.prog} {args.command}"
        if extra:
            args.command_parser.error(f"unrecognized arguments: {' '.join(extra)}")
        code = int(args.run(args) or 0)
        sys.stdout.flush()  # a full disk shows up here, where it is handled, not at exit
        return code
    except UsageError as error:
        _say(f"{prog}: error: {error}")
        _settle_stdout()
        return 2
    except BrokenPipeError:  # `micrograd-like example | head -1`: the reader left
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        _say("")
        return 130
    except OSError as error:  # the output could not be written: a full disk, a closed stdout
        _discard_stdout()
        where = f"cannot write {error.filename}" if error.filename else "cannot write the output"
        _say(f"{prog}: error: {where}: {error.strerror or error}")
        return 1


# What `cat big.txt | head -1` gives cat: the reader left, so the writer stops silently with the
# status of a process ended by SIGPIPE (128 + 13), which `set -o pipefail` scripts can see.
EXIT_BROKEN_PIPE = 128 + 13


def _no_missing_streams() -> None:
    """Started with >&- or 2>&-, Python has no sys.stdout/stderr (None): print(file=None) would then
    write the messages meant for stderr into stdout. A closed stderr becomes /dev/null (nothing left
    to tell). A closed stdout becomes /dev/null opened read-only: writing there fails with EBADF,
    just as writing to the closed descriptor would, so output that cannot go anywhere is reported
    (exit code 1), as `cat` reports it. Either way the descriptor is taken, so no file opened later
    gets number 1 or 2 and receives what a child process writes to its stdout or stderr."""
    for fd, name, mode in ((1, "stdout", os.O_RDONLY), (2, "stderr", os.O_WRONLY)):
        if getattr(sys, name) is not None:
            continue
        with contextlib.suppress(OSError):
            os.fstat(fd)
            continue  # the descriptor is open after all
        devnull = os.open(os.devnull, mode)
        if devnull != fd:
            os.dup2(devnull, fd)
            os.close(devnull)
        setattr(sys, name, open(fd, "w", encoding="utf-8", closefd=False))  # noqa: SIM115 (lives as long as the process)


def _say(line: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # stderr is gone too: nothing left to tell
        print(line, file=sys.stderr)


def _settle_stdout() -> None:
    """Flush what a failed command printed; if even that cannot be written, drop it."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        _discard_stdout()


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
