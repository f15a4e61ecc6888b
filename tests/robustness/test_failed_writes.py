"""A write that fails after the run never loses the results: the table is printed, the
results are kept in the history (or, without one, in the data folder), one line says where,
and the exit code is 3. Nothing is left half-written: the file that was there stays whole."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import descendants, end_all
from tests.robustness.commands import QUICK_RUN, workbench
from tests.waiting import wait_until
from workbench.cli.common import EXIT_NOT_WRITTEN
from workbench.cli.outputs import UNSAVED_FOLDER
from workbench.core.exports import load

WAITS_FOR_A_SIGNAL = """\
import os
import time


def task(started: str, go: str) -> None:
    open(started, "a").close()
    while not os.path.exists(go):
        time.sleep(0.01)
"""
"""Code whose one task runs until the test says go: the output's folder can vanish meanwhile."""


def run_losing_the_folder(
    tmp_path: Path, *extra: str, data_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run with ``--out`` into a folder that is removed while the run is in progress (the
    check before the run passed): the write after it fails. ``data_dir``: its data folder
    (default: one of its own)."""
    code, started, go = tmp_path / "waits.py", tmp_path / "started", tmp_path / "go"
    code.write_text(WAITS_FOR_A_SIGNAL, encoding="utf-8")
    folder = tmp_path / "results"
    folder.mkdir()
    argv = [
        sys.executable, "-m", "workbench", "run", "--code", str(code), "-n", "1",
        "-s", "sequential", "-p", f"started={started}", "-p", f"go={go}", "-q",
        "--out", str(folder / "r.json"), *extra,
    ]  # fmt: skip
    env = {"WORKBENCH_DATA_DIR": str(data_dir or tmp_path / "data")}
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env}
    )
    family = []
    try:
        wait_until(started.exists, what="the task to start")
        family = descendants(proc)
        shutil.rmtree(folder)
        go.touch()
        out, err = proc.communicate(timeout=120)
    finally:
        end_all(proc, family)
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def test_a_folder_gone_by_the_end_keeps_the_results_in_the_history(tmp_path: Path) -> None:
    proc = run_losing_the_folder(tmp_path)

    assert proc.returncode == EXIT_NOT_WRITTEN, proc.stderr
    assert "Speedup" in proc.stdout  # the table, all the same
    assert "Traceback" not in proc.stderr
    last = proc.stderr.splitlines()[-1]
    assert last.startswith(f"workbench: could not write --out {tmp_path}/results/r.json (")
    entry = last.split("kept as history entry ")[1].split()[0]
    assert f"'workbench history export {entry} FILE' writes them" in last
    exported = tmp_path / "exported.json"
    proc = workbench("history", "export", entry, str(exported), data_dir=tmp_path / "data")
    assert proc.returncode == 0, proc.stderr
    assert [run.strategy for run in load(exported).runs] == ["sequential"]


def test_without_the_history_the_results_go_to_the_data_folder(tmp_path: Path) -> None:
    proc = run_losing_the_folder(tmp_path, "--no-history")

    assert proc.returncode == EXIT_NOT_WRITTEN, proc.stderr
    assert "Speedup" in proc.stdout
    (kept,) = (tmp_path / "data" / UNSAVED_FOLDER).iterdir()
    assert proc.stderr.splitlines()[-1].endswith(f"the results are saved in {kept}")
    assert proc.stderr.count("\n") == 1
    assert [run.strategy for run in load(kept).runs] == ["sequential"]


def test_with_nowhere_to_keep_them_the_table_is_still_printed(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("no data folder can be made below a file", encoding="utf-8")

    proc = run_losing_the_folder(tmp_path, data_dir=blocked / "data")

    assert proc.returncode == EXIT_NOT_WRITTEN, proc.stderr
    assert "Speedup" in proc.stdout
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[-1].endswith(
        "; nor could the results be kept anywhere else (Not a directory)"
    )


@contextlib.contextmanager
def full_disk(folder: Path) -> Iterator[Path]:
    """A 64 kB file system at ``folder``, filled: creating an empty file still works (the
    check before the run passes), writing a byte does not."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a small file system needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def fill(folder: Path) -> None:
    with contextlib.suppress(OSError), (folder / "filler").open("wb", buffering=0) as filler:
        while True:
            filler.write(b"x" * 4096)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a tmpfs is Linux's")
def test_a_full_disk_leaves_the_old_file_whole_and_keeps_the_results(tmp_path: Path) -> None:
    with full_disk(tmp_path / "disk") as disk:
        spans = disk / "spans.csv"
        spans.write_text("the previous spans\n", encoding="utf-8")
        fill(disk)
        proc = workbench(*QUICK_RUN, "--csv", str(spans), data_dir=tmp_path / "data")
        assert spans.read_text(encoding="utf-8") == "the previous spans\n"
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "spans.csv"]
    assert proc.returncode == EXIT_NOT_WRITTEN, proc.stderr
    assert "Speedup" in proc.stdout
    last = proc.stderr.splitlines()[-1]
    assert f"could not write --csv {spans} (No space left on device)" in last
    assert "kept as history entry" in last
    assert "Traceback" not in proc.stderr
