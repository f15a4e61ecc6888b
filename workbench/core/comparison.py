"""The comparison's numbers, one row per strategy, and how each reads as table text.

One model for every view of it: the window's chart and table and the CLI's table render these
rows and these cell texts, so the two can never disagree on a figure (they once computed CPU
use differently). Pure and Qt-free.

Efficiency is the speedup per worker the run actually used (distinct threads or processes that
ran tasks), a measured count rather than the configured pool size: a thread pool of 8 that ran
3 tasks used 3 workers, and an event loop is one worker however many tasks it juggles.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from workbench.core.clock import format_seconds as seconds
from workbench.core.clock import to_seconds
from workbench.core.concurrency import LagStats, lag_stats
from workbench.core.explain import representative_run, workers_used
from workbench.core.results import Results
from workbench.core.strategies import STRATEGIES, Family
from workbench.core.summary import cpu_utilisation, efficiency, summarize

COLUMNS = (
    "Strategy",
    "Wall",
    "CPU time",
    "CPU use",
    "Start-up",
    "Speedup",
    "Workers",
    "Efficiency",
    "Lag p50",
    "Lag p99",
    "Lag max",
    "Failed",
)
COLUMN_TIPS = (
    "How the tasks were run",
    "Elapsed time of the run (median, with min–max when repeated)",
    "CPU time used by the run's process and its workers",
    "CPU time ÷ (wall time × logical cores): 100 % means every core busy throughout",
    "Pool start-up: from starting the workers until the first task began",
    "Baseline wall time ÷ this wall time (higher is faster)",
    "Threads or processes that actually ran tasks (the event loop counts as one)",
    "Speedup ÷ workers used (1.00 = every worker fully useful)",
    "Event-loop lag, median: how late a 10 ms callback ran (async strategies only)",
    "Event-loop lag, 99th percentile: a blocking call shows here",
    "Event-loop lag, longest: the longest the loop was held",
    "Tasks that raised, or runs that failed",
)


@dataclass(frozen=True)
class ComparisonRow:
    strategy: str
    family: Family
    runs: int
    wall_s: float | None
    wall_min_s: float | None
    wall_max_s: float | None
    cpu_s: float | None
    cpu_percent: float | None
    startup_s: float | None
    speedup: float | None
    efficiency: float | None
    workers_used: int
    failed_runs: int
    failed_tasks: int
    error: str | None
    lag: LagStats | None = None
    """Event-loop lag over the strategy's good runs (None: no event loop, or no samples)."""
    interpreter: str = ""
    """The label of the interpreter it ran on, where the experiment ran on several ("" when
    it ran on one: nothing to tell apart)."""

    @property
    def name(self) -> str:
        """How the row is named: ``threads``, or ``threads · 3.13t (GIL off)``."""
        return f"{self.strategy} · {self.interpreter}" if self.interpreter else self.strategy


def _s(ns: int | None) -> float | None:
    return None if ns is None else to_seconds(ns)


def comparison_rows(results: Results) -> tuple[ComparisonRow, ...]:
    """One row per strategy that has at least one run, in the order they were asked for
    (interpreter by interpreter, where it ran on several)."""
    rows = []
    cpus = results.machine.logical_cpus
    several = results.several_interpreters
    for summary in summarize(results):
        runs = results.runs_of(summary.strategy, summary.interpreter)
        if not runs:
            continue
        good = [run for run in runs if run.ok]
        usage = [u for run in good if (u := cpu_utilisation(run, cpus)) is not None]
        shown = representative_run(runs)
        used = workers_used(shown) if shown else 0
        strategy = STRATEGIES.get(summary.strategy)
        rows.append(
            ComparisonRow(
                strategy=summary.strategy,
                family=strategy.family if strategy else Family.SEQUENTIAL,
                runs=len(runs),
                wall_s=_s(summary.wall_ns_median),
                wall_min_s=_s(summary.wall_ns_min),
                wall_max_s=_s(summary.wall_ns_max),
                cpu_s=_s(summary.cpu_ns_median),
                cpu_percent=statistics.median(usage) if usage else None,
                startup_s=_s(summary.startup_ns_median),
                speedup=summary.speedup,
                efficiency=efficiency(summary.speedup, used),
                workers_used=used,
                failed_runs=summary.failed_runs,
                failed_tasks=summary.failed_tasks,
                error=next((run.error for run in runs if run.error), None),
                lag=lag_stats(good),
                interpreter=summary.interpreter if several else "",
            )
        )
    return tuple(rows)


def table_cells(row: ComparisonRow) -> tuple[str, ...]:
    wall = seconds(row.wall_s)
    if row.runs > 1 and row.wall_min_s is not None and row.wall_max_s is not None:
        wall += f" ({row.wall_min_s:.3f}–{row.wall_max_s:.3f})"
    failed = str(row.failed_tasks)
    if row.failed_runs:
        failed = f"{row.failed_runs} run(s) failed"
    uses_pool = row.family is Family.PROCESSES or row.startup_s
    return (
        row.name,
        wall,
        seconds(row.cpu_s),
        "—" if row.cpu_percent is None else f"{row.cpu_percent:.0f} %",
        seconds(row.startup_s) if uses_pool else "—",
        "—" if row.speedup is None else f"{row.speedup:.2f}×",
        str(row.workers_used),
        "—" if row.efficiency is None else f"{row.efficiency:.2f}",
        *lag_cells(row.lag),
        failed,
    )


def lag_ms(ns: int) -> str:
    ms = ns / 1e6
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.0f} ms"


def lag_cells(lag: LagStats | None) -> tuple[str, str, str]:
    """p50, p99, max of the event-loop lag; blank where there is no event loop."""
    if lag is None:
        return ("", "", "")
    return (lag_ms(lag.p50_ns), lag_ms(lag.p99_ns), lag_ms(lag.max_ns))


def bar_label(row: ComparisonRow, detail: int = 2) -> str:
    """The text at the end of a strategy's bar: its time, speedup and efficiency.

    ``detail`` 2 is all three, 1 drops efficiency, 0 keeps only the speedup (the column
    on the table still has everything), so a narrow chart shortens labels instead of
    cutting them off.
    """
    if row.wall_s is None:
        return f"failed: {row.error}" if row.error and detail else "failed"
    parts = [seconds(row.wall_s)] if detail or row.speedup is None else []
    if row.speedup is not None:
        parts.append(f"{row.speedup:.2f}×")
    if row.efficiency is not None and detail >= 2:
        parts.append(f"eff {row.efficiency:.2f}")
    return " · ".join(parts)
