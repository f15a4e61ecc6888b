"""Runs with thread states, built in code (no run), for the core's and the window's tests."""

from __future__ import annotations

from dataclasses import replace

from tests.core.results_factory import make_results
from workbench.core.results import Results, Run, TaskSpan, ThreadSampling
from workbench.core.threadstates import ALL_STATES, Interval, ThreadState, ThreadTimeline

RUNNING, RUNNABLE = ThreadState.RUNNING, ThreadState.RUNNABLE
LOCK, IO, OTHER = ThreadState.LOCK, ThreadState.IO, ThreadState.OTHER
MS = 1_000_000
PROCFS = ThreadSampling("procfs", ALL_STATES, cpu_ns=12_000, interval_ns=1_000_000)


def _alternating(first: ThreadState, second: ThreadState, until_ms: int) -> tuple[Interval, ...]:
    """5 ms in ``first``, 5 ms in ``second``, … up to ``until_ms``: two threads on a GIL."""
    return tuple(
        (t * MS, (t + 5) * MS, first if (t // 5) % 2 == 0 else second)
        for t in range(0, until_ms, 5)
    )


def run_of(
    strategy: str,
    tasks: tuple[TaskSpan, ...],
    threads: tuple[ThreadTimeline, ...],
    sampling: ThreadSampling | None = PROCFS,
    wall_ms: int = 100,
) -> Run:
    wall = wall_ms * MS
    return Run(
        strategy, 0, True, None, wall, wall, 0, tasks, threads=threads, thread_sampling=sampling
    )


def results_of(run: Run, workload: str = "cpu", **machine: object) -> Results:
    base = make_results([run.strategy], [0.1], workload=workload, tasks=len(run.tasks), **machine)
    return replace(base, runs=(run,))


def gil_threads() -> Run:
    """Two threads on cpu, taking 5 ms turns on the GIL for 100 ms."""
    a = ThreadTimeline(10, 11, "python3", _alternating(RUNNING, LOCK, 100))
    b = ThreadTimeline(10, 12, "python3", _alternating(LOCK, RUNNING, 100))
    main = ThreadTimeline(10, 10, "python3", ((0, 100 * MS, LOCK),))
    tasks = (
        TaskSpan(0, 0, 100 * MS, "thread-1", pid=10, native_id=11),
        TaskSpan(1, 0, 100 * MS, "thread-2", pid=10, native_id=12),
    )
    return run_of("threads", tasks, (main, a, b))
