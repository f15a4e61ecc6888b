"""CPU hogs: other programs keeping every core busy, started and ended by the caller.

Each hog is a Python loop in a session of its own. That matters on Linux with autogroup
scheduling (the default on desktop distributions): the scheduler shares the CPU fairly between
*sessions* first, so hogs in the caller's session would together get one session's share —
the run's child leads a session of its own, so it would barely notice them. A hog per session
competes the way a separate program does.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator

import psutil

HOG_CODE = "while True: pass"
STARTED_CPU_S = 0.05
"""A hog counts as running once it has used this much CPU."""


@contextlib.contextmanager
def cpu_hogs(count: int, timeout_s: float = 30.0) -> Iterator[list[int]]:
    """``count`` busy loops, running (each has used CPU) when the block starts, killed and
    reaped when it ends however it ends; yields their pids."""
    hogs = [
        subprocess.Popen(
            [sys.executable, "-c", HOG_CODE],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    try:
        _wait_until_running(hogs, timeout_s)
        yield [hog.pid for hog in hogs]
    finally:
        for hog in hogs:
            with contextlib.suppress(OSError):
                hog.kill()
        for hog in hogs:
            hog.wait()


def _wait_until_running(hogs: list[subprocess.Popen[bytes]], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    waiting = list(hogs)
    while waiting:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(waiting)} CPU hog(s) did not start within {timeout_s} s")
        still = []
        for hog in waiting:
            times = psutil.Process(hog.pid).cpu_times()
            if times.user + times.system < STARTED_CPU_S:
                still.append(hog)
        waiting = still
        if waiting:
            time.sleep(0.02)  # polling the condition, not waiting for it to happen by luck
