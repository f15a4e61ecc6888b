"""``workbench examples``: the articles' snippets shipped with the workbench, to run as they are.

Each is named ``example:NAME`` wherever code is taken (``workbench run --code``, a preset's
``code``, the window's "Your code…"); ``workbench examples NAME`` prints one, to read or to
copy and change.
"""

from __future__ import annotations

import argparse

from workbench.cli.common import EXIT_OK, Subcommands, UsageError


def register(commands: Subcommands) -> None:
    examples = commands.add_parser(
        "examples", help="list the articles' snippets to run with --code example:NAME"
    )
    examples.add_argument("name", nargs="?", help="print this example's code")
    examples.set_defaults(handler=examples_command)


def examples_command(args: argparse.Namespace) -> int:
    from workbench.core.usercode.examples import describe, list_examples
    from workbench.core.usercode.model import CodeError
    from workbench.core.usercode.spec import resolve_code

    try:
        if args.name:
            print(describe(args.name).path.read_text(encoding="utf-8"), end="")
            return EXIT_OK
        found = list_examples()
    except CodeError as exc:
        raise UsageError(str(exc)) from None
    width = max(len(f"example:{e.name}") for e in found)
    for example in found:
        code = resolve_code(f"example:{example.name}", ())
        calls = ", ".join(f"{f.call} (async)" if f.is_async else f.call for f in code.functions)
        print(f"{'example:' + example.name:<{width}}  {example.title}")
        print(f"{'':<{width}}  runs {calls}")
        if example.try_command:
            print(f"{'':<{width}}  $ {example.try_command}")
    return EXIT_OK
