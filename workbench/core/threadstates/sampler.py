"""The thread-state sampler: a thread in the engine's process that watches a run's threads.

It runs in the parent, not in the measured process, so the measured code carries no probe:
the kernel already knows what each thread is doing, and the sampler only asks. It follows
the run's process and every descendant (pool workers that start and exit mid-run), reads
each thread about every millisecond, and looks for new threads and processes more rarely.

Its cost is its own CPU, on a machine the measured run shares. Measured here (a busy 2-core
VM, workbench.bench.threadstates_cost): a tick costs ~25-40 µs whatever it reads (waking a
Python thread every millisecond, on caches other work has cooled) plus ~2-5 µs per thread
(one or two ``pread``s and a little Python). That CPU is taken from the measured run only
when the run wants every core — a pool with a worker per core — so the sampler keeps two
budgets, checked on its own cycles with ``time.thread_time_ns``: :data:`CPU_BUDGET` while
the run leaves a core free, :data:`SATURATED_CPU_BUDGET` while it keeps as many threads
ready as there are cores (on average over the last ~16 ticks). It meets them by
stretching the interval between ticks, from :data:`MIN_INTERVAL_S` up to
:data:`MAX_INTERVAL_S`.

Asked to (``read_cores``), it also reads the core each thread ran on, from ``stat``: only
where a stint began or ended and every eighth reading of a thread that keeps running, as a
``stat`` read costs about what the rest of a reading does.

Being a thread of the engine's process, it needs that process's GIL for its ~40 µs a tick:
while the engine's own Python is busy (a window redrawing), a tick may wait up to the GIL's
switch interval (5 ms). Its readings keep their true times, so the states stay right; only
the picture is coarser while it lasts.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from workbench.core.clock import now_ns
from workbench.core.threadstates.model import ThreadCores, ThreadKey, ThreadState, ThreadTimeline
from workbench.core.threadstates.slices import Slices

CPU_BUDGET = 0.05
"""Share of one core the sampler may use while the run leaves a core free: a few threads
are read every millisecond (~3-4 % of a core); 64 busy ones would cost ~25 % at that rate,
so they are read every ~6 ms."""

SATURATED_CPU_BUDGET = 0.01
"""Share of one core while the run keeps every core busy: a pool of two workers is read
every ~5-10 ms (on caches its workers keep cold, a tick then costs ~100 µs), so the run
loses at most ~0.5 % of a 2-core machine. Totals stay exact at any interval: the counters
are cumulative."""

MIN_INTERVAL_S = 0.001
MAX_INTERVAL_S = 0.05
LOOK_EVERY_S = 0.005
LOOKS_PER_TICKS = 3
"""New threads and child processes are looked for every 5 ms, or every third tick when
ticks are further apart: listing a directory and reading each thread's ``children`` costs
as much as reading the threads' states (~40 µs for a pool of two workers), and a thread
found late loses little: the CPU time it had spent is placed just before it was found."""

FALLBACK_INTERVAL_S = 0.02
FALLBACK_LOOK_EVERY_S = 0.1
"""psutil's per-thread CPU times move in 10-16 ms ticks; finding children can walk every
process of the machine."""

SourceName = Literal["auto", "procfs", "psutil"]


class Source(Protocol):
    """Where readings come from: ``/proc`` on Linux, psutil elsewhere."""

    name: str
    known_states: frozenset[ThreadState]

    @property
    def threads(self) -> int: ...

    @property
    def ready(self) -> int: ...

    def discover(self) -> None: ...

    def sample(self) -> None: ...

    def finish(self) -> tuple[ThreadTimeline, ...]: ...

    def running_slices(
        self, key: ThreadKey, start_ns: int, end_ns: int
    ) -> tuple[Slices, tuple[int, ...]] | None: ...

    def cores(self) -> tuple[ThreadCores, ...]: ...


@dataclass(frozen=True)
class SamplerCost:
    """What the instrument cost, for the bench and for an honest report."""

    cpu_ns: int
    """The sampler thread's own CPU time, plus the final reading in ``stop``."""
    wall_ns: int
    ticks: int
    threads_max: int

    @property
    def cpu_share(self) -> float:
        """CPU per second of sampling (a fraction of one core)."""
        return self.cpu_ns / self.wall_ns if self.wall_ns > 0 else 0.0

    @property
    def mean_interval_ns(self) -> int:
        return self.wall_ns // self.ticks if self.ticks else 0


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def procfs_available() -> bool:
    return sys.platform == "linux" and Path("/proc/self/task").is_dir()


def _reads_proc(pid: int, source: SourceName) -> bool:
    """Whether ``pid``'s threads can be read through ``/proc`` here: the scheduler's counters
    and ``stat`` (a kernel without schedstats, or a sandbox that hides them, cannot)."""
    if source == "psutil" or not procfs_available():
        return False
    try:
        for name in ("schedstat", "stat"):
            with open(f"/proc/{pid}/task/{pid}/{name}", "rb") as file:
                file.read(64)
    except OSError:
        return False
    return True


def _make_source(root_pid: int, source: SourceName, read_cores: bool) -> Source:
    if source == "procfs" or (source == "auto" and procfs_available()):
        from workbench.core.threadstates.procfs import ProcfsSource

        return ProcfsSource(root_pid, read_cores=read_cores)
    from workbench.core.threadstates.fallback import PsutilSource

    return PsutilSource(root_pid)


class ThreadStateSampler:
    """Samples every thread of ``root_pid`` and its descendants from :meth:`start` to
    :meth:`stop`, which returns one :class:`ThreadTimeline` per OS thread seen (times on
    the engine's clock, ``perf_counter_ns``; threads that exited end at their last reading).

    ``source="psutil"`` forces the portable fallback (running vs not running only) — the
    default picks ``/proc`` on Linux. ``interval_s`` is the shortest interval between ticks;
    ``cpu_budget`` the share of one core the sampler may take before it slows down, and
    ``saturated_cpu_budget`` the share while the run wants every core. ``read_cores``: also
    read the core each thread ran on (``/proc`` only), for tasks' running slices
    (:meth:`running_slices`, :meth:`cores`).
    """

    def __init__(
        self,
        root_pid: int,
        *,
        interval_s: float | None = None,
        cpu_budget: float = CPU_BUDGET,
        saturated_cpu_budget: float = SATURATED_CPU_BUDGET,
        source: SourceName = "auto",
        read_cores: bool = False,
    ) -> None:
        self._read_cores = read_cores and _reads_proc(root_pid, source)
        self._source = _make_source(root_pid, source, self._read_cores)
        fallback = self._source.name == "psutil"
        default = FALLBACK_INTERVAL_S if fallback else MIN_INTERVAL_S
        self._min_interval_ns = round((interval_s or default) * 1e9)
        self._max_interval_ns = max(self._min_interval_ns, round(MAX_INTERVAL_S * 1e9))
        self._look_every_ns = round((FALLBACK_LOOK_EVERY_S if fallback else LOOK_EVERY_S) * 1e9)
        self._budget = max(1e-3, cpu_budget)
        self._saturated_budget = max(1e-3, min(cpu_budget, saturated_cpu_budget))
        self._cores = _cores()
        self._stopping = False
        self._lock = threading.Lock()
        """Held while a tick reads, so another thread may ask for slices between ticks."""
        self._thread = threading.Thread(target=self._loop, name="thread-state-sampler", daemon=True)
        self._timelines: tuple[ThreadTimeline, ...] | None = None
        self._cpu_ns = self._wall_ns = self._ticks = self._threads_max = 0
        self._began_ns: int | None = None
        self.error: str | None = None
        """Set if sampling broke off (the timelines then end where it did)."""

    @property
    def source(self) -> str:
        return self._source.name

    @property
    def known_states(self) -> frozenset[ThreadState]:
        """The states this OS can tell; the others never appear."""
        return self._source.known_states

    def start(self) -> None:
        self._thread.start()

    def _loop(self) -> None:
        source, sleep, clock, cpu_clock = self._source, time.sleep, now_ns, time.thread_time_ns
        lock = self._lock
        cpu_began, began = cpu_clock(), clock()
        self._began_ns = began
        interval = self._min_interval_ns
        cycle_cpu = ready = 0.0
        next_look = next_tick = began
        try:
            while not self._stopping:
                cycle_began = cpu_clock()
                now = clock()
                with lock:
                    if now >= next_look:
                        source.discover()
                        next_look = now + max(self._look_every_ns, LOOKS_PER_TICKS * interval)
                    source.sample()
                self._ticks += 1
                self._threads_max = max(self._threads_max, source.threads)
                now = clock()
                next_tick = max(next_tick + interval, now)
                if next_tick > now:
                    sleep((next_tick - now) / 1e9)
                cycle = cpu_clock() - cycle_began
                cycle_cpu = cycle if cycle_cpu == 0 else cycle_cpu + (cycle - cycle_cpu) / 8
                ready += (source.ready - ready) / 16  # threads woken for a moment don't count
                saturated = ready > self._cores - 0.5  # the average only nears a constant
                budget = self._saturated_budget if saturated else self._budget
                wanted = round(cycle_cpu / budget)
                interval = min(self._max_interval_ns, max(self._min_interval_ns, wanted))
        except Exception as exc:  # an instrument must never take the engine down with it
            self.error = f"thread-state sampling stopped: {type(exc).__name__}: {exc}"
        finally:
            self._cpu_ns = cpu_clock() - cpu_began
            self._wall_ns = clock() - began

    def stop(self) -> tuple[ThreadTimeline, ...]:
        """Stop sampling, take a last reading of every thread still alive, and return the
        timelines (the same ones on a second call)."""
        if self._timelines is not None:
            return self._timelines
        self._stopping = True
        if self._thread.is_alive():
            self._thread.join()
        cpu_began = time.thread_time_ns()
        try:
            with self._lock:
                self._timelines = self._source.finish()
        except Exception as exc:
            self.error = self.error or f"thread-state sampling failed: {exc}"
            self._timelines = ()
        self._cpu_ns += time.thread_time_ns() - cpu_began
        return self._timelines

    @property
    def reads_cores(self) -> bool:
        """Whether it reads the core each thread ran on (asked to, and ``/proc`` readable):
        then it can give tasks their running slices, cores and all (see :mod:`.slices`)."""
        return self._read_cores

    def running_slices(
        self, pid: int, native_id: int, start_ns: int, end_ns: int
    ) -> tuple[Slices, tuple[int, ...]] | None:
        """While it runs: a thread's running slices over [start, end) (engine clock) as its
        readings so far tell them, and their cores; None where it cannot tell (a thread not
        seen; the psutil fallback; a stretch shorter than the interval between readings so
        far, see :func:`.slices.running_slices`). Ready time the counters have not explained
        yet — about the last scheduler tick — is not in them: the finished run's slices are
        whole."""
        began, ticks = self._began_ns, self._ticks
        if began is not None and ticks and end_ns - start_ns < (now_ns() - began) // ticks:
            return None
        with self._lock:
            return self._source.running_slices((pid, native_id), start_ns, end_ns)

    def cores(self) -> tuple[ThreadCores, ...]:
        """Each thread's core readings, engine clock (after :meth:`stop`)."""
        return self._source.cores() if self._timelines is not None else ()

    @property
    def cost(self) -> SamplerCost:
        """Complete once :meth:`stop` has returned."""
        return SamplerCost(self._cpu_ns, self._wall_ns, self._ticks, self._threads_max)
