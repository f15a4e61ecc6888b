"""``workbench history`` and ``run --no-history``: what runs keep, and how it is listed, shown,
exported and deleted; bad ids are one line and exit 2."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.fault_workloads import HANG
from tests.core.results_factory import make_results
from tests.processes import descendants
from tests.test_cli import FAULT_ENV, _fault_command
from tests.waiting import wait_until
from workbench.cli import main
from workbench.core.exports import load, to_json
from workbench.core.history import History


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(folder))
    return folder


def _workbench(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip


def test_a_run_is_kept_and_shown_again_as_it_printed(data_dir: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "r.json")
    run = _workbench("run", "-w", "sleep", "-n", "3", "-p", "duration=0.01",
                     "-s", "sequential,async-gather", "--out", out)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "workbench: kept as history entry 1\n" in run.stderr
    listing = _workbench("history")
    assert listing.returncode == 0
    row = listing.stdout.splitlines()[2].split()  # id, date, time, workload, tasks, strategies
    assert (row[0], row[3], row[4], row[5]) == ("1", "sleep", "3", "2")
    show = _workbench("history", "show", "1")
    assert show.returncode == 0
    assert run.stdout in show.stdout  # the same table and readings
    assert show.stdout.startswith("History entry 1, ")
    assert _workbench("history", "export", "1", str(tmp_path / "copy.json")).returncode == 0
    assert load(tmp_path / "copy.json") == load(tmp_path / "r.json")


def test_no_history_keeps_nothing(data_dir: Path) -> None:
    run = _workbench("run", "-q", "--no-history", "-w", "sleep", "-n", "2", "-p",
                     "duration=0.01", "-s", "async-gather")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "history" not in run.stderr
    assert len(History()) == 0


def test_each_experiment_of_a_preset_is_kept_with_its_verdict(data_dir: Path) -> None:
    run = _workbench("run", "-q", "--preset", "hello-hello", "--time-scale", "0.05")
    assert run.returncode == 0, run.stderr
    [entry] = History().list()
    assert entry.preset == "hello-hello"
    # Any verdict the engine gives, inconclusive included (a busy machine's honest answer):
    # what is tested is that the history keeps the one the run printed.
    verdicts = {"holds", "doesn't hold here", "depends on this machine", "inconclusive"}
    assert entry.verdict in verdicts
    assert entry.verdict.upper() in run.stdout


def test_an_interrupted_run_is_kept_flagged_when_a_run_finished(data_dir: Path) -> None:
    env = {**FAULT_ENV, "WORKBENCH_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(
        _fault_command("async-gather,process-pool", HANG, None),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        wait_until(lambda: len(descendants(proc)) >= 3, what="the hanging pool run")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130
    assert "kept as history entry 1" in err
    [entry] = History().list()
    assert entry.interrupted
    assert entry.strategies == ("async-gather", "process-pool")
    assert entry.runs == 1


def test_listing_filters_and_limits(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history = History()
    history.record(make_results(workload="sleep"))
    history.record(make_results(workload="cpu"), preset="cpu-gil", verdict="holds")
    assert main(["history", "--workload", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "cpu-gil" in out and "holds" in out
    assert "1 of 2 shown" in out
    assert main(["history", "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out == "No experiments match.\n"
    assert main(["history", "--limit", "1"]) == 0
    assert "1 of 2 shown" in capsys.readouterr().out


def test_delete_removes_one_entry(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history = History()
    first, second = history.record(make_results()), history.record(make_results())
    assert main(["history", "delete", str(first)]) == 0
    assert [e.id for e in history.list()] == [second]
    assert to_json(history.get(second)) == to_json(make_results())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["history", "show", "abc"], "a history ID is a whole number"),
        (["history", "show", "99"], "no history entry 99"),
        (["history", "export", "99", "out.json"], "no history entry 99"),
        (["history", "export", "1", "/no/such/dir/x.json"], "folder /no/such/dir does not exist"),
        (["history", "delete", "99"], "no history entry 99"),
        (["history", "--since", "last week"], "--since takes a date like 2026-11-30"),
        (["history", "--limit", "0"], "--limit must be a whole number of at least 1"),
        (["compare", "1"], "compare needs at least two experiments"),
        (["compare", "1", "nope.json"], "nope.json: no such results file or history id"),
        (["compare", "1", "42"], "no history entry 42"),
    ],
)
def test_bad_ids_and_filters_are_one_line_and_exit_2(
    argv: list[str], message: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    History().record(make_results())
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("workbench: error: ")
    assert message in err


def test_a_history_that_cannot_be_written_costs_a_warning_not_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(blocker / "data")}
    run = _workbench("run", "-q", "-w", "sleep", "-n", "2", "-p", "duration=0.01",
                     "-s", "async-gather", env=env)  # fmt: skip
    assert run.returncode == 0
    assert "async-gather" in run.stdout
    assert run.stderr == (
        f"workbench: not kept in the history: cannot make the folder {blocker / 'data'}: "
        "Not a directory\n"
    )
    listing = _workbench("history", env=env)
    assert listing.returncode == 1
    assert listing.stderr.count("\n") == 1 and "cannot make the folder" in listing.stderr
