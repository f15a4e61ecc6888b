"""The dask strategy on a LocalCluster started for the run: lanes, the run's clock, speedup on
a quiet machine (the honest outcome on a busy one), and faults — each leaving no process."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal

import pytest

from tests.core.conftest import Runner
from tests.core.dask_helpers import (
    NEEDS_DASK,
    OnFirstBegin,
    assert_all_gone,
    assert_pids_gone,
    worker_pids,
)
from tests.core.fault_workloads import KILL, RAISE
from tests.core.honest import says_why_undecided
from workbench.core.config import build_config
from workbench.core.engine import run_experiment
from workbench.core.explain import other_load, peak_in_flight
from workbench.core.results import Run
from workbench.core.verdicts import Rule, Verdict

pytestmark = [pytest.mark.slow, NEEDS_DASK]

CPU_SIZE = 30_000_000
"""≈1.25-3.5 s of work per task here (the VM's speed varies by the day): long enough that two
workers beat a loop even with the cluster's start (~0.6-1.3 s) and close (~0.3 s) in the wall
time."""
BEATS_A_LOOP = 1.1
"""What the test holds Dask to: faster than the loop, which only computing on both cores at
once can be (its start and close alone make it slower otherwise). Not the 1.5× of a process
pool: on two cores each worker's own event loop took ~14 % of a core beside its task (thread
states, 8 tasks, 3.3 s each), its start 1.0-1.3 s, and one vCPU computed at ~80 % of the
other in one run, splitting the tasks 5-3 — quiet runs measured 1.18-1.83×."""


def _check_on_the_run_axis(run: Run, tasks: int) -> None:
    assert run.ok, run.error
    assert run.cluster is not None
    good = [span for span in run.tasks if span.attempt_of is None]
    assert sorted(span.id for span in good) == list(range(tasks))
    assert all(0 <= s.start_ns <= s.end_ns <= run.wall_ns for s in run.tasks)
    assert all(a <= b for s in run.tasks for a, b in s.running)  # heartbeats re-timed too
    assert min(s.start_ns for s in run.tasks) >= run.startup_ns > 0


def test_a_local_cluster_gives_a_lane_per_worker_and_beats_a_loop_on_a_quiet_machine(
    run: Runner,
) -> None:
    results = run("cpu", ["sequential", "dask"], 8, workers=2, size=CPU_SIZE)
    seq, dask = results.runs
    _check_on_the_run_axis(dask, 8)
    assert dask.cluster is not None and dask.cluster.local
    workers = dask.cluster.workers
    assert len(workers) == 2 and all(w.shared_clock and w.clock_offset_ns == 0 for w in workers)
    assert {w.label for w in workers} == {f"{w.host}:{w.pid}" for w in workers}
    # One lane per worker: its label, its process; each worker runs one task at a time.
    assert {span.worker for span in dask.tasks} == {w.label for w in workers}
    for worker in workers:
        lane = sorted((s for s in dask.tasks if s.worker == worker.label), key=lambda s: s.start_ns)
        assert {s.pid for s in lane} == {worker.pid}
        assert all(a.end_ns <= b.start_ns for a, b in itertools.pairwise(lane))
    busy = max(other_load(seq), other_load(dask))
    rule = Rule("speedup", "dask", over="sequential", min=BEATS_A_LOOP, needs_cores=2)
    outcome = rule.check(results, 1.0)
    print(f"dask: {outcome.measured}, other programs kept {busy:.1f} cores busy: {outcome}")
    # Never "doesn't hold" (that would be the cluster failing to compute in parallel on a
    # clean measurement); undecided only saying why: within the noise of a quiet machine's
    # timings, or disturbed.
    assert outcome.verdict is not Verdict.FAILS, outcome
    if outcome.verdict is not Verdict.HOLDS:
        assert outcome.verdict is Verdict.DEPENDS or says_why_undecided(outcome.reason), outcome
        # Disturbed: what else runs decides the speedup. What must still show is both workers
        # computing at once: two tasks in flight, each worker's CPU seen busy by the
        # scheduler, and every task's heartbeats.
        assert peak_in_flight(dask.tasks) == 2
        for worker in workers:
            seen = [s.percent for s in dask.worker_cpu if s.worker == worker.label]
            assert seen and max(seen) >= 50, (worker.label, seen)
        assert all(span.running_ns > 0 for span in dask.tasks)
    assert_pids_gone(worker_pids(dask))


@pytest.mark.usefixtures("fault_workload")
def test_a_task_that_raises_is_recorded_and_the_run_goes_on(run: Runner) -> None:
    results = run("fault", ["dask"], 4, workers=2, mode=RAISE, task=1)
    (r,) = results.runs
    _check_on_the_run_axis(r, 4)
    by_id = {span.id: span for span in r.tasks}
    assert by_id[1].error == "ValueError: task 1 was told to fail"
    assert r.failed_tasks == 1 and r.lost_attempts == 0


def test_a_worker_killed_mid_run_loses_its_attempt_and_dask_runs_the_task_again() -> None:
    config = build_config("sleep", ["dask"], 4, 2, {"duration": 1.0})
    killer = OnFirstBegin(lambda begin: os.kill(begin.pid or 0, signal.SIGKILL))
    results = asyncio.run(run_experiment(config, killer))
    (r,) = results.runs
    _check_on_the_run_axis(r, 4)
    assert killer.fired is not None
    dead, task = killer.fired.pid, killer.fired.task_id
    (lost,) = [span for span in r.tasks if span.attempt_of is not None]
    assert (lost.attempt_of, lost.pid, lost.ok) == (task, dead, False)
    assert lost.id >= 4 and "lost with worker" in (lost.error or "")
    (again,) = [span for span in r.tasks if span.id == task]
    assert again.ok and again.pid != dead and again.start_ns >= lost.start_ns
    assert r.failed_tasks == 0 and r.lost_attempts == 1
    assert_all_gone(killer.family)
    assert_pids_gone(worker_pids(r))


@pytest.mark.usefixtures("fault_workload")
def test_a_task_that_kills_every_worker_it_runs_on_fails_when_dask_gives_up(run: Runner) -> None:
    results = run("fault", ["dask"], 3, workers=2, mode=KILL, task=1, duration=0.05, pool_only=1)
    (r,) = results.runs
    assert r.ok, r.error  # Dask's retry policy decides, not a broken run
    by_id = {span.id: span for span in r.tasks if span.attempt_of is None}
    assert sorted(by_id) == [0, 1, 2]
    assert by_id[0].ok and by_id[2].ok
    # Dask allows 3 deaths (distributed.scheduler.allowed-failures); the 4th gives up. The
    # killing task mostly dies before its worker can say it began: then its failure is a
    # marker on the lane of the last worker Dask names.
    assert not by_id[1].ok
    assert by_id[1].error == (
        f"KilledWorker: 4 workers died running it, and Dask gave up (the last: {by_id[1].worker})"
    )
    # Attempts seen and lost meanwhile: the killer's own (at most the 3 Dask ran again), and
    # the others', whose worker it took down (running, or holding their result).
    lost = [span for span in r.tasks if span.attempt_of is not None]
    assert all(not span.ok and span.id >= 3 for span in lost)
    assert sum(span.attempt_of == 1 for span in lost) <= 3
    assert r.failed_tasks == 1 and r.lost_attempts == len(lost)
    assert_pids_gone(worker_pids(r))


def test_stop_mid_run_ends_the_cluster_and_keeps_no_process() -> None:
    config = build_config("sleep", ["dask"], 4, 2, {"duration": 600})

    async def main() -> tuple[object, OnFirstBegin]:
        stop = asyncio.Event()
        observer = OnFirstBegin(lambda begin: stop.set())
        results = await run_experiment(config, observer, stop=stop)
        return results, observer

    results, observer = asyncio.run(main())
    assert results.interrupted and results.runs == ()  # type: ignore[attr-defined]
    assert len(observer.family) >= 3  # the run's child and its two workers, at least
    assert_all_gone(observer.family)
