"""Inside each task: running slices (steps, heartbeats), cores, and the event loop's lag."""

from __future__ import annotations

import itertools
import os

import pytest

from tests.core.conftest import Runner
from tests.core.honest import disturbance
from workbench.core import noise
from workbench.core.results import Run, TaskSpan

NS = 1e9


def _overlap_ns(a: TaskSpan, b: TaskSpan) -> int:
    return sum(
        max(0, min(e1, e2) - max(s1, s2))
        for (s1, e1), (s2, e2) in itertools.product(a.running, b.running)
    )


def test_threads_on_cpu_take_turns_under_the_gil(run: Runner) -> None:
    results = run("cpu", ["threads"], 2, size=3_000_000)
    (threads,) = results.runs
    a, b = threads.tasks
    # Each thread runs in many short slices (the GIL's switch interval), not one block ...
    assert len(a.running) > 5
    assert len(b.running) > 5
    # ... the slices barely overlap (one thread runs Python at a time) ...
    assert _overlap_ns(a, b) < 0.1 * (a.running_ns + b.running_ns)
    # ... and together they add up to about the run's CPU time: the time it held a core, however
    # fast the machine ran then (another guest on a VM's host can slow the same work by a third
    # between two runs, which no load figure shows) — give or take what other programs took from
    # it (a preemption shorter than a heartbeat gap reads as running).
    lost = noise.run_loss(threads, results).share
    assert a.running_ns + b.running_ns == pytest.approx(threads.cpu_ns, rel=0.25 + lost)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs at least two cores")
def test_a_process_pool_runs_both_tasks_at_once(run: Runner) -> None:
    """Both tasks are in flight at once whatever the load; they *compute* at once only when two
    cores are free — so that is asserted when the run measured no one else in the way."""
    results = run("cpu", ["process-pool"], 2, workers=2, size=3_000_000)
    (pool,) = results.runs
    a, b = pool.tasks
    alive = min(a.end_ns, b.end_ns) - max(a.start_ns, b.start_ns)
    assert alive > 0.5 * min(a.duration_ns, b.duration_ns)
    if not disturbance(results, ("process-pool",)):
        assert _overlap_ns(a, b) > 0.5 * min(a.running_ns, b.running_ns)


def test_heartbeats_say_which_core_on_linux(run: Runner) -> None:
    (seq,) = run("cpu", ["sequential"], 1, size=1_000_000).runs
    (task,) = seq.tasks
    if not os.path.exists("/proc/self/stat"):
        assert task.cores == ()
    else:
        assert len(task.cores) == len(task.running)
        assert all(0 <= core < (os.cpu_count() or 1) for core in task.cores)


def _lags_s(r: Run) -> list[float]:
    return sorted(sample.lag_ns / NS for sample in r.loop_lag)


def test_a_blocking_call_in_a_coroutine_stalls_the_loop_gather_does_not(run: Runner) -> None:
    duration = 0.1
    results = run("sleep", ["async-blocking", "async-gather"], 3, duration=duration)
    blocking, gather = results.runs
    assert max(_lags_s(blocking)) >= 0.8 * duration
    lags = _lags_s(gather)
    assert lags[int(0.99 * (len(lags) - 1))] < 0.010
    # Blocking tasks run strictly one after another; gathered ones all wait together.
    spans = sorted(blocking.tasks, key=lambda t: t.start_ns)
    assert all(x.end_ns <= y.start_ns for x, y in itertools.pairwise(spans))
    assert all(t.running_ns >= 0.9 * t.duration_ns for t in blocking.tasks)
    assert all(t.running_ns < 0.1 * t.duration_ns for t in gather.tasks)


def test_sync_strategies_have_no_lag_probe(run: Runner) -> None:
    (r,) = run("sleep", ["threads"], 2, duration=0.05).runs
    assert r.loop_lag == ()
