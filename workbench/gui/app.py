"""Starting the window: a QApplication, the qasync event loop, and a clean way out.

The engine is asyncio code, so the window runs Qt's event loop *as* the asyncio loop (qasync):
an experiment is a coroutine on the same thread as the widgets, with no worker thread to
synchronise. Shutdown follows one path: closing the window (or Ctrl+Q; or SIGTERM, SIGINT,
SIGHUP, or the window manager destroying the window: see
:mod:`~workbench.gui.window_endings`) sets an event that the main coroutine awaits; it then
stops any run, waits for its process tree to be gone, and only then lets the loop end.
(Ending the loop first is what makes qasync raise "Event loop stopped before Future
completed" and leaves children behind.)
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from workbench.core.results import Results
from workbench.core.session import Measurement, SessionObserver

E2E_REPORT_ENV = "WORKBENCH_E2E_REPORT"
"""If set, a line is appended to this file whenever an experiment ends (used by the Xvfb
end-to-end test to wait on a real condition instead of a sleep)."""

log = logging.getLogger("workbench.gui")


def display_problem() -> str | None:
    """Why Qt could not show a window here, in plain words, or None if it should be able to.

    Checked before Qt starts because Qt's own failure is an abort() after a page of plugin
    diagnostics.
    """
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return None  # offscreen, vnc, eglfs…: the user chose it on purpose
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display to open the window on (DISPLAY is not set); "
        "use 'workbench run …' for the command line"
    )


def _install_qt_message_handler() -> None:
    """Turn Qt's fatal start-up errors into one plain line and exit status 1, not an abort."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    warnings: list[str] = []

    def handler(kind: QtMsgType, _context: Any, message: str) -> None:
        if kind == QtMsgType.QtFatalMsg:
            reason = warnings[0] if warnings else message.splitlines()[0]
            print(f"workbench: error: cannot open the window: {reason}", file=sys.stderr)
            sys.stderr.flush()
            os._exit(1)
        if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg):
            warnings.append(message.strip())
            log.debug("Qt: %s", message)

    qInstallMessageHandler(handler)


def _report(line: str) -> None:
    path = os.environ.get(E2E_REPORT_ENV)
    if path:
        with Path(path).open("a", encoding="utf-8") as report:
            report.write(line + "\n")


class _EndToEndReport(SessionObserver):
    """A line per finished experiment or failure, for the end-to-end tests (see _report)."""

    def experiment_finished(self, results: Results) -> None:
        _report(f"finished ok={results.ok} runs={len(results.runs)}")

    def measurement_failed(self, measurement: Measurement, message: str) -> None:
        _report(f"failed {message}")


def _install_error_hooks(window: Any, loop: asyncio.AbstractEventLoop) -> None:
    """Show unexpected exceptions in the window (and log them) instead of dying."""

    def show(exc: BaseException) -> None:
        window.banner.show_message(f"Something went wrong inside the workbench: {exc}")

    def excepthook(kind: type[BaseException], exc: BaseException, tb: Any) -> None:
        traceback.print_exception(kind, exc, tb)
        show(exc)

    def loop_handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        log.error("event loop: %s", context.get("message"), exc_info=exc)
        if exc is not None:
            show(exc)

    sys.excepthook = excepthook
    loop.set_exception_handler(loop_handler)


def _set_app_icon(app: Any) -> None:
    """The icon in the title bar and task switcher (the desktop entry has its own copy)."""
    from PySide6.QtGui import QIcon, QPixmap

    from workbench.resources import resource

    icon, pixmap = resource("icons", "workbench.png"), QPixmap()
    if icon.is_file() and pixmap.loadFromData(icon.read_bytes()):
        app.setWindowIcon(QIcon(pixmap))


def main() -> int:
    """Open the window and run until it is closed; 0 on a clean exit, 1 if Qt cannot start."""
    problem = display_problem()
    if problem is not None:
        print(f"workbench: error: {problem}", file=sys.stderr)
        return 1
    try:
        import qasync
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:
        print(f"workbench: error: the window needs PySide6 and qasync ({exc})", file=sys.stderr)
        return 1
    _install_qt_message_handler()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Concurrency Workbench")
    app.setOrganizationName("concurrency-workbench")
    app.setQuitOnLastWindowClosed(False)
    _set_app_icon(app)

    from workbench.gui.main_window import MainWindow
    from workbench.gui.theme import apply_app_style
    from workbench.gui.window_endings import close_on_signals, close_when_destroyed

    apply_app_style(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow(listeners=[_EndToEndReport()])
    _install_error_hooks(window, loop)
    window.show()
    try:
        with loop, close_on_signals(window), close_when_destroyed(app, window):
            loop.run_until_complete(window.serve_until_closed())
    finally:
        window.deleteLater()
    _report("quit")
    return 0
