"""A private X server and the few xdotool calls the end-to-end tests need; waits, never sleeps."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator

import psutil
import pytest

PACKAGES = "xvfb xdotool openbox libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1"
"""The Debian packages of a real X session for the window (``.ci/run`` installs them)."""


def needs(*programs: str) -> list[pytest.MarkDecorator]:
    """A test module's skip marks: Linux, and these programs (Xvfb, xdotool, openbox) found."""
    missing = [program for program in programs if shutil.which(program) is None]
    return [
        pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb runs on Linux only"),
        pytest.mark.skipif(
            bool(missing), reason=f"needs {' and '.join(programs)} (apt-get install {PACKAGES})"
        ),
    ]


WINDOW_TIMEOUT_S = 60
"""How long the app may take to show its window on a busy machine's X server."""
RUN_TIMEOUT_S = 120
"""How long a short run started from the window may take there."""
TAG_ENV = "WORKBENCH_TEST_TAG"
"""Every process a test starts inherits a unique tag, so leftovers can be found by it."""


def read_line(fd: int, timeout_s: float) -> str:
    """One line from a pipe or FIFO, blocking on select() until it arrives or time runs out."""
    data = b""
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], timeout_s)
        if not ready:
            raise TimeoutError(f"nothing arrived within {timeout_s} s (got {data!r})")
        try:
            chunk = os.read(fd, 1)
        except BlockingIOError:
            continue
        if not chunk:
            break
        data += chunk
    return data.decode()


@contextlib.contextmanager
def xvfb(timeout_s: float = 30, size: str = "1600x1000") -> Iterator[str]:
    """A private X server on the first free display number (Xvfb picks it: -displayfd)."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        number = read_line(read_fd, timeout_s).strip()
        assert number.isdigit(), f"Xvfb did not report a display: {number!r}"
        yield f":{number}"
    finally:
        os.close(read_fd)
        server.terminate()
        server.wait(timeout=30)


def xdotool(display: str, *args: str, timeout_s: float = 30) -> str:
    done = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=True,
    )
    return done.stdout.strip()


def wait_for_window(display: str, title_regex: str, timeout_s: float) -> str:
    """The id of the first visible window whose title matches (xdotool waits: --sync)."""
    found = xdotool(
        display, "search", "--sync", "--onlyvisible", "--name", title_regex, timeout_s=timeout_s
    )
    return found.splitlines()[0]


def tagged_processes(tag: str) -> list[psutil.Process]:
    """Every live process that inherited ``tag`` (the launcher, the app, its runs, workers)."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get(TAG_ENV) == tag and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def kill_tagged(tag: str) -> None:
    """Clean-up after a failed test: end what this test started (found by its tag), no more."""
    processes = tagged_processes(tag)
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(processes, timeout=10)


@contextlib.contextmanager
def window_manager(display: str) -> Iterator[bool]:
    """openbox on ``display`` when installed (maximise and full screen then behave as on a
    desktop); yields whether one runs."""
    if shutil.which("openbox") is None:
        yield False
        return
    manager = subprocess.Popen(
        ["openbox"],
        env={**os.environ, "DISPLAY": display},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield True
    finally:
        manager.terminate()
        manager.wait(timeout=30)
