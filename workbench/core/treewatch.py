"""The run's whole process tree, watched from the engine's process: its CPU, its threads' waits
for a core, its memory — so each run can say how much other programs got in its way, and
what it cost in memory.

Why from outside: an instrument inside the run would take the very CPU it is measuring. The
engine's CPU sampler already wakes every 0.1-0.25 s; at each tick it also calls
:meth:`TreeWatcher.tick`, which reads, for the run's process and its descendants (pool
workers):

- **CPU time** (``psutil``: user + system, plus the children it has reaped, so a pool worker's
  time is not lost when it exits). The machine's busy cores minus the tree's, interval by
  interval, is what everything else kept busy meanwhile: ``other_cores``.
- **Run-queue wait** (Linux: ``/proc/<pid>/task/<tid>/schedstat``, ns on a core and ns
  waiting on the run queue, per thread; the files stay open and are re-read with ``pread``,
  ~1.3 µs each). See :func:`runqueue_share` for what the figure means.
- **Memory** (Linux: PSS, from ``smaps_rollup`` via psutil: shared pages are divided among
  the processes sharing them, so forked pool workers, which share most of their pages with
  the run's process, are not counted twice as RSS would; elsewhere RSS, the figure every OS
  gives cheaply — USS on Windows walks the whole working set).

PSS is the dear part: the kernel walks each process's page tables for it, ~0.6 ms a process
here, three quarters of a tick over a pool of two — and while a pool keeps every core busy,
that CPU is taken from the run. So each tick reads the tree's RSS (O(1) a process), and PSS
only when it may have moved: the RSS grew by :data:`PSS_AFTER_GROWTH` since the last PSS, a
process came or went, or :data:`PSS_EVERY_NS` passed (pages a worker copies on write turn
shared into private with no change in RSS). A process's PSS grows by no more than its RSS
does, so between two readings the tree's PSS exceeded the last one by less than
:data:`PSS_AFTER_GROWTH`, plus what was copied on write within the second.

Costs, measured here: a tick over a 3-process tree takes ~0.5 ms, ~2 ms when it reads PSS,
on the sampler's own thread. In the CPU pool case of the fidelity bench (four tasks on two
workers), the whole engine's CPU while the run went on fell from 2.1 % to 1.6 % of the
machine's cores when PSS stopped being read every tick (``python -m
workbench.bench.fidelity_parts --case cpu-4-process-pool-2 --arms engine`` on either side of
the change, 30 interleaved runs each); the run's wall time moved by less than the machine's
noise could show (new over old 1.002, 0.966-1.029).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import psutil

from workbench.core.results import CpuSample, Interference, MemoryPeak

MAX_THREADS = 512
"""Threads followed for run-queue waits at most: beyond this (a run of thousands of threads)
reading every thread each tick would cost the engine several ms, so the figure is given up
(None) rather than taken from a sample of threads."""
_CHILDREN_OF_ALL_THREADS = 64
"""Processes with at most this many threads have every thread's ``children`` read (a pool
can be started from any thread); bigger ones only the main thread's (thousands of reads)."""
_LINUX = sys.platform == "linux"
PSS_EVERY_NS = 1_000_000_000
"""PSS is read at least this often, whatever the RSS does."""
PSS_AFTER_GROWTH = 1 << 20
"""PSS is read again once the tree's RSS grew by this many bytes since the last reading."""


@dataclass(frozen=True)
class TreeReading:
    """The tree's cumulative counters at one instant (absolute ``perf_counter_ns``)."""

    t_ns: int
    cpu_ns: int
    """CPU time of the living tree, each process's reaped children included."""
    run_ns: int
    """Summed over the threads followed: ns on a core (Linux; 0 elsewhere)."""
    wait_ns: int
    """Summed over the threads followed: ns ready but waiting on the run queue."""
    memory_bytes: int | None


@dataclass(frozen=True)
class PssMark:
    """When the tree's PSS was last read, and what its RSS and processes were then."""

    t_ns: int
    resident: int
    pids: frozenset[int]


def pss_due(last: PssMark | None, t_ns: int, resident: int | None, pids: frozenset[int]) -> bool:
    """Whether this tick reads PSS: the first, or the tree may have grown since ``last`` (see
    the module's docstring); an RSS that could not be read gives no bound, so PSS is read."""
    return (
        last is None
        or resident is None
        or pids != last.pids
        or t_ns - last.t_ns >= PSS_EVERY_NS
        or resident - last.resident >= PSS_AFTER_GROWTH
    )


class _ThreadCounters:
    """One thread's ``schedstat``, held open (a reused tid cannot be read by mistake)."""

    __slots__ = ("fd", "run_ns", "wait_ns")

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.run_ns = self.wait_ns = 0

    def read(self) -> bool:
        try:
            fields = os.pread(self.fd, 64, 0).split()
            self.run_ns, self.wait_ns = int(fields[0]), int(fields[1])
        except (OSError, ValueError, IndexError):
            return False
        return True


class TreeWatcher:
    """Follows a process and its descendants; one :meth:`tick` per sampling interval.

    Used from the sampler's thread only; :meth:`close` once that thread has stopped.
    """

    def __init__(self, *, follow_threads: bool = _LINUX) -> None:
        self.readings: list[TreeReading] = []
        self._root: int | None = None
        self._processes: dict[int, psutil.Process] = {}
        self._cpu_ns: dict[int, int] = {}
        self._threads: dict[tuple[int, int], _ThreadCounters] = {}
        self._gone_run_ns = self._gone_wait_ns = 0
        self._follow_threads = follow_threads
        self.too_many_threads = False
        self.memory_measure = "pss" if _LINUX else "rss"
        self._last_pss: PssMark | None = None

    def follow(self, pid: int) -> None:
        """Start following ``pid`` (the run's process) from the next tick."""
        self._root = pid

    def tick(self, t_ns: int) -> None:
        if self._root is None:
            return
        pids = self._tree(self._root)
        if not pids:
            return
        # Only the living tree counts: a worker that exited and was reaped has its time in its
        # parent's children_* now, and keeping its own last reading would count it twice.
        cpu_ns = {pid: self._cpu_ns[pid] for pid in pids if pid in self._cpu_ns}
        processes: list[psutil.Process] = []
        for pid in pids:
            process = self._process(pid)
            if process is None:
                continue
            processes.append(process)
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                cpu_ns[pid] = round(
                    1e9 * (times.user + times.system + times.children_user + times.children_system)
                )
        memory = self._memory(t_ns, processes)
        self._cpu_ns = cpu_ns
        if self._follow_threads and not self.too_many_threads:
            self._read_threads(pids)
        run_ns = self._gone_run_ns + sum(c.run_ns for c in self._threads.values())
        wait_ns = self._gone_wait_ns + sum(c.wait_ns for c in self._threads.values())
        total = sum(cpu_ns.values())
        self.readings.append(TreeReading(t_ns, total, run_ns, wait_ns, memory or None))

    def _memory(self, t_ns: int, processes: list[psutil.Process]) -> int | None:
        """The tree's memory this tick, or None when it was not read (or could not be)."""
        resident = _summed(processes, _resident)
        if self.memory_measure != "pss":
            return resident
        pids = frozenset(process.pid for process in processes)
        if not pss_due(self._last_pss, t_ns, resident, pids):
            return None  # the peak is among the readings taken: see the module's docstring
        if resident is not None:
            self._last_pss = PssMark(t_ns, resident, pids)
        return _summed(processes, _proportional)

    def _process(self, pid: int) -> psutil.Process | None:
        process = self._processes.get(pid)
        if process is None:
            try:
                process = self._processes[pid] = psutil.Process(pid)
            except psutil.Error:
                return None
        return process

    def _tree(self, root: int) -> list[int]:
        """The root and every living descendant, children read from ``/proc`` on Linux."""
        if not _LINUX:
            try:
                process = self._process(root)
                if process is None:
                    return []
                return [root, *(child.pid for child in process.children(recursive=True))]
            except psutil.Error:
                return []
        found: list[int] = []
        frontier = [root]
        while frontier:
            pid = frontier.pop()
            threads = _thread_ids(pid)
            if threads is None:
                continue
            found.append(pid)
            readers = threads if len(threads) <= _CHILDREN_OF_ALL_THREADS else [pid]
            for tid in readers:
                frontier.extend(_children(pid, tid))
        return found

    def _read_threads(self, pids: Iterable[int]) -> None:
        seen: set[tuple[int, int]] = set()
        for pid in pids:
            for tid in _thread_ids(pid) or ():
                key = (pid, tid)
                counters = self._threads.get(key)
                if counters is None:
                    if len(self._threads) >= MAX_THREADS:
                        self.too_many_threads = True
                        return
                    try:
                        fd = os.open(f"/proc/{pid}/task/{tid}/schedstat", os.O_RDONLY)
                    except OSError:
                        continue
                    counters = self._threads[key] = _ThreadCounters(fd)
                if counters.read():
                    seen.add(key)
        for key in [key for key in self._threads if key not in seen]:
            gone = self._threads.pop(key)  # its last reading stays in the sums
            self._gone_run_ns += gone.run_ns
            self._gone_wait_ns += gone.wait_ns
            os.close(gone.fd)

    def close(self) -> None:
        for counters in self._threads.values():
            with contextlib.suppress(OSError):
                os.close(counters.fd)
        self._threads.clear()

    def memory_peak(self) -> MemoryPeak | None:
        peaks = [r.memory_bytes for r in self.readings if r.memory_bytes is not None]
        return MemoryPeak(max(peaks), self.memory_measure) if peaks else None

    def interference(
        self, machine: Iterable[CpuSample], t0_ns: int, wall_ns: int, cores: int
    ) -> Interference:
        """What the readings say about ``[t0, t0 + wall]``; ``machine`` on the run's axis."""
        readings = [
            TreeReading(r.t_ns - t0_ns, r.cpu_ns, r.run_ns, r.wait_ns, r.memory_bytes)
            for r in self.readings
        ]
        cpu_samples = list(machine)
        share = None
        if self._follow_threads and not self.too_many_threads:
            share = runqueue_share(readings, wall_ns, cores, cpu_samples)
        other, samples = other_cores(readings, cpu_samples, wall_ns)
        return Interference(other, share, samples)


def _resident(process: psutil.Process) -> int:
    return int(process.memory_info().rss)


def _proportional(process: psutil.Process) -> int:
    return int(process.memory_full_info().pss)


def _summed(
    processes: Iterable[psutil.Process], read: Callable[[psutil.Process], int]
) -> int | None:
    total = 0
    for process in processes:
        try:
            total += read(process)
        except psutil.AccessDenied:
            return None  # a figure missing one process would understate the tree
        except psutil.Error:
            pass  # exited meanwhile: it holds nothing any more
    return total


def _thread_ids(pid: int) -> list[int] | None:
    try:
        return [int(name) for name in os.listdir(f"/proc/{pid}/task")]
    except (OSError, ValueError):
        return None


def _children(pid: int, tid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{tid}/children", "rb") as handle:
            return [int(child) for child in handle.read().split()]
    except (OSError, ValueError):
        return []


def _inside(start: int, end: int, wall_ns: int) -> int:
    return max(0, min(end, wall_ns) - max(start, 0))


def _busy_cores(machine: Iterable[CpuSample]) -> dict[int, float]:
    """The machine's busy cores at each CPU sample's time (the sampler reads the tree in the
    same tick, so a reading's time finds its interval's sample)."""
    return {sample.t_ns: sum(sample.per_core) / 100 for sample in machine}


def other_cores(
    readings: list[TreeReading], machine: list[CpuSample], wall_ns: int
) -> tuple[float | None, int]:
    """Average cores busy outside the tree over ``[0, wall]`` (readings on the run's axis).

    For each interval between two tree readings, the machine's busy cores come from the CPU
    sample taken in the same tick (the sampler takes both together), and the tree's from its
    CPU-time delta; intervals are weighted by how much of them lies inside the run. Returns
    (figure, intervals used); None when no interval lies inside the run.
    """
    busy_at = _busy_cores(machine)
    total_ns = 0
    other_ns = 0.0
    used = 0
    for before, after in itertools.pairwise(readings):
        length = after.t_ns - before.t_ns
        weight = _inside(before.t_ns, after.t_ns, wall_ns)
        busy = busy_at.get(after.t_ns)
        if length <= 0 or weight <= 0 or busy is None:
            continue
        tree = (after.cpu_ns - before.cpu_ns) / length
        other_ns += max(0.0, busy - tree) * weight
        total_ns += weight
        used += 1
    if total_ns <= 0:
        return None, 0
    return round(other_ns / total_ns, 3), used


def runqueue_share(
    readings: list[TreeReading],
    wall_ns: int,
    cores: int,
    machine: Sequence[CpuSample] = (),
) -> float | None:
    """The share of the run's wall time lost waiting for cores that other programs held.

    Per sampling interval of length ``dt``, the tree's threads were *ready* (on a core or
    waiting on the run queue) for ``ready = Σ (Δrun + Δwait)`` thread-ns and ran ``Δrun``.
    At most ``p = min(ready / dt, cores)`` of them could have run at once: that is the pace the
    run could have kept undisturbed, and ``Δrun / dt`` the pace it kept. The interval's lost
    wall time is ``dt × (1 − achieved / p)`` — times ``p`` when ``p < 1``, a run that wanted
    less than one core, where it comes to its run-queue wait.

    - One CPU-bound thread given 69 % of a core: p = 1, achieved 0.69 → 0.31.
    - Two pool workers on two cores, each given half a core by other programs: p = 2,
      achieved 1 → 0.5: the run took twice as long as it would have alone.
    - Four hashing threads given 0.4 core in all on two cores: p = 2 → 0.8.
    - Four threads ready on two idle cores: p = 2, achieved 2 → 0: waiting for each other is
      the run's own doing.
    - A run that mostly sleeps loses its wake-ups' waits: a few thousandths.
    - Threads waiting for the GIL sleep on a lock: not ready, not counted — the GIL is the
      run's own affair.

    Where ``machine`` (the CPU samples, on the run's axis) says how busy the machine was in
    an interval, waits that its idle cores could have absorbed are not counted either: a
    thread cannot have waited for a core other programs held while a core stood idle. Such
    waits are the scheduler's hand-offs: a thread woken to take the GIL waits on the core of
    the thread that woke it until that one sleeps — four GIL-bound threads on an idle 2-core
    VM waited 15 % of their time, with 0.9 of a core idle throughout.

    Time-weighted over the intervals inside ``[0, wall]``; None when there is none.
    """
    busy_at = _busy_cores(machine)
    lost = total = 0.0
    for before, after in itertools.pairwise(readings):
        dt = after.t_ns - before.t_ns
        weight = _inside(before.t_ns, after.t_ns, wall_ns)
        if dt <= 0 or weight <= 0:
            continue
        ran = max(0, after.run_ns - before.run_ns)
        ready = ran + max(0, after.wait_ns - before.wait_ns)
        pace = min(ready / dt, float(cores))
        if pace > 0:
            busy = busy_at.get(after.t_ns)
            idle = 0.0 if busy is None else max(0.0, cores - busy)
            denied = max(0.0, pace - ran / dt - idle)  # cores' worth of waiting none could take
            lost += weight * min(1.0, pace) * denied / pace
        total += weight
    if total <= 0:
        return None
    return round(min(1.0, lost / total), 3)
