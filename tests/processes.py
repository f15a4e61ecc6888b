"""A command-line test's processes: what the workbench it started started in turn, and ending
them all whatever the test's outcome."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Sequence
from typing import AnyStr

import psutil


def descendants(proc: subprocess.Popen[AnyStr]) -> list[psutil.Process]:
    """Every process below ``proc`` now; none once it is gone."""
    try:
        return psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def command_line(process: psutil.Process) -> str:
    """Its command line, for matching and messages ("?" once it is gone)."""
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return "?"


def end_all(
    proc: subprocess.Popen[AnyStr], family: Sequence[psutil.Process]
) -> tuple[AnyStr, AnyStr]:
    """Kill what the test saw below ``proc`` and ``proc`` itself, if still running; what it
    wrote."""
    for process in family:
        with contextlib.suppress(psutil.Error):
            process.kill()
    if proc.poll() is None:
        proc.kill()
    return proc.communicate()
