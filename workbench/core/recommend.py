"""One line for the engineer: which strategy to use for this workload, on this machine, and what
it costs — "for this workload here: process-pool, 1.9× — threads 1.0×, async-gather 1.0×; its
peak memory 1.4× threads'". Pure: results in, a sentence out; the CLI prints it, the window
shows it.

The fastest strategy is not always the one to pick: two strategies within the timing noise of
each other are a tie, and of tied strategies one holding clearly less memory at its peak wins
(for many slow connections that is what separates asyncio from threads), then the simpler: a
loop before coroutines before threads before processes.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core import noise
from workbench.core.explain import format_bytes, representative_run
from workbench.core.results import Results
from workbench.core.strategies import STRATEGIES, Family
from workbench.core.summary import baseline_strategy, summarize

TIE = 2 * noise.QUIET_NOISE
"""Speedups this close (relative) are a tie: each strategy's time varies ±4 % between quiet
repeats, so two of them can differ by twice that without either being faster."""
MEMORY_WORTH_SAYING = 1.2
"""A peak-memory ratio from which the line mentions memory (smaller is sampling noise)."""
SHOWN = 3
"""Other strategies named at most, fastest first."""
_SIMPLER = (Family.SEQUENTIAL, Family.ASYNC, Family.THREADS, Family.PROCESSES)


@dataclass(frozen=True)
class Choice:
    strategy: str
    speedup: float
    peak_memory_bytes: int | None
    name: str
    """How the line names it: the strategy, "on" its Python where there were several."""
    interpreter: str = ""


@dataclass(frozen=True)
class Recommendation:
    strategy: str
    """The strategy to use for this workload here."""
    text: str
    """The line, beginning "for this workload here: …"."""


def _choices(results: Results) -> list[Choice]:
    """Every strategy that finished cleanly, with its speedup. On several Pythons each is
    over the first Python's baseline, not its own: a free-threaded build runs a plain loop
    slower, so its threads' speedup over its own loop overstates what they gain over the
    loop the engineer has today."""
    summaries = summarize(results)
    several = results.several_interpreters
    first = results.interpreter_labels[0]
    baseline = baseline_strategy(results.config.strategies)
    reference = next(
        (s.wall_ns_median for s in summaries if s.strategy == baseline and s.interpreter == first),
        None,
    )
    choices = []
    for summary in summaries:
        if summary.speedup is None or summary.failed_runs or summary.failed_tasks:
            continue
        speedup = summary.speedup
        if several:
            if not reference or not summary.wall_ns_median:
                continue
            speedup = reference / summary.wall_ns_median
        run = representative_run(results.runs_of(summary.strategy, summary.interpreter))
        memory = run.peak_memory.bytes if run is not None and run.peak_memory else None
        name = f"{summary.strategy} on {summary.interpreter}" if several else summary.strategy
        choices.append(Choice(summary.strategy, speedup, memory, name, summary.interpreter))
    return choices


def _simplicity(strategy: str) -> int:
    family = STRATEGIES[strategy].family if strategy in STRATEGIES else Family.PROCESSES
    return _SIMPLER.index(family) if family in _SIMPLER else len(_SIMPLER)


def _times(speedup: float) -> str:
    if speedup >= 9.95:
        return f"{speedup:.0f}×"
    return f"{speedup:.1f}×" if speedup >= 0.995 else f"{speedup:.2f}×"


def _memory(chosen: Choice, rival: Choice | None) -> str:
    if rival is None or chosen.peak_memory_bytes is None or rival.peak_memory_bytes is None:
        return ""
    ratio = chosen.peak_memory_bytes / max(1, rival.peak_memory_bytes)
    if ratio >= MEMORY_WORTH_SAYING:
        return f"; its peak memory {ratio:.1f}× {rival.name}'s"
    if ratio <= 1 / MEMORY_WORTH_SAYING:
        less = f"{1 / ratio:.1f}× less than {rival.name}'s"
        return f"; its peak memory {format_bytes(chosen.peak_memory_bytes)}, {less}"
    return ""


def recommend(results: Results) -> Recommendation | None:
    """The strategy to use here and why, in one line; None when no strategy finished cleanly
    (or only one ran: nothing to choose between)."""
    choices = _choices(results)
    if len(choices) < 2:
        return None
    best = max(c.speedup for c in choices)
    tied = [c for c in choices if c.speedup >= best * (1 - TIE)]
    # Of tied strategies, those holding clearly less memory; among them the simplest. A few
    # MB either way is sampling noise, not a reason to prefer threads to a plain loop.
    measured = [c.peak_memory_bytes for c in tied if c.peak_memory_bytes is not None]
    least = min(measured, default=None)
    lean = [
        c
        for c in tied
        if least is None
        or c.peak_memory_bytes is None
        or c.peak_memory_bytes <= least * MEMORY_WORTH_SAYING
    ]
    chosen = min(lean, key=lambda c: (_simplicity(c.strategy), -c.speedup))
    others = sorted((c for c in choices if c is not chosen), key=lambda c: -c.speedup)
    named = ", ".join(f"{c.name} {_times(c.speedup)}" for c in others[:SHOWN])
    faster = next((c for c in others if c.speedup > chosen.speedup), None)
    if faster is not None:
        named = named.replace(
            f"{faster.name} {_times(faster.speedup)}",
            f"{faster.name} {_times(faster.speedup)} (a tie)",
            1,
        )
    rival = faster or (others[0] if others else None)
    baseline = (baseline_strategy(results.config.strategies), results.interpreter_labels[0])
    if (chosen.strategy, chosen.interpreter) == baseline:
        text = f"for this workload here: {chosen.name} — nothing beat it: {named}"
    else:
        text = f"for this workload here: {chosen.name}, {_times(chosen.speedup)} — {named}"
    return Recommendation(chosen.strategy, text + _memory(chosen, rival))
