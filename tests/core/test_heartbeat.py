"""Heartbeats read the core a thread runs on cheaply, and getting ready to do so costs the run's
process no program of its own."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from workbench.core.heartbeat import current_core


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
