"""``workbench class collect`` in a process of its own, and ``class submit``'s exit codes
against it: 0 only when the collector accepted the file, 2 with its reason otherwise."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.results_factory import make_results
from tests.waiting import wait_until
from workbench.cli import main
from workbench.core.exports import save
from workbench.core.history import History


class Lines:
    """A child's output lines, gathered by a thread, so a test waits on them with a timeout."""

    def __init__(self, stream: object) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str) -> re.Match[str]:
        found: list[re.Match[str]] = []

        def seen() -> bool:
            found.extend(m for line in self.lines if (m := re.search(pattern, line)))
            return bool(found)

        wait_until(seen, timeout_s=30, what=f"a line matching {pattern!r} in {self.lines}")
        return found[0]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "WORKBENCH_DATA_DIR": str(tmp_path / "data")}


@pytest.fixture
def collector(
    tmp_path: Path, env: dict[str, str]
) -> Iterator[tuple[subprocess.Popen[str], Lines, int]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench", "class", "collect", "--host", "127.0.0.1",
         "--port", "0", "--join-code", "k7qx2m", "--out", str(tmp_path / "collected")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    out = Lines(proc.stdout)
    try:
        port = int(out.wait_for(r"^  http://127\.0\.0\.1:(\d+)$").group(1))
        yield proc, out, port
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def _submit(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", "class", "submit", *args],
        capture_output=True, text=True, check=False, env=env, timeout=60,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_submit_exit_codes_against_a_running_collector(
    collector: tuple[subprocess.Popen[str], Lines, int],
    tmp_path: Path,
    env: dict[str, str],
    sig: signal.Signals,
) -> None:
    proc, out, port = collector
    assert "Join code: K7QX2M" in out.lines[0]
    address = f"127.0.0.1:{port}"
    good = tmp_path / "mine.json"
    save(make_results(logical_cpus=4, cpu_model="Student CPU"), good)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")

    accepted = _submit(address, "K7QX2M", str(good), env=env)
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stdout == "Collector: accepted as #1 (" + socket.gethostname() + ")\n"
    line = out.wait_for(r"^#1 ").string
    assert "4 CPUs, Student CPU" in line and "async-gather 3.00×" in line

    refused = _submit(address, "WRONG9", str(good), env=env)
    assert refused.returncode == 2
    assert refused.stderr == (
        "workbench: error: the collector refused the file (403): wrong join code\n"
    )
    local = _submit(address, "K7QX2M", str(bad), env=env)
    assert local.returncode == 2
    assert local.stderr.startswith(f"workbench: error: {bad}: not a JSON file")

    proc.send_signal(sig)
    assert proc.wait(timeout=15) == 0
    assert out.wait_for(r"^Stopped: 1 file\(s\) collected\.$")
    with socket.socket() as again:  # the port is free: nothing listens on it any more
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))
        again.listen()
    unreachable = _submit(address, "K7QX2M", str(good), env=env)
    assert unreachable.returncode == 2
    assert "cannot reach the collector at http://127.0.0.1:" in unreachable.stderr
    assert unreachable.stderr.count("\n") == 1
    [kept] = (tmp_path / "collected").iterdir()
    assert kept.read_text() == good.read_text()
    [entry] = History(tmp_path / "data" / "history.sqlite3").list()
    assert entry.origin == "class 127.0.0.1"


def test_a_collector_that_never_answers_times_out(tmp_path: Path, env: dict[str, str]) -> None:
    good = tmp_path / "mine.json"
    save(make_results(), good)
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        address = f"127.0.0.1:{silent.getsockname()[1]}"
        result = _submit(address, "K7QX2M", str(good), "--timeout", "1", env=env)
    assert result.returncode == 2
    assert result.stderr == (
        f"workbench: error: no answer from the collector at http://{address}/submit within 1 s\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["collect", "--port", "70000"], "--port must be a whole number from 0 to 65535"),
        (["collect", "--join-code", "a!"], "--join-code: a join code is 4 to 32 letters"),
        (["submit", "teacher", "K7QX2M", "f.json"], "a collector address is HOST:PORT"),
        (["submit", "h:1", "K7QX2M", "f.json", "--timeout", "soon"], "--timeout takes seconds"),
        (["submit", "h:1", "K7QX2M", "missing.json"], "missing.json: No such file"),
        (["submit", "h:1", "K7QX2M", "#7"], "no history entry 7"),
    ],
)
def test_bad_class_input_is_one_line_and_exit_2(
    argv: list[str],
    message: str,
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WORKBENCH_DATA_DIR", env["WORKBENCH_DATA_DIR"])
    assert main(["class", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and message in err
