"""Window tests: offscreen Qt, a qasync loop per test, and checks that nothing is left behind.

pytest-qt has no qasync support, and ``qtbot.wait``/``waitSignal`` inside a running coroutine
would re-enter the event loop. So scenarios are driven with ``loop.run_until_complete`` on a
``qasync.QEventLoop``: awaiting the engine's own task, or polling a condition on the loop.
"""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import psutil
import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QToolTip

from workbench.gui.main_window import MainWindow
from workbench.gui.theme import apply_app_style

CONDITION_TIMEOUT_S = 120


async def until(condition: Callable[[], bool], timeout_s: float = CONDITION_TIMEOUT_S) -> None:
    """Wait on the running loop until ``condition()`` holds (polled, never a blind sleep)."""

    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout_s)


def wait(loop: qasync.QEventLoop, condition: Callable[[], bool], timeout_s: float = 60) -> None:
    """:func:`until`, from a test that is not itself running on ``loop``."""
    loop.run_until_complete(until(condition, timeout_s))


@pytest.fixture
def history_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder, and so a history, of this test's own (the window opens its history
    where WORKBENCH_DATA_DIR says: ask for this before the window)."""
    folder = tmp_path / "data"
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(folder))
    return folder


def child_processes() -> list[psutil.Process]:
    return psutil.Process().children(recursive=True)


class _TestEventLoop(qasync.QEventLoop):
    """qasync's loop, whose ``run_until_complete`` ends with its loop still the running one.

    qasync's ``run_until_complete`` gives Qt's events one more pass after ``run_forever`` has
    returned, and by then no asyncio loop is running: a task step that lands in that pass (a
    callback scheduled as the awaited future completed) sees none, and an ``asyncio.Queue``
    bound to this loop raises "bound to a different event loop". A run's engine failed that
    way in CI once, between two waits of a test. The app runs its loop once, to its end;
    a test runs it many times, so here that last pass runs with the loop set, as every
    other pass does."""

    _finishing = False

    def run_until_complete(self, future: Any) -> Any:
        self._finishing = True
        try:
            return super().run_until_complete(future)
        finally:
            self._finishing = False
            asyncio.events._set_running_loop(None)

    def _after_run_forever(self) -> None:
        super()._after_run_forever()
        if self._finishing:  # run_until_complete's last pass follows, then clears it
            asyncio.events._set_running_loop(self)


@pytest.fixture
def loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    qapp.setQuitOnLastWindowClosed(False)  # as the app does: closing must not end the loop
    apply_app_style(qapp)
    event_loop = _TestEventLoop(qapp)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    event_loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Recent files go to a throwaway file, never to the user's real settings."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(
    qapp: QApplication, loop: qasync.QEventLoop, settings: QSettings
) -> Iterator[MainWindow]:
    """The real window, shown; closed the way a user closes it, then checked for leftovers."""
    main = MainWindow(settings)
    main.resize(1600, 1000)
    main.show()
    yield main
    main.close()
    loop.run_until_complete(asyncio.wait_for(main.serve_until_closed(), CONDITION_TIMEOUT_S))
    leftovers = child_processes()
    main.deleteLater()
    qapp.processEvents()
    assert leftovers == [], f"child processes left behind: {leftovers}"


@pytest.fixture(scope="package", autouse=True)
def collect_on_the_gui_thread() -> Iterator[None]:
    """As the app does while its window is open (see workbench.gui.model.collector): cyclic
    garbage — a closed window among it — is collected on this thread only, never by a thread
    a test left running (an interpreter search) while this one walks the widgets. For this
    package only: the tests after it run with Python's automatic collection."""
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()


@pytest.fixture(autouse=True)
def no_windows_left_open(qapp: QApplication) -> Iterator[None]:
    yield
    QToolTip.hideText()
    qapp.processEvents()
    gc.collect()  # the windows the test closed, here and now
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert visible == [], f"top-level widgets left open: {visible}"
