"""The CLI: bad input is one line and exit 2; runs print a table; interrupts keep what finished."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from tests.core.fault_workloads import EXIT, HANG
from tests.processes import descendants, end_all
from tests.waiting import wait_until
from workbench.cli import main
from workbench.core.workloads import EXTRA_MODULES_ENV


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "-w", "teleport"], "unknown workload 'teleport'"),
        (["run", "-s", "sequential,warp"], "unknown strategy 'warp'"),
        (["run", "-p", "speed=3"], "unknown parameter 'speed'"),
        (["run", "-p", "duration=fast"], "duration must be a number"),
        (["run", "-p", "duration=-5"], "duration must be between 0 and 3600 s"),
        (["run", "-p", "oops"], "--param takes KEY=VALUE"),
        (["run", "-n", "0"], "tasks must be at least 1"),
        (["run", "-n", "many"], "tasks must be a whole number"),
        (["run", "-k", "0"], "workers must be at least 1"),
        (["run", "-s", "threads", "-n", "50000"], "threads allows at most 5,000 tasks"),
        (["run", "--out", "/no/such/dir/r.json"], "folder /no/such/dir does not exist"),
        (["run", "--trace", "."], "is a directory"),
        (["fly"], "invalid choice: 'fly'"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("workbench: error: ")
    assert message in err


def test_list_names_every_workload_parameter_and_strategy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from workbench.core.strategies import STRATEGIES

    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in [*STRATEGIES, "sleep", "http", "file", "cpu", "hash", "mixed", "duration=0.2"]:
        assert name in out


def test_run_writes_results_csv_and_trace_and_prints_the_table(tmp_path: Path) -> None:
    out, spans, trace = tmp_path / "r.json", tmp_path / "s.csv", tmp_path / "t.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "run",
            "-w",
            "sleep",
            "-n",
            "3",
            "-s",
            "sequential,async-gather",
            "-p",
            "duration=0.05",
            "--out",
            str(out),
            "--csv",
            str(spans),
            "--trace",
            str(trace),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "async-gather" in proc.stdout
    assert "Speedup" in proc.stdout
    assert "[2/2] async-gather: 3/3 tasks" in proc.stderr
    data = json.loads(out.read_text())
    assert [r["strategy"] for r in data["runs"]] == ["sequential", "async-gather"]
    assert len(spans.read_text().splitlines()) == 1 + 6
    assert json.loads(trace.read_text())["traceEvents"]


def _fault_command(strategies: str, mode: int, out: Path | None) -> list[str]:
    """`workbench run` on the test-only fault workload: task 0 or 1 misbehaves in a pool worker
    (``out``: where the results go; None: no file)."""
    task = 0 if mode == HANG else 1
    return [
        sys.executable,
        "-m",
        "workbench",
        "run",
        "-w",
        "fault",
        "-n",
        "4",
        "-k",
        "2",
        "-s",
        strategies,
        "-p",
        f"mode={mode}",
        "-p",
        f"task={task}",
        "-p",
        "pool_only=1",
        *(["--out", str(out)] if out is not None else []),
    ]


FAULT_ENV = {**os.environ, EXTRA_MODULES_ENV: "tests.core.fault_workloads"}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_mid_run_ends_every_process_and_keeps_finished_runs(
    tmp_path: Path, sig: signal.Signals
) -> None:
    out = tmp_path / "r.json"
    # async-gather finishes at once; in process-pool, task 0 hangs inside a pool worker.
    proc = subprocess.Popen(
        _fault_command("async-gather,process-pool", HANG, out),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=FAULT_ENV,
    )
    try:
        # The engine's child plus two pool workers (and spawn's resource tracker).
        wait_until(lambda: len(descendants(proc)) >= 3, what="pool workers to start")
        family = descendants(proc)
        proc.send_signal(sig)
        assert proc.wait(timeout=10) == 130
        _, alive = psutil.wait_procs(family, timeout=2)
        assert alive == []
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    data = json.loads(out.read_text())
    assert data["interrupted"] is True
    assert [r["strategy"] for r in data["runs"]] == ["async-gather"]


def test_a_dead_pool_worker_fails_its_run_the_others_run_and_the_exit_code_says_so(
    tmp_path: Path,
) -> None:
    out = tmp_path / "r.json"
    proc = subprocess.run(
        _fault_command("process-pool,async-gather", EXIT, out),
        capture_output=True,
        text=True,
        check=False,
        env=FAULT_ENV,
    )
    assert proc.returncode == 1
    assert "FAILED: pool worker (pid" in proc.stderr
    assert "Traceback" not in proc.stderr
    runs = json.loads(out.read_text())["runs"]
    assert [(r["strategy"], r["ok"]) for r in runs] == [
        ("process-pool", False),
        ("async-gather", True),
    ]


@pytest.mark.parametrize(
    ("command", "processes"),
    [
        # An async run: no thread in the run's process watches the engine; the kernel tells it.
        ([sys.executable, "-m", "workbench", "run", "-q", "-w", "sleep", "-n", "3",
          "-p", "duration=600", "-s", "async-gather"], 1),
        # A pool run: the run's process takes its pool workers (hung in task 0) along.
        (_fault_command("process-pool", HANG, None), 3),
    ],
    ids=["async-gather", "process-pool"],
)  # fmt: skip
def test_a_killed_engine_takes_every_process_it_started_along(
    command: list[str], processes: int
) -> None:
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=FAULT_ENV)
    family: list[psutil.Process] = []
    try:
        wait_until(lambda: len(descendants(proc)) >= processes, what="the run to start")
        family = descendants(proc)
        proc.kill()  # no chance to clean up: SIGKILL
        proc.wait(timeout=10)
        _, alive = psutil.wait_procs(family, timeout=5)
        assert alive == []
    finally:
        end_all(proc, family)


def test_presets_lists_the_good_ones_and_names_a_damaged_file_then_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from workbench.core import presets

    for name in ("hello-hello", "three-counts"):
        data = json.loads(presets.presets_folder().joinpath(f"{name}.json").read_text("utf-8"))
        if name == "three-counts":
            del data["experiments"][0]["expect"][0]["about_s"]
        (tmp_path / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(presets, "presets_folder", lambda: tmp_path)

    assert main(["presets"]) == 2
    out, err = capsys.readouterr()
    assert [line.split()[0] for line in out.splitlines() if line[:1].strip()] == ["hello-hello"]
    assert err == (
        f"workbench: error: {tmp_path.name}/three-counts.json: experiments[0].expect[0]: "
        "a wall rule needs 'about_s': about how many seconds the strategy takes\n"
    )
    assert main(["run", "--preset", "three-counts"]) == 2  # its own problem, before any run
    assert "three-counts.json: experiments[0].expect[0]" in capsys.readouterr().err


def test_presets_with_none_installed_fails_instead_of_printing_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from workbench.core import presets

    monkeypatch.setattr(presets, "presets_folder", lambda: tmp_path)
    assert main(["presets"]) == 1
    assert "no presets found" in capsys.readouterr().err


def test_a_preset_run_marks_each_rule_names_its_purpose_and_recommends() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "run", "--preset", "three-counts",
         "--time-scale", "0.05", "--repeat", "1", "--no-history", "-q"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Three counts, gathered (time scale ×0.05) — a demonstration" in out
    marked = [line for line in out.splitlines() if line.startswith(("  ✔ ", "  ? "))]
    assert len(marked) == 2, out  # one line per rule, marked
    assert "→ for this workload here: async-gather, " in out


def test_a_preset_refuses_a_bad_repeat_before_running(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--preset", "three-counts", "--repeat", "0"]) == 2
    assert "repeat must be between 1 and 100, got 0" in capsys.readouterr().err
