"""The run's scratch folder goes with the run however it ends — finished, stopped, SIGINT,
SIGTERM, its process killed — and one left by a killed engine goes at the next start; a live
engine's folder is never touched."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import psutil
import pytest

from tests.processes import command_line, descendants, end_all
from tests.robustness.commands import QUICK_RUN, workbench
from tests.waiting import wait_until
from workbench.core.config import build_config
from workbench.core.engine import CHILD_MODULE, run_experiment
from workbench.core.observer import Observer
from workbench.core.scratch import PREFIX, remove_abandoned
from workbench.core.timeline import TaskEvent

LONG_FILE_RUN = ("run", "-w", "file", "-n", "5000", "-s", "sequential", "-q", "--no-history")
"""A run that writes files for tens of seconds, unless it is ended first."""


def scratch_folders(root: Path) -> list[Path]:
    return sorted(root.glob(f"{PREFIX}*"))


def start(root: Path, *args: str) -> subprocess.Popen[str]:
    """``workbench ARGS`` with ``root`` as its temporary folder."""
    return subprocess.Popen(
        [sys.executable, "-m", "workbench", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(root)},
    )


def test_a_finished_run_leaves_no_scratch_folder(tmp_path: Path) -> None:
    proc = workbench(
        "run", "-w", "file", "-n", "4", "-s", "sequential,threads", "-q", "--no-history",
        env={"TMPDIR": str(tmp_path)},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert scratch_folders(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stop_by_signal_removes_the_scratch_folder(tmp_path: Path, sig: signal.Signals) -> None:
    proc = start(tmp_path, *LONG_FILE_RUN)
    family: list[psutil.Process] = []
    try:
        wait_until(lambda: scratch_folders(tmp_path) != [], what="the run to write")
        family = descendants(proc)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        end_all(proc, family)
    assert proc.returncode == 130, err
    assert scratch_folders(tmp_path) == []


class _StopWhenWriting(Observer):
    def __init__(self, stop: asyncio.Event) -> None:
        self.stop = stop

    def task_events(self, strategy: str, repeat_index: int, events: Sequence[TaskEvent]) -> None:
        self.stop.set()  # tasks are writing into the scratch folder: the window's Stop


def test_stop_removes_the_scratch_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen: list[list[Path]] = []

    async def main() -> bool:
        stop = asyncio.Event()
        config = build_config("file", ["sequential"], 5000, None, {}, 1)
        observer = _StopWhenWriting(stop)
        observer.run_started = lambda *_, **__: seen.append(scratch_folders(tmp_path))  # type: ignore[method-assign]
        results = await run_experiment(config, observer, stop=stop)
        return results.interrupted

    assert asyncio.run(main())
    assert len(seen[0]) == 1  # the run had its folder
    assert scratch_folders(tmp_path) == []


def test_a_killed_run_process_leaves_no_scratch_folder(tmp_path: Path) -> None:
    proc = start(tmp_path, *LONG_FILE_RUN)
    family: list[psutil.Process] = []
    try:
        wait_until(lambda: scratch_folders(tmp_path) != [], what="the run to write")
        wait_until(lambda: _run_processes(proc) != [], what="the run's process")
        family = descendants(proc)
        (child,) = _run_processes(proc)
        child.kill()
        out, err = proc.communicate(timeout=60)
    finally:
        end_all(proc, family)
    assert proc.returncode == 1, err
    assert "SIGKILL" in out, out
    assert scratch_folders(tmp_path) == []


def test_a_killed_engines_folder_goes_at_the_next_start(tmp_path: Path) -> None:
    proc = start(tmp_path, *LONG_FILE_RUN)
    family: list[psutil.Process] = []
    try:
        wait_until(lambda: scratch_folders(tmp_path) != [], what="the run to write")
        family = descendants(proc)
        proc.kill()  # SIGKILL: the engine removes nothing
        proc.wait(timeout=10)
        psutil.wait_procs(family, timeout=10)
    finally:
        end_all(proc, family)
    assert len(scratch_folders(tmp_path)) == 1  # left behind, as only a killed engine can

    again = workbench(*QUICK_RUN, "--no-history", env={"TMPDIR": str(tmp_path)})

    assert again.returncode == 0, again.stderr
    assert scratch_folders(tmp_path) == []


def test_only_folders_of_engines_that_are_gone_are_removed(tmp_path: Path) -> None:
    me = psutil.Process()
    started_ms = round(me.create_time() * 1000)
    gone_pid = _a_pid_not_running()
    names = {
        "live": f"{PREFIX}{me.pid}-{started_ms}-abc",
        "reused pid": f"{PREFIX}{me.pid}-{started_ms - 60_000}-abc",
        "dead": f"{PREFIX}{gone_pid}-{started_ms}-abc",
        "not ours": "workbench-k2x9q1",
        "no owner": f"{PREFIX}x-y-z",
    }
    for name in names.values():
        (tmp_path / name).mkdir()
        (tmp_path / name / "task-1.bin").write_bytes(b"w" * 100)

    removed = remove_abandoned(tmp_path)

    assert sorted(p.name for p in removed) == sorted([names["reused pid"], names["dead"]])
    left = {names["live"], names["not ours"], names["no owner"]}
    assert {p.name for p in tmp_path.iterdir()} == left


def _run_processes(engine: subprocess.Popen[str]) -> list[psutil.Process]:
    return [p for p in descendants(engine) if CHILD_MODULE in command_line(p)]


def _a_pid_not_running() -> int:
    pid = max(psutil.pids()) + 1000
    while psutil.pid_exists(pid):
        pid += 1
    return pid


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="start time read from /proc")
def test_a_killed_dask_workers_folder_goes_at_the_next_start(tmp_path: Path) -> None:
    """A Dask worker names its folder with the standard library alone (it is a process of the
    run's): the name must be one the engine reads back as that worker's, live or gone."""
    make = (
        "import os, sys\n"
        "from workbench.core.scratch_names import linux_start_ms, owned_folder\n"
        "print(owned_folder(linux_start_ms(), sys.argv[1]), flush=True)\n"
        "sys.stdin.readline()\n"  # alive until told, then gone without its clean-up
        "os._exit(0)\n"
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", make, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None and worker.stdin is not None
    folder = Path(worker.stdout.readline().strip())
    assert folder.is_dir() and folder.name.startswith(f"{PREFIX}{worker.pid}-")
    assert remove_abandoned(tmp_path) == []  # its worker still runs
    worker.stdin.close()
    assert worker.wait(timeout=60) == 0
    assert remove_abandoned(tmp_path) == [folder] and not folder.exists()
