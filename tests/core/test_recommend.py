"""The engineer's one line, and the comparison's figures behind it: peak memory, the share other
programs took, an efficiency only where workers mean something, and a table that fits."""

from __future__ import annotations

from dataclasses import replace

from tests.core.results_factory import make_results
from workbench.core.comparison import COLUMN_TIPS, COLUMNS, comparison_rows, table_cells
from workbench.core.recommend import recommend
from workbench.core.results import Interference, LagSample, MemoryPeak, Results

MB = 1_000_000
LAGS = [120_000] * 98 + [1_400_000, 3_900_000]
"""A gathered run's lag: 0.12 ms typically, 1.4 ms at the 99th percentile, 3.9 ms at worst."""


def with_memory(results: Results, megabytes: dict[str, int], lost: float = 0.0) -> Results:
    runs = tuple(
        replace(
            run,
            peak_memory=MemoryPeak(megabytes[run.strategy] * MB, "pss"),
            interference=Interference(0.1, lost, 4),
        )
        for run in results.runs
    )
    return replace(results, runs=runs)


def test_the_fastest_is_recommended_with_the_others_and_its_memory() -> None:
    results = with_memory(
        make_results(
            ("sequential", "async-gather", "threads", "process-pool"),
            (1.0, 1.0, 1.0, 0.52),
            workload="cpu",
            params={"size": 1e6},
        ),
        {"sequential": 18, "async-gather": 18, "threads": 19, "process-pool": 57},
    )
    advice = recommend(results)
    assert advice is not None and advice.strategy == "process-pool"
    assert advice.text == (
        "for this workload here: process-pool, 1.9× — sequential 1.0×, async-gather 1.0×, "
        "threads 1.0×; its peak memory 3.2× sequential's"
    )


def test_of_strategies_within_the_noise_the_lighter_one_is_recommended() -> None:
    results = with_memory(
        make_results(("sequential", "threads", "async-gather"), (10.0, 0.101, 0.1)),
        {"sequential": 18, "threads": 60, "async-gather": 20},
    )
    advice = recommend(results)
    assert advice is not None and advice.strategy == "async-gather"
    assert advice.text == (
        "for this workload here: async-gather, 100× — threads 99×, sequential 1.0×; "
        "its peak memory 20 MB, 3.0× less than threads's"
    )


def test_when_nothing_beats_the_loop_it_says_so() -> None:
    results = make_results(("sequential", "process-pool"), (0.01, 0.05))
    advice = recommend(results)
    assert advice is not None
    assert advice.text == "for this workload here: sequential — nothing beat it: process-pool 0.20×"


def test_nothing_to_choose_between_gives_no_line() -> None:
    assert recommend(make_results(("sequential",), (1.0,))) is None


def test_efficiency_only_for_threads_and_processes_never_an_event_loops_speedup() -> None:
    results = make_results(("sequential", "async-gather", "threads"), (1.75, 0.1, 0.9), tasks=4)
    rows = {row.strategy: row for row in comparison_rows(results)}
    assert rows["async-gather"].speedup is not None and rows["async-gather"].speedup > 17
    assert rows["async-gather"].efficiency is None  # not 17.5 "per worker"
    assert rows["sequential"].efficiency is None
    assert rows["threads"].efficiency is not None
    tip = COLUMN_TIPS[COLUMNS.index("Workers")]
    assert "Efficiency for thread and process strategies only" in tip
    cells = {row.strategy: table_cells(row)[COLUMNS.index("Workers")] for row in rows.values()}
    assert cells["async-gather"] == "1"
    assert cells["threads"] == f"1 · {rows['threads'].efficiency:.2f}"


def test_memory_lost_time_and_lag_each_have_one_cell() -> None:
    results = with_memory(
        make_results(("sequential", "async-gather"), (0.3, 0.1)),
        {"sequential": 18, "async-gather": 21},
        lost=0.31,
    )
    gather = replace(results.runs[1], loop_lag=tuple(LagSample(t, t * 1000) for t in range(1, 101)))
    results = replace(results, runs=(results.runs[0], gather))
    cells = {row.strategy: dict(zip(COLUMNS, table_cells(row), strict=True)) for row in
             comparison_rows(results)}  # fmt: skip
    assert cells["async-gather"]["Memory"] == "21 MB"
    assert cells["sequential"]["Lost"] == "10 %"  # capped by what other programs used (0.1)
    assert cells["async-gather"]["Lost"] == "0 %"  # 3 steps × 0.1 ms lag: next to nothing
    assert cells["async-gather"]["Loop lag"] == "0.05/0.10/0.10 ms"
    assert cells["sequential"]["Loop lag"] == ""
    assert cells["sequential"]["CPU"].endswith(" %")


def test_the_table_is_narrow_enough_for_a_1080p_window() -> None:
    """Ten columns; the longest cell of each plus the gaps stays within 120 characters for a
    five-strategy experiment with repeats and lag: the table's share of a 1920-px window beside
    the settings and the chart is ~960-1,000 px, about 120 characters at the window's type.
    (Twelve columns needed ~135.)"""
    results = with_memory(
        make_results(
            ("sequential", "async-taskgroup", "threads", "process-pool", "mp-pool"),
            (1.0, 1.01, 1.0, 0.52, 0.55),
            repeat=3,
        ),
        {"sequential": 18, "async-taskgroup": 18, "threads": 19, "process-pool": 57,
         "mp-pool": 61},
        lost=0.12,
    )  # fmt: skip
    lagged = tuple(
        replace(run, loop_lag=tuple(LagSample(t, lag) for t, lag in enumerate(LAGS)))
        if run.strategy == "async-taskgroup" else run
        for run in results.runs
    )  # fmt: skip
    rows = [table_cells(row) for row in comparison_rows(replace(results, runs=lagged))]
    assert rows[1][COLUMNS.index("Loop lag")] == "0.12/1.4/3.9 ms"
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(COLUMNS)]
    assert len(COLUMNS) == 10
    assert sum(widths) + 2 * (len(COLUMNS) - 1) <= 120, dict(zip(COLUMNS, widths, strict=True))


def test_on_several_pythons_each_is_measured_against_the_first_pythons_loop() -> None:
    """Threads on 3.13t ran 1.94× as fast as 3.13t's own loop, but that loop is slower than
    3.11's: what the engineer gains over the loop they run today is 1.6×, and the line names
    each Python (it said "threads, 1.9× — sequential 1.0×, sequential 1.0×, …" before)."""
    from workbench.core.results import RunInterpreter

    standard = RunInterpreter("/usr/bin/python3.11", "3.11.7", "CPython", False, True, "3.11")
    free = RunInterpreter("/opt/python3.13t", "3.13.5", "CPython", True, False, "3.13t (GIL off)")
    on_311 = make_results(("sequential", "threads"), (0.50, 0.50), workload="cpu")
    on_313t = make_results(("sequential", "threads"), (0.60, 0.31), workload="cpu")
    megabytes = {"sequential": 20, "threads": 20}
    runs = (
        *(replace(r, interpreter=standard) for r in with_memory(on_311, megabytes).runs),
        *(replace(r, interpreter=free) for r in with_memory(on_313t, megabytes).runs),
    )
    config = replace(on_311.config, interpreters=(standard, free))
    advice = recommend(replace(on_311, config=config, runs=runs))
    assert advice is not None and advice.strategy == "threads"
    assert advice.text.startswith("for this workload here: threads on 3.13t (GIL off), 1.6× — ")
    assert "sequential on 3.13t (GIL off) 0.83×" in advice.text
    assert "sequential on 3.11 1.0×" in advice.text
