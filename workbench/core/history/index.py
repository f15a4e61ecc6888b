"""What the history shows about an experiment without opening it: its index row (pure).

The row is derived from the results alone, plus what the results file does not say: when
it was recorded, on which host, from which preset and with which verdict, and where it came
from (measured here, or submitted to the class's collector).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from workbench.core.results import Machine, Results
from workbench.core.summary import StrategySummary, summarize


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded experiment, as listed: enough to find it, filter it and judge it."""

    id: int
    recorded_at: float
    """Unix time, seconds."""
    workload: str
    params: Mapping[str, float]
    tasks: int
    workers: int
    repeat: int
    strategies: tuple[str, ...]
    preset: str | None
    verdict: str | None
    interpreters: tuple[str, ...]
    hostname: str
    logical_cpus: int
    physical_cpus: int | None
    cpu_model: str
    os: str
    best_strategy: str | None
    best_speedup: float | None
    runs: int
    failed_runs: int
    interrupted: bool
    origin: str | None = None
    """None when measured here; otherwise where it came from (e.g. ``class 192.168.1.23``)."""


def interpreter_label(machine: Machine) -> str:
    """``CPython 3.11.7``, or ``CPython 3.13.1 (GIL off)`` on a free-threaded build."""
    return python_label(machine.implementation, machine.python, machine.gil_enabled)


def python_label(implementation: str, version: str, gil_enabled: bool) -> str:
    label = f"{implementation} {version}"
    return label if gil_enabled else f"{label} (GIL off)"


def speedup_text(value: float | None) -> str:
    """``1.53×``, or ``—`` where there is none: how the history, comparisons and the class's
    lab write a speedup, in the terminal and in the window alike."""
    return "—" if value is None else f"{value:.2f}×"


def best_text(entry: HistoryEntry) -> str:
    """The entry's fastest strategy and its speedup (``process-pool 1.53×``)."""
    if entry.best_strategy is None:
        return "—"
    return f"{entry.best_strategy} {speedup_text(entry.best_speedup)}"


def cores_label(machine: Machine) -> str:
    physical = machine.physical_cpus
    extra = f" ({physical} physical)" if physical and physical != machine.logical_cpus else ""
    return f"{machine.logical_cpus} CPUs{extra}"


def entry_note(entry: HistoryEntry) -> str:
    """What to know before trusting an entry's figures: interrupted, failures, from elsewhere."""
    notes = []
    if entry.interrupted:
        notes.append("interrupted")
    if entry.failed_runs:
        notes.append(f"{entry.failed_runs} failed run(s)")
    if entry.origin:
        notes.append(f"from {entry.origin}")
    return ", ".join(notes)


def best(summaries: tuple[StrategySummary, ...]) -> StrategySummary | None:
    """The strategy with the highest speedup over the baseline (the first one on a tie)."""
    ranked = [s for s in summaries if s.speedup is not None]
    return max(ranked, key=lambda s: s.speedup or 0.0) if ranked else None


def entry_for(
    results: Results,
    *,
    id: int,
    recorded_at: float,
    hostname: str,
    preset: str | None = None,
    verdict: str | None = None,
    origin: str | None = None,
) -> HistoryEntry:
    summaries = summarize(results)
    top = best(summaries)
    config, machine = results.config, results.machine
    return HistoryEntry(
        id=id,
        recorded_at=recorded_at,
        workload=config.workload,
        params=dict(config.params),
        tasks=config.tasks,
        workers=config.workers,
        repeat=config.repeat,
        strategies=tuple(config.strategies),
        preset=preset,
        verdict=verdict,
        interpreters=tuple(
            python_label(i.implementation, i.version, i.gil_enabled) for i in config.interpreters
        )
        or (interpreter_label(machine),),
        hostname=hostname,
        logical_cpus=machine.logical_cpus,
        physical_cpus=machine.physical_cpus,
        cpu_model=machine.cpu_model,
        os=machine.os,
        best_strategy=None if top is None else top.strategy,
        best_speedup=None if top is None else top.speedup,
        runs=len(results.runs),
        failed_runs=sum(not run.ok for run in results.runs),
        interrupted=results.interrupted,
        origin=origin,
    )
