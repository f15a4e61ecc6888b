"""``workbench run --code``: bad input is one line and exit 2 before any work; runs print the
table, then what the code printed; Ctrl-C leaves no process behind; a flood cannot fill memory."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psutil
import pytest

from tests.core.usercode_files import FAILING, PAIR, write
from tests.processes import descendants, end_all
from tests.waiting import wait_until
from workbench.cli import main

SYNTAX = "import time\n\ndef task()\n    time.sleep(1)\n"
SETUP_RAISES = "def setup():\n    raise RuntimeError('no database')\n\ndef task():\n    pass\n"


def _files(folder: Path) -> dict[str, Path]:
    notes = folder / "notes.txt"
    notes.write_text("def task(): pass\n")
    return {
        "pair": write(folder, PAIR, "pair.py"),
        "syntax": write(folder, SYNTAX, "syntax.py"),
        "variable": write(folder, "task = 42\n", "variable.py"),
        "coroutine": write(folder, "async def count():\n    pass\n", "count.py"),
        "setup": write(folder, SETUP_RAISES, "setup.py"),
        "notes": notes,
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--code", "{tmp}/missing.py"], "missing.py: no such file"),
        (["--code", "{notes}"], "not a Python file (expected a .py file)"),
        (["--code", "{syntax}"], "syntax.py:3: syntax error: expected ':'"),
        (["--code", "{pair}:job"], "no function named 'job' (functions here: task, async_task"),
        (["--code", "{variable}"], "variable.py:1: 'task' is a variable, not a function"),
        (
            ["--code", "{coroutine}:count", "-s", "sequential,async-gather"],
            "sequential calls a plain function, and only the coroutine function count() is "
            "given: add a plain function and name it too:",
        ),
        (
            ["--code", "{pair}:task", "-s", "async-gather"],
            "async-gather awaits a coroutine function, and only the plain function task() is given",
        ),
        (["--code", "{pair}", "-p", "speed=2"], "unknown parameter 'speed': task() has no"),
        (["--code", "{pair}", "-w", "cpu"], "give --code or --workload, not both"),
        (["--code", "{setup}"], "setup.py:2: setup() raised RuntimeError: no database"),
        (["--code", "{setup}", "-s", "threads"], "setup.py:2: setup() raised RuntimeError"),
        (["-w", "sleep", "--time-scale", "0.1"], "--time-scale scales a preset's durations"),
        (["-w", "sleep", "--show-output"], "--show-output prints what your code printed"),
    ],
)
def test_bad_code_exits_2_with_one_line_before_any_work(
    tmp_path: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {name: str(path) for name, path in _files(tmp_path).items()}
    args = [arg.format(tmp=tmp_path, **files) for arg in argv]
    out_file = tmp_path / "r.json"
    assert main(["run", *args, "--out", str(out_file), "--no-history", "-n", "2"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith("workbench: error: ")
    assert message in err, err
    assert not out_file.exists()  # nothing ran


def test_a_run_prints_the_table_then_one_line_per_run_of_what_the_code_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "r.json"
    argv = ["run", "--code", "example:three-counts", "-n", "3", "-p", "seconds=0.05"]
    argv += ["-s", "async-sequential,async-gather", "-q", "--no-history", "--out", str(out_file)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("example:three-counts: async_task() (seconds=0.05), 3 tasks")
    assert "What the code printed (--show-output prints all of it):" in out
    assert "async-sequential  6 lines: One | Two | One | Two | One | Two" in out
    assert "async-gather      6 lines: One | One | One | Two | Two | Two" in out
    data = json.loads(out_file.read_text())
    assert data["config"]["code"]["label"] == "example:three-counts"
    assert "async def count(seconds=1):" in data["config"]["code"]["source"]
    assert data["runs"][1]["output"] == "One\nOne\nOne\nTwo\nTwo\nTwo\n"


def test_show_output_prints_all_of_it_and_a_failed_task_is_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, FAILING + "\nprint('loaded')\n")
    argv = ["run", "--code", str(path), "-n", "3", "-s", "sequential", "-q", "--no-history"]
    assert main([*argv, "--show-output"]) == 0
    out = capsys.readouterr().out
    assert "--- sequential: 1 line ---\nloaded" in out
    assert "What the code printed" not in out
    assert out.splitlines()[3].endswith(" 1")  # the Failed column: one task failed


NEVER_RETURNS = """
import asyncio, pathlib, time

MARK = pathlib.Path({mark!r})

def task(i):
    MARK.touch()
    while True:
        time.sleep(1)

async def async_task(i):
    MARK.touch()
    await asyncio.Event().wait()
"""


@pytest.mark.parametrize(
    ("strategy", "sig"),
    [
        ("sequential", signal.SIGINT),
        ("async-gather", signal.SIGINT),
        ("process-pool", signal.SIGINT),
        ("threads", signal.SIGTERM),
    ],
)
def test_a_task_that_never_returns_is_stopped_and_leaves_no_process(
    tmp_path: Path, strategy: str, sig: signal.Signals
) -> None:
    mark = tmp_path / "started"
    path = write(tmp_path, NEVER_RETURNS.format(mark=str(mark)))
    command = [sys.executable, "-m", "workbench", "run", "--code", str(path), "-n", "2"]
    command += ["-s", strategy, "-q", "--no-history", "--out", str(tmp_path / "r.json")]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    family: list[psutil.Process] = []
    try:
        wait_until(mark.exists, what="a task to start")
        family = descendants(proc)
        assert family
        proc.send_signal(sig)
        assert proc.wait(timeout=10) == 130
        _, alive = psutil.wait_procs(family, timeout=5)
        assert alive == []
    finally:
        _, err = end_all(proc, family)
    assert "interrupted" in err
    assert json.loads((tmp_path / "r.json").read_text())["interrupted"] is True


def _peak_kib(pid: int) -> int | None:
    """The process's peak resident memory so far (VmHWM: its own, reset when it exec'd)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) if found else None


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc for peak memory")
def test_output_that_would_flood_memory_keeps_the_cli_small_and_says_so(tmp_path: Path) -> None:
    mib = 1 << 20
    path = write(
        tmp_path,
        f"""
        import sys

        def task():
            chunk = "x" * {mib}
            for _ in range(300):
                sys.stdout.write(chunk)  # no newline: a reader by lines would hold it all
        """,
    )
    out_file = tmp_path / "r.json"
    command = [sys.executable, "-m", "workbench", "run", "--code", str(path), "-n", "1"]
    command += ["-s", "sequential", "-q", "--no-history", "--out", str(out_file)]
    peak, tick = 0, threading.Event()
    with (tmp_path / "out.txt").open("w") as out, (tmp_path / "err.txt").open("w") as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err)
        while proc.poll() is None:  # sampling a high-water mark: the last reading is the peak
            peak = max(peak, _peak_kib(proc.pid) or 0)
            tick.wait(0.02)
    assert proc.returncode == 0, (tmp_path / "err.txt").read_text()
    assert 0 < peak < 150 * 1024  # KiB: 300 MiB went through the CLI, a few tens stayed
    (run,) = json.loads(out_file.read_text())["runs"]
    assert run["output_bytes"] == 300 * mib
    assert run["output_truncated"] is True
    printed = (tmp_path / "out.txt").read_text()
    assert "output truncated after 262,144 bytes (314,572,800 printed)" in printed
