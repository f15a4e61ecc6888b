"""The History panel's and the class view's tables as data, without a display: cell texts, sort keys
that sort numbers as numbers, the filters, and the class's speedup-against-cores series."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from tests.core.results_factory import make_results
from workbench.core.history.index import HistoryEntry, entry_for
from workbench.core.lab import ClassEntry
from workbench.core.summary import summarize
from workbench.gui.model.class_rows import (
    class_row,
    class_summary,
    columns,
    short_cpu,
    short_os,
    speedup_series,
    strategies,
)
from workbench.gui.model.history_rows import (
    COLUMNS,
    NO_PRESET,
    HistoryFilter,
    HistoryListing,
    choices,
    history_row,
    since,
)
from workbench.gui.model.table_rows import sort_rows

NOW = datetime(2026, 11, 30, 15, 0)
DAY = 86_400.0


def entry(entry_id: int, days_ago: float = 0, **results: Any) -> HistoryEntry:
    recorded_at = NOW.timestamp() - days_ago * DAY
    return entry_for(make_results(**results), id=entry_id, recorded_at=recorded_at, hostname="vm")


def test_a_history_row_reads_like_the_cli_and_sorts_by_number() -> None:
    small = entry(2, tasks=9)
    big = entry(10, tasks=1000)
    row = history_row(big)
    titles = [c.title for c in COLUMNS]
    cells = dict(zip(titles, row.cells, strict=True))
    assert cells["#"] == "10" and cells["tasks"] == "1,000"
    assert cells["best"] == "async-gather 3.00×"
    assert cells["machine"] == "vm (2 CPUs)" and cells["python"] == "CPython 3.11.7"
    assert cells["workload"] == "sleep (duration 0.1 s)"
    # Text would put "10" before "2" and "1,000" before "9"; the keys do not.
    rows = [history_row(small), row]
    for column in (titles.index("#"), titles.index("tasks")):
        assert [r.id for r in sort_rows(rows[::-1], column)] == [2, 10]


def test_filters_by_workload_preset_and_period() -> None:
    entries = [
        replace(entry(1, days_ago=40), preset="cpu-gil", verdict="holds"),
        entry(2, days_ago=3, workload="cpu"),
        entry(3, days_ago=0.1),
    ]
    listing = HistoryListing()
    listing.set_entries(entries)
    assert [e.id for e in listing.shown()] == [1, 2, 3]
    assert listing.summary() == "3 experiment(s)"

    listing.set_filter(HistoryFilter(workload="sleep"))
    assert [e.id for e in listing.shown()] == [1, 3]
    listing.set_filter(HistoryFilter(preset=NO_PRESET))
    assert [e.id for e in listing.shown()] == [2, 3]
    listing.set_filter(HistoryFilter(preset="cpu-gil"))
    assert [e.id for e in listing.shown()] == [1]
    listing.set_filter(HistoryFilter(since=since("last 7 days", NOW)))
    assert [e.id for e in listing.shown()] == [2, 3]
    assert listing.summary() == "2 of 3 experiment(s) match the filters"
    listing.set_filter(HistoryFilter(since=since("today", NOW)))
    assert [e.id for e in listing.shown()] == [3]
    assert since("any time", NOW) is None

    found = choices(entries)
    assert found.workloads == ("cpu", "sleep") and found.presets == ("cpu-gil",)


def test_an_empty_history_says_what_it_will_hold() -> None:
    assert "every experiment you run" in HistoryListing().summary()


def _class_entry(
    number: int, cores: int, pool_speedup: float | None, **extra: object
) -> ClassEntry:
    results = make_results(
        ("sequential", "process-pool"), (1.0, 1.0 / (pool_speedup or 1.0)), logical_cpus=cores
    )
    speedups = tuple((s.strategy, s.speedup) for s in summarize(results))
    if pool_speedup is None:
        speedups = (("sequential", 1.0), ("process-pool", None))
    values: dict[str, object] = {
        "number": number, "received_at": 0.0, "hostname": f"pc{number}", "client": "10.0.0.9",
        "logical_cpus": cores, "physical_cpus": cores, "cpu_model": "Lab CPU",
        "os": "Linux-6.1.0-x86_64-with-glibc2.36", "interpreter": "CPython 3.12.1",
        "workload": "cpu", "tasks": 8, "preset": None, "verdict": None, "speedups": speedups,
        "results": results,
    }  # fmt: skip
    values.update(extra)
    return ClassEntry(**values)  # type: ignore[arg-type]


def test_a_class_row_per_machine_with_a_speedup_column_per_strategy() -> None:
    entries = [
        _class_entry(1, 4, 3.5, preset="cpu-gil", verdict="holds"),
        _class_entry(2, 16, 12.0, physical_cpus=8, os="Windows-11-10.0.22631-SP0"),
        _class_entry(3, 2, None, verdict="doesn't hold here", preset="cpu-gil"),
    ]
    shown = strategies(entries)
    assert shown == ("process-pool",)  # not the baseline: 1.00× on every machine
    titles = [c.title for c in columns(shown)]
    assert titles[:5] == ["#", "machine", "cores", "process-pool", "verdict"]
    row = dict(zip(titles, class_row(entries[1], shown).cells, strict=True))
    assert row["cores"] == "16 (8)" and row["OS"] == "Windows 11"
    assert row["process-pool"] == "12.00×"
    first = dict(zip(titles, class_row(entries[0], shown).cells, strict=True))
    assert (first["verdict"], first["experiment"]) == ("holds", "cpu-gil (cpu, 8 tasks)")
    assert class_row(entries[2], shown).cells[titles.index("process-pool")] == "—"
    cores = titles.index("cores")
    ordered = sort_rows([class_row(e, shown) for e in entries], cores)
    assert [r.id for r in ordered] == [3, 1, 2]

    series = {s.strategy: s for s in speedup_series(entries)}
    assert series["process-pool"].cores == (4, 16)  # the unknown speedup is left out
    assert series["process-pool"].speedups == pytest.approx((3.5, 12.0))
    assert "sequential" not in series
    assert class_summary(entries) == (
        "3 machine(s) · 2–16 cores · 1 CPU model(s) · 2 OS(es) · 1 Python(s)"
    )
    assert class_summary([]) == "No results yet"


def test_short_cpu_and_os_names() -> None:
    assert short_cpu("Intel(R) Core(TM) i5-7200U CPU @ 2.50GHz") == "Intel Core i5-7200U"
    assert short_cpu("AMD Ryzen 7 7840U w/ Radeon 780M Graphics") == "AMD Ryzen 7 7840U"
    assert short_cpu("Intel Xeon Processor (Skylake, IBRS)") == "Intel Xeon (Skylake, IBRS)"
    assert short_cpu("Apple M1") == "Apple M1"
    assert short_os("Linux-6.1.0-x86_64-with-glibc2.36") == "Linux 6.1.0"
    assert short_os("macOS-14.2-arm64-arm-64bit") == "macOS 14.2"
    assert short_os("Plan9") == "Plan9"
