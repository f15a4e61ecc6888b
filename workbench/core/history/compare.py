"""Several experiments side by side: per strategy, each one's figures and its ratio to the first.

Pure: from :class:`Experiment` values (results plus what the history knows about them) to a
:class:`Comparison` that the CLI prints, ``--json`` writes and the window will draw. When the
experiments ran on different machines, interpreters or settings, the comparison says so and
how: a speedup measured on 8 cores is not the same fact as one measured on 2.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from workbench.core.clock import to_seconds
from workbench.core.history.index import interpreter_label
from workbench.core.results import Machine, Results
from workbench.core.summary import cpu_utilisation, summarize


@dataclass(frozen=True)
class Experiment:
    """One side of a comparison: results, and what the history knows beyond the file."""

    label: str
    """Where it came from: ``#12`` for a history entry, the file's name for a file."""
    results: Results
    preset: str | None = None
    verdict: str | None = None
    hostname: str | None = None
    recorded_at: float | None = None


@dataclass(frozen=True)
class Figures:
    """One experiment's figures for one strategy."""

    runs: int
    wall_ns_median: int | None
    wall_ns_min: int | None
    wall_ns_max: int | None
    ratio: float | None
    """Wall median over the first experiment's for the same strategy (below 1: faster)."""
    speedup: float | None
    """Over the baseline of its own experiment."""
    cpu_ns_median: int | None
    cpu_percent: float | None
    """Median CPU time over wall time, as a share of the whole machine."""
    failed_runs: int


@dataclass(frozen=True)
class StrategyRow:
    strategy: str
    figures: tuple[Figures | None, ...]
    """One per experiment, in order; None where that experiment did not run the strategy."""


@dataclass(frozen=True)
class Difference:
    """Something that differs between the experiments, with each one's value."""

    what: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    experiments: tuple[Experiment, ...]
    rows: tuple[StrategyRow, ...]
    machines: tuple[Difference, ...]
    interpreters: tuple[Difference, ...]
    settings: tuple[Difference, ...]

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(letter(i) for i in range(len(self.experiments)))

    @property
    def notes(self) -> tuple[str, ...]:
        """One sentence per kind of difference, naming each experiment's value."""
        kinds = (
            ("Different machines", self.machines),
            ("Different interpreters", self.interpreters),
            ("Different settings", self.settings),
        )
        return tuple(
            f"{title}: " + "; ".join(_describe(d, self.letters) for d in differences) + "."
            for title, differences in kinds
            if differences
        )


def letter(index: int) -> str:
    """A, B, … Z, then A2, B2, …: short names for the experiments in tables."""
    return chr(ord("A") + index % 26) + (str(index // 26 + 1) if index >= 26 else "")


def _describe(difference: Difference, letters: Sequence[str]) -> str:
    pairs = ", ".join(
        f"{name} {value}" for name, value in zip(letters, difference.values, strict=True)
    )
    return f"{difference.what} {pairs}"


def _differences(
    experiments: Sequence[Experiment], aspects: Sequence[tuple[str, Callable[[Experiment], str]]]
) -> tuple[Difference, ...]:
    found = []
    for what, value_of in aspects:
        values = tuple(value_of(e) for e in experiments)
        if len(set(values)) > 1:
            found.append(Difference(what, values))
    return tuple(found)


def _machine(e: Experiment) -> Machine:
    return e.results.machine


def _params(e: Experiment) -> str:
    return " ".join(f"{k}={v:g}" for k, v in sorted(e.results.config.params.items())) or "none"


MACHINE_ASPECTS: tuple[tuple[str, Callable[[Experiment], str]], ...] = (
    ("cores", lambda e: str(_machine(e).logical_cpus)),
    ("physical cores", lambda e: str(_machine(e).physical_cpus or "?")),
    ("CPU model", lambda e: _machine(e).cpu_model),
    ("OS", lambda e: _machine(e).os),
)
INTERPRETER_ASPECTS: tuple[tuple[str, Callable[[Experiment], str]], ...] = (
    ("Python", lambda e: interpreter_label(_machine(e))),
    ("process start method", lambda e: _machine(e).mp_start_method),
)
SETTING_ASPECTS: tuple[tuple[str, Callable[[Experiment], str]], ...] = (
    ("workload", lambda e: e.results.config.workload),
    ("parameters", _params),
    ("tasks", lambda e: str(e.results.config.tasks)),
    ("workers", lambda e: str(e.results.config.workers)),
    ("repeat", lambda e: str(e.results.config.repeat)),
)


def _hostnames(experiments: Sequence[Experiment]) -> tuple[Difference, ...]:
    """Different host names mean different machines, even with the same specification;
    unknown (a plain file) tells nothing either way."""
    names = tuple(e.hostname or "?" for e in experiments)
    known = {n for n in names if n != "?"}
    return (Difference("host", names),) if len(known) > 1 else ()


def _row_names(results: Results) -> list[str]:
    """Its rows: a strategy, or a strategy on one Python where it ran on several."""
    return [_row_name(results, s, label) for label, s in results.run_keys()]


def _row_name(results: Results, strategy: str, interpreter: str) -> str:
    return f"{strategy} · {interpreter}" if results.several_interpreters else strategy


def _figures(results: Results) -> dict[str, Figures]:
    cpus = results.machine.logical_cpus
    figures = {}
    for s in summarize(results):
        ok_runs = [r for r in results.runs_of(s.strategy, s.interpreter) if r.ok]
        shares = [u for r in ok_runs if (u := cpu_utilisation(r, cpus)) is not None]
        figures[_row_name(results, s.strategy, s.interpreter)] = Figures(
            runs=s.runs,
            wall_ns_median=s.wall_ns_median,
            wall_ns_min=s.wall_ns_min,
            wall_ns_max=s.wall_ns_max,
            ratio=None,
            speedup=s.speedup,
            cpu_ns_median=s.cpu_ns_median,
            cpu_percent=statistics.median_high(shares) if shares else None,
            failed_runs=s.failed_runs,
        )
    return figures


def _with_ratio(figures: Figures | None, first: Figures | None) -> Figures | None:
    if figures is None:
        return None
    base = None if first is None else first.wall_ns_median
    mine = figures.wall_ns_median
    ratio = mine / base if base and mine is not None else None
    return replace(figures, ratio=ratio)


def compare(experiments: Sequence[Experiment]) -> Comparison:
    """Two or more experiments, per strategy (in the order they first appear)."""
    if len(experiments) < 2:
        raise ValueError("a comparison needs at least two experiments")
    per_experiment = [_figures(e.results) for e in experiments]
    strategies = list(dict.fromkeys(name for e in experiments for name in _row_names(e.results)))
    rows = []
    for strategy in strategies:
        first = per_experiment[0].get(strategy)
        rows.append(
            StrategyRow(
                strategy,
                tuple(_with_ratio(f.get(strategy), first) for f in per_experiment),
            )
        )
    return Comparison(
        experiments=tuple(experiments),
        rows=tuple(rows),
        machines=_hostnames(experiments) + _differences(experiments, MACHINE_ASPECTS),
        interpreters=_differences(experiments, INTERPRETER_ASPECTS),
        settings=_differences(experiments, SETTING_ASPECTS),
    )


def _seconds(ns: int | None) -> float | None:
    return None if ns is None else round(to_seconds(ns), 9)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    """The machine-readable form (``workbench compare --json``): seconds, like results files."""
    letters = comparison.letters
    return {
        "schema": "workbench.comparison/1",
        "experiments": [
            {
                "letter": name,
                "label": e.label,
                "preset": e.preset,
                "verdict": e.verdict,
                "hostname": e.hostname,
                "recorded_at": e.recorded_at,
                "workload": e.results.config.workload,
                "params": dict(e.results.config.params),
                "tasks": e.results.config.tasks,
                "interrupted": e.results.interrupted,
                "machine": {
                    "logical_cpus": e.results.machine.logical_cpus,
                    "physical_cpus": e.results.machine.physical_cpus,
                    "cpu_model": e.results.machine.cpu_model,
                    "os": e.results.machine.os,
                    "interpreter": interpreter_label(e.results.machine),
                },
            }
            for name, e in zip(letters, comparison.experiments, strict=True)
        ],
        "strategies": [
            {
                "strategy": row.strategy,
                "experiments": [
                    None
                    if f is None
                    else {
                        "letter": name,
                        "runs": f.runs,
                        "wall_s_median": _seconds(f.wall_ns_median),
                        "wall_s_min": _seconds(f.wall_ns_min),
                        "wall_s_max": _seconds(f.wall_ns_max),
                        "ratio_to_first": _round(f.ratio),
                        "speedup": _round(f.speedup),
                        "cpu_s_median": _seconds(f.cpu_ns_median),
                        "cpu_percent": _round(f.cpu_percent, 1),
                        "failed_runs": f.failed_runs,
                    }
                    for name, f in zip(letters, row.figures, strict=True)
                ],
            }
            for row in comparison.rows
        ],
        "differences": {
            kind: {d.what: list(d.values) for d in differences}
            for kind, differences in (
                ("machines", comparison.machines),
                ("interpreters", comparison.interpreters),
                ("settings", comparison.settings),
            )
        },
        "notes": list(comparison.notes),
    }
