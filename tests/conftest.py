"""Shared test set-up: helper processes must be able to import the test-only workloads."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.processes import command_line
from tests.waiting import wait_until

REPO_ROOT = Path(__file__).resolve().parents[1]

# Children inherit the environment: make `tests.*` importable wherever a task runs.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
)


@pytest.fixture(autouse=True, scope="session")
def private_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Never touch the user's real data folder (history, interpreters, saved code)."""
    folder = tmp_path_factory.mktemp("workbench-data")
    os.environ["WORKBENCH_DATA_DIR"] = str(folder)
    return folder


LEFTOVER_GRACE_S = 10.0
"""How long a test's child processes may take to be gone after it (a killed process is
reaped by whoever started it, on its own thread)."""


@pytest.fixture(autouse=True)
def no_process_outlives_its_test() -> Iterator[None]:
    """Every process a test started is gone once it ends. Checked per test so that a leak is
    reported where it happens: a pool's resource tracker left by one test once made every
    window test after it fail, each blaming its own window. Processes of fixtures wider than
    one test (a module's Dask cluster) were there before and are not counted."""
    before = {child.pid for child in psutil.Process().children(recursive=True)}
    yield
    try:
        wait_until(lambda: not _new_children(before), LEFTOVER_GRACE_S, "its processes to end")
    except TimeoutError:
        pytest.fail(f"processes this test started are still running: {_new_children(before)}")


def _new_children(before: set[int]) -> list[str]:
    found = []
    for child in psutil.Process().children(recursive=True):
        if child.pid in before:
            continue
        try:
            if child.status() == psutil.STATUS_ZOMBIE:
                continue  # dead, waiting for its parent to reap it
            found.append(f"{child.pid} {command_line(child)[:120]}")
        except psutil.Error:
            continue  # gone meanwhile
    return found


@pytest.fixture
def no_resource_tracker_left() -> Iterator[None]:
    """A spawn pool started in this process starts multiprocessing's resource tracker, a
    process that would otherwise live as long as pytest — and the window tests count this
    process's children to prove a run leaves none behind. Its private ``_stop`` is the only
    way to end it (CPython's own tests use it)."""
    yield
    from multiprocessing import resource_tracker

    resource_tracker._resource_tracker._stop()  # type: ignore[attr-defined]


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A plain event loop of the test's own (the window's tests override it with Qt's)."""
    event_loop = asyncio.new_event_loop()
    asyncio.set_event_loop(event_loop)
    yield event_loop
    event_loop.close()
    asyncio.set_event_loop(None)
