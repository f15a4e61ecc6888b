"""Acceptance: every run's threads' states, read by the engine, on real runs (Linux).

What a thread waits for is the lesson: the GIL (``lock``) for threads on CPU work, a core
(``runnable``) for more processes than cores, the world (``io``) for sleeping threads and a
blocked event loop, another thread's lock. Each assertion holds on a busy machine: other
load can only turn some waiting into waiting for a core, never make a sleeping thread run or
a lock free itself — so where load could blur a share, the share is taken of the time a core
was there to be had.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.core.conftest import Runner
from tests.core.usercode_files import write
from workbench.core.config import build_config
from workbench.core.engine import run_experiment, run_strategy
from workbench.core.interpreter_search import FREE_THREADED_ENV
from workbench.core.launch import Interpreter
from workbench.core.observer import Observer
from workbench.core.results import Run
from workbench.core.task_shares import task_state_shares, task_states
from workbench.core.threadstates import ThreadState, together_ns
from workbench.core.threadstates.sampler import procfs_available
from workbench.core.workloads import EXTRA_MODULES_ENV

RUNNING, RUNNABLE = ThreadState.RUNNING, ThreadState.RUNNABLE
LOCK, IO = ThreadState.LOCK, ThreadState.IO
GIL_SWITCH_NS = 5_000_000
"""CPython's default switch interval: how often a thread waiting for the GIL gets it."""

pytestmark = [
    pytest.mark.skipif(not procfs_available(), reason="needs Linux's /proc"),
    pytest.mark.slow,
]
gil_interpreter = pytest.mark.skipif(
    not getattr(sys, "_is_gil_enabled", lambda: True)(), reason="needs the GIL"
)


@pytest.fixture
def locked_workload(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test-only ``locked`` workload, known here and in every child."""
    monkeypatch.setenv(EXTRA_MODULES_ENV, "tests.core.lock_workloads")
    import tests.core.lock_workloads  # noqa: F401 - registers the workload in this process


def _sampled(run: Run) -> Run:
    assert run.ok, run.error
    assert run.thread_sampling is not None and run.thread_sampling.source == "procfs"
    assert run.thread_sampling.error is None
    assert all(span.pid is not None and span.native_id is not None for span in run.tasks)
    return run


def _shares(run: Run) -> dict[int, dict[ThreadState, float]]:
    shares = task_state_shares(run)
    assert set(shares) == {span.id for span in run.tasks}, "every task's thread was seen"
    return {task: shares[task] for task in shares}


@gil_interpreter
def test_threads_on_cpu_take_turns_on_the_gil(run: Runner) -> None:
    """Each task waits for the GIL while the other holds it (of the time a core was free:
    under load part of that wait becomes waiting for a core), and the two never run
    together for long."""
    result = run("cpu", ["threads"], 2, size=4_000_000)
    (one,) = result.runs
    _sampled(one)
    states = task_states(one)
    for column in range(len(states)):
        ns = {state: int(states.ns[index, column]) for index, state in enumerate(ThreadState)}
        had_a_core = int(states.life_ns[column]) - ns[RUNNABLE]
        assert ns[LOCK] >= 0.30 * had_a_core, {s.value: v for s, v in ns.items()}
    keys = {(span.pid, span.native_id) for span in one.tasks}
    threads = [timeline for timeline in one.threads if timeline.key in keys]
    assert len(threads) == 2
    # At each GIL handover (every 5 ms) the readings blur the two threads' turns by half an
    # interval between readings on average; the sampler's CPU budget stretches that interval
    # on a slow machine (1.5-2.6 ms seen, with 6-11 % of the run blurred): the bound follows.
    blur = max(0.10, one.thread_sampling.interval_ns / GIL_SWITCH_NS / 2)
    assert together_ns(threads, RUNNING, end_ns=one.wall_ns) < blur * one.wall_ns
    # the sampler was reading before the run's clock started: the main thread is seen at 0
    main = next(t for t in one.threads if t.pid == t.native_id == one.tasks[0].pid)
    assert main.start_ns == 0
    assert all((t.end_ns or 0) <= one.wall_ns for t in one.threads)


def test_more_pool_workers_than_cores_wait_for_a_core(run: Runner) -> None:
    """cpu, a process pool with twice as many workers as cores (4 on a 2-core machine)."""
    workers = max(4, 2 * (os.cpu_count() or 1))
    result = run("cpu", ["process-pool"], workers, workers=workers, size=3_000_000)
    (one,) = result.runs
    _sampled(one)
    totals = task_states(one).totals()
    assert len({span.pid for span in one.tasks}) >= 2, "the pool's workers ran the tasks"
    observed = totals[RUNNING] + totals[RUNNABLE]
    assert totals[RUNNABLE] >= 0.20 * observed, {s.value: v for s, v in totals.items()}


def test_sleeping_threads_wait_on_io(run: Runner) -> None:
    result = run("sleep", ["threads"], 3, duration=0.4)
    (one,) = result.runs
    for task, shares in _shares(_sampled(one)).items():
        assert shares[IO] >= 0.90, (task, {s.value: v for s, v in shares.items()})


def test_a_blocked_event_loop_sleeps_in_io(run: Runner) -> None:
    """async-blocking: a time.sleep inside each coroutine holds the loop's thread asleep."""
    result = run("sleep", ["async-blocking"], 3, duration=0.3)
    (one,) = result.runs
    _sampled(one)
    loop_thread = {(span.pid, span.native_id) for span in one.tasks}
    assert len(loop_thread) == 1, "every coroutine ran on the loop's thread"
    for task, shares in _shares(one).items():
        assert shares[IO] >= 0.90, (task, {s.value: v for s, v in shares.items()})


def test_a_thread_waiting_for_another_threads_lock_shows_lock(
    run: Runner, locked_workload: None
) -> None:
    result = run("locked", ["threads"], 2, hold=0.4)
    (one,) = result.runs
    shares = _shares(_sampled(one))
    assert shares[0][IO] >= 0.90, "the owner sleeps holding the lock"
    assert shares[1][LOCK] >= 0.90, {s.value: v for s, v in shares[1].items()}


def test_your_own_code_waiting_for_another_threads_lock_shows_lock(tmp_path: Path) -> None:
    """The same lesson from a user's file (``--code``): a module-level lock, task 0 sleeps
    holding it, task 1 waits for it."""
    path = write(
        tmp_path,
        """
        import threading
        import time

        lock, held = threading.Lock(), threading.Event()

        def task(i, hold=0.4):
            if i == 0:
                with lock:
                    held.set()
                    time.sleep(hold)
            elif held.wait(timeout=2 * hold):
                with lock:
                    pass
        """,
    )
    config = build_config("", ["threads"], 2, code=str(path))
    (one,) = asyncio.run(run_experiment(config)).runs
    shares = _shares(_sampled(one))
    assert shares[0][IO] >= 0.90, "the owner sleeps holding the lock"
    assert shares[1][LOCK] >= 0.90, {s.value: v for s, v in shares[1].items()}


def test_sampling_can_be_switched_off() -> None:
    """The benchmark prices the sampler by running without it: nothing is then recorded."""
    config = build_config("sleep", ["threads"], 2, None, {"duration": 0.01})
    off = asyncio.run(run_strategy(config, "threads", 0, observer=Observer(), thread_states=False))
    assert off.ok and off.threads == () and off.thread_sampling is None
    assert len(task_states(off)) == 0


def _free_threaded_build() -> str | None:
    named = os.environ.get(FREE_THREADED_ENV)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    built = Path(named) if named else cache / "concurrency-workbench/python3.13t/bin/python3.13t"
    return str(built) if built.is_file() else None


def test_without_a_gil_threads_on_cpu_hardly_wait_for_a_lock() -> None:
    """The same run as above on a free-threaded Python: the lock's share all but vanishes
    (load can only make the threads wait for a core instead)."""
    built = _free_threaded_build()
    if built is None:
        pytest.skip(f"no free-threaded build: set {FREE_THREADED_ENV}")
    config = build_config("cpu", ["threads"], 2, None, {"size": 4_000_000})
    result = asyncio.run(run_experiment(config, interpreter=Interpreter(built)))
    (one,) = result.runs
    for task, shares in _shares(_sampled(one)).items():
        assert shares[LOCK] < 0.05, (task, {s.value: v for s, v in shares.items()})


def test_where_there_is_no_proc_the_fallback_tells_running_from_not(
    run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """macOS, Windows: psutil's per-thread CPU times; the states it cannot tell are absent
    (not zero), and nothing fails."""
    monkeypatch.setattr("workbench.core.threadstates.sampler.procfs_available", lambda: False)
    result = run("cpu", ["threads"], 2, size=2_000_000)
    (one,) = result.runs
    assert one.ok and one.thread_sampling is not None
    assert one.thread_sampling.source == "psutil" and one.thread_sampling.error is None
    assert one.thread_sampling.known == (RUNNING, ThreadState.OTHER)
    shares = task_state_shares(one)
    assert len(shares) == 2
    for task in shares:
        assert set(shares[task]) == {RUNNING, ThreadState.OTHER}
    assert {state for t in one.threads for _, _, state in t.intervals} <= {
        RUNNING,
        ThreadState.OTHER,
    }
