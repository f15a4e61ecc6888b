"""How a scratch folder is named after the process that owns it, in the standard library only:
a Dask worker — a process of the run's, which imports nothing else — names its folders this way
too, so that the next engine to start removes them if the worker was killed first (see
:mod:`workbench.core.scratch`, which reads the names back)."""

from __future__ import annotations

import os
import tempfile

PREFIX = "workbench-scratch-"
"""Then ``{pid}-{start in ms}-{random}``: the process that owns the folder."""


def owned_folder(start_ms: int, directory: str | None = None) -> str:
    """A new folder named after this process (its pid and ``start_ms``, its start time)."""
    return tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-{start_ms}-", dir=directory)


def linux_start_ms() -> int | None:
    """This process's start time in ms since the epoch, read as psutil reads it on Linux (its
    start in clock ticks after boot, and the boot time); None elsewhere or when unreadable."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rpartition(")")[2].split()
        with open("/proc/stat", encoding="ascii") as system:
            boot = next(int(line.split()[1]) for line in system if line.startswith("btime "))
        ticks = os.sysconf("SC_CLK_TCK")
        return round((boot + int(fields[19]) / ticks) * 1000)
    except (OSError, ValueError, IndexError, StopIteration):
        return None
