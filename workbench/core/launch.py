"""How the workbench starts its own helper processes, frozen or not.

In a PyInstaller bundle ``sys.executable`` is the app, not Python, so ``-m module`` cannot
work; the app's entry point instead understands ``--workbench-entry module`` and runs that
module's ``main()``. Every helper process (engine child, HTTP server) is started through here.
"""

from __future__ import annotations

import contextlib
import os
import sys

ENTRY_FLAG = "--workbench-entry"


def python_command(module: str) -> list[str]:
    """The command line that runs ``module.main()`` in a fresh interpreter."""
    if getattr(sys, "frozen", False):
        return [sys.executable, ENTRY_FLAG, module]
    return [sys.executable, "-m", module]


def child_environment() -> dict[str, str]:
    """The environment for helper processes: unbuffered, and never pointed at a display."""
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTHONSTARTUP", None)
    return env


def raise_open_file_limit() -> None:
    """Lift the soft descriptor limit to the hard one: 1,024 sockets is too few for big runs."""
    try:
        import resource
    except ImportError:  # Windows has no such limit to lift
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 16)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
