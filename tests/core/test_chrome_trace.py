"""The Chrome trace keeps Perfetto's import rules, for every strategy's shape of run.

The same rules are checked on real runs of every strategy (slow, below) and in the real
Perfetto UI (tests/core/test_trace_in_perfetto.py).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from tests.core.dask_helpers import NEEDS_DASK
from tests.core.results_factory import make_results
from tests.core.trace_rules import (
    counters_left_running,
    main_thread_lanes,
    overlapping_bars,
    run_ends_ns,
)
from tests.core.trace_shapes import RUN_PID, SHAPES, shaped_results
from workbench.core.exports import to_chrome_trace
from workbench.core.exports.chrome_trace import run_end_ns
from workbench.core.exports.trace_lanes import pack
from workbench.core.results import Results, TaskSpan
from workbench.core.strategies import STRATEGIES
from workbench.core.threadstates.model import ThreadState, ThreadTimeline

TASKS = 2_000


def _events(results: Results) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = json.loads(to_chrome_trace(results))["traceEvents"]
    return events


def _lanes(events: list[dict[str, Any]], pid: int | None = None) -> list[str]:
    return [
        e["args"]["name"]
        for e in events
        if e["ph"] == "M" and e["name"] == "thread_name" and pid in (None, e["pid"])
    ]


def _keeps_perfettos_rules(results: Results) -> None:
    events = _events(results)
    assert overlapping_bars(events) == []
    assert main_thread_lanes(events) == []
    assert counters_left_running(events) == []
    tasks = [e for e in events if e["ph"] == "X" and e["cat"] == "task"]
    assert len(tasks) == sum(len(run.tasks) for run in results.runs)


@pytest.mark.parametrize("strategy", sorted(SHAPES))
def test_every_strategys_run_keeps_perfettos_import_rules_at_2000_tasks(strategy: str) -> None:
    """No bar overlaps another on its lane without nesting, no lane takes a pid for its tid,
    every counter drops to 0 at its run's end: each task and each of its slices is kept."""
    _keeps_perfettos_rules(shaped_results(("sequential", strategy), TASKS))


def test_a_loops_coroutines_take_as_many_lanes_as_they_overlap() -> None:
    results = shaped_results(("async-gather", "async-bounded", "threads"), 30)
    events = _events(results)
    assert _lanes(events, pid=1)[-3:] == ["main ·28", "main ·29", "main ·30"]
    task_lanes = [n for n in _lanes(events, pid=2) if "states" not in n]
    assert task_lanes == ["run", "main", "main ·2"]
    threads = [n for n in _lanes(events, pid=3) if n.startswith("thread-") and "states" not in n]
    assert threads == [f"thread-{t}" for t in range(1, 31)]


def test_lanes_are_the_fewest_on_which_no_two_tasks_overlap() -> None:
    touching = [TaskSpan(0, 0, 10, "main"), TaskSpan(1, 10, 20, "main")]
    assert [[s.id for s in lane] for lane in pack(touching)] == [[0, 1]]
    spans = [
        TaskSpan(t, start, end, "main")
        for t, (start, end) in enumerate([(0, 10), (1, 5), (2, 3), (5, 8), (9, 12), (11, 20)])
    ]
    lanes = pack(spans)
    assert len(lanes) == 3  # at most three run at once (1, 2 and 3: 2 < 3)
    assert sorted(s.id for lane in lanes for s in lane) == list(range(6))


def test_running_slices_nest_under_their_task_cut_to_its_span() -> None:
    results = shaped_results(("process-pool",), 4)
    events = _events(results)
    task = next(e for e in events if e["ph"] == "X" and e["name"] == "task 0")
    steps = [
        e
        for e in events
        if e["ph"] == "X"
        and e["cat"] == "running"
        and e["tid"] == task["tid"]
        and task["ts"] <= e["ts"] < task["ts"] + task["dur"]
    ]
    assert len(steps) == 2
    assert steps[0]["ts"] == task["ts"]
    assert steps[1]["ts"] + steps[1]["dur"] == pytest.approx(task["ts"] + task["dur"])


def test_a_workers_thread_states_lie_under_its_lane_the_runs_other_threads_on_top() -> None:
    results = shaped_results(("threads",), 2)
    (run,) = results.runs
    joiner = ThreadTimeline(RUN_PID, RUN_PID, "python", ((0, 5, ThreadState.LOCK),))
    results = replace(results, runs=(replace(run, threads=(*run.threads, joiner)),))
    events = _events(results)
    assert _lanes(events) == [
        "run",
        "python states (pid 100)",
        "thread-1",
        "thread-1 states (tid 101)",
        "thread-2",
        "thread-2 states (tid 102)",
    ]
    states = {e["name"] for e in events if e["ph"] == "X" and e["cat"] == "state"}
    assert states == {"running", "io", "lock"}
    task = next(e for e in events if e["ph"] == "X" and e["name"] == "task 0")
    assert set(task["args"]["states_s"]) == {"running", "io"}  # its thread's, over its life


def test_counters_are_named_once_and_carry_their_unit_in_the_key() -> None:
    """Perfetto names a counter track "<name> <key>": "CPU 0 busy %", not "CPU 0 busy % busy"."""
    events = _events(shaped_results(("async-gather",), 3))
    counters = {(e["name"], *e["args"]) for e in events if e["ph"] == "C"}
    assert counters == {("CPU 0", "busy %"), ("CPU 1", "busy %"), ("Loop lag", "ms")}


def test_a_cpu_sample_holds_over_the_interval_it_measured() -> None:
    """A sample at t is the busy % of the interval ending at t: drawn from the sample before."""
    results = make_results(("sequential",), (0.3,))
    run = results.runs[0]
    events = _events(results)
    cpu0 = [(e["ts"], e["args"]["busy %"]) for e in events if e.get("name") == "CPU 0"]
    assert cpu0 == [(0.0, 50.0), (run_end_ns(run) / 1_000, 0)]


def test_runs_are_laid_one_after_another_and_numbered_in_run_order() -> None:
    strategies = tuple(sorted(SHAPES, reverse=True))  # not alphabetical
    results = shaped_results(strategies, 5)
    events = _events(results)
    names = [e["args"]["name"] for e in events if e.get("name") == "process_name"]
    assert names == [f"{n:02d} {s} #1" for n, s in enumerate(strategies, start=1)]
    starts = {
        pid: min(e["ts"] for e in events if e["pid"] == pid and e["ph"] == "X")
        for pid in range(1, 13)
    }
    ends = run_ends_ns(events)
    assert all(ends[pid] < starts[pid + 1] * 1_000 for pid in range(1, 12))


def test_the_run_bar_says_what_ran_where() -> None:
    results = make_results(("threads",), (0.2,), workload="cpu", params={"size": 1000.0})
    data = json.loads(to_chrome_trace(results))
    (bar,) = [e for e in data["traceEvents"] if e["ph"] == "X" and e["cat"] == "run"]
    about = bar["args"]
    assert about["workload"] == "cpu"
    assert about["params"] == {"size": 1000.0}
    assert about["strategy"] == "threads"
    assert about["python"] == "CPython 3.11.7"
    assert about["machine"] == "Test CPU 2000, 2 logical CPUs, Linux-6.1-x86_64-with-glibc2.36"
    assert bar["dur"] == pytest.approx(0.2e6)
    assert data["metadata"]["workload"] == "cpu"
    assert data["metadata"]["strategies"] == ["threads"]


def test_names_are_written_as_utf8_not_escaped() -> None:
    """Perfetto shows a JSON \\u escape in a thread's name as it is: "main \\u00b72"."""
    text = to_chrome_trace(shaped_results(("async-gather",), 2))
    assert '"main ·2"' in text
    assert "\\u00b7" not in text


def test_a_run_with_nothing_recorded_still_has_its_lane_and_no_counters() -> None:
    results = make_results(("sequential",), (0.1,), tasks=0)
    results = replace(results, runs=(replace(results.runs[0], cpu_samples=()),))
    events = _events(results)
    assert _lanes(events) == ["run"]
    assert [e for e in events if e["ph"] == "C"] == []


@pytest.mark.slow
def test_real_runs_of_every_strategy_keep_perfettos_rules_at_2000_tasks(run: Any) -> None:
    strategies = [name for name in STRATEGIES if name != "dask"]
    results = run("sleep", strategies, TASKS, workers=2, duration=0.001)
    _keeps_perfettos_rules(results)


@pytest.mark.slow
@NEEDS_DASK
def test_a_real_dask_run_keeps_perfettos_rules_at_2000_tasks(run: Any) -> None:
    _keeps_perfettos_rules(run("sleep", ["dask"], TASKS, workers=2, duration=0.001))
