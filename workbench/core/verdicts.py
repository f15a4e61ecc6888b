"""Checkable expectations about results, and the verdict they give (pure functions).

A preset states what its article claims as rules over measured results. Each rule reports
what was measured and whether the claim holds; a rule that needs hardware this machine lacks
(more cores) says so instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from workbench.core.clock import to_seconds
from workbench.core.results import Results
from workbench.core.summary import summarize


class Verdict(StrEnum):
    HOLDS = "holds"
    FAILS = "doesn't hold here"
    DEPENDS = "depends on this machine"


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    measured: str


def _walls(results: Results) -> dict[str, float]:
    return {
        s.strategy: to_seconds(s.wall_ns_median)
        for s in summarize(results)
        if s.wall_ns_median is not None
    }


def _range_text(low: float | None, high: float | None, unit: str = "×") -> str:
    if low is not None and high is not None:
        return f"between {low:g}{unit} and {high:g}{unit}"
    return f"at least {low:g}{unit}" if low is not None else f"at most {high:g}{unit}"


@dataclass(frozen=True)
class Rule:
    """One expectation. ``kind`` picks the check; the other fields are its parameters."""

    kind: str
    strategy: str
    over: str | None = None
    min: float | None = None
    max: float | None = None
    about_s: float | None = None
    tolerance: float = 0.15
    within_s: float = 0.05
    needs_cores: int = 1
    hardware: bool = False
    """A failure here reflects this machine (disk, cores), not a wrong claim in general."""
    python: str | None = None
    """The interpreter (one of its experiment's ``interpreters``) whose runs it is about;
    None: the experiment's first (see :func:`workbench.core.presets.judge`)."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        return cls(**data)

    def check(self, results: Results, time_scale: float) -> Outcome:
        if results.machine.logical_cpus < self.needs_cores:
            return Outcome(
                Verdict.DEPENDS,
                f"needs {self.needs_cores} cores, this machine has {results.machine.logical_cpus}",
            )
        walls = _walls(results)
        if self.strategy not in walls or (self.over is not None and self.over not in walls):
            return Outcome(Verdict.FAILS, f"{self.strategy} did not finish")
        check: Callable[[Results, dict[str, float], float], Outcome] = getattr(
            self, f"_check_{self.kind.replace('-', '_')}"
        )
        outcome = check(results, walls, time_scale)
        if outcome.verdict is Verdict.FAILS and (self.hardware or self.needs_cores > 1):
            # Parallel speedups need idle cores: a busy or small machine is not a wrong claim.
            return Outcome(Verdict.DEPENDS, outcome.measured)
        return outcome

    def _holds(self, ok: bool, measured: str) -> Outcome:
        return Outcome(Verdict.HOLDS if ok else Verdict.FAILS, measured)

    def _check_speedup(
        self, results: Results, walls: dict[str, float], time_scale: float
    ) -> Outcome:
        assert self.over is not None, "a speedup rule names the strategy it compares with"
        ratio = walls[self.over] / walls[self.strategy]
        ok = (self.min is None or ratio >= self.min) and (self.max is None or ratio <= self.max)
        return self._holds(
            ok,
            f"{self.strategy} is {ratio:.2f}× as fast as {self.over} "
            f"(expected {_range_text(self.min, self.max)})",
        )

    def _check_wall(self, results: Results, walls: dict[str, float], time_scale: float) -> Outcome:
        assert self.about_s is not None, "a wall rule says about how long"
        expected = self.about_s * time_scale
        wall = walls[self.strategy]
        ok = abs(wall - expected) <= self.tolerance * expected
        return self._holds(
            ok, f"{self.strategy} took {wall:.3f} s (expected about {expected:.3g} s)"
        )

    def _spans(self, results: Results) -> list[Any]:
        return [span for run in results.runs_of(self.strategy)[:1] for span in run.tasks]

    def _check_finish_together(
        self, results: Results, walls: dict[str, float], time_scale: float
    ) -> Outcome:
        ends = [to_seconds(span.end_ns) for span in self._spans(results)]
        spread = max(ends) - min(ends)
        return self._holds(
            spread <= self.within_s,
            f"under {self.strategy}, the tasks finished within {spread * 1000:.1f} ms of "
            f"each other",
        )

    def _check_finish_out_of_order(
        self, results: Results, walls: dict[str, float], time_scale: float
    ) -> Outcome:
        spans = self._spans(results)
        by_start = [s.id for s in sorted(spans, key=lambda s: s.start_ns)]
        by_end = [s.id for s in sorted(spans, key=lambda s: s.end_ns)]
        return self._holds(
            by_start != by_end,
            f"under {self.strategy}, tasks started in order {by_start} and finished in "
            f"order {by_end}",
        )

    def _check_fastest(
        self, results: Results, walls: dict[str, float], time_scale: float
    ) -> Outcome:
        best = min(walls, key=walls.__getitem__)
        return self._holds(
            best == self.strategy,
            f"fastest: {best} ({walls[best]:.3f} s); {self.strategy}: {walls[self.strategy]:.3f} s",
        )


KINDS = ("speedup", "wall", "finish_together", "finish_out_of_order", "fastest")


def overall(outcomes: list[Outcome]) -> Verdict:
    """Holds if every rule holds; otherwise fails, unless only machine-bound rules failed."""
    verdicts = {o.verdict for o in outcomes}
    if Verdict.FAILS in verdicts:
        return Verdict.FAILS
    if Verdict.DEPENDS in verdicts:
        return Verdict.DEPENDS
    return Verdict.HOLDS
