"""The same strategy on several Pythons: how much faster or slower each ran than on the first.

Within one interpreter a speedup is over its own baseline (see :mod:`workbench.core.summary`);
that answers "do threads help here?". Across interpreters the question is another one — "is
threads on 3.13t faster than threads on 3.11?" — and its answer is the ratio of the same
strategy's median wall times, against the first interpreter the experiment named (the one a
class starts from, usually the one the workbench runs on). Pure and Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.clock import format_seconds, to_seconds
from workbench.core.results import Results
from workbench.core.summary import summarize


@dataclass(frozen=True)
class CrossSpeedup:
    """``strategy`` on ``interpreter`` ran ``ratio`` times as fast as on ``reference``."""

    strategy: str
    interpreter: str
    reference: str
    ratio: float
    wall_ns: int
    reference_wall_ns: int


def cross_speedups(results: Results) -> tuple[CrossSpeedup, ...]:
    """Every strategy's median wall time on each interpreter after the first, against the
    first's; none when the experiment ran on one interpreter."""
    if not results.several_interpreters:
        return ()
    walls = {(s.interpreter, s.strategy): s.wall_ns_median for s in summarize(results)}
    reference, *others = results.interpreter_labels
    found = []
    for strategy in results.config.strategies:
        base = walls.get((reference, strategy))
        for label in others:
            wall = walls.get((label, strategy))
            if base and wall:
                found.append(CrossSpeedup(strategy, label, reference, base / wall, wall, base))
    return tuple(found)


def _seconds(ns: int) -> str:
    return format_seconds(to_seconds(ns))


def across_interpreters(results: Results) -> tuple[tuple[str, str], ...]:
    """(strategy, one sentence) per strategy that ran on more than one interpreter, e.g.
    ``threads across Pythons: on 3.13t (GIL off) 1.93× as fast as on 3.11 (0.412 s against
    0.795 s).``"""
    by_strategy: dict[str, list[CrossSpeedup]] = {}
    for cross in cross_speedups(results):
        by_strategy.setdefault(cross.strategy, []).append(cross)
    sentences = []
    for strategy, crosses in by_strategy.items():
        parts = [
            f"on {c.interpreter} {c.ratio:.2f}× as fast as on {c.reference} "
            f"({_seconds(c.wall_ns)} against {_seconds(c.reference_wall_ns)})"
            for c in crosses
        ]
        sentences.append((strategy, f"{strategy} across Pythons: {'; '.join(parts)}."))
    return tuple(sentences)
