"""The engine's cost per task, recorded and streamed: N × sleep(0) gathered, bare vs engine.

Per-task overhead = (workbench wall − bare wall) / N, over N from 1,000 to 100,000, so the
curve shows whether the cost grows linearly. Target: ≤ 5 µs per task.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from workbench.bench.reference import Case, run_bare, run_engine_sync
from workbench.bench.stats import Spread

TARGET_US_PER_TASK = 5.0
SIZES = (1_000, 3_000, 10_000, 30_000, 100_000)


def _case(tasks: int) -> Case:
    return Case(
        f"sleep0-{tasks}",
        "sleep",
        "async-gather",
        tasks,
        2,
        {"duration": 0.0},
        "sleep_gather.py",
        ("0",),
    )


def measure_overhead(
    sizes: Sequence[int] = SIZES, repeats: int = 3, progress: Callable[[str], None] = print
) -> list[dict[str, Any]]:
    curve = []
    for tasks in sizes:
        case = _case(tasks)
        per_task_us: list[float] = []
        for repeat in range(repeats):
            progress(f"overhead {repeat + 1}/{repeats}: {tasks:,} tasks")
            bare = run_bare(case.bare_command(None))
            engine = run_engine_sync(case).wall_ns / 1e9
            per_task_us.append((engine - bare) / tasks * 1e6)
        spread = Spread.of(per_task_us)
        curve.append(
            {
                "tasks": tasks,
                **spread.as_dict("us_per_task", 3),
                "target": TARGET_US_PER_TASK,
                "within_target": spread.median <= TARGET_US_PER_TASK,
            }
        )
    return curve
