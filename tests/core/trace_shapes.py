"""Results shaped like each strategy's, built in code, for the Chrome trace's tests.

What the trace writer meets in a run is a shape, not a strategy's name: tasks that all overlap
on one event loop, a bounded number overlapping there, one after another on one worker, a
thread per task, or a pool's few workers each running tasks back to back. Each shape here has
what the trace must lay out right: tasks starting at the same moment, tasks ending exactly
where the next begins, running slices that begin at their task's start and end at its end
(or a little past it, where a worker's clock differs), thread states and counters.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.core.results_factory import MACHINE
from workbench.core.results import (
    Config,
    CpuSample,
    LagSample,
    Results,
    Run,
    TaskSpan,
    ThreadSampling,
)
from workbench.core.strategies import STRATEGIES
from workbench.core.threadstates.model import ALL_STATES, ThreadState, ThreadTimeline

MS = 1_000_000
WORKERS = 2
Shape = Callable[[int], list[TaskSpan]]


def _steps(start: int, end: int, past: int = 0) -> tuple[tuple[int, int], ...]:
    """Two running slices: one from the task's start, one up to its end (plus ``past``)."""
    third = (end - start) // 3
    return (start, start + third), (end - third, end + past)


RUN_PID = 100
"""The run's process; its main thread's native id is the same number."""


def _span(
    task: int, start: int, end: int, worker: str, thread: int = RUN_PID, *, past: int = 0
) -> TaskSpan:
    """A task on the run's process's thread ``thread``; a ``process-`` worker is a process of
    its own (its main thread)."""
    pid = thread if worker.startswith("process-") else RUN_PID
    return TaskSpan(
        task, start, end, worker, running=_steps(start, end, past), pid=pid, native_id=thread
    )


def all_on_one_loop(tasks: int) -> list[TaskSpan]:
    """Every coroutine started within the first millisecond, several at the same instant."""
    return [_span(t, (t // 10) * 1_000, 200 * MS + t * 1_000, "main") for t in range(tasks)]


def bounded_on_one_loop(tasks: int) -> list[TaskSpan]:
    """At most WORKERS at once; each slot's next task starts where its last one ended."""
    return [_span(t, (t // WORKERS) * MS, (t // WORKERS + 1) * MS, "main") for t in range(tasks)]


def one_after_another(tasks: int) -> list[TaskSpan]:
    return [_span(t, t * MS, (t + 1) * MS, "main") for t in range(tasks)]


def thread_per_task(tasks: int) -> list[TaskSpan]:
    return [
        _span(t, t * 10_000, 50 * MS + t * 10_000, f"thread-{t + 1}", RUN_PID + 1 + t)
        for t in range(tasks)
    ]


def pool(prefix: str) -> Shape:
    """WORKERS workers running tasks back to back; a worker's last slice runs 1 µs past its
    task's end (its clock is not the run's)."""

    def shape(tasks: int) -> list[TaskSpan]:
        return [
            _span(
                t,
                (t // WORKERS) * MS,
                (t // WORKERS + 1) * MS,
                f"{prefix}{t % WORKERS + 1}",
                RUN_PID + 1 + t % WORKERS,
                past=1_000,
            )
            for t in range(tasks)
        ]

    return shape


SHAPES: dict[str, Shape] = {
    "sequential": one_after_another,
    "async-sequential": one_after_another,
    "async-gather": all_on_one_loop,
    "async-taskgroup": all_on_one_loop,
    "async-bounded": bounded_on_one_loop,
    "async-blocking": one_after_another,
    "async-to-thread": pool("asyncio_"),
    "threads": thread_per_task,
    "thread-pool": pool("thread-"),
    "process-pool": pool("process-"),
    "mp-pool": pool("process-"),
    "dask": pool("127.0.0.1:"),
}
assert set(SHAPES) == set(STRATEGIES), "a new strategy needs its shape here"


def _threads(spans: list[TaskSpan]) -> tuple[ThreadTimeline, ...]:
    """One timeline per thread the first spans ran on: running over a span's first step, io
    to its end."""
    by_thread: dict[tuple[int, int], list[TaskSpan]] = {}
    for span in spans[:50]:
        assert span.pid is not None and span.native_id is not None
        by_thread.setdefault((span.pid, span.native_id), []).append(span)
    timelines = []
    for (pid, native_id), own in by_thread.items():
        intervals: list[tuple[int, int, ThreadState]] = []
        for span in own:  # a thread's states never overlap: a loop's first task gives them
            (a, b), _ = span.running
            if not intervals or a >= intervals[-1][1]:
                intervals += [(a, b, ThreadState.RUNNING), (b, span.end_ns, ThreadState.IO)]
        timelines.append(ThreadTimeline(pid, native_id, "python", tuple(intervals)))
    return tuple(timelines)


def shaped_run(strategy: str, tasks: int, repeat_index: int = 0) -> Run:
    spans = SHAPES[strategy](tasks)
    wall = max(span.end_ns for span in spans) + MS
    samples = tuple(CpuSample(t, (80.0, 20.0)) for t in range(wall // 10, wall + 1, wall // 10))
    lag = tuple(LagSample(t, MS) for t in range(0, wall, wall // 5))
    return Run(
        strategy=strategy,
        repeat_index=repeat_index,
        ok=True,
        error=None,
        wall_ns=wall,
        cpu_ns=wall // 2,
        startup_ns=0,
        tasks=tuple(spans),
        cpu_samples=samples,
        loop_lag=lag if STRATEGIES[strategy].awaits else (),
        threads=_threads(spans),
        thread_sampling=ThreadSampling("procfs", ALL_STATES),
    )


def shaped_results(strategies: tuple[str, ...], tasks: int, repeat: int = 1) -> Results:
    return Results(
        machine=MACHINE,
        config=Config(
            workload="sleep",
            params={"duration": 0.2},
            tasks=tasks,
            workers=WORKERS,
            repeat=repeat,
            strategies=strategies,
        ),
        runs=tuple(
            shaped_run(strategy, tasks, r) for r in range(repeat) for strategy in strategies
        ),
    )
