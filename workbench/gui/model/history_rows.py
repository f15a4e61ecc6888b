"""The history panel's table: entries as rows, and the filters over them (Qt-free, pure).

The panel loads the index rows once (a few hundred bytes each) and filters them in memory,
so typing in a filter never waits for the database; the figures are the same words as
``workbench history`` prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from workbench.core.history.index import HistoryEntry, best_text, entry_note
from workbench.gui.model.formatting import params_line
from workbench.gui.model.table_rows import Column, Row, number_key, text_key

COLUMNS = (
    Column("#", "The history id (workbench history show ID)", numeric=True),
    Column("date", "When it was recorded"),
    Column("workload", "What ran, and its parameters"),
    Column("tasks", numeric=True),
    Column("best", "The fastest strategy and its speedup over the baseline", numeric=True),
    Column("preset", "The preset it was part of, if any"),
    Column("verdict", "The preset's verdict on this machine"),
    Column("machine", "Host name and logical CPUs"),
    Column("python", "The interpreter the runs used"),
    Column("note", "Interrupted, failed runs, or where it came from"),
)
NO_PRESET = ""
"""The preset filter's value for experiments that were not part of a preset."""

PERIODS = ("any time", "today", "last 7 days", "last 30 days", "last 365 days")
_DAYS = {"last 7 days": 7, "last 30 days": 30, "last 365 days": 365}


def since(period: str, now: datetime) -> float | None:
    """The start of ``period`` (one of :data:`PERIODS`) as Unix time; None for any time."""
    if period == "today":
        return now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    days = _DAYS.get(period)
    return None if days is None else (now - timedelta(days=days)).timestamp()


@dataclass(frozen=True)
class HistoryFilter:
    workload: str | None = None
    """None: every workload."""
    preset: str | None = None
    """None: with or without a preset; :data:`NO_PRESET`: only those without one."""
    since: float | None = None

    def matches(self, entry: HistoryEntry) -> bool:
        if self.workload is not None and entry.workload != self.workload:
            return False
        if self.preset is not None and (entry.preset or NO_PRESET) != self.preset:
            return False
        return self.since is None or entry.recorded_at >= self.since


def _params(entry: HistoryEntry) -> str:
    params = params_line(entry.workload, entry.params)
    return f"{entry.workload} ({params})" if params else entry.workload


def history_row(entry: HistoryEntry) -> Row:
    when = datetime.fromtimestamp(entry.recorded_at)
    machine = f"{entry.hostname} ({entry.logical_cpus} CPUs)"
    python = ", ".join(entry.interpreters)
    note = entry_note(entry)
    strategies = ", ".join(entry.strategies)
    return Row(
        id=entry.id,
        cells=(
            str(entry.id),
            when.strftime("%Y-%m-%d %H:%M"),
            _params(entry),
            f"{entry.tasks:,}",
            best_text(entry),
            entry.preset or "",
            entry.verdict or "",
            machine,
            python,
            note,
        ),
        keys=(
            float(entry.id),
            entry.recorded_at,
            text_key(_params(entry)),
            float(entry.tasks),
            number_key(entry.best_speedup),
            text_key(entry.preset),
            text_key(entry.verdict),
            text_key(machine),
            text_key(python),
            text_key(note),
        ),
        tips=(
            "",
            when.strftime("%A %d %B %Y, %H:%M:%S"),
            f"{strategies}; {entry.workers} workers, repeat {entry.repeat}",
            "",
            "",
            "",
            "",
            f"{entry.cpu_model}, {entry.os}",
            "",
            "",
        ),
        alert=bool(entry.failed_runs),
    )


@dataclass(frozen=True)
class Choices:
    """What the filters offer: the workloads and presets the history holds."""

    workloads: tuple[str, ...]
    presets: tuple[str, ...]


def choices(entries: Iterable[HistoryEntry]) -> Choices:
    listed = list(entries)
    return Choices(
        workloads=tuple(sorted({e.workload for e in listed}, key=str.casefold)),
        presets=tuple(sorted({e.preset for e in listed if e.preset}, key=str.casefold)),
    )


class HistoryListing:
    """The entries loaded and the filter applied: what the panel's table shows."""

    def __init__(self) -> None:
        self.entries: tuple[HistoryEntry, ...] = ()
        self.filter = HistoryFilter()

    def set_entries(self, entries: Sequence[HistoryEntry]) -> None:
        self.entries = tuple(entries)

    def set_filter(self, history_filter: HistoryFilter) -> None:
        self.filter = history_filter

    def shown(self) -> tuple[HistoryEntry, ...]:
        return tuple(e for e in self.entries if self.filter.matches(e))

    def rows(self) -> list[Row]:
        return [history_row(e) for e in self.shown()]

    def entry(self, entry_id: int) -> HistoryEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def summary(self) -> str:
        total, shown = len(self.entries), len(self.shown())
        if not total:
            return "The history is empty: every experiment you run is kept here."
        if shown == total:
            return f"{total:,} experiment(s)"
        return f"{shown:,} of {total:,} experiment(s) match the filters"
