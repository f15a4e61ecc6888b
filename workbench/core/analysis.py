"""Everything said about finished results, in one call: the comparison's rows, a reading per
strategy and the recommendation.

One pure function of immutable results, so a client can compute it away from its event loop:
at 100,000 tasks the readings alone take a few tenths of a second, which the window's loop
must not spend (it would freeze the window just as the run ends). The CLI calls the parts
directly; the window calls this on a worker thread and draws the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.comparison import ComparisonRow, comparison_rows
from workbench.core.explain import Reading, explain
from workbench.core.recommend import recommend
from workbench.core.results import Results


@dataclass(frozen=True)
class Analysis:
    """What the window shows under the timeline for one experiment's results."""

    rows: tuple[ComparisonRow, ...]
    readings: tuple[Reading, ...] = ()
    """Empty while runs are still to come: the readings compare every strategy."""
    recommendation: str = ""
    """The one-line recommendation; empty with no readings, or nothing to choose between."""


def analyse(results: Results, *, readings: bool = True) -> Analysis:
    """The rows, and with ``readings`` the readings and the recommendation."""
    rows = comparison_rows(results)
    if not readings:
        return Analysis(rows)
    advice = recommend(results)
    return Analysis(rows, explain(results), "" if advice is None else advice.text)
