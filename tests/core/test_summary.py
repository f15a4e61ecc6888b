"""The CPU share of a run: shown only when the run was long enough to count it."""

from __future__ import annotations

from dataclasses import replace

from tests.core.results_factory import make_results
from workbench.core.comparison import comparison_rows, table_cells
from workbench.core.summary import cpu_utilisation


def test_a_long_enough_run_has_its_share_of_the_machine() -> None:
    run = make_results(("sequential",), (0.2,)).runs[0]
    assert cpu_utilisation(replace(run, cpu_ns=run.wall_ns), 2) == 50.0


def test_a_run_shorter_than_a_few_clock_ticks_has_no_share_rather_than_873_percent() -> None:
    results = make_results(("sequential",), (0.000_57,))
    run = replace(results.runs[0], cpu_ns=10_000_000)  # one 10 ms tick, counted in 0.57 ms
    assert cpu_utilisation(run, 2) is None
    row = comparison_rows(replace(results, runs=(run,)))[0]
    assert row.cpu_percent is None
    assert "%" not in " ".join(table_cells(row))
