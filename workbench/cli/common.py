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

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


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


def check_writable(path: Path | None, flag: str) -> None:
    """Refuse, before any work, an output path that could not be written afterwards."""
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"{flag} {path}: is a directory, expected a file path")
    parent = path.parent if str(path.parent) else Path()
    if not parent.is_dir():
        raise UsageError(f"{flag} {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{flag} {path}: not writable")


def install_stop_handlers(loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> None:
    """Ctrl-C and SIGTERM ask the running experiment to stop (it then cleans up and returns)."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(sig, stop)
