"""The comparison's numbers, one row per strategy, and how each reads as table text.

One model for every view of it: the window's chart and table and the CLI's table render these
rows and these cell texts, so the two can never disagree on a figure (they once computed CPU
use differently). Pure and Qt-free.

Efficiency is the speedup per worker the run actually used (distinct threads or processes that
ran tasks), a measured count rather than the configured pool size: a thread pool of 8 that ran
3 tasks used 3 workers. It is given for thread and process strategies only: an event loop is
one worker however many tasks it juggles, so its "efficiency" would be its speedup (17.5 for
gathered sleeps) and mean nothing about workers.

Ten columns, several figures per cell where they belong together (CPU time and use; workers
and their efficiency; lag p50/p99/max), so the table fits a 1080p window without scrolling
sideways.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from workbench.core import noise
from workbench.core.clock import format_seconds as seconds
from workbench.core.clock import to_seconds
from workbench.core.concurrency import LagStats, lag_stats
from workbench.core.explain import format_bytes, representative_run, workers_used
from workbench.core.results import Results
from workbench.core.strategies import STRATEGIES, Family
from workbench.core.summary import cpu_utilisation, efficiency, summarize

COLUMNS = (
    "Strategy",
    "Wall",
    "Speedup",
    "CPU",
    "Memory",
    "Workers",
    "Start-up",
    "Loop lag",
    "Lost",
    "Failed",
)
COLUMN_TIPS = (
    "How the tasks were run",
    "Elapsed time of the run (median, with min–max when repeated)",
    "Baseline wall time ÷ this wall time (higher is faster)",
    "CPU time used by the run's process and its workers, and that time ÷ (wall time × "
    "logical cores): 100 % means every core busy throughout",
    "Peak memory of the run's whole process tree, pool workers included (PSS on Linux: shared "
    "pages divided among the processes sharing them; RSS elsewhere), sampled every 0.1-0.25 s",
    "Threads or processes that actually ran tasks (the event loop counts as one); after the "
    "dot, their efficiency: speedup ÷ workers, 1.00 when each worker was as useful as the "
    "whole baseline. Efficiency for thread and process strategies only — an event loop's "
    "gain comes from overlapping waits on one thread, not from workers, so there the figure "
    "would only repeat the speedup",
    "Pool start-up: from starting the workers until the first task began",
    "Event-loop lag, median / 99th percentile / longest: how late a 10 ms callback ran "
    "(async strategies only); a blocking call shows in the last two",
    "Share of the run's time other programs took from it (its threads ready but without a "
    "core, measured from outside): above 5 % its figures are disturbed, and a verdict says so",
    "Tasks that raised, or runs that failed",
)
_PER_WORKER = (Family.THREADS, Family.PROCESSES)


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

    peak_memory_bytes: int | None = None
    """The representative run's process tree at its peak; None when not measured."""
    lost_share: float | None = None
    """Median share of the good runs' time other programs took; None when not measured."""

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
        family = strategy.family if strategy else Family.SEQUENTIAL
        measured = [run for run in good if run.interference is not None]
        rows.append(
            ComparisonRow(
                strategy=summary.strategy,
                family=family,
                runs=len(runs),
                wall_s=_s(summary.wall_ns_median),
                wall_min_s=_s(summary.wall_ns_min),
                wall_max_s=_s(summary.wall_ns_max),
                cpu_s=_s(summary.cpu_ns_median),
                cpu_percent=statistics.median(usage) if usage else None,
                startup_s=_s(summary.startup_ns_median),
                speedup=summary.speedup,
                efficiency=efficiency(summary.speedup, used) if family in _PER_WORKER else None,
                workers_used=used,
                failed_runs=summary.failed_runs,
                failed_tasks=summary.failed_tasks,
                error=next((run.error for run in runs if run.error), None),
                lag=lag_stats(good),
                interpreter=summary.interpreter if several else "",
                peak_memory_bytes=(
                    shown.peak_memory.bytes if shown is not None and shown.peak_memory else None
                ),
                lost_share=(
                    statistics.median(noise.run_loss(run, results).share for run in measured)
                    if measured
                    else None
                ),
            )
        )
    return tuple(rows)


def table_cells(row: ComparisonRow) -> tuple[str, ...]:
    wall = seconds(row.wall_s)
    if row.runs > 1 and row.wall_min_s is not None and row.wall_max_s is not None:
        wall += f" ({_figures(row.wall_min_s, row.wall_max_s)})"
    failed = str(row.failed_tasks)
    if row.failed_runs:
        failed = f"{row.failed_runs} run(s) failed"
    uses_pool = row.family is Family.PROCESSES or row.startup_s
    cpu = "—" if row.cpu_s is None else f"{row.cpu_s:.2f} s"  # counted in 10 ms ticks
    if row.cpu_percent is not None:
        cpu += f" · {row.cpu_percent:.0f} %"
    return (
        row.name,
        wall,
        "—" if row.speedup is None else f"{row.speedup:.2f}×",
        cpu,
        "—" if row.peak_memory_bytes is None else format_bytes(row.peak_memory_bytes),
        str(row.workers_used) + ("" if row.efficiency is None else f" · {row.efficiency:.2f}"),
        seconds(row.startup_s) if uses_pool else "—",
        lag_cell(row.lag),
        "—" if row.lost_share is None else f"{round(100 * row.lost_share)} %",
        failed,
    )


def _figures(low: float, high: float) -> str:
    """A min–max range to two significant figures of its low end (1.0–1.3, 0.52–0.62,
    0.96–1.01, 0.061–0.064): repeats vary by a few percent, so a third figure would only be
    noise, and widen the column. Counted from the high end, 0.96–1.01 read "1.0–1.0", beside
    a median of 0.975 outside it.

    A spread narrower than that keeps one figure of its own (1.001–1.009, not "1.0–1.1"),
    up to two decimals more: rounded outwards, the range would otherwise read ten times as
    wide as it was."""
    decimals = max(0, 1 - math.floor(math.log10(low))) if low > 0 else 3
    if high > low:
        spread = -math.floor(math.log10(high - low) + 1e-9)
        decimals = max(decimals, min(spread, decimals + 2))
    scale = 10**decimals
    # Rounded outwards, so the range shown holds every run and the median: rounded to nearest,
    # 1.054–1.17 read "1.1–1.2" beside a median of 1.074.
    shown_low = math.floor(low * scale + 1e-9) / scale
    shown_high = math.ceil(high * scale - 1e-9) / scale
    return f"{shown_low:.{decimals}f}–{shown_high:.{decimals}f}"


def _ms(ns: int) -> str:
    ms = ns / 1e6
    return f"{ms:.2f}" if ms < 1 else f"{ms:.1f}" if ms < 10 else f"{ms:.0f}"


def lag_cell(lag: LagStats | None) -> str:
    """p50 / p99 / max of the event-loop lag in one cell ("0.12/1.4/3.9 ms"); blank where
    there is no event loop."""
    if lag is None:
        return ""
    return f"{_ms(lag.p50_ns)}/{_ms(lag.p99_ns)}/{_ms(lag.max_ns)} ms"


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
