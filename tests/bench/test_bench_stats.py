"""The benchmark's intervals and machine-load readings: pure functions, checked on known data."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from workbench.bench.machine_load import LoadReading, machine_load
from workbench.bench.overhead import _judged
from workbench.bench.overhead_report import overhead_markdown
from workbench.bench.stats import Interval, mean_interval, median_ratio_interval, t_975


def test_t_quantiles_match_the_table_and_never_narrow_between_rows() -> None:
    assert t_975(1) == pytest.approx(12.706)
    assert t_975(4) == pytest.approx(2.776)
    assert t_975(11) == t_975(10)  # between rows: the wider one above
    assert t_975(1000) == pytest.approx(1.96)
    with pytest.raises(ValueError, match="at least two"):
        t_975(0)


def test_mean_interval_is_t_times_the_standard_error_around_the_mean() -> None:
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    interval = mean_interval(values)
    half = 2.776 * statistics.stdev(values) / 5**0.5
    assert interval.estimate == pytest.approx(3.0)
    assert (interval.low, interval.high) == pytest.approx((3.0 - half, 3.0 + half))
    assert interval.half_width == pytest.approx(half)


def test_noisier_pairs_give_a_wider_interval() -> None:
    quiet = mean_interval([1.0, 1.1, 0.9, 1.0, 1.05, 0.95])
    noisy = mean_interval([1.0, 3.0, -1.0, 1.0, 2.5, -0.5])
    assert quiet.half_width < noisy.half_width


def test_ratio_of_medians_interval_holds_the_estimate_and_is_reproducible() -> None:
    bare = [1.00, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97]
    workbench = [b * 1.01 for b in bare]
    interval = median_ratio_interval(workbench, bare)
    assert interval.estimate == pytest.approx(1.01)
    assert interval.low <= interval.estimate <= interval.high
    assert median_ratio_interval(workbench, bare) == interval
    with pytest.raises(ValueError, match="at least two"):
        median_ratio_interval([1.0], [1.0])


def test_machine_load_reads_busy_and_stolen_shares(tmp_path: Path) -> None:
    stat = tmp_path / "stat"
    stat.write_text("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3\n")
    before = machine_load(stat)
    assert before == LoadReading(busy=150, steal=0, total=1000)
    stat.write_text("cpu  200 0 100 1000 50 0 0 50 0 0\n")
    later = machine_load(stat)
    assert later is not None
    figures = later.since(before)
    assert figures["busy_share"] == pytest.approx(200 / 400)
    assert figures["steal_share"] == pytest.approx(50 / 400)


def test_machine_load_is_none_without_proc(tmp_path: Path) -> None:
    assert machine_load(tmp_path / "missing") is None
    (tmp_path / "empty").write_text("")
    assert machine_load(tmp_path / "empty") is None


def test_overhead_report_shows_each_size_with_its_interval() -> None:
    row = {
        "tasks": 100_000,
        "pairs": 6,
        "us_per_task": 1.5,
        "us_per_task_ci_low": 1.2,
        "us_per_task_ci_high": 1.8,
        "wall_us_per_task": 3.0,
        "wall_us_per_task_ci_low": -1.0,
        "wall_us_per_task_ci_high": 7.0,
        "bare_cpu_us_per_task": 12.0,
        "within_target": True,
        "machine": {"busy_share": 0.5, "steal_share": 0.0, "load_1min": 1.0},
    }
    text = "\n".join(overhead_markdown([row]))
    assert "| 100,000 | 1.50 | 1.20 … 1.80 | 3.00 | -1.00 … 7.00 | 12.00 | 6 | 0.50 | yes |" in text


def test_a_size_repeats_until_its_interval_is_narrow_enough(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from workbench.bench import overhead

    tasks = 1_000
    calls: list[bool] = []

    def steady(_case: object, engine_first: bool) -> tuple[tuple[float, float], ...]:
        calls.append(engine_first)
        extra = (1.0 + 0.01 * (len(calls) % 2)) * tasks / 1e6  # 1.00 or 1.01 µs a task
        return (0.02, 0.01), (0.02 + extra, 0.01 + extra)

    monkeypatch.setattr(overhead, "_pair", steady)
    row = overhead.measure_size(tasks, min_pairs=5, progress=lambda _: None)
    assert row["pairs"] == 5  # narrow at once: the minimum is enough
    assert calls == [False, True, False, True, False]  # which side goes first alternates
    assert row["us_per_task"] == pytest.approx(1.006, abs=1e-3)  # 3 × 1.01, 2 × 1.00
    assert row["us_per_task_ci_high"] < overhead.TARGET_US_PER_TASK
    assert row["within_target"] is True


def test_a_noisy_size_stops_at_its_budget_and_is_not_judged_within(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from workbench.bench import overhead

    tasks, calls = 1_000, []

    def noisy(_case: object, _engine_first: bool) -> tuple[tuple[float, float], ...]:
        calls.append(1)
        extra = (1.0 if len(calls) % 2 else 4.0) * tasks / 1e6
        return (0.02, 0.01), (0.02 + extra, 0.01 + extra)

    monkeypatch.setattr(overhead, "_pair", noisy)
    row = overhead.measure_size(
        tasks, min_pairs=3, max_pairs=8, budget_s=3600, progress=lambda _: None
    )
    assert row["pairs"] == 8  # never narrow enough: the cap
    assert row["us_per_task_ci_low"] < overhead.TARGET_US_PER_TASK < row["us_per_task_ci_high"]
    assert row["within_target"] is False


def test_an_overhead_size_is_repeated_until_its_interval_is_on_one_side_of_the_target() -> None:
    assert _judged(Interval(1.3, 1.1, 1.5))  # within: judged
    assert _judged(Interval(2.6, 2.2, 3.0))  # beyond: judged
    assert not _judged(Interval(1.9, 1.6, 2.2))  # narrow, but straddling: not yet
