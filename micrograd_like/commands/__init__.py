"""Subcommands of `micrograd-like`; each module offers `register(subparsers)`.

A subcommand's `run(args) -> int` raises `UsageError` for bad arguments: the CLI prints its
message on one line and exits with code 2.
"""


class UsageError(Exception):
    """A bad command-line argument: reported in one line, exit code 2."""
