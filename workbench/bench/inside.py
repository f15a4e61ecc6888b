"""What recording inside tasks costs: steps, heartbeats and the lag probe, on and off.

Off, a CPU task's loop also runs uncut (it is cut only to carry the heartbeats), so the
figure is everything the workbench does inside the tasks.

The same engine runs each case with and without inside-task recording, interleaved; the
overhead is the median wall time's increase. Target: under 2% for the cpu workload and for
10,000 gathered sleeps.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

from workbench.bench.reference import CASES, run_engine_sync

TARGET_PERCENT = 2.0
NAMES = ("cpu-4-sequential", "cpu-4-threads", "sleep-10000x0.5s-gather")


def measure_inside_overhead(
    repeats: int = 5, progress: Callable[[str], None] = print, names: tuple[str, ...] = NAMES
) -> list[dict[str, Any]]:
    cases = [case for case in CASES if case.name in names]
    figures = []
    for case in cases:
        walls: dict[bool, list[float]] = {True: [], False: []}
        for repeat in range(repeats):
            progress(f"inside-task recording {repeat + 1}/{repeats}: {case.name}")
            for inside in (False, True):
                walls[inside].append(run_engine_sync(case, inside=inside).wall_ns / 1e9)
        with_, without = statistics.median(walls[True]), statistics.median(walls[False])
        percent = (with_ / without - 1) * 100
        figures.append(
            {
                "name": case.name,
                "wall_s_with": round(with_, 4),
                "wall_s_without": round(without, 4),
                "overhead_percent": round(percent, 2),
                "target_percent": TARGET_PERCENT,
                "within_target": percent < TARGET_PERCENT,
            }
        )
    return figures
