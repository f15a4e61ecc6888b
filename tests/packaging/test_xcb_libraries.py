"""A lab machine may lack the X libraries Qt's xcb plugin needs (Qt >= 6.5: libxcb-cursor0,
libxcb-icccm4, libxcb-keysyms1); Qt then aborts before any window exists and a double-click
seems to do nothing. Both answers are proven here:

* the bundle carries those libraries: with them hidden from the system, the menu entry still
  opens the window;
* for anything it does not carry, the launcher names the packages to install: with the
  bundle's copies hidden as well, it says so (a dialog and stderr) and exits 1 — and,
  as a control, the app started directly really does fail there.

Hiding is done for real (files absent in a private mount namespace, see ``hiding.py``). The
fast tests drive the launcher's decisions with a stand-in ``ldd``.
"""

from __future__ import annotations

import os
import shutil
import stat
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
from tests.packaging.hiding import (
    hiding_available,
    names_in,
    system_library_folders,
    without_libraries,
)
from tests.waiting import wait_until
from tests.xsession import tagged_processes, wait_for_window, xdotool

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the launcher is for Linux"
)

XCB_LIBRARIES = ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1")
XCB_PACKAGES = "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1"
DIALOG_TITLE = "Concurrency Workbench cannot start"
DIALOG_TOOLS = ("zenity", "kdialog", "xmessage")
TIMEOUT_S = 60

# --- the launcher's decisions, with a stand-in ldd --------------------------------------------


def launch_with_ldd_output(
    tmp_path: Path, ldd_output: str, env: dict[str, str], *args: str
) -> tuple[subprocess.CompletedProcess[str], list[str] | None]:
    """Run the launcher of a fake bundle whose ``ldd`` prints ``ldd_output``; return the result
    and the arguments the (stub) app was started with, or None if it was not started."""
    bundle = make_fake_bundle(tmp_path / "bundle")
    plugin = bundle / "_internal/PySide6/Qt/plugins/platforms/libqxcb.so"
    plugin.parent.mkdir(parents=True)
    plugin.write_bytes(b"")
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    ldd = fake_bin / "ldd"
    ldd.write_text(f"#!/bin/sh\ncat <<'OUT'\n{ldd_output}\nOUT\n", encoding="utf-8")
    ldd.chmod(ldd.stat().st_mode | stat.S_IXUSR)
    record = tmp_path / "app-argv"
    env = {**env, "PATH": f"{fake_bin}:{os.environ['PATH']}", "STUB_RECORD": str(record)}
    done = subprocess.run(
        [str(bundle / "concurrency-workbench-launcher"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    started = record.read_text().splitlines() if record.exists() else None
    return done, started


FOUND = "\n".join(f"\t{lib} => /usr/lib/x86_64-linux-gnu/{lib} (0x1)" for lib in XCB_LIBRARIES)
MISSING = "\n".join(f"\t{lib} => not found" for lib in XCB_LIBRARIES)


def test_all_libraries_present_starts_the_app_with_its_arguments(
    tmp_path: Path, user_env: dict[str, str]
) -> None:
    done, started = launch_with_ldd_output(tmp_path, FOUND, user_env, "run", "--help")
    assert done.returncode == 0, done.stderr
    assert started == ["run", "--help"]


def test_missing_xcb_libraries_are_named_with_their_packages_and_the_app_is_not_started(
    tmp_path: Path, user_env: dict[str, str]
) -> None:
    done, started = launch_with_ldd_output(tmp_path, f"{FOUND}\n{MISSING}", user_env)
    assert done.returncode == 1
    assert started is None
    assert f"sudo apt install {XCB_PACKAGES}" in done.stderr, done.stderr
    assert "libxcb-cursor.so.0" in done.stderr


def test_a_damaged_or_unknown_library_is_reported_too(
    tmp_path: Path, user_env: dict[str, str]
) -> None:
    output = (
        "\tlibfoo.so.7 => not found\n"
        "libqxcb.so: error while loading shared libraries: "
        "/lib/x86_64-linux-gnu/libxkbcommon-x11.so.0: file too short"
    )
    done, started = launch_with_ldd_output(tmp_path, output, user_env)
    assert done.returncode == 1
    assert started is None
    assert "sudo apt install libxkbcommon-x11-0 the package that provides libfoo.so.7" in (
        done.stderr
    ), done.stderr


def test_in_a_wayland_session_missing_xcb_libraries_only_warn(
    tmp_path: Path, user_env: dict[str, str]
) -> None:
    env = {**user_env, "WAYLAND_DISPLAY": "wayland-0"}
    done, started = launch_with_ldd_output(tmp_path, MISSING, env)
    assert started == []
    assert "warning:" in done.stderr and "libxcb-cursor0" in done.stderr


# --- the real bundle on a machine without the libraries ---------------------------------------


@pytest.fixture
def hidden(tmp_path: Path, display: str) -> dict[Path, set[str]]:
    """The three libraries, hidden from the system's library folders."""
    if (reason := hiding_available()) is not None:
        pytest.skip(reason)
    folders: dict[Path, set[str]] = {}
    for library in XCB_LIBRARIES:
        found = system_library_folders(library)
        if not found:
            pytest.skip(f"{library} is not installed here, so there is nothing to hide")
        for folder in found:
            folders.setdefault(folder, set()).update(names_in(folder, library))
    return folders


def menu_command(bundle: Bundle, env: dict[str, str]) -> list[str]:
    assert install(bundle.installer, env).returncode == 0
    return exec_argv(read_entry(entry_path(env))["Exec"])


@pytest.mark.slow
def test_the_bundle_carries_the_libraries_so_the_window_opens_without_them(
    bundle: Bundle,
    display: str,
    hidden: dict[Path, set[str]],
    tmp_path: Path,
    user_env: dict[str, str],
    tag: str,
) -> None:
    command = without_libraries(menu_command(bundle, user_env), hidden, tmp_path / "layers")
    env = {**user_env, "DISPLAY": display}
    app = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        window = wait_for_window(display, "^Concurrency Workbench$", TIMEOUT_S)
        xdotool(display, "windowfocus", "--sync", window)
        xdotool(display, "key", "ctrl+q")
        assert app.wait(timeout=TIMEOUT_S) == 0, app.stderr.read() if app.stderr else ""
        wait_until(lambda: not tagged_processes(tag), 30, "every process of the app to end")
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(timeout=30)


@pytest.mark.slow
def test_without_the_libraries_anywhere_the_app_fails_and_the_launcher_says_why(
    bundle: Bundle,
    display: str,
    hidden: dict[Path, set[str]],
    tmp_path: Path,
    user_env: dict[str, str],
) -> None:
    internal = bundle.folder / "_internal"
    hidden = {**hidden, internal: {lib for lib in XCB_LIBRARIES if (internal / lib).exists()}}
    env = {**user_env, "DISPLAY": display}

    # Control: the gap is real — started directly, the app cannot open its window.
    direct = subprocess.run(
        without_libraries([str(bundle.executable)], hidden, tmp_path / "direct"),
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert direct.returncode != 0
    assert "xcb" in direct.stderr, direct.stderr

    # Through the menu entry, the launcher tells the user which packages to install.
    command = without_libraries(menu_command(bundle, user_env), hidden, tmp_path / "menu")
    launcher = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        if any(shutil.which(tool) for tool in DIALOG_TOOLS):
            # A double-click has no terminal: the message must appear on screen.
            dialog = wait_for_window(display, f"^{DIALOG_TITLE}$", TIMEOUT_S)
            xdotool(display, "windowkill", dialog)
        assert launcher.wait(timeout=TIMEOUT_S) == 1
        stderr = launcher.stderr.read() if launcher.stderr else ""
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait(timeout=30)
    assert f"sudo apt install {XCB_PACKAGES}" in stderr, stderr
    assert "workbench: error" not in stderr, "the app was started anyway"
