"""The scratch folder a run writes into (the ``file`` workload): made and removed by the
engine, never by the run's own process.

A run's process can end in ways that skip its own clean-up — stopped with SIGKILL, ended with
``os._exit``, crashed — and a folder it made itself then stays behind (48 MB of a ``file``
run once did, and hundreds of them piled up in the temporary folder). So the engine makes the
folder before the run and removes it once the run has ended, however it ended. Only an engine
killed itself cannot; its folders carry its pid and start time in their names, and the next
engine to start removes those whose owner is gone — never a live engine's, even under a pid
that was reused.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil

from workbench.core.scratch_names import PREFIX, owned_folder

_SAME_START_MS = 1000
"""Start times this close are the same process (each reading rounds its own way)."""


@contextlib.contextmanager
def run_scratch(needed: bool = True) -> Iterator[str | None]:
    """A fresh folder for one run, removed with everything in it when the block exits (None
    when the run's workload writes no files)."""
    if not needed:
        yield None
        return
    folder = make_owned_folder()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def make_owned_folder() -> str:
    """A new folder in the temporary folder, named after this process (its pid and start
    time): removed by :func:`remove_abandoned` once this process is gone, if it could not
    remove it itself."""
    return owned_folder(_start_ms(os.getpid()))


def remove_abandoned(root: str | os.PathLike[str] | None = None) -> list[Path]:
    """Remove the scratch folders in ``root`` (default: the temporary folder) whose engine is
    no longer running; the folders removed."""
    removed = []
    for folder in Path(root or tempfile.gettempdir()).glob(f"{PREFIX}*"):
        owner = _owner(folder.name)
        if owner is None or _running(*owner) or not folder.is_dir():
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


@functools.cache
def remove_abandoned_once() -> int:
    """:func:`remove_abandoned`, once per engine process (at its first experiment); how many
    folders it removed."""
    return len(remove_abandoned())


def _started_ms(pid: int) -> int:
    """When ``pid`` started, in ms since the epoch; psutil's error when it cannot be read."""
    return round(psutil.Process(pid).create_time() * 1000)


def _start_ms(pid: int) -> int:
    try:
        return _started_ms(pid)
    except psutil.Error:
        return 0


def _owner(name: str) -> tuple[int, int] | None:
    """``(pid, start in ms)`` from a folder's name; None for a name not made here."""
    parts = name.removeprefix(PREFIX).split("-")
    if len(parts) < 3 or not (parts[0].isdigit() and parts[1].isdigit()):
        return None
    return int(parts[0]), int(parts[1])


def _running(pid: int, start_ms: int) -> bool:
    """The process that made the folder still runs (a process we may not look at is assumed
    to be it: its folder is left alone)."""
    try:
        started = _started_ms(pid)
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:
        return True
    return abs(started - start_ms) < _SAME_START_MS
