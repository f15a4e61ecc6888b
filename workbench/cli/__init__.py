"""The command line: a thin client of the same engine the window uses.

Each command lives in a module of its own under ``workbench.cli`` and registers its parser
(see :data:`COMMANDS`); this module only assembles them and turns bad input into one line.
Bad input is reported with exit code 2, before any work starts; a run that failed makes the
exit code 1; an interrupted experiment (Ctrl-C, SIGTERM) still writes what finished and exits
with 130.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from workbench.cli import bench, compare, examples, history, info, interpreters, lab, run
from workbench.cli.common import EXIT_OK, EXIT_USAGE, Parser, UsageError

COMMANDS = (info, run, examples, interpreters, history, compare, lab, bench)
"""Modules with ``register(commands)``: each adds its subcommands and their handlers."""


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="workbench",
        description="See what sequential code, asyncio, threads and processes do with your "
        "machine. With no command, opens the window.",
    )
    parser.add_argument(
        "--self-test", action="store_true", help="check this install headlessly; exit 0 if it works"
    )
    commands = parser.add_subparsers(dest="command", parser_class=Parser)
    for module in COMMANDS:
        module.register(commands)
    return parser


def main(argv: Sequence[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.self_test:
            from workbench.selftest import run_self_test

            return run_self_test()
        handler = getattr(args, "handler", None)
        if handler is not None:
            return int(handler(args))
    except UsageError as exc:
        print(f"workbench: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    from workbench.gui.app import main as open_window  # Qt loads only when a window is asked for

    return open_window()


__all__ = ["EXIT_OK", "build_parser", "main"]
