"""The window's endings that do not go through its close button: a signal from outside
(SIGTERM, SIGINT, SIGHUP) and a window manager that destroys the window outright.

Both end the same way as the close button: :meth:`MainWindow.close`, whose close event stops
any run, and :meth:`MainWindow.serve_until_closed` then waits for its processes before the
loop ends. Without this, SIGINT raised KeyboardInterrupt inside whatever Qt slot was running
(a traceback, and the app went on), SIGTERM ended the process with no cleanup, and a window
destroyed by the window manager (``xdotool windowclose``: XDestroyWindow, not a polite
WM_DELETE_WINDOW) vanished while the app, which Qt never told, ran on.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import socket
import sys
from collections.abc import Iterator

from PySide6.QtCore import QAbstractNativeEventFilter, QByteArray, QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication, QWidget

ENDING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)

_XCB_EVENT = b"xcb_generic_event_t"
_XCB_DESTROY_NOTIFY = 17
"""``xcb_destroy_notify_event_t``: response_type (u8), pad, sequence (u16), event (u32),
window (u32). Qt selects StructureNotify on its windows, so it receives this for its own."""


@contextlib.contextmanager
def close_on_signals(window: QWidget) -> Iterator[None]:
    """While inside: an ending signal closes ``window`` as its close button would.

    Python runs a signal handler only between bytecodes, and Qt's loop may sit in C for as
    long as nothing happens; the C-level handler's wake-up byte on a socket, watched by Qt,
    brings the close onto the event loop at once.
    """
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    previous_fd = signal.set_wakeup_fd(writer.fileno())
    previous = {number: signal.signal(number, _note) for number in ENDING_SIGNALS}
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read)

    def woken() -> None:
        with contextlib.suppress(OSError):
            reader.recv(512)
        window.close()

    notifier.activated.connect(woken)
    try:
        yield
    finally:
        notifier.setEnabled(False)
        for number, handler in previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(previous_fd)
        reader.close()
        writer.close()


def _note(_number: int, _frame: object) -> None:
    """The Python-level handler: nothing (the wake-up byte does the work, see above)."""


class _DestroyWatch(QAbstractNativeEventFilter):
    """Closes the window when the X server tells that its native window was destroyed."""

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        self.window = window
        self.native_id = int(window.winId())

    def nativeEventFilter(self, kind: QByteArray | bytes, message: int) -> object:
        if bytes(kind) == _XCB_EVENT:
            address = int(message)
            if ctypes.c_uint8.from_address(address).value & 0x7F == _XCB_DESTROY_NOTIFY:
                destroyed = ctypes.c_uint32.from_address(address + 8).value
                if destroyed == self.native_id:
                    QTimer.singleShot(0, self.window.close)  # not inside Qt's event dispatch
        return False, 0


@contextlib.contextmanager
def close_when_destroyed(app: QApplication, window: QWidget) -> Iterator[None]:
    """While inside: ``window`` closes when the window manager destroys it (X11 only; other
    platforms tell Qt themselves)."""
    if not sys.platform.startswith("linux") or app.platformName() != "xcb":
        yield
        return
    watch = _DestroyWatch(window)
    app.installNativeEventFilter(watch)
    try:
        yield
    finally:
        app.removeNativeEventFilter(watch)
