"""End to end, as a user does it: start `workbench` on a real X server, press F5, wait for the
run, press Ctrl+Q; the app exits 0 and leaves no process behind.

Needs Xvfb and xdotool (CI installs them: xvfb xdotool libxcb-cursor0 libxcb-icccm4
libxcb-keysyms1). The app reports each finished experiment through WORKBENCH_E2E_REPORT, here
a FIFO, so the test blocks on the report itself rather than sleeping and hoping.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.xsession import (
    RUN_TIMEOUT_S,
    TAG_ENV,
    WINDOW_TIMEOUT_S,
    needs,
    read_line,
    tagged_processes,
    wait_for_window,
    xdotool,
    xvfb,
)
from workbench.gui.app import E2E_REPORT_ENV
from workbench.gui.main_window import TITLE

pytestmark = needs("Xvfb", "xdotool")


@pytest.fixture
def display() -> Iterator[str]:
    with xvfb(WINDOW_TIMEOUT_S) as name:
        yield name


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
        window = wait_for_window(display, f"^{TITLE}$", WINDOW_TIMEOUT_S)
        xdotool(display, "windowfocus", "--sync", window)
        xdotool(display, "key", "F5")

        line = read_line(reader, RUN_TIMEOUT_S)
        assert line.startswith("finished ok=True runs=3"), line

        xdotool(display, "key", "ctrl+q")
        assert app.wait(timeout=RUN_TIMEOUT_S) == 0, app.stderr.read() if app.stderr else ""
        assert read_line(reader, WINDOW_TIMEOUT_S).strip() == "quit"
        assert tagged_processes(tag) == []
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(timeout=30)
        os.close(reader)
        os.close(keep_open)
