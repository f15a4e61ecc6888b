"""End to end, as a user does it: start `workbench` on a real X server, press F5, wait for the
run, press Ctrl+Q; the app exits 0 and leaves no process behind.

Needs Xvfb and xdotool (CI installs them: xvfb xdotool libxcb-cursor0 libxcb-icccm4
libxcb-keysyms1). The app reports each finished experiment through WORKBENCH_E2E_REPORT, here
a FIFO, so the test blocks on the report itself rather than sleeping and hoping.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from workbench.gui.app import E2E_REPORT_ENV

TITLE = "Concurrency Workbench"
TAG_ENV = "WORKBENCH_E2E_TAG"
WINDOW_TIMEOUT_S = 60
RUN_TIMEOUT_S = 120

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb runs on Linux only"),
    pytest.mark.skipif(
        shutil.which("Xvfb") is None or shutil.which("xdotool") is None,
        reason="needs Xvfb and xdotool (apt-get install xvfb xdotool libxcb-cursor0 "
        "libxcb-icccm4 libxcb-keysyms1)",
    ),
]


@pytest.fixture
def display() -> Iterator[str]:
    """A private X server on the first free display number (Xvfb picks it: -displayfd)."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        number = _read_line(read_fd, WINDOW_TIMEOUT_S)
        assert number.strip().isdigit(), f"Xvfb did not report a display: {number!r}"
        yield f":{number.strip()}"
    finally:
        os.close(read_fd)
        server.terminate()
        server.wait(timeout=30)


def _read_line(fd: int, timeout_s: float) -> str:
    """One line from a pipe, blocking on select() until it arrives or the timeout passes."""
    data = b""
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], timeout_s)
        if not ready:
            raise TimeoutError(f"nothing arrived within {timeout_s} s (got {data!r})")
        chunk = os.read(fd, 1)
        if not chunk:
            break
        data += chunk
    return data.decode()


def _xdotool(display: str, *args: str, timeout_s: float = 30) -> str:
    done = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=True,
    )
    return done.stdout.strip()


def _tagged_processes(tag: str) -> list[psutil.Process]:
    """Every live process that inherited this session's tag (the app, its runs, pool workers)."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get(TAG_ENV) == tag and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def test_start_run_with_f5_and_quit_with_ctrl_q(display: str, tmp_path: Path) -> None:
    report = tmp_path / "report.fifo"
    os.mkfifo(report)
    # Open both ends here first: the app's writes never block, and the reader never sees EOF.
    reader = os.open(report, os.O_RDONLY | os.O_NONBLOCK)
    keep_open = os.open(report, os.O_WRONLY)
    tag = uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(
        DISPLAY=display,
        XDG_CONFIG_HOME=str(tmp_path / "config"),  # recent files stay in the test's folder
        **{E2E_REPORT_ENV: str(report), TAG_ENV: tag},
    )
    command = [shutil.which("workbench") or sys.executable]
    if command[0] == sys.executable:
        command += ["-m", "workbench"]
    app = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        window = _xdotool(
            display,
            "search",
            "--sync",
            "--onlyvisible",
            "--name",
            f"^{TITLE}$",
            timeout_s=WINDOW_TIMEOUT_S,
        ).splitlines()[0]
        _xdotool(display, "windowfocus", "--sync", window)
        _xdotool(display, "key", "F5")

        line = _read_line(reader, RUN_TIMEOUT_S)
        assert line.startswith("finished ok=True runs=3"), line

        _xdotool(display, "key", "ctrl+q")
        assert app.wait(timeout=RUN_TIMEOUT_S) == 0, app.stderr.read() if app.stderr else ""
        assert _read_line(reader, WINDOW_TIMEOUT_S).strip() == "quit"
        assert _tagged_processes(tag) == []
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(timeout=30)
        os.close(reader)
        os.close(keep_open)
