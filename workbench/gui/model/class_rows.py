"""The class view's table and chart: one row per machine, speedup against cores (Qt-free).

A room's machines differ in cores, CPU, OS and Python; the lesson is how the same experiment's
speedups follow the core count. The table has a column per strategy any machine ran, and the
chart a series per strategy, of (cores, speedup) points.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.core.history.index import speedup_text
from workbench.core.lab import ClassEntry
from workbench.core.summary import baseline_strategy
from workbench.gui.model.table_rows import (
    Column,
    Row,
    SortKey,
    number_key,
    text_key,
)

LEADING_COLUMNS = (
    Column("#", "In the order the results arrived", numeric=True),
    Column("machine", "The student's host name"),
    Column("cores", "Logical CPUs (physical in brackets when they differ)", numeric=True),
)
"""Then a speedup column per strategy, then :data:`TRAILING_COLUMNS`: what a projector must
show (who, how many cores, what speedup) comes first, before the table scrolls sideways."""
TRAILING_COLUMNS = (
    Column("verdict", "The preset's verdict on that machine's results"),
    Column("CPU model"),
    Column("OS"),
    Column("Python", "The interpreter the runs used"),
    Column("experiment", "The preset (if any), the workload and its task count"),
)
_CPU_NOISE = re.compile(r"\((?:R|TM)\)|\bCPU\b|\bProcessor\b|@.*$|w/.*$|,[^)]*$")


def short_os(os: str) -> str:
    """``Linux-6.1.0-x86_64-with-glibc2.36`` → ``Linux 6.1.0``, ``Windows-11-10.0…`` →
    ``Windows 11``: the whole string is in the tooltip."""
    parts = os.split("-")
    return " ".join(parts[:2]) if len(parts) > 1 else os


def short_cpu(model: str) -> str:
    """``Intel(R) Core(TM) i5-7200U CPU @ 2.50GHz`` → ``Intel Core i5-7200U``: the whole name
    is in the tooltip."""
    return " ".join(_CPU_NOISE.sub(" ", model).split()) or model


def _baseline(entry: ClassEntry) -> str | None:
    return baseline_strategy(entry.results.config.strategies)


def strategies(entries: Sequence[ClassEntry]) -> tuple[str, ...]:
    """Every strategy any machine ran, in the order they first appear, but the baseline:
    its speedup is 1 by definition on every machine that ran it as such."""
    return tuple(dict.fromkeys(s for e in entries for s, _ in e.speedups if s != _baseline(e)))


def columns(shown: Sequence[str]) -> tuple[Column, ...]:
    speedups = tuple(
        Column(s, f"{s}: speedup over that machine's sequential run", numeric=True) for s in shown
    )
    return LEADING_COLUMNS + speedups + TRAILING_COLUMNS


def _cores(entry: ClassEntry) -> str:
    physical = entry.physical_cpus
    extra = f" ({physical})" if physical and physical != entry.logical_cpus else ""
    return f"{entry.logical_cpus}{extra}"


def _workload(entry: ClassEntry) -> str:
    what = f"{entry.workload}, {entry.tasks:,} tasks"
    return f"{entry.preset} ({what})" if entry.preset else what


Cell = tuple[str, SortKey, str]
"""Text, sort key, tooltip."""


def class_row(entry: ClassEntry, shown: Sequence[str]) -> Row:
    speedups = dict(entry.speedups)
    values = [speedups.get(s) for s in shown]
    workload = _workload(entry)
    verdict = entry.verdict or ""
    received = f"from {entry.client}"
    if entry.history_id is not None:
        received += f"; history #{entry.history_id}"
    leading: tuple[Cell, ...] = (
        (str(entry.number), float(entry.number), received),
        (entry.hostname, text_key(entry.hostname), received),
        (_cores(entry), float(entry.logical_cpus), ""),
    )
    trailing: tuple[Cell, ...] = (
        (verdict, text_key(verdict), f"{entry.preset}: {verdict}" if verdict else ""),
        (short_cpu(entry.cpu_model), text_key(entry.cpu_model), entry.cpu_model),
        (short_os(entry.os), text_key(entry.os), entry.os),
        (entry.interpreter, text_key(entry.interpreter), ""),
        (workload, text_key(workload), ""),
    )
    middle: tuple[Cell, ...] = tuple((speedup_text(v), number_key(v), "") for v in values)
    cells = (*leading, *middle, *trailing)
    return Row(
        id=entry.number,
        cells=tuple(c[0] for c in cells),
        keys=tuple(c[1] for c in cells),
        tips=tuple(c[2] for c in cells),
    )


@dataclass(frozen=True)
class Series:
    """One strategy's (cores, speedup) points, one per machine that ran it."""

    strategy: str
    cores: tuple[int, ...]
    speedups: tuple[float, ...]


def speedup_series(entries: Sequence[ClassEntry]) -> tuple[Series, ...]:
    """Per strategy, every machine's speedup against its core count (unknown ones left out,
    and each machine's baseline, whose speedup is 1 by definition)."""
    found = []
    for strategy in strategies(entries):
        points = [
            (e.logical_cpus, speedup)
            for e in entries
            for s, speedup in e.speedups
            if s == strategy and speedup is not None and s != _baseline(e)
        ]
        if not points:
            continue
        found.append(Series(strategy, tuple(c for c, _ in points), tuple(v for _, v in points)))
    return tuple(found)


def most_tasks(entries: Sequence[ClassEntry]) -> int:
    """The most tasks any machine ran: no strategy can run more of them at once."""
    return max((e.tasks for e in entries), default=0)


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
