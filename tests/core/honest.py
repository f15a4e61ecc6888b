"""Asserting what a shared machine can honestly promise: a rule holds when its runs were quiet;
when they measured other programs in the way, it may instead be inconclusive (or, short of free
cores, depend on the machine) — saying so with the figures — but never the opposite."""

from __future__ import annotations

from workbench.core import noise
from workbench.core.results import Results
from workbench.core.verdicts import Outcome, Rule, Verdict


def disturbance(results: Results, strategies: tuple[str, ...]) -> str:
    """What disturbed these strategies' runs, by their own measurements ("" when nothing)."""
    timings = [t for name in strategies if (t := noise.timing(results, name)) is not None]
    return noise.disturbance(timings, results.machine.logical_cpus)


def assert_holds_or_honestly_disturbed(rule: Rule, results: Results) -> Outcome:
    """The rule holds; or the runs measured what was in the way, and the verdict names it; or
    the figure lies within a quiet machine's noise of the rule's bound ("too close to call":
    one run of a 1.29× pool against 1.3× decides nothing) — never the opposite verdict."""
    outcome = rule.check(results, 1.0)
    if outcome.verdict is Verdict.HOLDS:
        return outcome
    assert outcome.verdict in (Verdict.INCONCLUSIVE, Verdict.DEPENDS), outcome
    assert says_why_undecided(outcome.reason), outcome
    if not outcome.reason.startswith(TOO_CLOSE):
        disturbed = disturbance(results, rule.strategies)
        assert disturbed or "full cores" in outcome.reason, (
            f"the runs were quiet, and yet: {outcome}"
        )
    return outcome


TOO_CLOSE = "too close to call"
"""How the engine says a figure lies within a quiet machine's noise of a rule's bound."""


def says_why_undecided(reason: str) -> bool:
    """An inconclusive rule names what made it so: the load other programs put on the runs,
    figures inside the noise a quiet machine's timings have ("too close to call"), or repeats
    of one strategy that disagreed beyond what their own figures allow (the engine's word for
    a disturbance no load figure showed)."""
    reasons = ("other programs", "lost", TOO_CLOSE, "full cores", REPEATS_DISAGREED)
    return any(why in reason for why in reasons)


REPEATS_DISAGREED = "repeats disagreed beyond what their figures allow"
"""How the engine says a strategy's repeats were too far apart to decide (workbench.core.noise)."""
