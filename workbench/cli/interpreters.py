"""``workbench interpreters``: the Pythons runs can use, and the ones the user adds or forgets."""

from __future__ import annotations

import argparse
import sys
import time

from workbench.cli.common import EXIT_OK, Subcommands, UsageError


def register(commands: Subcommands) -> None:
    listing = commands.add_parser(
        "interpreters",
        help="list the Pythons runs can use (for --python); --add or --forget one",
        description="List the Python interpreters found on this machine — on PATH, the py "
        "launcher's, pyenv's and uv's, and the ones you added — with version, "
        "implementation, whether the build is free-threaded and whether its GIL is on at "
        "start. Their names (3.13t, 3.11) go to `workbench run --python`.",
    )
    listing.add_argument("--add", metavar="PATH", help="probe PATH and remember it")
    listing.add_argument("--forget", metavar="PATH", help="stop remembering PATH")
    listing.set_defaults(handler=interpreters_command)


def interpreters_command(args: argparse.Namespace) -> int:
    from workbench.core.interpreter_search import discover, forget, format_discovery, remember
    from workbench.core.interpreters import InterpreterError

    if args.add and args.forget:
        raise UsageError("give --add or --forget, not both")
    try:
        if args.add:
            added = remember(args.add)
            print(f"Added {added.name} ({added.implementation} {added.version}): {added.path}")
            return EXIT_OK
        if args.forget:
            if not forget(args.forget):
                raise UsageError(f"{args.forget}: not among the interpreters you added")
            print(f"Forgotten: {args.forget}")
            return EXIT_OK
        started = time.perf_counter()
        found = discover()
    except InterpreterError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"the list of added interpreters cannot be written ({exc})") from None
    print(format_discovery(found))
    took = time.perf_counter() - started
    print(f"\n{len(found.interpreters)} usable, found in {took:.2f} s", file=sys.stderr)
    return EXIT_OK
