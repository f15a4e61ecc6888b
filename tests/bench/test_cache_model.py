"""The CPU cases' arms in cachegrind's cache and branch model: its totals read right, summed
over a pool's processes, taken per iteration between two sizes, and a clear line when
valgrind is missing."""

from __future__ import annotations

import shutil

import pytest

from workbench.bench import cache_model
from workbench.bench.cache_model import MEASURES, parse_summary, per_iteration
from workbench.bench.instructions import merged
from workbench.bench.reference import BenchError, Case
from workbench.bench.report import cache_model_markdown

MODEL_OUT = """\
desc: I1 cache:         32768 B, 64 B, 8-way associative
cmd: python3 -c pass
events: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw Bc Bcm Bi Bim
fl=/build/Python-3.11.7/Python/ceval.c
fn=_PyEval_EvalFrameDefault
120 1000 1 1 400 2 0 100 1 0 90 3 30 0
summary: 1000 1 1 400 2 0 100 1 0 90 3 30 0
"""


def test_a_model_file_gives_its_totals_by_event() -> None:
    events = parse_summary(MODEL_OUT)
    assert events["Ir"] == 1000 and events["D1mr"] == 2 and events["Bcm"] == 3
    assert len(events) == 13


def test_a_file_without_its_summary_is_refused() -> None:
    with pytest.raises(BenchError, match="summary"):
        parse_summary("events: Ir\nfn=f\n1 10\n")


def test_a_pools_processes_are_summed() -> None:
    assert merged([{"Ir": 10, "Bcm": 1}, {"Ir": 5, "D1mr": 2}]) == {"Ir": 15, "Bcm": 1, "D1mr": 2}


def test_each_measure_per_iteration_is_the_larger_run_less_the_smaller() -> None:
    small = {"Ir": 1_000, "I1mr": 4, "D1mr": 10, "D1mw": 2, "DLmr": 1, "Bcm": 5, "Bim": 1}
    large = {"Ir": 9_000, "I1mr": 4, "D1mr": 30, "D1mw": 2, "DLmr": 1, "Bcm": 45, "Bim": 1}
    costs = per_iteration(small, large, iterations=100)
    assert costs == {
        "instructions": 80.0,
        "instruction cache misses": 0.0,
        "data cache misses": 0.2,  # reads and writes together
        "last-level misses": 0.0,
        "mispredicted branches": 0.4,
    }


def test_the_table_reads_a_difference_that_is_zero_to_three_places_as_zero() -> None:
    row = {"case": "c", "arm": "a", **dict.fromkeys(MEASURES, -0.0001)}
    table = "\n".join(cache_model_markdown([row]))
    assert "| c | a | 0.000 | 0.000 | 0.000 | 0.000 | 0.000 |" in table and "-0" not in table


def test_without_valgrind_the_command_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert cache_model.main(["--case", "cpu-4-threads"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("workbench.bench.cache_model: ") and "needs valgrind" in err


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_a_tiny_pool_really_simulated_counts_its_workers_with_their_parent() -> None:
    """Really simulated: the workers' events are counted with their parent's, and the
    workbench's spin (a heartbeat every 5,000 iterations) executes what the bare loop does.
    Misses are left unasserted at this size: over 15,000 iterations a task, one-off events
    (the collector, a pool's start) do not cancel between the two sizes."""
    size = 5_000
    pool = Case(
        "tiny-pool", "cpu", "process-pool", 2, 2, {"size": size}, "cpu.py", ("", "process-pool")
    )
    rows = cache_model.measure(
        (pool,), sizes=(size, 4 * size), progress=lambda _: None, arms=("spin",)
    )
    bare, spin = rows
    assert (bare["arm"], spin["arm"]) == ("bare", "spin")
    assert bare["instructions"] > 300  # with the workers lost, a few an iteration
    assert spin["instructions"] == pytest.approx(bare["instructions"], rel=0.03)
    assert all(set(row) == {"case", "arm", *MEASURES} for row in rows)
    table = "\n".join(cache_model_markdown(rows))
    assert "| tiny-pool | spin |" in table and "mispredicted branches" in table
