"""Driving the real window the way a user does: fill in the panel, Run, wait for the engine."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import qasync
from PySide6.QtCore import QSettings

from workbench.core.results import Results
from workbench.gui.main_window import MainWindow
from workbench.gui.settings.number_field import NumberField

RUN_TIMEOUT_S = 180


def configure(
    window: MainWindow,
    workload: str,
    strategies: list[str],
    tasks: int,
    *,
    workers: int | None = None,
    repeat: int = 1,
    **params: float,
) -> None:
    """Type a config into the panel's widgets (not into the controller)."""
    panel = window.config_panel
    panel.workload_combo.setCurrentText(workload)
    for name, value in params.items():
        _type(panel.param_fields[name], value)
    _type(panel.tasks, tasks)
    if workers is not None:
        _type(panel.workers, workers)
    _type(panel.repeat, repeat)
    for name, check in panel.strategy_checks.items():
        check.setChecked(name in strategies)


def _type(field: NumberField, value: float) -> None:
    field.edit.setText(str(value))


def run_to_completion(window: MainWindow, loop: qasync.QEventLoop) -> Results:
    """Press Run and wait for the engine task itself to finish."""
    window.actions.run.trigger()
    assert window.presenter.busy, window.config_panel.error.text()
    loop.run_until_complete(asyncio.wait_for(window.presenter.wait_idle(), RUN_TIMEOUT_S))
    assert window.results is not None, window.banner.text()
    return window.results


def settle(window: MainWindow, loop: qasync.QEventLoop) -> None:
    """Wait until what the window was given is on screen whole: the comparison and readings
    are computed off the event loop and arrive a moment later."""
    loop.run_until_complete(asyncio.wait_for(window.presenter.wait_idle(), RUN_TIMEOUT_S))


@contextmanager
def reopened(
    window: MainWindow, path: Path, settings: QSettings, loop: qasync.QEventLoop
) -> Iterator[MainWindow]:
    """``path`` opened in a second window of ``window``'s size, settled; closed and deleted
    afterwards, whatever the test asserted."""
    other = MainWindow(settings)
    other.resize(window.size())
    other.show()
    try:
        assert other.files.open_file(str(path))
        settle(other, loop)
        yield other
    finally:
        other.close()
        loop.run_until_complete(other.serve_until_closed())
        other.deleteLater()
