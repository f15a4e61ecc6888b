"""The per-user menu entry: installed without root where XDG says, removed again, and — with
the real bundle under a real X server — it opens the window, which Ctrl+Q closes, leaving no
process behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.conftest import Bundle
from tests.packaging.desktop import (
    entry_path,
    exec_argv,
    install,
    make_fake_bundle,
    read_entry,
)
from tests.waiting import wait_until
from tests.xsession import (
    RUN_TIMEOUT_S,
    WINDOW_TIMEOUT_S,
    read_line,
    tagged_processes,
    wait_for_window,
    xdotool,
)
from workbench.gui.app import E2E_REPORT_ENV
from workbench.gui.main_window import TITLE

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the desktop entry is for Linux"
)


def test_install_writes_a_menu_entry_and_icon_under_xdg_data_home(
    tmp_path: Path, user_env: dict[str, str]
) -> None:
    bundle = make_fake_bundle(tmp_path / "lab apps" / "concurrency-workbench")
    done = install(bundle / "install-desktop-entry.sh", user_env)
    assert done.returncode == 0, done.stderr

    entry = read_entry(entry_path(user_env))
    assert entry["Type"] == "Application"
    assert entry["Name"] == TITLE
    assert entry["Terminal"] == "false"
    launcher = bundle.resolve() / "concurrency-workbench-launcher"
    assert exec_argv(entry["Exec"]) == [str(launcher)]  # quoted: the path has a space
    assert entry["TryExec"] == str(launcher)
    icon = Path(entry["Icon"])
    assert icon.is_relative_to(user_env["XDG_DATA_HOME"])
    assert icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    done = install(bundle / "install-desktop-entry.sh", user_env, "--uninstall")
    assert done.returncode == 0, done.stderr
    assert not entry_path(user_env).exists()
    assert not icon.exists()


def test_without_xdg_data_home_it_uses_local_share_and_the_desktop_folder(
    tmp_path: Path, user_env: dict[str, str]
) -> None:
    bundle = make_fake_bundle(tmp_path / "concurrency-workbench")
    home = Path(user_env["HOME"])
    (home / "Desktop").mkdir()
    env = {k: v for k, v in user_env.items() if k != "XDG_DATA_HOME"}
    assert install(bundle / "install-desktop-entry.sh", env).returncode == 0

    entry = home / ".local" / "share" / "applications" / "concurrency-workbench.desktop"
    on_desktop = home / "Desktop" / "concurrency-workbench.desktop"
    assert entry.is_file()
    assert os.access(on_desktop, os.X_OK), "a Desktop launcher must be executable to open"
    assert read_entry(on_desktop) == read_entry(entry)

    assert install(bundle / "install-desktop-entry.sh", env, "--uninstall").returncode == 0
    assert not entry.exists()
    assert not on_desktop.exists()


def test_a_folder_path_the_exec_line_cannot_carry_is_refused(
    tmp_path: Path, user_env: dict[str, str]
) -> None:
    bundle = make_fake_bundle(tmp_path / "price$list" / "concurrency-workbench")
    done = install(bundle / "install-desktop-entry.sh", user_env)
    assert done.returncode == 2
    assert "move the folder" in done.stderr
    assert not entry_path(user_env).exists()


@pytest.mark.slow
def test_the_menu_entry_opens_the_window_and_ctrl_q_quits(
    bundle: Bundle, display: str, tmp_path: Path, user_env: dict[str, str], tag: str
) -> None:
    assert install(bundle.installer, user_env).returncode == 0
    command = exec_argv(read_entry(entry_path(user_env))["Exec"])
    assert command == [str(bundle.launcher)]

    report = tmp_path / "report.fifo"
    os.mkfifo(report)
    # Both ends open here first: the app's writes never block and the reader never sees EOF.
    reader = os.open(report, os.O_RDONLY | os.O_NONBLOCK)
    keep_open = os.open(report, os.O_WRONLY)
    env = {**user_env, "DISPLAY": display, E2E_REPORT_ENV: str(report)}
    app = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        window = wait_for_window(display, f"^{TITLE}$", WINDOW_TIMEOUT_S)
        xdotool(display, "windowfocus", "--sync", window)
        # One experiment from the window (its default includes a process pool): the frozen
        # app starts its helpers and their workers under a real display too.
        xdotool(display, "key", "F5")
        assert read_line(reader, RUN_TIMEOUT_S).startswith("finished ok=True")

        xdotool(display, "key", "ctrl+q")
        assert app.wait(timeout=RUN_TIMEOUT_S) == 0, app.stderr.read() if app.stderr else ""
        assert read_line(reader, WINDOW_TIMEOUT_S).strip() == "quit"
        wait_until(lambda: not tagged_processes(tag), 30, "every process of the app to end")
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(timeout=30)
        os.close(reader)
        os.close(keep_open)
