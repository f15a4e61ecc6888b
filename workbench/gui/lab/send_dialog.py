"""The student's side: send results to the teacher's collector (Class → Send My Results).

The address and code as the teacher's screen shows them, and which results: the ones on
screen, or any experiment from the history. Not modal — sending waits for the network, and
the window keeps drawing meanwhile; the answer is one line, green or red.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.history.index import HistoryEntry
from workbench.gui.theme import FAILED_COLOUR

ON_SCREEN = -1
"""The source combo's data for the results on screen (others carry a history id)."""
OK_COLOUR = "#1B6E20"
HISTORY_CHOICES = 50


def entry_choice(entry: HistoryEntry) -> str:
    when = datetime.fromtimestamp(entry.recorded_at).strftime("%Y-%m-%d %H:%M")
    preset = f" — {entry.preset}: {entry.verdict or 'no verdict'}" if entry.preset else ""
    return f"#{entry.id} {when}: {entry.workload}, {entry.tasks:,} tasks{preset}"


class SendDialog(QDialog):
    send_requested = Signal(str, str, int)
    """Address, join code, and ON_SCREEN or a history id."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Send my results to the class")
        self.setModal(False)
        self.address = QLineEdit()
        self.address.setPlaceholderText("192.168.1.5:35551")
        self.address.setToolTip("The address on the teacher's screen (HOST:PORT)")
        self.code = QLineEdit()
        self.code.setPlaceholderText("P4WCQ7")
        self.code.setToolTip("The join code on the teacher's screen (any case)")
        self.source = QComboBox()
        self.source.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.send_button = QPushButton("Send")
        self.send_button.setDefault(True)
        self.close_button = QPushButton("Close")
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow("Collector address", self.address)
        form.addRow("Join code", self.code)
        form.addRow("Results", self.source)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result)
        layout.addLayout(buttons)
        self.send_button.clicked.connect(self._send)
        self.close_button.clicked.connect(self.close)
        self.set_sources(False, ())

    def set_sources(self, on_screen: bool, entries: Sequence[HistoryEntry]) -> None:
        """What can be sent: the results on screen (if any), then the newest history entries."""
        current = self.source.currentData()
        self.source.clear()
        if on_screen:
            self.source.addItem("The results on screen", ON_SCREEN)
        for entry in entries[:HISTORY_CHOICES]:
            self.source.addItem(entry_choice(entry), entry.id)
        if self.source.count() == 0:
            self.source.addItem("Nothing to send yet: run an experiment first", None)
        index = self.source.findData(current)
        self.source.setCurrentIndex(max(index, 0))

    def _send(self) -> None:
        choice = self.source.currentData()
        if choice is None:
            self.show_result(False, "Nothing to send yet: run an experiment first")
            return
        self.send_button.setEnabled(False)
        self.show_result(None, "Sending…")
        self.send_requested.emit(self.address.text().strip(), self.code.text().strip(), choice)

    def show_result(self, accepted: bool | None, text: str) -> None:
        """None: still under way; True: accepted (green); False: refused or failed (red)."""
        colour = "" if accepted is None else OK_COLOUR if accepted else FAILED_COLOUR
        self.result.setStyleSheet(f"color: {colour}; font-weight: bold;" if colour else "")
        self.result.setText(text)
        if accepted is not None:
            self.send_button.setEnabled(True)
