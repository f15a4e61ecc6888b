"""What the CLI prints: a live progress line on stderr and the comparison table on stdout."""

from __future__ import annotations

import sys
import textwrap
import time
from collections.abc import Sequence
from typing import TextIO

from workbench.core.clock import to_seconds
from workbench.core.observer import Observer
from workbench.core.presets import PresetVerdict
from workbench.core.results import Config, Results, Run
from workbench.core.summary import cpu_utilisation, summarize
from workbench.core.timeline import END_EVENT, TaskEvent

_BAR_WIDTH = 24
_REDRAW_S = 0.1


class ProgressBar(Observer):
    """Tasks done / total for the current strategy; one summary line per finished run.

    On a terminal the line redraws in place at most ten times a second; elsewhere (CI logs,
    pipes) only the per-run lines are written.
    """

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self._stream = stream
        self._live = stream.isatty()
        self._total_runs = 0
        self._run_number = 0
        self._tasks = 0
        self._done = 0
        self._label = ""
        self._last_draw = 0.0

    def experiment_started(self, config: Config) -> None:
        self._total_runs = config.repeat * len(config.strategies)
        self._tasks = config.tasks

    def run_started(self, strategy: str, repeat_index: int) -> None:
        self._run_number += 1
        self._done = 0
        self._label = f"[{self._run_number}/{self._total_runs}] {strategy}"
        self._draw(force=True)

    def task_events(self, strategy: str, repeat_index: int, events: Sequence[TaskEvent]) -> None:
        self._done += sum(event.kind == END_EVENT for event in events)
        self._draw()

    def run_finished(self, run: Run) -> None:
        outcome = f"{to_seconds(run.wall_ns):.3f} s" if run.ok else f"FAILED: {run.error}"
        failed = f", {run.failed_tasks} task(s) failed" if run.failed_tasks else ""
        self._write_line(f"{self._label}: {len(run.tasks)}/{self._tasks} tasks, {outcome}{failed}")

    def _draw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not self._live or (not force and now - self._last_draw < _REDRAW_S):
            return
        self._last_draw = now
        filled = _BAR_WIDTH * self._done // max(1, self._tasks)
        bar = "█" * filled + "░" * (_BAR_WIDTH - filled)
        self._stream.write(f"\r\x1b[K{self._label} {bar} {self._done}/{self._tasks} tasks")
        self._stream.flush()

    def _write_line(self, text: str) -> None:
        prefix = "\r\x1b[K" if self._live else ""
        self._stream.write(f"{prefix}{text}\n")
        self._stream.flush()


def _fmt_s(ns: int | None) -> str:
    return "—" if ns is None else f"{to_seconds(ns):.3f}"


def comparison_table(results: Results) -> str:
    """The summary as an aligned text table, one row per strategy."""
    header = (
        "strategy",
        "wall s",
        "min s",
        "max s",
        "speedup",
        "cpu s",
        "cpu %",
        "start-up s",
        "failed",
    )
    rows: list[tuple[str, ...]] = [header]
    cpus = results.machine.logical_cpus
    for s in summarize(results):
        runs = [r for r in results.runs_of(s.strategy) if r.ok]
        utilisation = [u for r in runs if (u := cpu_utilisation(r, cpus)) is not None]
        failed = f"{s.failed_runs} run(s)" if s.failed_runs else str(s.failed_tasks)
        rows.append(
            (
                s.strategy,
                _fmt_s(s.wall_ns_median),
                _fmt_s(s.wall_ns_min),
                _fmt_s(s.wall_ns_max),
                "—" if s.speedup is None else f"{s.speedup:.2f}×",
                _fmt_s(s.cpu_ns_median),
                f"{sorted(utilisation)[len(utilisation) // 2]:.0f}" if utilisation else "—",
                _fmt_s(s.startup_ns_median),
                failed,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    c, m = results.config, results.machine
    params = ", ".join(f"{k}={v:g}" for k, v in c.params.items())
    title = (
        f"{c.workload} ({params}), {c.tasks} tasks, {c.workers} workers, "
        f"repeat {c.repeat} — {m.logical_cpus} CPUs, Python {m.python}"
    )
    return "\n".join([title, *lines])


def readings(results: Results) -> str:
    """The plain-language reading of each strategy, as the window shows them."""
    from workbench.core.explain import explain

    return "\n".join(
        textwrap.fill(r.text, width=96, subsequent_indent="    ") for r in explain(results)
    )


def verdict_report(verdict: PresetVerdict) -> str:
    """Claim / Measured / Verdict, as plain text."""
    preset = verdict.preset
    scale = "" if verdict.time_scale == 1 else f" (time scale ×{verdict.time_scale:g})"
    lines = [
        f"{preset.title}{scale}",
        f"Claim:    {preset.claim}",
        f"          — {preset.source}",
        "Measured:",
        *(f"  - {line}" for line in verdict.measured),
        f"Verdict:  {verdict.verdict.value.upper()}",
        "",
        textwrap.fill(preset.explanation, width=92),
    ]
    return "\n".join(lines)
