"""The self-test's checks judge results correctly: each one can fail, and a failure makes the
exit status 1 with a readable last line. Fast: synthetic results, no processes."""

from __future__ import annotations

import io
from pathlib import Path

from tests.conftest import REPO_ROOT
from workbench.core.results import Config, Machine, Results, Run, TaskSpan
from workbench.selftest import Experiment, check_faster, check_presets, check_runs, run_self_test

MACHINE = Machine(2, 2, "test CPU", "Linux", "3.11.7", "CPython", True, "fork")
S = 1_000_000_000


def results(*runs: Run, workload: str = "sleep", tasks: int = 2) -> Results:
    strategies = tuple(run.strategy for run in runs)
    return Results(MACHINE, Config(workload, {}, tasks, 2, 1, strategies), runs)


def run(strategy: str, wall_s: float, workers: list[str], ok: bool = True) -> Run:
    spans = tuple(TaskSpan(i, 0, int(wall_s * S), w) for i, w in enumerate(workers))
    return Run(strategy, 0, ok, None if ok else "boom", int(wall_s * S), 0, 0, spans)


def test_runs_that_did_their_tasks_where_expected_pass() -> None:
    checks = check_runs(
        results(
            run("async-gather", 0.2, ["main", "main"]),
            run("threads", 0.2, ["thread-1", "thread-2"]),
            run("process-pool", 0.3, ["process-1", "process-2"]),
        ),
        expected_tasks=2,
    )
    assert [c.passed for c in checks] == [True, True, True], checks
    assert "2 of 2 tasks done" in checks[2].detail


def test_a_failed_run_a_missing_task_or_the_wrong_worker_kind_fails() -> None:
    checks = check_runs(
        results(
            run("async-gather", 0.2, ["main", "main"], ok=False),
            run("threads", 0.2, ["thread-1"]),
            run("process-pool", 0.2, ["main", "main"]),
        ),
        expected_tasks=2,
    )
    assert [c.passed for c in checks] == [False, False, False], checks
    assert "boom" in checks[0].detail
    assert "1 of 2 tasks" in checks[1].detail
    assert "ran on main" in checks[2].detail


def test_concurrency_must_beat_sequential_by_the_margin() -> None:
    fast = results(run("async-gather", 0.2, ["main"]), run("sequential", 0.8, ["main"]))
    slow = results(run("async-gather", 0.7, ["main"]), run("sequential", 0.8, ["main"]))
    assert check_faster(fast, "async-gather", "sequential").passed
    assert not check_faster(slow, "async-gather", "sequential").passed


def test_any_failed_check_makes_the_exit_status_1() -> None:
    impossible = Experiment("sleep", ("sequential",), 1, {"duration": 0}, (("x", "y"),))
    out = io.StringIO()
    assert run_self_test(out, [impossible]) == 1
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith("Self-test FAILED: 1 of 3 checks failed"), lines
    assert "PASS  sleep · sequential" in out.getvalue()
    assert "FAIL  sleep · x faster than y: cannot compare" in out.getvalue()


def test_the_presets_check_fails_on_a_damaged_or_missing_preset(tmp_path: Path) -> None:
    assert [c.passed for c in check_presets()] == [True]
    shipped = len(list((REPO_ROOT / "workbench" / "resources" / "presets").glob("*.json")))
    assert f"all {shipped} load" in check_presets()[0].detail
    assert [c.passed for c in check_presets(tmp_path)] == [False]  # none at all
    (tmp_path / "x.json").write_text("{", encoding="utf-8")
    (failed,) = check_presets(tmp_path)
    assert not failed.passed
    assert failed.detail.startswith(f"{tmp_path.name}/x.json: not valid JSON")


def test_a_workload_module_that_cannot_be_imported_fails_the_checks_not_the_start() -> None:
    """The self-test exists to diagnose a broken install, so it must start to say so."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "WORKBENCH_WORKLOAD_MODULES": "no.such.module"}
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL  sleep experiment: ModuleNotFoundError" in done.stdout, done.stdout
    assert "Traceback" not in done.stdout + done.stderr
