"""Stopping — with Stop or by closing the window — ends the run's whole process tree."""

from __future__ import annotations

import asyncio
import time

import qasync

from tests.gui.conftest import child_processes, until
from tests.gui.scenario import configure
from workbench.gui.main_window import MainWindow

LONG_TASK_S = 30.0


def start_long_pool_run(window: MainWindow, loop: qasync.QEventLoop) -> None:
    """A run whose pool workers are busy for a long time, so there is a tree to kill."""
    configure(window, "sleep", ["process-pool"], 2, workers=2, duration=LONG_TASK_S)
    window.actions.run.trigger()
    experiment = window.presenter.experiment
    assert experiment is not None
    loop.run_until_complete(
        until(lambda: experiment.current is not None and experiment.current.begun == 2)
    )
    assert len(child_processes()) >= 3  # the run's process and its two pool workers


def test_stop_mid_run_leaves_no_child_process(window: MainWindow, loop: qasync.QEventLoop) -> None:
    start_long_pool_run(window, loop)

    stopped_at = time.monotonic()
    window.actions.stop.trigger()
    loop.run_until_complete(asyncio.wait_for(window.presenter.wait_idle(), LONG_TASK_S))

    assert time.monotonic() - stopped_at < LONG_TASK_S / 3  # stopped, not waited out
    assert child_processes() == []
    assert window.results is not None and window.results.interrupted
    assert "Stopped" in window.status.state.text()
    assert window.actions.run.isEnabled() and not window.actions.stop.isEnabled()


def test_closing_the_window_mid_run_stops_it(window: MainWindow, loop: qasync.QEventLoop) -> None:
    start_long_pool_run(window, loop)

    window.close()
    loop.run_until_complete(asyncio.wait_for(window.serve_until_closed(), LONG_TASK_S))

    assert not window.presenter.busy
    assert child_processes() == []
