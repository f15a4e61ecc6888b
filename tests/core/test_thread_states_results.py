"""Thread states in the results: each task's share from the thread that ran it, the file's
``threads`` / ``thread_sampling`` / ``states_s`` (round trip, older files, damage), the
compaction the engine applies, and the sentences a reading ends with. Built in code: no run."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tests.core.results_factory import make_results
from tests.core.thread_states_factory import MS, gil_threads, results_of, run_of
from workbench.core.explain import explain
from workbench.core.explain_states import about, sentence
from workbench.core.exports import ResultsFileError, from_json, to_json
from workbench.core.results import TaskSpan, ThreadSampling
from workbench.core.run_threads import compact, run_timelines
from workbench.core.task_shares import task_state_shares, task_states
from workbench.core.threadstates import ALL_STATES, ThreadState, ThreadTimeline

RUNNING, RUNNABLE = ThreadState.RUNNING, ThreadState.RUNNABLE
LOCK, IO, OTHER = ThreadState.LOCK, ThreadState.IO, ThreadState.OTHER


def test_each_task_gets_its_threads_states_over_its_life() -> None:
    shares = task_state_shares(gil_threads())
    assert shares[0] == pytest.approx({RUNNING: 0.5, RUNNABLE: 0, LOCK: 0.5, IO: 0, OTHER: 0})
    assert len(shares) == 2


def test_tasks_a_pool_worker_ran_one_after_another_split_by_their_spans() -> None:
    worker = ThreadTimeline(20, 20, "python3", ((0, 30 * MS, RUNNING), (30 * MS, 60 * MS, IO)))
    tasks = (
        TaskSpan(0, 0, 20 * MS, "process-1", pid=20, native_id=20),
        TaskSpan(1, 20 * MS, 60 * MS, "process-1", pid=20, native_id=20),
    )
    states = task_states(run_of("process-pool", tasks, (worker,)))
    assert states.of(0) == {RUNNING: 20 * MS, RUNNABLE: 0, LOCK: 0, IO: 0, OTHER: 0}
    assert states.of(1) == {RUNNING: 10 * MS, RUNNABLE: 0, LOCK: 0, IO: 30 * MS, OTHER: 0}


def test_coroutines_share_the_loop_threads_states_over_each_ones_life() -> None:
    loop = ThreadTimeline(30, 30, "python3", ((0, 10 * MS, RUNNING), (10 * MS, 100 * MS, IO)))
    tasks = tuple(
        TaskSpan(i, i * MS, (50 + 10 * i) * MS, "main", pid=30, native_id=30) for i in range(3)
    )
    shares = task_state_shares(run_of("async-gather", tasks, (loop,)))
    for i in range(3):
        life = 50 + 9 * i
        assert shares[i][RUNNING] == pytest.approx((10 - i) / life)
        assert shares[i][IO] == pytest.approx((40 + 10 * i) / life)


def test_a_task_whose_thread_was_never_seen_has_no_states() -> None:
    run = gil_threads()
    unseen = TaskSpan(2, 0, MS, "thread-3", pid=10, native_id=99)
    unknown = TaskSpan(3, 0, MS, "thread-4")
    states = task_states(replace(run, tasks=(*run.tasks, unseen, unknown)))
    assert sorted(states.ids.tolist()) == [0, 1]
    assert states.of(2) == {}
    assert len(task_states(replace(run, threads=(), thread_sampling=None))) == 0


def test_only_the_states_the_os_tells_are_given() -> None:
    """Off Linux: running or not; the others are absent, not zero."""
    cpu_times = ThreadSampling("psutil", (RUNNING, OTHER))
    thread = ThreadTimeline(10, 11, "", ((0, 5 * MS, RUNNING), (5 * MS, 20 * MS, OTHER)))
    task = TaskSpan(0, 0, 20 * MS, "thread-1", pid=10, native_id=11)
    shares = task_state_shares(run_of("threads", (task,), (thread,), cpu_times))
    assert shares[0] == pytest.approx({RUNNING: 0.25, OTHER: 0.75})


def test_the_engine_keeps_timelines_to_the_microsecond_from_t0_to_the_end() -> None:
    t0 = 5_000_000_000
    raw = ThreadTimeline(
        1,
        2,
        "x",
        (
            (t0 - 3 * MS, t0 + 1_234_567, RUNNING),  # began before the run: cut at 0
            (t0 + 1_234_567, t0 + 1_234_890, RUNNING),  # merges once rounded
            (t0 + 1_234_890, t0 + 1_235_100, LOCK),  # < 1 µs once rounded: dropped
            (t0 + 1_235_100, t0 + 9 * MS, IO),
            (t0 + 9 * MS, t0 + 20 * MS, LOCK),  # after the run's end: cut
        ),
    )
    before = ThreadTimeline(1, 3, "gone", ((t0 - 2 * MS, t0 - MS, IO),))
    (kept,) = run_timelines((raw, before), t0, end_ns=10 * MS)
    assert kept.intervals == (
        (0, 1_235_000, RUNNING),
        (1_235_000, 9 * MS, IO),
        (9 * MS, 10 * MS, LOCK),
    )
    assert compact(kept) == kept


def test_a_results_file_keeps_threads_and_each_tasks_states() -> None:
    results = results_of(gil_threads())
    data = json.loads(to_json(results))
    run = data["runs"][0]
    assert data["schema"] == "workbench.results/3"
    assert run["thread_sampling"]["states"] == [str(s) for s in ALL_STATES]
    assert run["threads"][1] == {
        "native_id": 11,
        "pid": 10,
        "name": "python3",
        "worker": "thread-1",
        "states": [
            [0.0, 0.005, "running"],
            [0.005, 0.01, "lock"],
            *run["threads"][1]["states"][2:],
        ],
    }
    assert "worker" not in run["threads"][0], "the main thread ran no task"
    assert run["tasks"][0]["states_s"] == {"running": 0.05, "lock": 0.05}
    back = from_json(to_json(results))
    assert back.runs[0].threads == results.runs[0].threads
    assert back.runs[0].thread_sampling == results.runs[0].thread_sampling
    assert [(s.pid, s.native_id) for s in back.runs[0].tasks] == [(10, 11), (10, 12)]
    assert task_state_shares(back.runs[0])[1] == task_state_shares(results.runs[0])[1]


def test_files_without_thread_states_still_open() -> None:
    data = json.loads(to_json(make_results()))
    data["schema"] = "workbench.results/2"
    old = from_json(json.dumps(data))
    assert all(run.threads == () and run.thread_sampling is None for run in old.runs)
    assert all(span.pid is None for run in old.runs for span in run.tasks)


@pytest.mark.parametrize("thread", [1, 4])  # checked up front, and found while converting
def test_a_damaged_thread_is_refused_naming_the_place(thread: int) -> None:
    run = gil_threads()
    extra = tuple(
        ThreadTimeline(10, 100 + i, "x", ((0, MS, IO), (MS, 2 * MS, IO))) for i in range(3)
    )
    data = json.loads(to_json(results_of(replace(run, threads=(*run.threads, *extra)))))
    data["runs"][0]["threads"][thread]["states"][1][2] = "sleeping"
    with pytest.raises(
        ResultsFileError,
        match=rf"runs\[0\]\.threads\[{thread}\]\.states\[1\]\[2\]: unknown thread state 'sleeping'",
    ):
        from_json(json.dumps(data))


def test_readings_say_what_the_threads_waited_for() -> None:
    results = results_of(gil_threads())
    (reading,) = explain(results)
    assert reading.text.endswith(
        "Thread states: each thread waited for the GIL about half its life."
    )


def test_a_pool_with_more_workers_than_cores_waits_for_a_core() -> None:
    workers = tuple(
        ThreadTimeline(pid, pid, "python3", ((0, 55 * MS, RUNNING), (55 * MS, 100 * MS, RUNNABLE)))
        for pid in (21, 22, 23, 24)
    )
    tasks = tuple(
        TaskSpan(i, 0, 100 * MS, f"process-{i + 1}", pid=21 + i, native_id=21 + i) for i in range(4)
    )
    said = sentence(
        run_of("process-pool", tasks, workers), results_of(run_of("process-pool", tasks, workers))
    )
    assert said == "4 workers on 2 cores: 45 % of the time waiting for a core"
    two = run_of("process-pool", tasks[:2], workers[:2])
    assert sentence(two, results_of(two)) == (
        "the workers were 45 % of the time waiting for a core: other programs had the cores"
    )


def test_threads_waiting_on_the_network_are_fine() -> None:
    thread = ThreadTimeline(10, 11, "python3", ((0, 3 * MS, RUNNING), (3 * MS, 100 * MS, IO)))
    task = TaskSpan(0, 0, 100 * MS, "thread-1", pid=10, native_id=11)
    run = run_of("threads", (task,), (thread,))
    assert sentence(run, results_of(run, workload="http")) == (
        "97 % of the time waiting on IO — threads are fine here"
    )


def test_without_a_gil_the_lock_share_disappears_and_the_reading_says_so() -> None:
    a = ThreadTimeline(10, 11, "python3", ((0, 98 * MS, RUNNING), (98 * MS, 100 * MS, LOCK)))
    b = ThreadTimeline(10, 12, "python3", ((0, 99 * MS, RUNNING), (99 * MS, 100 * MS, LOCK)))
    tasks = (
        TaskSpan(0, 0, 100 * MS, "thread-1", pid=10, native_id=11),
        TaskSpan(1, 0, 100 * MS, "thread-2", pid=10, native_id=12),
    )
    run = run_of("threads", tasks, (a, b))
    said = sentence(run, results_of(run, gil_enabled=False))
    assert (
        said
        == "no GIL on this Python: the threads waited for a lock only 2 % of the time and ran 98 %"
    )


def test_a_run_without_thread_states_reads_as_before() -> None:
    results = make_results(["sequential", "threads"], [0.2, 0.1])
    assert all("Thread states" not in reading.text for reading in explain(results))


def test_shares_in_words_only_where_honest() -> None:
    assert about(0.49, "its life") == "about half its life"
    assert about(0.39, "its life") == "39 % of its life"
    assert about(0.66, "the time") == "about two thirds of the time"
