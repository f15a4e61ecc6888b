"""The window's endings other than its close button, on a real X server with a window
manager: destroyed by the window manager mid-run (``xdotool windowclose``), or sent SIGTERM,
SIGINT or SIGHUP mid-run. Each time the app stops the run, exits 0 without a traceback, and
leaves no process behind.

Needs Xvfb and xdotool (openbox when installed); skipped, saying so, without them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from tests.waiting import wait_until
from tests.xsession import (
    RUN_TIMEOUT_S,
    TAG_ENV,
    WINDOW_TIMEOUT_S,
    kill_tagged,
    needs,
    read_line,
    tagged_processes,
    wait_for_window,
    window_manager,
    xdotool,
    xvfb,
)
from workbench.gui.app import E2E_REPORT_ENV
from workbench.gui.main_window import TITLE

pytestmark = needs("Xvfb", "xdotool")


class App:
    """``workbench`` started on the test's display, with an end-to-end report on a FIFO."""

    def __init__(self, display: str, folder: Path) -> None:
        report = folder / "report.fifo"
        os.mkfifo(report)
        # Both ends open here first: the app's writes never block, the reader never sees EOF.
        self.reader = os.open(report, os.O_RDONLY | os.O_NONBLOCK)
        self.keep_open = os.open(report, os.O_WRONLY)
        self.tag = uuid.uuid4().hex
        hidden = ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")
        env = {k: v for k, v in os.environ.items() if k not in hidden}
        env.update(
            DISPLAY=display,
            XDG_CONFIG_HOME=str(folder / "config"),
            **{E2E_REPORT_ENV: str(report), TAG_ENV: self.tag},
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workbench"], env=env, stderr=subprocess.PIPE, text=True
        )
        self.display = display
        self.window = wait_for_window(display, f"^{TITLE}$", WINDOW_TIMEOUT_S)

    def start_a_run(self) -> None:
        """F5, then wait until the run's own process is there (the app is not alone)."""
        xdotool(self.display, "windowfocus", "--sync", self.window)
        xdotool(self.display, "key", "F5")
        wait_until(lambda: len(self.descendants()) > 0, RUN_TIMEOUT_S, "the run's process")

    def descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        kill_tagged(self.tag)
        os.close(self.reader)
        os.close(self.keep_open)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    with xvfb(WINDOW_TIMEOUT_S) as display, window_manager(display):
        started = App(display, tmp_path)
        try:
            yield started
        finally:
            started.close()


def _destroyed_by_the_window_manager(app: App) -> None:
    xdotool(app.display, "windowclose", app.window)  # XDestroyWindow: no close request


def _signal(number: int) -> Callable[[App], None]:
    return lambda app: app.process.send_signal(number)


ENDINGS = {
    "window destroyed by the window manager": _destroyed_by_the_window_manager,
    "SIGTERM": _signal(signal.SIGTERM),
    "SIGINT": _signal(signal.SIGINT),
    "SIGHUP": _signal(signal.SIGHUP),
}


@pytest.mark.parametrize("end", list(ENDINGS.values()), ids=list(ENDINGS))
def test_the_app_stops_its_run_and_quits_cleanly(app: App, end: Callable[[App], None]) -> None:
    app.start_a_run()
    running = app.descendants()
    end(app)
    assert app.process.wait(timeout=RUN_TIMEOUT_S) == 0
    stderr = app.process.stderr.read() if app.process.stderr else ""
    assert "Traceback" not in stderr, stderr
    assert "Event loop stopped" not in stderr, stderr
    lines = []
    while not lines or lines[-1] != "quit":
        lines.append(read_line(app.reader, WINDOW_TIMEOUT_S).strip())
    assert tagged_processes(app.tag) == []
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in running)
