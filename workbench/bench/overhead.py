"""The engine's cost per task, recorded and streamed: N × sleep(0) gathered, bare vs engine.

Per-task overhead = (workbench − bare) / N, in CPU time of the process that runs the gather
(the bare script's, the engine's child's): on a shared machine a busy neighbour stretches
wall time by whole time slices, CPU time far less. Bare and workbench runs alternate in
pairs (which goes first alternates too), and the figure is the mean of the pairs'
differences with its 95 % interval (Student's t on the paired differences), repeated until
that interval is narrow enough to judge the target or the size's time budget is spent.
Wall time is reported alongside. (Instruction counts would be steadier still, but need
hardware counters that virtual machines often lack: ``perf`` calls them "not supported" on
the 2-core machine these figures were first taken on.) Bare asyncio itself is not flat in N
either (its own collector walks a heap of N live tasks), so its CPU per task is in the curve
too.
Target: ≤ 2 µs per task at every N.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Sequence
from typing import Any

from workbench.bench.machine_load import load_since, machine_load
from workbench.bench.reference import BenchError, Case, run_engine_sync
from workbench.bench.stats import Interval, mean_interval

TARGET_US_PER_TASK = 2.0
SIZES = (1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000)
DEFAULT_LARGEST = 300_000
"""The default bench stops here: one 1,000,000-task pair takes about a minute and a half on 2
cores (``workbench bench --overhead-up-to 1000000`` adds it)."""


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


def _bare(case: Case) -> tuple[float, float]:
    """(wall s, CPU s) of the bare script's gather."""
    command = case.bare_command(None)
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BenchError(f"{case.name} (bare) failed: {proc.stderr.strip()[-300:]}")
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    return float(figures["wall_s"]), float(figures["cpu_s"])


def _engine(case: Case, *, thread_states: bool = True) -> tuple[float, float]:
    """(wall s, CPU s) of the same gather in the engine's child, recorded and streamed."""
    run = run_engine_sync(case, thread_states=thread_states)
    return run.wall_ns / 1e9, run.cpu_ns / 1e9


def _pair(case: Case, engine_first: bool) -> tuple[tuple[float, float], tuple[float, float]]:
    if engine_first:
        engine = _engine(case)
        return _bare(case), engine
    bare = _bare(case)
    return bare, _engine(case)


def _size_budget_s(tasks: int) -> float:
    """Seconds one size may take before it stops short of a verdict: a pair of 1,000,000
    tasks takes about a minute, and five of them left the interval at ±0.5 µs."""
    if tasks <= 30_000:
        return 30.0
    return 90.0 if tasks <= 300_000 else 600.0


def _judged(interval: Interval) -> bool:
    """The whole interval on one side of the target: more pairs would not change the verdict.
    (Stopping at a fixed half-width instead stopped at ±0.45 µs with the estimate near 2,
    an interval that straddled the target.)"""
    return interval.high <= TARGET_US_PER_TASK or interval.low > TARGET_US_PER_TASK


def measure_size(
    tasks: int,
    *,
    min_pairs: int = 5,
    max_pairs: int = 30,
    budget_s: float | None = None,
    progress: Callable[[str], None] = print,
) -> dict[str, Any]:
    """One point of the curve: pairs of runs until the interval is narrow enough."""
    case = _case(tasks)
    budget = _size_budget_s(tasks) if budget_s is None else budget_s
    cpu_diffs: list[float] = []
    wall_diffs: list[float] = []
    bare_cpu: list[float] = []
    started = time.perf_counter()
    load_before = machine_load()
    interval: Interval | None = None
    while len(cpu_diffs) < max_pairs:
        progress(f"overhead {len(cpu_diffs) + 1}: {tasks:,} tasks")
        (bare_wall, bare_s), (engine_wall, engine_s) = _pair(case, len(cpu_diffs) % 2 == 1)
        cpu_diffs.append((engine_s - bare_s) / tasks * 1e6)
        wall_diffs.append((engine_wall - bare_wall) / tasks * 1e6)
        bare_cpu.append(bare_s / tasks * 1e6)
        if len(cpu_diffs) < max(min_pairs, 2):
            continue
        interval = mean_interval(cpu_diffs)
        if _judged(interval) or time.perf_counter() - started > budget:
            break
    if interval is None:
        interval = mean_interval(cpu_diffs)
    wall = mean_interval(wall_diffs)
    return {
        "tasks": tasks,
        "pairs": len(cpu_diffs),
        **interval.as_dict("us_per_task", 3),
        **wall.as_dict("wall_us_per_task", 3),
        **mean_interval(bare_cpu).as_dict("bare_cpu_us_per_task", 3),
        "target": TARGET_US_PER_TASK,
        "within_target": interval.high <= TARGET_US_PER_TASK,
        "machine": load_since(load_before),
    }


def measure_overhead(
    sizes: Sequence[int] = SIZES,
    *,
    min_pairs: int = 5,
    progress: Callable[[str], None] = print,
) -> list[dict[str, Any]]:
    return [measure_size(n, min_pairs=min_pairs, progress=progress) for n in sizes]


SAMPLER_TASKS = 100_000
SAMPLER_PAIRS = 12


def measure_sampler_share(
    tasks: int = SAMPLER_TASKS, pairs: int = SAMPLER_PAIRS, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """What the curve's figure owes to the thread-state sampler: the same gather through the
    engine with the sampler on and off, in pairs of alternating order, CPU time of the run's
    process. The sampler runs in the engine's process, not the run's, so any difference is
    what reading the run's threads from outside costs the run itself, on a machine whose
    cores share caches and memory."""
    case = _case(tasks)
    diffs: list[float] = []
    load_before = machine_load()
    for pair in range(pairs):
        progress(f"sampler share {pair + 1}/{pairs}: {tasks:,} tasks")
        on_first = pair % 2 == 0
        _, first = _engine(case, thread_states=on_first)
        _, second = _engine(case, thread_states=not on_first)
        on, off = (first, second) if on_first else (second, first)
        diffs.append((on - off) / tasks * 1e6)
    return {
        "tasks": tasks,
        "pairs": pairs,
        **mean_interval(diffs).as_dict("sampler_us_per_task", 3),
        "machine": load_since(load_before),
    }
