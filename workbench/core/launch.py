"""How the workbench starts its own helper processes, frozen or not.

In a PyInstaller bundle ``sys.executable`` is the app, not Python, so ``-m module`` cannot
work; the app's entry point instead understands ``--workbench-entry module`` and runs that
module's ``main()``. Every helper process (engine child, HTTP server) is started through here.

A run's child may also be started by another interpreter (another Python version, a
free-threaded build): the child's side imports nothing outside the standard library, so any
Python ≥ 3.11 that can import the ``workbench`` package (on its ``PYTHONPATH``) can run it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass

ENTRY_FLAG = "--workbench-entry"


@dataclass(frozen=True)
class Interpreter:
    """A Python to start a helper with, other than the one running the engine."""

    path: str
    flags: tuple[str, ...] = ()
    """Given before ``-m``: ``("-S",)`` starts it without its site-packages, for instance."""


def python_command(module: str, interpreter: Interpreter | None = None) -> list[str]:
    """The command line that runs ``module.main()`` in a fresh interpreter (this one if
    ``interpreter`` is None).

    ``-P``: ``-m`` would otherwise put the current folder first on the child's path, and a
    ``workbench`` folder there — another checkout, the user's own project of that name —
    would be imported instead of the engine's own (seen: a run from inside an older checkout
    got that checkout's child, which the engine could not read). :func:`child_environment`
    names the engine's own instead.
    """
    if interpreter is not None:
        return [interpreter.path, *interpreter.flags, "-m", module]
    if getattr(sys, "frozen", False):
        return [sys.executable, ENTRY_FLAG, module]
    return [sys.executable, "-P", "-m", module]


def child_environment() -> dict[str, str]:
    """The environment for helper processes: unbuffered, never pointed at a display, and able
    to import the very ``workbench`` package this process runs — a checkout run without
    installing goes first on ``PYTHONPATH`` (``-P`` no longer finds it as the current folder);
    an install is found where it is (site-packages on ``PYTHONPATH`` would come before the
    standard library)."""
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTHONSTARTUP", None)
    if not getattr(sys, "frozen", False):
        import workbench

        own = os.path.dirname(os.path.dirname(os.path.abspath(workbench.__file__)))
        if os.path.basename(own) not in ("site-packages", "dist-packages"):
            inherited = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p != own]
            env["PYTHONPATH"] = os.pathsep.join([own, *(p for p in inherited if p)])
    return env


PR_SET_PDEATHSIG = 1
"""prctl(2): the signal this process gets when its parent dies."""


def ask_parent_death_signal(signal_number: int) -> bool:
    """Linux: have the kernel send ``signal_number`` to this process when its parent dies,
    even by SIGKILL (when the parent *thread* that started it ends, strictly). False where
    that is not available. The caller checks ``os.getppid()`` afterwards: a parent that died
    before the request was in place sends nothing."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, signal_number, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


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
