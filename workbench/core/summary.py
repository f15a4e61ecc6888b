"""Pure summaries over results: wall-time statistics and speedups per strategy.

Where an experiment ran on several interpreters, there is one summary per interpreter and
strategy, and each speedup is over the baseline *on the same interpreter*: a free-threaded
build's threads are compared with its own loop, not with another Python's.
"""

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
    interpreter: str = ""
    """The label of the interpreter it ran on ("" when the runs do not say)."""


def baseline_strategy(strategies: tuple[str, ...]) -> str | None:
    """``sequential`` when it ran, otherwise the first strategy listed."""
    if "sequential" in strategies:
        return "sequential"
    return strategies[0] if strategies else None


def _median(values: list[int]) -> int | None:
    return round(statistics.median(values)) if values else None


def summarize_strategy(
    strategy: str, runs: tuple[Run, ...], baseline_ns: int | None, interpreter: str = ""
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
        interpreter=interpreter,
    )


def summarize(results: Results) -> tuple[StrategySummary, ...]:
    """One summary per configured strategy (in the order asked) on each interpreter (in the
    order asked), speedups over the baseline on the same interpreter."""
    base = baseline_strategy(results.config.strategies)
    summaries = []
    for interpreter in results.interpreter_labels:
        base_walls = [r.wall_ns for r in results.runs_of(base or "", interpreter) if r.ok]
        baseline_ns = _median(base_walls)
        summaries += [
            summarize_strategy(name, results.runs_of(name, interpreter), baseline_ns, interpreter)
            for name in results.config.strategies
        ]
    return tuple(summaries)


CPU_TIME_TICK_NS = 10_000_000
"""How finely an operating system counts a process's CPU time: Linux and macOS by 10 ms clock
ticks, Windows by 15.6 ms; the coarser common case is taken."""

CPU_FIGURE_MIN_TICKS = 10
"""A CPU share is shown only when the machine had at least this many ticks of core time
during the run: each process's count is off by up to one tick, so a 0.6 ms run on two cores
measured "873 %" and any share of a run shorter than ~50 ms there would mostly be rounding."""


def cpu_utilisation(run: Run, logical_cpus: int) -> float | None:
    """CPU time over wall time, as a percentage of the whole machine (100 = every core busy);
    None when the run was too short for CPU time to be counted that finely."""
    if logical_cpus <= 0 or run.wall_ns * logical_cpus < CPU_FIGURE_MIN_TICKS * CPU_TIME_TICK_NS:
        return None
    return 100.0 * run.cpu_ns / (run.wall_ns * logical_cpus)


def efficiency(speedup: float | None, workers: int) -> float | None:
    """Speedup per worker: 1.0 means every worker was fully useful."""
    return speedup / workers if speedup is not None and workers > 0 else None
