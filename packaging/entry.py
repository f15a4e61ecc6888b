"""The bundle's entry point: the one program a frozen workbench is, whatever it is asked to be.

In a PyInstaller bundle ``sys.executable`` is this app, not Python, so every process the
workbench starts is this same executable:

* multiprocessing's own helpers and spawn-started pool workers (Windows, macOS): handled by
  ``multiprocessing.freeze_support()``, which must run before anything else looks at argv;
* the engine's helper processes (the per-run child, the local HTTP server):
  ``--workbench-entry MODULE`` (see :mod:`workbench.core.launch`), allowed modules only;
* anything else is the user: the window with no arguments, or the CLI (``run``, ``list``,
  ``--self-test``).

Fork-started pool workers (Linux) never come through here: they are copies of the run's child.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
from collections.abc import Sequence

ENTRY_FLAG = "--workbench-entry"  # the same flag workbench.core.launch puts on the command line
HELPER_MODULES = frozenset({"workbench.core.child", "workbench.core.httpserver"})
START_METHOD_ENV = "WORKBENCH_MP_START_METHOD"
"""Test hook: force a multiprocessing start method (e.g. ``spawn``) in every process of the
bundle, so the Windows/macOS way of starting pool workers can be checked on a Linux build."""


def run_helper(args: Sequence[str]) -> int:
    """Run an allowed helper module's ``main()``; 2 with a plain message for anything else."""
    if len(args) != 1 or args[0] not in HELPER_MODULES:
        allowed = ", ".join(sorted(HELPER_MODULES))
        print(f"workbench: error: {ENTRY_FLAG} takes one of: {allowed}", file=sys.stderr)
        return 2
    module = importlib.import_module(args[0])
    module.main()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == [ENTRY_FLAG]:
        return run_helper(args[1:])
    from workbench.__main__ import main as workbench_main

    return workbench_main(args)


if __name__ == "__main__":
    # First of all: a spawn-started pool worker or a multiprocessing helper (resource tracker,
    # forkserver) is this executable with multiprocessing's own arguments; it runs and exits here.
    multiprocessing.freeze_support()
    if method := os.environ.get(START_METHOD_ENV):
        multiprocessing.set_start_method(method, force=True)
    sys.exit(main())
