"""The "Why" paragraph under a preset's verdict: it explains the verdict that was given.

A paragraph that explains the claim as true beside a ✘ badge teaches the wrong lesson. So each
verdict gets its own text: the preset's ``why_holds`` under ✔; under ✘ its ``why_fails``
followed by the readings of what was measured instead (the strategies whose rule failed, in the
same words as the readings under the table, so the figures agree); under ? the figures that
made the measurement too noisy to decide; under ~ what this machine lacked, then why the
claim holds where it has it. Pure: results in, text out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from workbench.core import noise
from workbench.core.explain import explain
from workbench.core.results import Results
from workbench.core.verdicts import Outcome, Verdict

if TYPE_CHECKING:
    from workbench.core.presets import Preset

RERUN_ADVICE = "Rerun it when the machine is quieter, or with more repeats."


def _unique(texts: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(text for text in texts if text))


def _readings_of_failures(
    preset: Preset, results: Sequence[Results], outcomes: Sequence[Sequence[Outcome]]
) -> list[str]:
    texts = []
    for experiment, result, group in zip(preset.experiments, results, outcomes, strict=True):
        failed = {
            name
            for rule, outcome in zip(experiment.expect, group, strict=True)
            if outcome.verdict is Verdict.FAILS
            for name in rule.strategies
        }
        texts += [r.text for r in explain(result) if r.strategy in failed]
    return _unique(texts)


def _disturbances(
    preset: Preset, results: Sequence[Results], outcomes: Sequence[Sequence[Outcome]]
) -> str:
    """What disturbed the strategies of every inconclusive rule, said once ("other programs
    kept 1.5 of 2 cores busy; sequential lost 31 % of its time")."""
    timings: dict[str, noise.Timing] = {}
    cores = 1
    for experiment, result, group in zip(preset.experiments, results, outcomes, strict=True):
        cores = result.machine.logical_cpus
        for rule, outcome in zip(experiment.expect, group, strict=True):
            if outcome.verdict is not Verdict.INCONCLUSIVE:
                continue
            for name in rule.strategies:
                found = noise.timing(result, name)
                if found is not None and name not in timings:
                    timings[name] = found
    return noise.disturbance(list(timings.values()), cores)


def _reasons(outcomes: Sequence[Sequence[Outcome]], verdict: Verdict) -> list[str]:
    return _unique(
        [o.reason or o.measured for group in outcomes for o in group if o.verdict is verdict]
    )


def why_paragraph(
    preset: Preset,
    results: Sequence[Results],
    outcomes: Sequence[Sequence[Outcome]],
    verdict: Verdict,
) -> str:
    """The paragraph for ``verdict``, built from the preset's texts and what was measured."""
    if verdict is Verdict.HOLDS:
        return preset.why_holds
    if verdict is Verdict.FAILS:
        readings = _readings_of_failures(preset, results, outcomes)
        measured = f" Measured here: {' '.join(readings)}" if readings else ""
        return f"{preset.why_fails}{measured}"
    if verdict is Verdict.INCONCLUSIVE:
        reasons = _disturbances(preset, results, outcomes) or "; ".join(_reasons(outcomes, verdict))
        return (
            f"This run cannot decide the claim: {reasons}. Its figures say more about the "
            f"machine's load than about the code. {RERUN_ADVICE}"
        )
    reasons = "; ".join(_reasons(outcomes, verdict)) or "this machine lacks what the rule needs"
    return f"It depends on this machine: {reasons}. Where it has them: {preset.why_holds}"
