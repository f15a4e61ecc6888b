"""The dask strategy on an existing cluster (``--scheduler``): a scheduler and two workers
started by the test as separate processes on loopback, as a class would start them."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator

import psutil
import pytest

from tests.core.dask_helpers import NEEDS_DASK, OnFirstBegin, assert_all_gone
from tests.core.dask_processes import LoopbackCluster, loopback_cluster
from tests.waiting import wait_until
from workbench.core.cluster.lanes import REMOTE_CODES, Lanes
from workbench.core.config import build_config
from workbench.core.engine import run_experiment
from workbench.core.results import Run

pytestmark = [pytest.mark.slow, NEEDS_DASK]

MS = 1_000_000


@pytest.fixture(scope="module")
def cluster() -> Iterator[LoopbackCluster]:
    yield from loopback_cluster(workers=2)


def _run(address: str, tasks: int, duration: float) -> Run:
    config = build_config(
        "sleep", ["dask"], tasks, None, {"duration": duration}, 1, scheduler=address
    )
    (run,) = asyncio.run(run_experiment(config)).runs
    return run


def test_an_existing_cluster_runs_every_task_on_the_run_axis(cluster: LoopbackCluster) -> None:
    cluster.client.get_task_stream()  # the scheduler records its task stream from now on
    before = time.time()
    run = _run(cluster.address, 6, 0.2)
    assert run.ok, run.error
    assert run.cluster is not None
    assert (run.cluster.scheduler, run.cluster.local) == (cluster.address, False)
    workers = {worker.label: worker for worker in run.cluster.workers}
    assert {worker.pid for worker in workers.values()} == cluster.worker_pids()
    assert all(worker.shared_clock for worker in workers.values())  # loopback: this machine
    assert sorted(span.id for span in run.tasks) == list(range(6))
    assert {span.worker for span in run.tasks} == set(workers)  # one lane per worker
    assert all(0 <= span.start_ns <= span.end_ns <= run.wall_ns for span in run.tasks)
    # Cross-check against the scheduler's own task stream (Dask's startstops, in each worker's
    # wall-clock time): the same worker, the same duration, and on one axis — each task's
    # start lags Dask's "compute" start by the hand-off to the worker's thread, never by a
    # clock error (a wrong offset between the two workers would be seconds, or hours). The
    # hand-off itself differed by up to 35 ms between tasks on a VM running at a third of its
    # usual speed: the bound leaves room for that and still catches any clock error.
    stream = {
        int(str(record["key"]).rsplit("-", 1)[1]): record
        for record in cluster.client.get_task_stream(start=before)
        if str(record["key"]).startswith("workbench-")
    }
    assert sorted(stream) == list(range(6))
    lags = []
    for span in run.tasks:
        record = stream[span.id]
        start_s, stop_s = _compute(record)
        assert record["worker"] == workers[span.worker].address
        # Ours is measured inside Dask's compute interval, by the pool workers' recorder.
        assert span.duration_ns <= (stop_s - start_s) * 1e9 + 1 * MS
        assert (stop_s - start_s) * 1e9 - span.duration_ns < 5 * MS
        lags.append(start_s * 1e9 - span.start_ns)
    assert max(lags) - min(lags) < 100 * MS, [round(lag - min(lags)) for lag in lags]


def _compute(record: dict[str, object]) -> tuple[float, float]:
    (compute,) = [s for s in record["startstops"] if s["action"] == "compute"]  # type: ignore[attr-defined,index]
    return compute["start"], compute["stop"]


def test_an_address_nothing_answers_at_fails_the_run_at_once_saying_so() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    run = _run(f"127.0.0.1:{port}", 2, 0.0)
    assert not run.ok
    assert run.error is not None and run.error.startswith(
        f"no Dask scheduler answers at tcp://127.0.0.1:{port} ("
    ), run.error
    # The child's start and importing distributed (~1 s) included: not Dask's connect retries.
    assert time.monotonic() - started < 15


def test_stop_releases_the_run_s_tasks_on_the_cluster(cluster: LoopbackCluster) -> None:
    config = build_config(
        "sleep", ["dask"], 6, None, {"duration": 3.0}, 1, scheduler=cluster.address
    )

    async def main() -> tuple[bool, OnFirstBegin]:
        stop = asyncio.Event()
        observer = OnFirstBegin(lambda begin: stop.set())
        results = await run_experiment(config, observer, stop=stop)
        return results.interrupted, observer

    interrupted, observer = asyncio.run(main())
    assert interrupted
    # The scheduler forgets a departed client's tasks: the queued ones never run. (A task
    # already running finishes on its worker: Dask cannot interrupt a thread.)
    wait_until(lambda: cluster.held_keys() == [], timeout_s=15, what="the scheduler to release")
    ours = [p for p in observer.family if p.pid not in cluster.all_pids()]
    assert ours  # the run's child, at least
    assert_all_gone(ours)
    assert all(p.is_running() for p in map(psutil.Process, cluster.worker_pids()))


def test_the_midpoint_estimate_finds_a_shared_clock_s_offset_of_zero(
    cluster: LoopbackCluster,
) -> None:
    # Ground truth: these workers read this machine's clock, so the true offset is 0. Told
    # they are elsewhere, the probes must find 0 within the uncertainty they report.
    lanes = Lanes(cluster.client, lambda address: None)
    lanes._boot_id, lanes._host = "another-kernel", "another-machine"
    addresses = list(cluster.client.scheduler_info()["workers"])
    lanes.meet(addresses)
    for address in addresses:
        worker = lanes.get(address)
        assert worker is not None and not worker.clock.shared
        clock = worker.clock
        assert abs(clock.offset_ns) <= clock.uncertainty_ns < 20 * MS, clock
        assert lanes.code(worker, 1) >= REMOTE_CODES  # not a thread id of this machine
