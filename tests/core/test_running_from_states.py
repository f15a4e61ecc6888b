"""Running slices read from outside: a sync task that has its thread to itself (a plain loop, a
pool's worker process) gets its running slices from its thread's states, and its loop runs
without heartbeats; threads taking turns on the GIL keep heartbeats."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Sequence
from dataclasses import fields, replace
from typing import Any

import pytest

from tests.core.test_timeline import MAIN_THREAD, RUN_PID, batch, started
from tests.waiting import wait_until
from workbench.core import engine
from workbench.core.config import Config
from workbench.core.heartbeat import beating
from workbench.core.observer import Observer
from workbench.core.protocol import BEGIN, END, MAIN_WORKER, NOT_ENDED, Events, RunRequest
from workbench.core.recording import Recorder
from workbench.core.results import TaskSpan
from workbench.core.run_threads import RunThreadWatch
from workbench.core.strategies import STRATEGIES
from workbench.core.threadstates.model import ThreadCores, ThreadState, ThreadTimeline
from workbench.core.threadstates.procfs import ThreadProbe
from workbench.core.threadstates.sampler import procfs_available
from workbench.core.threadstates.slices import NO_CORE, core_after, running_slices, running_within
from workbench.core.threadstates.syscalls import syscall_table
from workbench.core.timeline import END_EVENT, SpanAssembler, TaskEvent, with_running_from_states

RUNNING, LOCK, RUNNABLE = ThreadState.RUNNING, ThreadState.LOCK, ThreadState.RUNNABLE

INTERVALS = (
    (0, 10, RUNNING),
    (10, 15, LOCK),
    (15, 30, RUNNING),
    (30, 32, RUNNABLE),
    (32, 50, RUNNING),
)


def test_a_tasks_slices_are_its_threads_running_time_cut_to_its_life() -> None:
    assert running_within(INTERVALS, 5, 40) == ((5, 10), (15, 30), (32, 40))
    assert running_within(INTERVALS, 10, 15) == ()  # asleep on a lock the whole time
    assert running_within(INTERVALS, 20, 20) == ()
    assert running_within((), 0, 100) == ()


def test_each_slice_takes_the_core_seen_at_the_reading_after_its_end() -> None:
    times, cores = (12, 31, 60), (0, 1, 0)
    assert core_after(times, cores, 10) == 0
    assert core_after(times, cores, 30) == 1
    assert core_after(times, cores, 50) == 0
    assert core_after(times, cores, 99) == 0  # after the last reading: the last core seen
    assert core_after((), (), 10) == NO_CORE
    assert running_slices(INTERVALS, times, cores, 0, 50) == (
        ((0, 10), (15, 30), (32, 50)),
        (0, 1, 0),
    )
    assert running_slices(INTERVALS, (), (), 0, 12) == (((0, 10),), ())  # cores not read
    ends = [end for _, end, _ in INTERVALS]
    assert running_within(INTERVALS, 5, 40, ends) == running_within(INTERVALS, 5, 40)


def test_a_span_given_slices_keeps_everything_else() -> None:
    span = TaskSpan(7, 1, 9, "process-2", False, "boom", (), (), 11, 12, 3, "Traceback …")
    slices, cores = ((2, 4), (5, 8)), (1, 0)
    assert span.with_running(slices, cores) == replace(span, running=slices, cores=cores)
    assert {field.name for field in fields(TaskSpan)} == {
        "id",
        "start_ns",
        "end_ns",
        "worker",
        "ok",
        "error",
        "running",
        "cores",
        "pid",
        "native_id",
        "attempt_of",
        "traceback",
    }  # a new field must be carried by TaskSpan.with_running too


def _span(task: int, start: int, end: int, running: Sequence[tuple[int, int]] = ()) -> TaskSpan:
    return TaskSpan(task, start, end, "main", running=tuple(running), pid=1, native_id=2)


def test_spans_without_slices_get_their_threads_and_the_others_keep_theirs() -> None:
    timeline = ThreadTimeline(1, 2, "MainThread", INTERVALS)
    cores = ThreadCores(1, 2, (12, 31, 60), (0, 1, 0))
    spans = (
        _span(0, 0, 12),
        _span(1, 12, 31, running=((12, 20),)),  # heartbeats or steps: kept as they are
        _span(2, 31, 50),
        TaskSpan(3, 0, 50, "thread-1", pid=1, native_id=99),  # its thread was never read
    )
    filled = with_running_from_states(spans, {timeline.key: timeline}, {cores.key: cores})
    assert [(s.running, s.cores) for s in filled] == [
        (((0, 10),), (0,)),
        (((12, 20),), ()),
        (((32, 50),), (0,)),
        ((), ()),
    ]
    # Readings 15 apart cannot tell where in a 12-long life a task ran: no slices for it.
    coarse = with_running_from_states(spans, {timeline.key: timeline}, {cores.key: cores}, 15)
    assert [s.running for s in coarse] == [(), ((12, 20),), ((32, 50),), ()]


def test_a_live_end_event_gets_the_slices_read_so_far_and_the_span_waits_for_the_end() -> None:
    asked: list[tuple[int, int, int, int]] = []

    def running_now(pid: int, native_id: int, start: int, end: int) -> Any:
        asked.append((pid, native_id, start, end))
        return ((1_100, 1_400), (1_500, 1_900)), (0, 1)

    assembler = SpanAssembler(started(1_000), running_now)
    beaten = Events(
        [BEGIN, END],
        [1, 1],
        [1_000, 1_000],
        [NOT_ENDED, 2_000],
        [MAIN_WORKER, MAIN_WORKER],
        heartbeats={1: [1_500, 0, 1_900, 0]},
    )
    events = assembler.feed(batch((BEGIN, 0, 1_000, NOT_ENDED, 0), (END, 0, 1_000, 2_000, 0)))
    events += assembler.feed(beaten)
    ends = [event for event in events if event.kind == END_EVENT]
    assert asked == [(RUN_PID, MAIN_THREAD, 1_000, 2_000)]  # the task with heartbeats: not asked
    assert ends[0].running == ((100, 400), (500, 900))  # on the run's axis
    spans = assembler.finish(1_000, None)
    assert spans[0].running == ()  # filled whole when the run ends
    assert spans[1].running == ((0, 1_000),)  # its beats: one slice, no gap over 1 ms


def test_a_recorder_told_not_to_beat_leaves_the_tasks_loop_uncut() -> None:
    seen: list[bool] = []
    for beats in (True, False):
        recorder = Recorder(beats=beats)
        recorder.call(lambda job, task: seen.append(beating()), None, 0)
    assert seen == [True, False]
    off = Recorder(inside=False, beats=True)
    off.call(lambda job, task: seen.append(beating()), None, 1)
    assert seen[-1] is False  # inside recording off: no heartbeats either way


def test_only_tasks_that_have_their_thread_to_themselves_read_slices_from_outside() -> None:
    """The plain loop and the pools on this machine do; threads taking turns on the GIL every
    5 ms need heartbeats' finer edges; a Dask cluster may run on other machines."""
    from_states = {name for name, strategy in STRATEGIES.items() if strategy.slices_from_states}
    assert from_states == {"sequential", "process-pool", "mp-pool"}


linux_only = pytest.mark.skipif(not procfs_available(), reason="needs Linux's /proc")


def test_without_proc_to_read_the_tasks_keep_their_heartbeats() -> None:
    """Where the run's threads cannot be read through /proc (another OS: the psutil fallback),
    nothing would give the tasks their slices, so they take heartbeats."""
    watch = RunThreadWatch(os.getpid(), source="psutil", read_cores=True)
    assert not watch.reads_running
    assert not RunThreadWatch(os.getpid(), enabled=False, read_cores=True).reads_running


@linux_only
def test_a_probe_reads_the_core_of_a_thread_that_ran_only_when_asked() -> None:
    stop = threading.Event()
    started_id: list[int] = []

    def spin() -> None:
        started_id.append(threading.get_native_id())
        while not stop.is_set():
            sum(range(1000))

    worker = threading.Thread(target=spin)
    worker.start()
    task_dir = os.open(f"/proc/{os.getpid()}/task", os.O_RDONLY | os.O_DIRECTORY)
    try:
        while not started_id:
            stop.wait(0.001)
        probes = [
            ThreadProbe(os.getpid(), started_id[0], task_dir, syscall_table(), read_cores=read)
            for read in (True, False)
        ]

        # Until the spinning thread's core was read twice: at the first reading, and after
        # it kept running for CORE_EVERY readings.
        def read_twice() -> bool:
            for probe in probes:
                probe.read()
            return len(probes[0].cores) >= 2

        wait_until(read_twice, what="a running thread's core read twice")
        times, cores, none = probes[0].core_times, probes[0].cores, probes[1].cores
        for probe in probes:
            probe.close_files()
    finally:
        stop.set()
        worker.join()
        os.close(task_dir)
    assert none == [] and probes[1].core_times == []
    assert len(times) == len(cores) and times == sorted(times)
    assert set(cores) <= os.sched_getaffinity(0), cores  # cores this process may run on


class _Ends(Observer):
    def __init__(self) -> None:
        self.ends: dict[tuple[str, int], TaskEvent] = {}

    def task_events(self, strategy: str, repeat_index: int, events: Sequence[TaskEvent]) -> None:
        self.ends.update(((strategy, e.task_id), e) for e in events if e.kind == END_EVENT)


@linux_only
@pytest.mark.slow
def test_a_plain_loop_and_a_pool_take_no_heartbeats_and_still_show_when_each_task_ran(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    requests: list[RunRequest] = []
    asked = engine._request

    def spy(*args: Any, **kwargs: Any) -> RunRequest:
        request = asked(*args, **kwargs)
        requests.append(request)
        return request

    monkeypatch.setattr(engine, "_request", spy)
    config = Config(
        workload="cpu",
        tasks=3,
        workers=2,
        strategies=("sequential", "process-pool", "threads"),
        repeat=1,
        params={"size": 3_000_000},
    )
    observer = _Ends()
    results = asyncio.run(engine.run_experiment(config, observer))
    assert {r.strategy: r.beats for r in requests} == {
        "sequential": False,
        "process-pool": False,
        "threads": True,
    }
    for run in results.runs:
        assert run.ok, run.error
        for span in run.tasks:
            # Slices inside the task's life, each with a core (read from outside, or a beat's).
            assert span.running and len(span.cores) == len(span.running), span
            assert span.start_ns <= span.running[0][0] and span.running[-1][1] <= span.end_ns
            assert 0 < span.running_ns <= span.duration_ns
    # The live view had them too: in the loop, the first task ended long before the run did;
    # in the pool, the third began after one of the first two had ended, its worker found.
    assert observer.ends["sequential", 0].running
    assert observer.ends["process-pool", 2].running
