"""The dask strategy's parts that need no cluster: clocks, attempts, addresses, the wire, the
engine's record of a cluster, and the results file."""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess

import pytest

from tests.core.dask_helpers import NEEDS_DASK
from tests.core.test_child_stdlib_only import NO_SITE
from workbench.core import protocol
from workbench.core.cluster.address import scheduler_address
from workbench.core.cluster.attempts import Attempt, Attempts
from workbench.core.cluster.clocks import Probe, Reading, estimate
from workbench.core.cluster_explain import between_tasks_ns, cluster_notes
from workbench.core.cluster_record import ClusterRecord
from workbench.core.config import build_config
from workbench.core.engine import run_experiment
from workbench.core.exports.json_io import from_json, to_json
from workbench.core.params import ConfigError
from workbench.core.protocol import BEGIN, END, FAILED, NOT_ENDED
from workbench.core.results import (
    Cluster,
    ClusterWorker,
    Config,
    Machine,
    Results,
    Run,
    TaskSpan,
    WorkerCpuSample,
)
from workbench.core.timeline import SpanAssembler

BOOT = "boot-a"
MS = 1_000_000


def _probe(sent: int, received: int, clock: int, boot: str | None = BOOT, host: str = "a") -> Probe:
    return Probe(sent, received, Reading(1, host, boot, clock, clock + 10**18))


def test_a_worker_on_this_machine_shares_the_run_s_clock() -> None:
    clock = estimate([_probe(100, 300, 200)], BOOT, "a")
    assert (clock.offset_ns, clock.uncertainty_ns, clock.shared) == (0, 0, True)
    assert clock.to_run(12345) == 12345
    assert clock.wall_to_run(10**18 + 500) == 500


def test_a_worker_elsewhere_is_placed_by_its_quickest_round_trip_midpoint() -> None:
    true_offset = 5_000_000_000
    probes = [
        _probe(0, 4_000, 3_000 + true_offset, "boot-b"),  # slow and lopsided
        _probe(10_000, 10_200, 10_150 + true_offset, "boot-b"),  # the quickest
        _probe(20_000, 21_000, 20_100 + true_offset, "boot-b"),
    ]
    clock = estimate(probes, BOOT, "a")
    assert not clock.shared
    assert clock.uncertainty_ns == 100  # half the quickest round trip
    assert abs(clock.offset_ns - true_offset) <= clock.uncertainty_ns
    assert clock.to_run(10_150 + true_offset) == 10_150 - (clock.offset_ns - true_offset)


def test_the_same_boot_id_is_not_enough_when_the_reading_is_outside_the_round_trip() -> None:
    # A container whose monotonic clock a time namespace moved: same kernel, other clock.
    assert not estimate([_probe(100, 300, 9_999_999)], BOOT, "a").shared
    # Without boot ids, the host name decides (with the same bracket check).
    assert estimate([_probe(100, 300, 200, None, "a")], None, "a").shared
    assert not estimate([_probe(100, 300, 200, None, "b")], None, "a").shared


def _attempt(start: int, address: str = "w1", end: int | None = None) -> Attempt:
    return Attempt(start, 7 if address == "w1" else 8, 70, address, f"h:{address}", end)


def test_an_attempt_lost_with_its_worker_is_a_failed_span_of_its_own() -> None:
    attempts = Attempts(tasks=4)
    assert attempts.began(2, _attempt(100)) == [(BEGIN, 2, 100, NOT_ENDED, 7, 70, None)]
    lost = attempts.worker_lost("w1", 500)
    assert lost == [
        (BEGIN, 4, 100, NOT_ENDED, 7, 70, None),
        (FAILED, 4, 100, 500, 7, 70, "lost with worker h:w1, which died: Dask ran it again"),
    ]
    assert attempts.lost == {4: 2}
    assert attempts.began(2, _attempt(600, "w2"))[-1] == (BEGIN, 2, 600, NOT_ENDED, 8, 70, None)
    attempts.ended(2)
    assert attempts.open == 0


def test_a_finished_attempt_whose_result_was_lost_keeps_its_real_end() -> None:
    attempts = Attempts(tasks=1)
    attempts.began(0, _attempt(100))
    attempts.finished(0, 250)
    (_, (kind, span, start, end, _, _, why)) = attempts.began(0, _attempt(900, "w2"))[:2]
    assert (kind, span, start, end) == (FAILED, 1, 100, 250)
    assert why == "finished, but its result was lost with worker h:w1: Dask ran it again"


def test_a_task_dask_gives_up_on_fails_on_its_open_attempt_or_the_worker_dask_names() -> None:
    attempts = Attempts(tasks=2)
    attempts.began(0, _attempt(100))
    assert attempts.failed(0, 900, "gave up", _attempt(0, "w2")) == [
        (FAILED, 0, 100, 900, 7, 70, "gave up")
    ]
    assert attempts.failed(1, 950, "gave up", _attempt(0, "w2")) == [
        (BEGIN, 1, 950, NOT_ENDED, 8, 70, None),
        (FAILED, 1, 950, 950, 8, 70, "gave up"),
    ]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("tcp://192.0.2.10:8786", "tcp://192.0.2.10:8786"),
        ("192.0.2.10:9000", "tcp://192.0.2.10:9000"),
        ("lab-teacher", "tcp://lab-teacher:8786"),
        (" tls://[::1]:8786 ", "tls://[::1]:8786"),
    ],
)
def test_scheduler_addresses_as_dask_prints_them_or_shorter(text: str, address: str) -> None:
    assert scheduler_address(text) == address


@pytest.mark.parametrize("text", ["", "http://host:80", "tcp://host:port", "tcp://host:1/x"])
def test_a_malformed_scheduler_address_is_refused(text: str) -> None:
    with pytest.raises(ConfigError, match="tcp://HOST:PORT"):
        scheduler_address(text)


NEWS = protocol.ClusterNews(
    "tcp://127.0.0.1:4000",
    True,
    [protocol.ClusterLane(11, "vm:5", "tcp://127.0.0.1:5000", "vm", 5, 0, 0, True)],
    [("tcp://127.0.0.1:5000", 2_000, 97.5), ("tcp://127.0.0.1:6000", 2_500, 10.0)],
    {4: 2},
)


def test_cluster_news_cross_the_wire_unchanged() -> None:
    assert protocol.decode(protocol.encode(NEWS)) == NEWS
    bad = protocol.encode(NEWS).replace(b'"vm:5"', b"5")
    with pytest.raises(protocol.ProtocolError, match="malformed cluster"):
        protocol.decode(bad)


def test_the_engine_names_lanes_re_times_cpu_and_marks_lost_attempts() -> None:
    assembler = SpanAssembler(protocol.Started(1_000, 1, 1))
    record = ClusterRecord()
    live = record.take(NEWS, assembler)
    # 6000 ran nothing, so has no lane to go with; times are on the run's axis.
    assert [(s.t_ns, s.worker, s.percent) for s in live] == [(1_000, "vm:5", 97.5)]
    events = protocol.Events(
        [BEGIN, END, FAILED], [2, 2, 4], [1_100, 1_100, 1_050], [0, 1_400, 1_090], [11, 11, 11],
        errors={4: "lost"}, thread_pids={11: 5},
    )  # fmt: skip
    assembler.feed(events)
    spans = record.mark(assembler.finish(2_000, None))
    assert [(s.id, s.worker, s.pid, s.attempt_of) for s in spans] == [
        (2, "vm:5", 5, None),
        (4, "vm:5", 5, 2),
    ]
    assert record.cluster is not None and record.cluster.workers[0].label == "vm:5"
    run = Run("dask", 0, True, None, 2_000, 0, 0, spans)
    assert (run.failed_tasks, run.lost_attempts) == (0, 1)


def test_a_dask_run_survives_the_results_file() -> None:
    assembler = SpanAssembler(protocol.Started(1_000, 1, 1))
    record = ClusterRecord()
    record.take(NEWS, assembler)
    assembler.feed(protocol.Events([FAILED], [4], [1_050], [1_090], [11], errors={4: "lost"}))
    spans = tuple(  # results files keep no pids (yet)
        dataclasses.replace(span, pid=None, native_id=None)
        for span in record.mark(assembler.finish(2_000, None))
    )
    run = Run(
        "dask", 0, True, None, 2_000, 10, 5, spans,
        cluster=record.cluster, worker_cpu=record.worker_cpu,
    )  # fmt: skip
    assert run.tasks[0].attempt_of == 2 and run.worker_cpu
    machine = Machine(2, 2, "cpu", "os", "3.11", "CPython", True)
    config = Config("sleep", {"duration": 0.1}, 4, 2, 1, ("dask",), "tcp://192.0.2.10:8786")
    results = Results(machine, config, (run,))  # ids 0-3 are the tasks, 4 a lost attempt
    assert from_json(to_json(results)) == results


@NEEDS_DASK  # here: the engine's Python has it, the child's has not
def test_a_child_without_distributed_says_so_and_how_to_install_it() -> None:
    probe = [NO_SITE.path, *NO_SITE.flags, "-c", "import distributed"]
    if subprocess.run(probe, capture_output=True, check=False).returncode == 0:
        pytest.skip("distributed is importable even without site-packages: nothing to prove")
    config = build_config("sleep", ["dask"], 1, 1, {"duration": 0.0})  # allowed here
    (run,) = asyncio.run(run_experiment(config, interpreter=NO_SITE)).runs
    assert not run.ok
    assert run.error == (
        "the run could not start: dask needs the distributed package: pip install "
        '"concurrency-workbench[dask]"'
    )


def _span(
    task: int, start_ms: int, end_ms: int, worker: str, attempt_of: int | None = None
) -> TaskSpan:
    return TaskSpan(task, start_ms * MS, end_ms * MS, worker, attempt_of is None, None,
                    attempt_of=attempt_of)  # fmt: skip


def test_the_reading_quotes_the_median_wait_between_a_worker_s_tasks() -> None:
    spans = (
        _span(0, 0, 10, "a:1"), _span(1, 12, 20, "a:1"), _span(2, 23, 30, "a:1"),
        _span(3, 0, 15, "b:2"), _span(4, 17, 40, "b:2"),
        _span(9, 20, 21, "b:2", attempt_of=4),  # a lost attempt is not a task of the lane
    )  # fmt: skip
    cluster = Cluster("tcp://192.0.2.2:8786", False, (
        ClusterWorker("a:1", "tcp://192.0.2.3:1", "a", 1, 5 * MS, MS // 4, False),
        ClusterWorker("b:2", "tcp://192.0.2.4:1", "b", 2, 0, 0, True),
    ))  # fmt: skip
    cpu = (WorkerCpuSample(MS, "a:1", 100.0), WorkerCpuSample(MS, "b:2", 50.0))
    run = Run("dask", 0, True, None, 50 * MS, 0, 0, spans, cluster=cluster, worker_cpu=cpu)
    assert between_tasks_ns(run) == 2 * MS  # gaps 2, 3 (lane a), 2 (lane b)
    assert cluster_notes(run) == [
        "on the cluster at tcp://192.0.2.2:8786, 2 workers",
        "its workers kept about 1.5 cores busy, as its scheduler saw",
        "Dask took about 2.00 ms between a worker's tasks (the scheduler's round trip)",
        "the clock of its worker on another machine was aligned to within ±0.25 ms",
        "1 attempt lost with dying workers and run again",
    ]
    assert cluster_notes(dataclasses.replace(run, cluster=None)) == []


def test_a_reason_names_the_lane_its_marker_is_on() -> None:
    """A worker's second thread gets a lane of its own ("host:pid/2"): a failure drawn on it
    names that lane, not the worker's first (Dask giving up on a task whose worker had
    already run another thread's task once named "vm:1890" for a marker on "vm:1890/2")."""
    from workbench.core.cluster.lanes import Lanes

    lanes = Lanes(None, lambda address: None)
    worker = lanes.departed("tcp://127.0.0.1:9", "127.0.0.1", 50)
    codes = [lanes.code(worker, thread) for thread in (7, 50)]
    announced = {lane.code: lane.label for lane in lanes.take_new()}
    assert [lanes.label(code) for code in codes] == [announced[code] for code in codes]
    assert announced[codes[1]] == f"{worker.label}/2"
