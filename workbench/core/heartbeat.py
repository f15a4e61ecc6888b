"""Heartbeats: how a sync workload says "I am running now", cheaply, from any thread.

A task run by a recorder gets a list for its heartbeats in a thread-local (unless its running
slices are read from outside, from its thread's states: :attr:`Recorder.beats`); CPU-bound
workloads call :func:`beat` about every quarter millisecond of work. Each beat is the time
and, where the OS says so cheaply (Linux ``sched_getcpu`` via the vDSO), the core. Gaps
between beats longer than :data:`GAP_NS` are time the task did not run: waiting for the GIL,
for a core, or for IO. Outside a recorded task, :func:`beat` does nothing.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from collections.abc import Callable

from workbench.core.clock import now_ns

GAP_NS = 1_000_000
"""A pause longer than 1 ms between beats (≈4 beats' worth of work) counts as not running."""

NO_CORE = -1

_local = threading.local()


def _core_reader() -> Callable[[], int]:
    if sys.platform != "linux":
        return lambda: NO_CORE
    # The C library as the interpreter already has it loaded (``None``: dlopen of the
    # program itself), not found by name: ``ctypes.util.find_library`` runs ``ldconfig -p``
    # in a subprocess, 8-15 ms of every run process's start (and of the engine's) here.
    for library in (None, "libc.so.6"):
        try:
            # PyDLL, not CDLL: a CDLL call releases the GIL, and a thread that drops and
            # retakes the GIL every beat starves the others (they never see a forced
            # switch) — the instrument would erase the very interleaving it is there to show.
            reader = ctypes.PyDLL(library).sched_getcpu
            reader.restype = ctypes.c_int
            reader.argtypes = []
            reader()
        except (OSError, AttributeError):
            continue
        return reader
    return lambda: NO_CORE


current_core = _core_reader()


def start_beats() -> list[int]:
    """Give the calling thread a fresh beat list (flat: time, core, time, core, …)."""
    beats: list[int] = []
    _local.beats = beats
    return beats


def stop_beats() -> None:
    _local.beats = None


def beating() -> bool:
    """Whether the calling thread's heartbeats are being recorded (a recorded task, inside
    recording on): where they are not, a workload can run its loop uncut."""
    return getattr(_local, "beats", None) is not None


def beat() -> None:
    beats = getattr(_local, "beats", None)
    if beats is not None:
        beats.extend((now_ns(), current_core()))
