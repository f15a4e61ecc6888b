"""Readings are built from the measured numbers (workbench.core.explain, shared with the CLI)."""

from __future__ import annotations

from dataclasses import replace

from workbench.core.config import build_config
from workbench.core.explain import explain, peak_in_flight, workers_used
from workbench.core.results import CpuSample, Machine, Results, Run, TaskSpan

MACHINE = Machine(4, 4, "test cpu", "test os", "3.11.7", "CPython", True)
MS = 1_000_000


def serial(strategy: str, tasks: int, each_ms: int, worker: str = "main", cpu: float = 1.0) -> Run:
    spans = tuple(
        TaskSpan(i, i * each_ms * MS, (i + 1) * each_ms * MS, worker) for i in range(tasks)
    )
    wall = tasks * each_ms * MS
    return Run(strategy, 0, True, None, wall, round(cpu * wall), 0, spans)


def overlapped(
    strategy: str,
    tasks: int,
    wall_ms: int,
    workers: list[str],
    cores_busy: float,
    startup_ms: int = 0,
) -> Run:
    spans = tuple(TaskSpan(i, 0, wall_ms * MS, workers[i % len(workers)]) for i in range(tasks))
    wall = wall_ms * MS
    return Run(strategy, 0, True, None, wall, round(cores_busy * wall), startup_ms * MS, spans)


def results(
    workload: str, runs: list[Run], machine: Machine = MACHINE, workers: int = 4
) -> Results:
    config = build_config(workload, [r.strategy for r in runs], len(runs[0].tasks), workers)
    return Results(machine, config, tuple(runs))


def test_peak_in_flight_and_workers_used() -> None:
    run = serial("sequential", 3, 10)
    assert peak_in_flight(run.tasks) == 1  # back-to-back tasks do not overlap
    assert workers_used(run) == 1
    both = overlapped("threads", 4, 10, ["thread-1", "thread-2"], 1.0)
    assert peak_in_flight(both.tasks) == 4 and workers_used(both) == 2


def test_threads_on_gil_bound_work_blame_the_gil_and_quote_the_numbers() -> None:
    texts = [
        r.text
        for r in explain(
            results(
                "cpu",
                [
                    serial("sequential", 4, 100),
                    overlapped(
                        "threads", 4, 410, ["thread-1", "thread-2", "thread-3", "thread-4"], 1.0
                    ),
                ],
            )
        )
    ]

    assert texts[0].startswith("sequential: the baseline, 0.40 s for 4 tasks")
    assert texts[1].startswith("threads: 0.98× on cpu — the GIL lets one thread run Python")
    assert "about 1.0 core busy" in texts[1]


def test_without_a_gil_threads_are_not_blamed_on_it() -> None:
    free = replace(MACHINE, gil_enabled=False)
    texts = [
        r.text
        for r in explain(
            results(
                "cpu",
                [
                    serial("sequential", 4, 100),
                    overlapped(
                        "threads", 4, 110, ["thread-1", "thread-2", "thread-3", "thread-4"], 3.6
                    ),
                ],
                machine=free,
            )
        )
    ]
    assert "runs without a GIL, so 4 threads computed in parallel" in texts[1]
    assert "3.64×" in texts[1] and "about 3.6 cores busy" in texts[1]


def test_waiting_tasks_overlap_on_one_thread_for_async() -> None:
    texts = [
        r.text
        for r in explain(
            results(
                "sleep",
                [
                    serial("sequential", 10, 100, cpu=0.0),
                    overlapped("async-gather", 10, 101, ["main"], 0.01),
                ],
            )
        )
    ]
    assert texts[1] == (
        "async-gather: 9.90× on sleep — the tasks mostly waited, and 10 waits overlapped on "
        "one thread; almost no CPU used."
    )


def test_a_slow_pool_start_is_called_out() -> None:
    texts = [
        r.text
        for r in explain(
            results(
                "hash",
                [
                    serial("sequential", 2, 50),
                    overlapped(
                        "process-pool", 2, 200, ["process-1", "process-2"], 0.5, startup_ms=150
                    ),
                ],
            )
        )
    ]
    assert "starting 2 processes took 0.15 s of the 0.20 s" in texts[1]
    assert "slower than sequential" in texts[1]


def test_a_failed_strategy_says_why() -> None:
    broken = Run("mp-pool", 0, False, "pool worker died", 0, 0, 0, ())
    texts = [r.text for r in explain(results("cpu", [serial("sequential", 1, 10), broken]))]
    assert texts[1] == "mp-pool: failed — pool worker died."


def test_a_busy_machine_is_mentioned() -> None:
    busy = [CpuSample(t * 100 * MS, (100.0, 100.0, 10.0, 10.0)) for t in (1, 2, 3, 4)]
    run = replace(serial("sequential", 2, 200), cpu_samples=tuple(busy))
    texts = [r.text for r in explain(results("cpu", [run]))]
    assert "other programs kept about 1.2 cores busy meanwhile" in texts[0]
    quiet = [r.text for r in explain(results("cpu", [serial("sequential", 2, 200)]))]
    assert "other programs" not in quiet[0]
    too_short = replace(run, cpu_samples=tuple(busy[:2]))  # one sample inside the run
    assert "other programs" not in explain(results("cpu", [too_short]))[0].text


def test_a_gil_bound_thread_baseline_is_not_described_as_waiting() -> None:
    from workbench.core.machine import this_machine

    config = build_config("cpu", ["threads", "process-pool"], 2, 2)
    spans = (TaskSpan(0, 0, 900, "thread-1"), TaskSpan(1, 10, 1_000, "thread-2"))
    threads = Run("threads", 0, True, None, 1_000, 1_000, 0, spans)
    (reading, *_) = explain(Results(this_machine(), config, (threads,)))
    assert "GIL let only one thread run Python" in reading.text
    assert "wait" not in reading.text
