"""The user's code runs like the built-in workloads: every strategy, failures kept per task with
their own frames, setup() once per process, what it prints captured per run."""

from __future__ import annotations

import asyncio
import functools
import json
import multiprocessing
import os
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tests.core.usercode_files import EXITS, FAILING, PAIR, SETUP_AND_PRINTS, write
from workbench.core.config import build_config
from workbench.core.engine import run_experiment
from workbench.core.exports.json_io import from_json, to_dict, to_json
from workbench.core.output_capture import OUTPUT_CAP_BYTES
from workbench.core.pool_worker import init_worker, pool_task
from workbench.core.protocol import END, FAILED
from workbench.core.results import Results
from workbench.core.schemas import RESULTS, schema
from workbench.core.strategies import STRATEGIES
from workbench.core.usercode.model import CODE_WORKLOAD, code_request
from workbench.core.usercode.spec import resolve_code
from workbench.core.workloads import Job

NS = 1e9


def _run(path: Path | str, strategies: list[str], tasks: int, **params: object) -> Results:
    config = build_config("", strategies, tasks, 2, params, code=str(path))
    return asyncio.run(run_experiment(config))


@pytest.mark.slow
def test_every_strategy_runs_a_function_from_a_file(tmp_path: Path) -> None:
    results = _run(write(tmp_path, PAIR), list(STRATEGIES), 4)
    assert [r.strategy for r in results.runs] == list(STRATEGIES)
    for run in results.runs:
        assert run.ok, (run.strategy, run.error)
        assert sorted(span.id for span in run.tasks) == [0, 1, 2, 3], run.strategy
        assert all(span.ok for span in run.tasks), run.strategy
    pool = results.runs_of("process-pool")[0]
    assert {span.worker for span in pool.tasks} <= {"process-1", "process-2"}
    gather = results.runs_of("async-gather")[0]
    assert all(span.running for span in gather.tasks)  # coroutine steps were recorded
    assert gather.loop_lag  # and the event loop's lag


@pytest.mark.parametrize(
    "strategy",
    ["sequential", "async-gather", "threads", "process-pool", "mp-pool", "async-to-thread"],
)
def test_a_task_that_raises_keeps_its_message_and_own_frames(tmp_path: Path, strategy: str) -> None:
    path = write(tmp_path, FAILING)
    (run,) = _run(path, [strategy], 3).runs
    assert run.ok, run.error
    by_id = {span.id: span for span in run.tasks}
    assert [by_id[i].ok for i in range(3)] == [True, False, True]
    failed = by_id[1]
    assert failed.error == "ValueError: task 1 was told to fail"
    trace = failed.traceback or ""
    assert trace.startswith("Traceback (most recent call last):")
    assert f'File "{path}", line 6, in check' in trace
    assert trace.endswith("ValueError: task 1 was told to fail")
    assert "workbench" not in trace  # the user's frames only
    assert by_id[0].traceback is None


def test_setup_runs_once_in_every_process_before_its_tasks_and_output_is_kept(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, SETUP_AND_PRINTS)
    results = _run(path, ["sequential", "process-pool"], 4)
    sequential, pool = results.runs
    assert sequential.ok and pool.ok, (sequential.error, pool.error)
    assert all(span.ok for run in results.runs for span in run.tasks)  # setup ran first
    lines = sequential.output.splitlines()
    assert lines[0].startswith("setup ")
    assert sorted(line for line in lines if line.startswith("task")) == [
        f"task {i} {lines[0].split()[1]}" for i in range(4)
    ]
    assert sum(line.startswith("warning") for line in lines) == 4  # stderr too
    assert sequential.output_bytes == len(sequential.output.encode())
    # The 0.5 s setup is not on the clock: four empty tasks take a small part of it.
    assert sequential.wall_ns < 0.25 * NS
    # Processes write to one pipe, as to one terminal: their lines may interleave.
    pool_setups = set(re.findall(r"setup (\d+)", pool.output))
    worker_pids = {str(span.pid) for span in pool.tasks}
    assert worker_pids <= pool_setups  # each worker that ran a task set itself up
    assert len(pool_setups) == 2 + 1  # both workers (2) and the run's own process


def test_output_that_would_flood_memory_is_capped_and_says_so(tmp_path: Path) -> None:
    flood = 8 * OUTPUT_CAP_BYTES + 5
    path = write(
        tmp_path,
        f"""
        import sys

        def task():
            for _ in range({flood // 1024}):
                sys.stdout.write("x" * 1024)
            sys.stdout.write("y" * {flood % 1024})
        """,
    )
    (run,) = _run(path, ["sequential"], 1).runs
    assert run.ok
    assert run.output_bytes == flood
    assert run.output_truncated
    assert run.output == "x" * OUTPUT_CAP_BYTES


@pytest.mark.parametrize(
    ("strategy", "where", "error"),
    [
        ("sequential", "main", "the run's process exited with code 3"),
        ("process-pool", "worker", "died abruptly while running a task"),
    ],
)
def test_a_task_calling_os_exit_fails_its_run_only(
    tmp_path: Path, strategy: str, where: str, error: str
) -> None:
    path = write(tmp_path, EXITS)
    dead, after = _run(path, [strategy, "threads"], 3, where=where).runs
    assert not dead.ok
    assert error in (dead.error or "")
    assert after.ok, "the next strategy must still run"


def test_setup_raising_in_the_run_fails_it_with_the_users_traceback(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        def load():
            raise ValueError("no data")

        def setup():
            load()

        def task():
            pass
        """,
    )
    (run,) = _run(path, ["sequential"], 2).runs
    assert not run.ok
    assert run.error == ("the run could not start: demo.py:3: setup() raised ValueError: no data")
    assert run.tasks == ()
    assert run.traceback is not None
    assert "line 6, in setup" in run.traceback and "line 3, in load" in run.traceback
    assert "workbench" not in run.traceback


def test_a_file_changed_since_the_experiment_was_set_up_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, PAIR)
    config = build_config("", ["sequential"], 2, code=str(path))
    path.write_text(PAIR + "\n# changed\n")
    (run,) = asyncio.run(run_experiment(config)).runs
    assert not run.ok
    assert "demo.py changed since the experiment was set up" in (run.error or "")


def _drain(queue: object) -> list[tuple[object, ...]]:
    events = []
    while not queue.empty():  # type: ignore[attr-defined]
        events.append(queue.get())  # type: ignore[attr-defined]
    return events


@pytest.mark.usefixtures("no_resource_tracker_left")
@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_pool_workers_load_a_file_without_a_main_guard_by_path(tmp_path: Path, method: str) -> None:
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not available here")
    path = write(
        tmp_path,
        """
        import os
        print("top-level code ran in", os.getpid())

        def task(i):
            if i == 3:
                raise KeyError(i)
            return i * i
        """,
    )
    code = resolve_code(str(path), ["process-pool"])
    job = Job(CODE_WORKLOAD, {}, code=code_request(code))
    context = multiprocessing.get_context(method)
    queue = context.SimpleQueue()
    with context.Pool(2, initializer=init_worker, initargs=(queue, job)) as pool:
        pool.map(functools.partial(pool_task, job), range(4))
    ends = {e[1]: e for e in _drain(queue) if e[0] in (END, FAILED)}
    assert sorted(ends) == [0, 1, 2, 3]
    assert all(e[5] != os.getpid() for e in ends.values())  # ran in the workers
    assert [ends[i][0] for i in range(4)] == [END, END, END, FAILED]
    assert ends[3][6] == "KeyError: 3"
    assert f'File "{path}", line 7, in task' in str(ends[3][8])


def test_results_keep_the_code_and_read_back_the_same(tmp_path: Path) -> None:
    path = write(tmp_path, FAILING)
    results = _run(path, ["sequential"], 2)
    data = to_dict(results)
    assert list(Draft202012Validator(schema(RESULTS)).iter_errors(data)) == []
    code = data["config"]["code"]
    assert code["source"] == path.read_text()
    assert code["functions"] == [
        {"name": "task", "async": False, "index": True},
        {"name": "async_task", "async": True, "index": True},
    ]
    assert data["runs"][0]["tasks"][1]["traceback"].endswith("told to fail")
    again = from_json(json.dumps(data))
    assert again.config.code == results.config.code
    assert again.runs[0].tasks[1].traceback == results.runs[0].tasks[1].traceback
    assert from_json(to_json(again)) == again


def test_the_child_loads_user_code_on_a_python_without_site_packages(tmp_path: Path) -> None:
    from tests.core.test_child_stdlib_only import NO_SITE

    config = build_config(
        "", ["sequential", "process-pool"], 3, 2, code=str(write(tmp_path, FAILING))
    )
    results = asyncio.run(run_experiment(config, interpreter=NO_SITE))
    for run in results.runs:
        assert run.ok, run.error
        failed = [span for span in run.tasks if not span.ok]
        assert [span.id for span in failed] == [1]
        assert failed[0].traceback is not None


def test_a_version_2_results_file_still_opens(tmp_path: Path) -> None:
    data = to_dict(_run(write(tmp_path, PAIR), ["sequential"], 2))
    del data["config"]["code"]
    data["config"]["workload"], data["schema"] = "sleep", "workbench.results/2"
    older = from_json(json.dumps(data))
    assert older.config.code is None
    assert [span.id for span in older.runs[0].tasks] == [0, 1]
