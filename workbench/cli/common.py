"""What every command shares: exit codes, one-line usage errors, output-path checks, and
stopping cleanly on Ctrl-C / SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOT_WRITTEN, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
"""``EXIT_NOT_WRITTEN``: the run finished but an output file could not be written (the
results were kept elsewhere, and a line said where)."""

STDOUT = "-"
"""An output path that means standard output."""


class UsageError(Exception):
    """Bad input: printed as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but a mistake is a :class:`UsageError` (one line, exit 2), not a usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


Subcommands = argparse._SubParsersAction  # what ``register(commands)`` receives


def parse_params(pairs: Sequence[str]) -> dict[str, str]:
    """``["size=3", "delay=0.2"]`` → ``{"size": "3", "delay": "0.2"}`` (values checked later)."""
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param takes KEY=VALUE, got {pair!r}")
        params[key.strip()] = value.strip()
    return params


def check_writable(path: Path | None, flag: str, *, stdout_ok: bool = False) -> None:
    """Refuse, before any work, an output path that could not be written afterwards, or whose
    writing would destroy something other than a file: a directory, a device (``/dev/null``),
    a pipe. A symlink is judged by what it points to (it is written through). The check really
    writes (a file created and removed beside the target): ``os.access`` says yes to root on a
    read-only file system, and nothing about a name too long. ``-`` is standard output where
    ``stdout_ok``."""
    from workbench.core.atomic import real_target

    if path is None:
        return
    if str(path) == STDOUT:
        if stdout_ok:
            return
        raise UsageError(f"{flag} {STDOUT}: standard output is not offered here; give a file")
    try:
        _check_target(real_target(path), flag, path)
    except OSError as exc:  # a name too long, a folder we may not look into …
        raise UsageError(f"{flag} {path}: cannot write there ({exc.strerror or exc})") from None


def _check_target(target: Path, flag: str, path: Path) -> None:
    from workbench.core.atomic import try_writing_beside

    if target.is_dir():
        raise UsageError(f"{flag} {path}: is a directory, expected a file path")
    if target.exists() and not target.is_file():
        raise UsageError(f"{flag} {path}: not a regular file (a device, pipe or socket)")
    if target.exists() and not os.access(target, os.W_OK):  # replacing it would be allowed
        raise UsageError(f"{flag} {path}: the file is read-only")
    parent = target.parent if str(target.parent) else Path()
    if not parent.is_dir():
        raise UsageError(f"{flag} {path}: folder {parent} does not exist")
    try_writing_beside(target)


def install_stop_handlers(loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> None:
    """Ctrl-C and SIGTERM ask the running experiment to stop (it then cleans up and returns)."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(sig, stop)
