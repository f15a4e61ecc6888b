"""Heartbeats read the core a thread runs on cheaply, getting ready to do so costs the run's
process no program of its own, and a CPU task nobody records beats from runs its loop uncut."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from types import FrameType

import pytest

from workbench.core import heartbeat
from workbench.core.heartbeat import current_core
from workbench.core.workloads.base import Job
from workbench.core.workloads.compute import cpu_sync, spin_task


@pytest.mark.skipif(sys.platform != "linux", reason="the core is read on Linux only")
def test_the_core_read_is_one_this_process_may_run_on() -> None:
    assert current_core() in os.sched_getaffinity(0)


def test_importing_the_workloads_starts_no_program() -> None:
    """``ctypes.util.find_library`` runs ``ldconfig -p``: 8-15 ms of every run's start here,
    when the run's process imports its workloads (the heartbeats find the C library)."""
    code = (
        "import sys; started = []\n"
        "sys.addaudithook(lambda event, args: event in ('subprocess.Popen', 'os.posix_spawn',"
        " 'os.exec', 'os.fork') and started.append(event))\n"
        "import workbench.core.workloads, workbench.core.child\n"
        "print(started)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _beats_called(work: Callable[[], object]) -> int:
    """How many times ``beat`` was called while ``work`` ran (a profile hook sees each call)."""
    calls: list[None] = []

    def hook(frame: FrameType, event: str, arg: object) -> None:
        if event == "call" and frame.f_code is heartbeat.beat.__code__:
            calls.append(None)

    sys.setprofile(hook)
    try:
        work()
    finally:
        sys.setprofile(None)
    return len(calls)


def test_a_cpu_task_beats_after_every_chunk_only_where_its_beats_are_recorded() -> None:
    job = Job("cpu", {"size": 12_000})
    beats = heartbeat.start_beats()
    try:
        assert _beats_called(lambda: cpu_sync(job, 0)) == 3  # 5,000 + 5,000 + 2,000
    finally:
        heartbeat.stop_beats()
    assert len(beats) == 3 * 2  # time and core each
    assert _beats_called(lambda: cpu_sync(job, 0)) == 0  # nobody listens: the loop runs uncut


def test_the_uncut_spin_does_the_same_work() -> None:
    beats = heartbeat.start_beats()
    try:
        recorded = spin_task(12_345)
    finally:
        heartbeat.stop_beats()
    assert beats
    assert spin_task(12_345) == recorded == _spun(12_345)
    assert spin_task(0) == 0


def _spun(iterations: int) -> int:
    """The cpu workload's loop written out once more, uncut: the state it ends in."""
    x = y = 0
    for _ in range(iterations):
        x = (x * 3 + 1) % 83
        y = (y + x) % 101
    return x * 101 + y
