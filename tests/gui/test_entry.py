"""`workbench` opens the window, fails in one plain line without a display, and keeps the
entry path free of Qt so spawned children never pay for it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

GUI_MODULES = ("PySide6", "pyqtgraph", "qasync")


def workbench(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def environment(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def test_help_still_works_and_mentions_the_window() -> None:
    done = workbench("--help", env=environment())
    assert done.returncode == 0
    assert "opens the window" in done.stdout


def test_without_a_display_it_says_so_in_one_line() -> None:
    done = workbench(env=environment())
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("workbench: error: no display")
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 display names are Linux")
def test_when_qt_itself_cannot_start_it_says_so_in_one_line() -> None:
    done = workbench(env=environment(DISPLAY=":987", QT_QPA_PLATFORM="xcb"))  # no such server
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("workbench: error: cannot open the window")


def test_the_entry_path_and_the_gui_model_load_no_qt() -> None:
    script = (
        "import sys, workbench.__main__, workbench.cli, workbench.gui, "
        "workbench.gui.model.live_run, workbench.gui.model.formatting, workbench.core.comparison; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {GUI_MODULES!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
