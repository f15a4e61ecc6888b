"""Which Pythons the experiment runs on: a checkbox per interpreter found, and "Add interpreter…".

The Python the window runs on is ticked by default, so nothing changes for whoever never looks
here. Others are found on a thread once the box is built (starting each of them takes a tenth
of a second, a hung one its whole timeout: the window must not wait), and a free-threaded
build gets two boxes — as it starts (GIL off) and with the GIL forced on — which side by side
are the whole lesson. "Add interpreter…" probes the file picked and remembers it, as
``workbench interpreters --add`` does.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.interpreter_launch import record_of
from workbench.core.interpreter_search import remember
from workbench.core.interpreters import (
    Interpreter,
    InterpreterChoice,
    InterpreterError,
    distinct_labels,
    running_python,
)
from workbench.core.params import ConfigError
from workbench.core.preset_interpreters import forget_found, listed_interpreters
from workbench.core.results import RunInterpreter
from workbench.gui.theme import FAILED_COLOUR


class InterpretersBox(QGroupBox):
    """``edited`` fires when a box is ticked or unticked; :meth:`chosen` reads them."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None, *, search: bool = True) -> None:
        super().__init__("Python", parent)
        self.setToolTip(
            "Run every strategy on each Python ticked (a free-threaded build runs threads "
            "without the GIL); the same as --python on the command line"
        )
        self.running = InterpreterChoice(running_python())
        self.choices: list[InterpreterChoice] = []
        self.checks: list[QCheckBox] = []
        self.rows = QVBoxLayout()
        self.rows.setSpacing(2)
        self.add_button = QPushButton("Add interpreter…")
        self.add_button.setToolTip("Pick a Python executable; it is checked and remembered")
        self.add_button.clicked.connect(self._pick)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {FAILED_COLOUR};")
        self.error.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(self.rows)
        layout.addWidget(self.add_button)
        layout.addWidget(self.error)
        self._add_row(self.running, checked=True)
        self.searching: threading.Thread | None = None
        if search:
            self.search()

    # -- what there is to tick ------------------------------------------------------------

    def search(self) -> None:
        """Look for the machine's Pythons on a thread; they appear when found.

        The thread touches no Qt object: it hands what it found to the window's event loop,
        which shows it if this box still exists. (Emitting a signal of the box from the
        thread raced the box's deletion when the window closed meanwhile: a crash.)
        """
        loop = asyncio.get_event_loop()
        box = weakref.ref(self)  # the thread holds no reference to a Qt object

        def find() -> None:
            found = listed_interpreters()
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(_deliver, box, found)

        self.searching = threading.Thread(target=find, name="find-pythons", daemon=True)
        self.searching.start()

    def show_found(self, interpreters: tuple[Interpreter, ...]) -> None:
        """A box for each interpreter not shown yet (two for a free-threaded build)."""
        for interpreter in interpreters:
            gils: tuple[bool | None, ...] = (None, True) if interpreter.free_threaded else (None,)
            for gil in gils:
                self._add_row(InterpreterChoice(interpreter, gil), checked=False)

    def _add_row(self, choice: InterpreterChoice, *, checked: bool) -> QCheckBox | None:
        if any(c.recorded == choice.recorded for c in self.choices):
            return None
        mine = choice.interpreter.path == self.running.interpreter.path
        check = QCheckBox(choice.label + (" — this one" if mine else ""))
        check.setToolTip(
            f"{choice.interpreter.implementation} {choice.interpreter.version}: "
            f"{choice.interpreter.path}"
        )
        check.setChecked(checked)
        check.toggled.connect(self._toggled)
        self.choices.append(choice)
        self.checks.append(check)
        self.rows.addWidget(check)
        return check

    def _toggled(self) -> None:
        self.error.setVisible(False)
        self.edited.emit()

    def _pick(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Add a Python interpreter")
        if path:
            self.add_path(path)

    def add_path(self, path: str) -> bool:
        """Probe ``path``, remember it and tick it; False (the reason shown) if unusable."""
        try:
            interpreter = remember(path)
        except (InterpreterError, OSError) as exc:
            self.error.setText(f"Not added: {exc}")
            self.error.setVisible(True)
            return False
        forget_found()
        self.error.setVisible(False)
        check = self._add_row(InterpreterChoice(interpreter), checked=True)
        if check is None:  # already listed: tick it
            index = next(i for i, c in enumerate(self.choices) if c.interpreter == interpreter)
            self.checks[index].setChecked(True)
        self.edited.emit()
        return True

    # -- reading and showing ------------------------------------------------------------

    def chosen(self) -> tuple[RunInterpreter, ...]:
        """The ticked interpreters as a config takes them; () when only the window's own is
        ticked (the default: a config that names none runs there)."""
        ticked = [
            c for c, check in zip(self.choices, self.checks, strict=True) if check.isChecked()
        ]
        if not ticked:
            raise ConfigError("tick at least one Python")
        if ticked == [self.running]:
            return ()
        return tuple(record_of(choice) for choice in distinct_labels(ticked))

    def set_chosen(self, interpreters: tuple[RunInterpreter, ...]) -> None:
        """Tick the interpreters a config names (the window's own when it names none)."""
        wanted = {(i.path, i.gil_enabled) for i in interpreters}
        for choice, check in zip(self.choices, self.checks, strict=True):
            recorded = choice.recorded
            key = (recorded.path, recorded.gil_enabled)
            check.setChecked(key in wanted if wanted else choice == self.running)
        if not any(check.isChecked() for check in self.checks):  # none of them is here
            self.checks[0].setChecked(True)

    def set_running(self, running: bool) -> None:
        for widget in (*self.checks, self.add_button):
            widget.setEnabled(not running)


def _deliver(box: weakref.ref[InterpretersBox], found: tuple[Interpreter, ...]) -> None:
    """On the window's thread: show what the search found, if the box still exists."""
    alive = box()
    if alive is not None and shiboken6.isValid(alive):
        alive.show_found(found)
