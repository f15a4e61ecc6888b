"""Checkable expectations about results, and the verdict they give (pure functions).

A preset states what its article claims as rules over measured results. Each rule reports what
was measured and one of four verdicts:

- **holds** — over the whole range the undisturbed figure can lie in (see
  :mod:`workbench.core.noise`: the measured wall times, less what other programs took, give or
  take the timing noise of a quiet machine);
- **doesn't hold here** — fails over that whole range: the measurement was clean enough to
  say so;
- **depends on this machine** — fails, with the evidence named: the machine has fewer cores
  than the rule needs, or had fewer *free* (a 2-core machine with 1.5 cores busy elsewhere has
  0.5 free), or the rule is marked as measuring the hardware;
- **inconclusive** — the range straddles the rule's bound: too noisy to decide, said with the
  figures ("other programs kept 1.5 of 2 cores busy; sequential lost 31 % of its time"). A
  rerun on a quieter machine, or with more repeats, may decide it.

Where CPU time settles what wall time cannot (both strategies computed one task at a time, on
work that never waits: undisturbed, each would have taken its CPU time), the rule says so and
decides on CPU time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from workbench.core import noise, slowdown
from workbench.core.clock import to_seconds
from workbench.core.noise import Timing
from workbench.core.results import Results, Run, TaskSpan

FREE_CORE_SLACK = 0.25
"""Cores a rule may be short of and still count as having them: an idle machine is never
entirely idle (0.02-0.2 core of background work measured here), and a 2-worker pool with a
quarter core busy elsewhere still gains ~1.7× where the rules ask ≥ 1.5×."""
TOO_NOISY = "too noisy to decide: "
"""How an inconclusive rule's reason begins; the figures follow, parts joined by "; "."""


class Verdict(StrEnum):
    HOLDS = "holds"
    FAILS = "doesn't hold here"
    DEPENDS = "depends on this machine"
    INCONCLUSIVE = "inconclusive"

    @property
    def mark(self) -> str:
        """One character for a line: ✔ holds, ✘ doesn't hold, ~ depends, ? inconclusive."""
        return _MARKS[self]


_MARKS = {
    Verdict.HOLDS: "✔",
    Verdict.FAILS: "✘",
    Verdict.DEPENDS: "~",
    Verdict.INCONCLUSIVE: "?",
}
_RANK = (Verdict.FAILS, Verdict.INCONCLUSIVE, Verdict.DEPENDS, Verdict.HOLDS)


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    measured: str
    """What was measured, and what the rule expected."""
    reason: str = ""
    """Why it is inconclusive or depends, with figures; or the evidence that decided it when
    it is not the wall time (CPU time). Empty when the figure speaks for itself."""


class _State(Enum):
    """What the range of undisturbed figures says about a rule, before load is weighed."""

    HOLDS = "holds"
    FAILS = "fails"
    OPEN = "open"


def _classify(low: float, high: float, least: float | None, most: float | None) -> _State:
    if (least is None or low >= least) and (most is None or high <= most):
        return _State.HOLDS
    if (least is not None and high < least) or (most is not None and low > most):
        return _State.FAILS
    return _State.OPEN


def _times(ratio: float) -> str:
    """A ratio with two decimals, or its first figure when that would read 0.00×."""
    return f"{ratio:.2f}×" if ratio >= 0.01 else f"{ratio:.1g}×"


def _range_text(low: float | None, high: float | None, unit: str = "×") -> str:
    if low is not None and high is not None:
        return f"between {low:g}{unit} and {high:g}{unit}"
    if low is not None:
        return f"at least {low:g}{unit}"
    return f"at most {high:g}{unit}" if high is not None else "anything"


@dataclass(frozen=True)
class _Finding:
    state: _State
    measured: str
    timings: list[Timing]
    note: str = ""


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

    @property
    def strategies(self) -> tuple[str, ...]:
        return (self.strategy,) if self.over is None else (self.strategy, self.over)

    def check(self, results: Results, time_scale: float) -> Outcome:
        cores = results.machine.logical_cpus
        if cores < self.needs_cores:
            return Outcome(
                Verdict.DEPENDS,
                f"needs {self.needs_cores} cores, this machine has {cores}",
            )
        timings = {}
        for name in self.strategies:
            if (timing := noise.timing(results, name)) is None:
                return Outcome(
                    Verdict.INCONCLUSIVE, f"{name} did not finish", _failure(results.runs_of(name))
                )
            timings[name] = timing
        check: Callable[[Results, dict[str, Timing], float], _Finding] = getattr(
            self, f"_check_{self.kind.replace('-', '_')}"
        )
        finding = check(results, timings, time_scale)
        speed = slowdown.parallel_speed(results, self.strategy) if self.needs_cores > 1 else None
        return self._decide(finding, cores, results.machine.physical_cpus, speed)

    def _decide(
        self,
        finding: _Finding,
        cores: int,
        physical: int | None = None,
        parallel_speed: float | None = None,
    ) -> Outcome:
        if finding.state is _State.HOLDS:
            return Outcome(Verdict.HOLDS, finding.measured, finding.note)
        other = noise.other_cores(finding.timings) or 0.0
        free = cores - other
        if finding.state is _State.FAILS:
            if self.needs_cores > 1 and free < self.needs_cores - FREE_CORE_SLACK:
                return Outcome(
                    Verdict.DEPENDS,
                    finding.measured,
                    f"needs {self.needs_cores} free cores; other programs kept {other:.1f} "
                    f"of {cores} busy ({free:.1f} free)",
                )
            if physical is not None and physical < self.needs_cores:
                return Outcome(
                    Verdict.DEPENDS,
                    finding.measured,
                    f"needs {self.needs_cores} cores; this machine's {cores} logical CPUs share "
                    f"{physical} physical {'core' if physical == 1 else 'cores'}",
                )
            if shared := self._cores_shared(parallel_speed):
                return Outcome(
                    Verdict.DEPENDS,
                    finding.measured,
                    f"needs {self.needs_cores} full cores; {shared}",
                )
            if self.hardware:
                return Outcome(Verdict.DEPENDS, finding.measured, "this machine's hardware")
            return Outcome(Verdict.FAILS, finding.measured, finding.note)
        why = "; ".join(filter(None, [noise.disturbance(finding.timings, cores), finding.note]))
        if why:
            return Outcome(Verdict.INCONCLUSIVE, finding.measured, f"{TOO_NOISY}{why}")
        allowed = round(100 * sum(t.noise for t in finding.timings))
        close = f"too close to call: within the ±{allowed} % a quiet machine's timings vary"
        if shared := self._cores_shared(parallel_speed):
            close += f"; {shared}"
        return Outcome(Verdict.INCONCLUSIVE, finding.measured, close)

    def _cores_shared(self, parallel_speed: float | None) -> str:
        """What the machine's CPUs computed side by side, when short of the cores the rule
        needs (see :func:`workbench.core.slowdown.parallel_speed`); "" otherwise."""
        n = self.needs_cores
        if parallel_speed is None or parallel_speed * n >= n - FREE_CORE_SLACK:
            return ""
        return (
            f"with {n} busy, each of this machine's CPUs computed at "
            f"{round(100 * parallel_speed)} % of one alone ({parallel_speed * n:.1f} cores' "
            "worth: hardware shared between them, or with other programs)"
        )

    def _check_speedup(
        self, results: Results, timings: dict[str, Timing], time_scale: float
    ) -> _Finding:
        assert self.over is not None, "a speedup rule names the strategy it compares with"
        over, mine = timings[self.over], timings[self.strategy]
        ratio = over.wall_s / mine.wall_s
        state = _classify(*noise.ratio_range(over, mine), self.min, self.max)
        measured = (
            f"{self.strategy} is {_times(ratio)} as fast as {self.over} "
            f"(expected {_range_text(self.min, self.max)})"
        )
        note = ""
        if noise.cpu_settles(results, over, mine):
            by_cpu = _classify(*noise.cpu_ratio_range(over, mine), self.min, self.max)
            if state is _State.OPEN and by_cpu is not _State.OPEN:
                # Only if it still decides when either may have computed on a slower
                # machine than the other (a subset of what the plain range decides).
                across = _classify(
                    *noise.cpu_ratio_range(over, mine, across=True), self.min, self.max
                )
                if across is not _State.OPEN:
                    state = across
                    note = (
                        f"CPU time settles it: {self.over} used {over.cpu_s:.2f} s, "
                        f"{self.strategy} {mine.cpu_s:.2f} s, one task at a time "
                        f"({over.cpu_s / mine.cpu_s:.2f}×)"
                    )
                else:
                    note = _cpu_apart(over, mine)
            elif by_cpu is not _State.OPEN and by_cpu is not state:
                state = _State.OPEN  # wall and CPU time disagree: neither can be trusted
        return _Finding(state, measured, [over, mine], note)

    def _check_wall(
        self, results: Results, timings: dict[str, Timing], time_scale: float
    ) -> _Finding:
        assert self.about_s is not None, "a wall rule says about how long"
        expected = self.about_s * time_scale
        mine = timings[self.strategy]
        state = _classify(
            mine.low_s,
            mine.high_s,
            expected * (1 - self.tolerance),
            expected * (1 + self.tolerance),
        )
        measured = f"{self.strategy} took {mine.wall_s:.3f} s (expected about {expected:.3g} s)"
        return _Finding(state, measured, [mine])

    def _runs(self, results: Results) -> list[Run]:
        return [run for run in results.runs_of(self.strategy) if run.ok and run.tasks]

    def _check_finish_together(
        self, results: Results, timings: dict[str, Timing], time_scale: float
    ) -> _Finding:
        mine = timings[self.strategy]
        spreads = sorted(_end_spread(run.tasks) for run in self._runs(results))
        spread = spreads[len(spreads) // 2]
        lost = mine.wall_s * min(noise.MAX_LOSS, noise.LOSS_RANGE[1] * mine.lost_share)
        if spread <= self.within_s:
            state = _State.HOLDS
        elif spread - lost - noise.TIMER_SLACK_S > self.within_s:
            state = _State.FAILS
        else:
            state = _State.OPEN
        measured = (
            f"under {self.strategy}, the tasks finished within {spread * 1000:.1f} ms of each other"
        )
        return _Finding(state, measured, [mine])

    def _check_finish_out_of_order(
        self, results: Results, timings: dict[str, Timing], time_scale: float
    ) -> _Finding:
        mine = timings[self.strategy]
        runs = self._runs(results)
        orders = [_orders(run.tasks) for run in runs]
        shuffled = sum(by_start != by_end for by_start, by_end in orders)
        by_start, by_end = orders[0]
        if 2 * shuffled > len(orders):
            state = _State.HOLDS
        elif noise.disturbance([mine], results.machine.logical_cpus):
            state = _State.OPEN
        else:
            state = _State.FAILS
        measured = (
            f"under {self.strategy}, tasks started in order {by_start} and finished in "
            f"order {by_end}"
        )
        return _Finding(state, measured, [mine])

    def _check_fastest(
        self, results: Results, timings: dict[str, Timing], time_scale: float
    ) -> _Finding:
        mine = timings[self.strategy]
        rivals = [
            t
            for name in results.config.strategies
            if name != self.strategy and (t := noise.timing(results, name)) is not None
        ]
        ranges = [noise.ratio_range(rival, mine) for rival in rivals]
        if all(low > 1 for low, _ in ranges):
            state = _State.HOLDS
        elif any(high < 1 for _, high in ranges):
            state = _State.FAILS
        else:
            state = _State.OPEN
        ranked = sorted([mine, *rivals], key=lambda t: t.wall_s)
        best = ranked[0]
        if best is mine and len(ranked) > 1:
            then = f"next: {ranked[1].strategy} ({ranked[1].wall_s:.3f} s)"
        else:
            then = f"{self.strategy}: {mine.wall_s:.3f} s"
        measured = f"fastest: {best.strategy} ({best.wall_s:.3f} s); {then}"
        return _Finding(state, measured, [mine, *rivals])


def _cpu_apart(over: Timing, mine: Timing) -> str:
    """Why CPU time could not settle a comparison of two strategies that computed the same
    work one task at a time: one took more of it than the other — a machine that ran slower
    in its runs, or more work of its own; "" when neither took more than the quiet noise
    allows."""
    slower, faster = (over, mine) if over.cpu_s >= mine.cpu_s else (mine, over)
    if noise.cpu_slower(slower, faster) <= 0:
        return ""
    return (
        f"the same work took {slower.strategy} {slower.cpu_s / faster.cpu_s:.2f}× the CPU "
        f"time it took {faster.strategy} ({slower.cpu_s:.2f} s against {faster.cpu_s:.2f} s, "
        f"one task at a time): the machine computed slower in {slower.strategy}'s runs, or "
        f"{slower.strategy} spent more on it (threads' GIL hand-offs), and CPU time cannot "
        "settle it"
    )


def _end_spread(spans: tuple[TaskSpan, ...]) -> float:
    ends = [to_seconds(span.end_ns) for span in spans]
    return max(ends) - min(ends)


def _orders(spans: tuple[TaskSpan, ...]) -> tuple[list[int], list[int]]:
    by_start = [s.id for s in sorted(spans, key=lambda s: s.start_ns)]
    by_end = [s.id for s in sorted(spans, key=lambda s: s.end_ns)]
    return by_start, by_end


def _failure(runs: tuple[Run, ...]) -> str:
    error = next((run.error for run in runs if run.error), None)
    return f"could not measure it: {error}" if error else "could not measure it"


KINDS = ("speedup", "wall", "finish_together", "finish_out_of_order", "fastest")


def overall(outcomes: list[Outcome]) -> Verdict:
    """Any clean failure fails the claim; otherwise a rule too noisy to decide makes it
    inconclusive, one this machine cannot check makes it depend; only all holding holds —
    and no rule at all decides nothing."""
    verdicts = {o.verdict for o in outcomes}
    if not verdicts:
        return Verdict.INCONCLUSIVE
    return next(v for v in _RANK if v in verdicts)
