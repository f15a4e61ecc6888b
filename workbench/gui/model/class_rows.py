"""The class view's table and chart: one row per machine, speedup against cores (Qt-free).

A room's machines differ in cores, CPU, OS and Python; the lesson is how the same experiment's
speedups follow the core count. The table has a column per strategy any machine ran, and the
chart a series per strategy, of (cores, speedup) points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.core.lab import ClassEntry
from workbench.gui.model.table_rows import Column, Row, number_key, speedup_text, text_key

FIXED_COLUMNS = (
    Column("#", "In the order the results arrived", numeric=True),
    Column("machine", "The student's host name"),
    Column("cores", "Logical CPUs (physical in brackets when they differ)", numeric=True),
    Column("CPU model"),
    Column("OS"),
    Column("Python", "The interpreter the runs used"),
    Column("workload"),
    Column("verdict", "The preset's verdict on that machine"),
)


def short_os(os: str) -> str:
    """``Linux-6.1.0-x86_64-with-glibc2.36`` → ``Linux 6.1.0``, ``Windows-11-10.0…`` →
    ``Windows 11``: the whole string is in the tooltip."""
    parts = os.split("-")
    return " ".join(parts[:2]) if len(parts) > 1 else os


def strategies(entries: Sequence[ClassEntry]) -> tuple[str, ...]:
    """Every strategy any machine ran, in the order they first appear."""
    return tuple(dict.fromkeys(s for e in entries for s, _ in e.speedups))


def columns(shown: Sequence[str]) -> tuple[Column, ...]:
    speedups = tuple(
        Column(f"{s} ×", f"{s}: speedup over that machine's own baseline", numeric=True)
        for s in shown
    )
    return FIXED_COLUMNS + speedups


def _cores(entry: ClassEntry) -> str:
    physical = entry.physical_cpus
    extra = f" ({physical})" if physical and physical != entry.logical_cpus else ""
    return f"{entry.logical_cpus}{extra}"


def _verdict(entry: ClassEntry) -> str:
    if entry.verdict is None:
        return ""
    return f"{entry.preset}: {entry.verdict}" if entry.preset else entry.verdict


def class_row(entry: ClassEntry, shown: Sequence[str]) -> Row:
    speedups = dict(entry.speedups)
    values = [speedups.get(s) for s in shown]
    workload = f"{entry.workload}, {entry.tasks:,} tasks"
    received = f"from {entry.client}"
    if entry.history_id is not None:
        received += f"; history #{entry.history_id}"
    fixed_cells = (
        str(entry.number),
        entry.hostname,
        _cores(entry),
        entry.cpu_model,
        short_os(entry.os),
        entry.interpreter,
        workload,
        _verdict(entry),
    )
    fixed_keys = (
        float(entry.number),
        text_key(entry.hostname),
        float(entry.logical_cpus),
        text_key(entry.cpu_model),
        text_key(entry.os),
        text_key(entry.interpreter),
        text_key(workload),
        text_key(_verdict(entry)),
    )
    tips = (received, received, "", entry.cpu_model, entry.os, "", "", "")
    return Row(
        id=entry.number,
        cells=fixed_cells + tuple(speedup_text(v) for v in values),
        keys=fixed_keys + tuple(number_key(v) for v in values),
        tips=tips + tuple("" for _ in values),
        alert=entry.verdict is not None and entry.verdict != "holds",
    )


@dataclass(frozen=True)
class Series:
    """One strategy's (cores, speedup) points, one per machine that ran it."""

    strategy: str
    cores: tuple[int, ...]
    speedups: tuple[float, ...]


def speedup_series(entries: Sequence[ClassEntry]) -> tuple[Series, ...]:
    """Per strategy, every machine's speedup against its core count (unknown ones left out)."""
    found = []
    for strategy in strategies(entries):
        points = [
            (e.logical_cpus, speedup)
            for e in entries
            for s, speedup in e.speedups
            if s == strategy and speedup is not None
        ]
        found.append(Series(strategy, tuple(c for c, _ in points), tuple(v for _, v in points)))
    return tuple(found)


def class_summary(entries: Sequence[ClassEntry]) -> str:
    """``20 machines · 2–32 cores · 4 CPU models · 3 OSes``: how varied the room is."""
    if not entries:
        return "No results yet"
    cores = [e.logical_cpus for e in entries]
    span = f"{min(cores)}–{max(cores)}" if min(cores) != max(cores) else str(cores[0])
    models = len({e.cpu_model for e in entries})
    systems = len({short_os(e.os).split()[0] for e in entries})
    pythons = len({e.interpreter for e in entries})
    return (
        f"{len(entries)} machine(s) · {span} cores · {models} CPU model(s) · "
        f"{systems} OS(es) · {pythons} Python(s)"
    )
