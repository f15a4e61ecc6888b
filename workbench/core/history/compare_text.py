"""A comparison as text: each experiment in one line and its figures as cells.

The same words in the terminal (``workbench compare``) and in the window's comparison, so a
figure read off a projector can be checked against the CLI's table.
"""

from __future__ import annotations

from datetime import datetime

from workbench.core.history.compare import Experiment, Figures
from workbench.core.history.index import cores_label, interpreter_label, speedup_text

FIGURE_COLUMNS = ("wall s", "min s", "max s", "vs {first}", "speedup", "cpu s", "cpu %", "failed")


def figure_columns(first: str) -> tuple[str, ...]:
    """The figures' column titles; ``first`` names the experiment ratios are taken against."""
    return tuple(title.format(first=first) for title in FIGURE_COLUMNS)


def _s(ns: int | None) -> str:
    return "—" if ns is None else f"{ns / 1e9:.3f}"


def figure_cells(figures: Figures | None) -> tuple[str, ...]:
    """One experiment's figures for one strategy (``did not run`` when it did not)."""
    if figures is None:
        return ("did not run", *("" for _ in FIGURE_COLUMNS[1:]))
    f = figures
    return (
        _s(f.wall_ns_median),
        _s(f.wall_ns_min),
        _s(f.wall_ns_max),
        speedup_text(f.ratio),
        speedup_text(f.speedup),
        _s(f.cpu_ns_median),
        "—" if f.cpu_percent is None else f"{f.cpu_percent:.0f}",
        f"{f.failed_runs} run(s)" if f.failed_runs else "0",
    )


def ratio_legend(first: str) -> str:
    return (
        f"vs {first}: wall time over {first}'s for the same strategy (below 1.00× is faster); "
        "speedup: over each experiment's own baseline."
    )


def describe(letter: str, e: Experiment) -> str:
    """Where an experiment came from, what it ran, on what, and what a preset concluded."""
    c, m = e.results.config, e.results.machine
    params = ", ".join(f"{k}={v:g}" for k, v in c.params.items())
    when = (
        ""
        if e.recorded_at is None
        else datetime.fromtimestamp(e.recorded_at).strftime(" %Y-%m-%d %H:%M")
    )
    host = f"{e.hostname}, " if e.hostname else ""
    line = (
        f"{letter}  {e.label}{when}: {c.workload} ({params}), {c.tasks:,} tasks, "
        f"{c.workers} workers, repeat {c.repeat} — {host}{cores_label(m)}, {m.cpu_model}, "
        f"{interpreter_label(m)}"
    )
    if e.preset:
        line += f" — preset {e.preset}: {e.verdict or 'no verdict'}"
    if e.results.interrupted:
        line += " — interrupted"
    return line
