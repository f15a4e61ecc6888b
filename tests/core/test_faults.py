"""Faults: a failing task, a dying worker, a dying run process — recorded, never fatal."""

from __future__ import annotations

import pytest

from tests.core.conftest import Runner
from tests.core.fault_workloads import EXIT, KILL, RAISE

pytestmark = pytest.mark.usefixtures("fault_workload")


@pytest.mark.parametrize(
    "strategy",
    [
        "sequential",
        "async-gather",
        "async-taskgroup",
        "threads",
        "thread-pool",
        "process-pool",
        "mp-pool",
        "async-to-thread",
    ],
)
def test_a_task_that_raises_is_recorded_and_the_run_goes_on(run: Runner, strategy: str) -> None:
    results = run("fault", [strategy], 4, workers=2, mode=RAISE, task=1)
    (r,) = results.runs
    assert r.ok, r.error
    by_id = {span.id: span for span in r.tasks}
    assert sorted(by_id) == [0, 1, 2, 3]
    assert not by_id[1].ok
    assert by_id[1].error == "ValueError: task 1 was told to fail"
    assert all(by_id[i].ok for i in (0, 2, 3))


@pytest.mark.parametrize(
    ("strategy", "mode"),
    [
        ("process-pool", EXIT),
        ("process-pool", KILL),
        ("mp-pool", EXIT),
        ("mp-pool", KILL),
    ],
)
def test_a_dying_pool_worker_fails_that_run_only(run: Runner, strategy: str, mode: int) -> None:
    results = run(
        "fault",
        [strategy, "async-gather"],
        4,
        workers=2,
        mode=mode,
        task=1,
        duration=0.05,
        pool_only=1,
    )
    dead, after = results.runs
    assert not dead.ok
    assert "died abruptly" in (dead.error or "")
    assert after.ok, "the next strategy must still run"
    assert not results.ok


def test_a_task_that_kills_the_run_process_fails_that_run_with_the_reason(run: Runner) -> None:
    # Events stream every 50 ms, so the ones just before a crash may be lost; task 0 ended
    # 0.2 s before task 2 exits the process.
    results = run("fault", ["sequential"], 4, mode=EXIT, task=2, duration=0.2)
    (dead,) = results.runs
    assert not dead.ok
    assert dead.error == "the run's process exited with code 3"
    spans = {span.id: span for span in dead.tasks}
    assert spans[0].ok
    assert not spans.get(2, spans[1]).ok  # the last task seen began and never ended
    assert 3 not in spans
