"""Where there is no Linux ``/proc``: running or not, from per-thread CPU times (psutil).

macOS and Windows give each thread's CPU time but not why it is not running, so a thread is
*running* for the CPU time it gained between two polls and *other* (not running, reason
unknown) for the rest; runnable, lock and io are simply absent. The OS counts thread CPU time
coarsely (clock ticks: 10-16 ms), so polls are 20 ms apart and what a poll over-counts is
carried to the next. Known limit: on macOS psutil numbers threads 1, 2, 3… instead of giving
their native ids, so their timelines cannot be matched to the tasks they ran.
"""

from __future__ import annotations

import contextlib

import psutil

from workbench.core.clock import NS_PER_S, now_ns
from workbench.core.threadstates.model import (
    Interval,
    IntervalMerger,
    ThreadCores,
    ThreadKey,
    ThreadState,
    ThreadTimeline,
)
from workbench.core.threadstates.slices import Slices


class CpuTimeBuilder:
    """Polls of one thread's cumulative CPU time → running / other intervals."""

    __slots__ = ("_carry", "_merger", "last")

    def __init__(self) -> None:
        self._merger = IntervalMerger()
        self.last: tuple[int, int] | None = None
        self._carry = 0

    def add(self, t_ns: int, cpu_ns: int) -> None:
        last = self.last
        if last is not None and t_ns <= last[0]:
            return
        self.last = (t_ns, cpu_ns)
        if last is None:
            return
        length = t_ns - last[0]
        gained = max(0, cpu_ns - last[1]) + self._carry
        ran = min(gained, length)
        self._carry = min(gained - ran, length)
        self._merger.add(last[0], t_ns - ran, ThreadState.OTHER)
        self._merger.add(t_ns - ran, t_ns, ThreadState.RUNNING)

    def close(self) -> tuple[Interval, ...]:
        return tuple(self._merger.intervals)


def timeline_from_cpu_times(polls: list[tuple[int, int]]) -> tuple[Interval, ...]:
    """(t_ns, cumulative CPU ns) polls of one thread → its running / other intervals."""
    builder = CpuTimeBuilder()
    for t_ns, cpu_ns in polls:
        builder.add(t_ns, cpu_ns)
    return builder.close()


class PsutilSource:
    """Follows a process and its descendants through psutil: any OS, running vs not."""

    name = "psutil"
    known_states = frozenset({ThreadState.RUNNING, ThreadState.OTHER})

    def __init__(self, root_pid: int) -> None:
        self._root = root_pid
        self._processes: dict[int, psutil.Process] = {}
        self._seen_pids: set[int] = set()
        self._threads: dict[ThreadKey, CpuTimeBuilder] = {}
        self._done: list[ThreadTimeline] = []

    @property
    def threads(self) -> int:
        return len(self._threads)

    @property
    def ready(self) -> int:
        """Not known from CPU times: the sampler keeps to its plain budget."""
        return 0

    def discover(self) -> None:
        """New descendants (``children(recursive=True)`` walks every process of the
        machine on some systems: hence the slower cadence)."""
        if self._root not in self._seen_pids:
            self._seen_pids.add(self._root)
            with contextlib.suppress(psutil.Error):
                self._processes[self._root] = psutil.Process(self._root)
        for process in list(self._processes.values()):
            try:
                children = process.children(recursive=True)
            except psutil.Error:
                continue
            for child in children:
                if child.pid not in self._seen_pids:
                    self._seen_pids.add(child.pid)
                    self._processes[child.pid] = child

    def sample(self) -> None:
        for pid, process in list(self._processes.items()):
            try:
                threads = process.threads()
            except psutil.NoSuchProcess:
                threads = []
                del self._processes[pid]
            except psutil.AccessDenied:
                continue
            t = now_ns()
            alive = set()
            for thread in threads:
                key = (pid, thread.id)
                alive.add(key)
                builder = self._threads.get(key)
                if builder is None:
                    builder = self._threads[key] = CpuTimeBuilder()
                cpu_s = thread.user_time + thread.system_time
                builder.add(t, round(cpu_s * NS_PER_S))
            for key in [key for key in self._threads if key[0] == pid and key not in alive]:
                self._retire(key)

    def _retire(self, key: ThreadKey) -> None:
        intervals = self._threads.pop(key).close()
        if intervals:
            self._done.append(ThreadTimeline(key[0], key[1], "", intervals))

    def running_slices(
        self, key: ThreadKey, start_ns: int, end_ns: int
    ) -> tuple[Slices, tuple[int, ...]] | None:
        """Too coarse to give a task its slices (10-16 ms ticks): None."""
        return None

    def cores(self) -> tuple[ThreadCores, ...]:
        """psutil does not say which core a thread ran on: none."""
        return ()

    def finish(self) -> tuple[ThreadTimeline, ...]:
        self.sample()
        for key in list(self._threads):
            self._retire(key)
        self._processes.clear()
        return tuple(sorted(self._done, key=lambda t: (t.start_ns or 0, t.pid, t.native_id)))
