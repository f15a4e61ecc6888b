"""Pure summaries over results: wall-time statistics and speedups per strategy."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from workbench.core.results import Results, Run


@dataclass(frozen=True)
class StrategySummary:
    strategy: str
    runs: int
    wall_ns_median: int | None
    wall_ns_min: int | None
    wall_ns_max: int | None
    cpu_ns_median: int | None
    startup_ns_median: int | None
    speedup: float | None
    """Baseline median wall time divided by this strategy's; None when either is unknown."""
    failed_runs: int
    failed_tasks: int


def baseline_strategy(strategies: tuple[str, ...]) -> str | None:
    """``sequential`` when it ran, otherwise the first strategy listed."""
    if "sequential" in strategies:
        return "sequential"
    return strategies[0] if strategies else None


def _median(values: list[int]) -> int | None:
    return round(statistics.median(values)) if values else None


def summarize_strategy(
    strategy: str, runs: tuple[Run, ...], baseline_ns: int | None
) -> StrategySummary:
    good = [run for run in runs if run.ok]
    walls = [run.wall_ns for run in good]
    median = _median(walls)
    speedup = baseline_ns / median if baseline_ns and median else None
    return StrategySummary(
        strategy=strategy,
        runs=len(runs),
        wall_ns_median=median,
        wall_ns_min=min(walls) if walls else None,
        wall_ns_max=max(walls) if walls else None,
        cpu_ns_median=_median([run.cpu_ns for run in good]),
        startup_ns_median=_median([run.startup_ns for run in good]),
        speedup=speedup,
        failed_runs=len(runs) - len(good),
        failed_tasks=sum(run.failed_tasks for run in runs),
    )


def summarize(results: Results) -> tuple[StrategySummary, ...]:
    """One summary per configured strategy (in the order asked), speedups over the baseline."""
    strategies = results.config.strategies
    base = baseline_strategy(strategies)
    base_walls = [r.wall_ns for r in results.runs if r.strategy == base and r.ok]
    baseline_ns = _median(base_walls)
    return tuple(
        summarize_strategy(name, results.runs_of(name), baseline_ns) for name in strategies
    )


def cpu_utilisation(run: Run, logical_cpus: int) -> float | None:
    """CPU time over wall time, as a percentage of the whole machine (100 = every core busy)."""
    if run.wall_ns <= 0 or logical_cpus <= 0:
        return None
    return 100.0 * run.cpu_ns / (run.wall_ns * logical_cpus)


def efficiency(speedup: float | None, workers: int) -> float | None:
    """Speedup per worker: 1.0 means every worker was fully useful."""
    return speedup / workers if speedup is not None and workers > 0 else None
