"""A message strip at the top of the window for errors and notices, in plain language.

Why not a message box: a modal dialog would block the class's view of a run, and under qasync
it spins a nested event loop in the middle of the engine's callbacks. The strip stays until
dismissed or replaced, and never interrupts anything.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from workbench.gui.model.untrusted_text import elided
from workbench.gui.theme import FAILED_COLOUR

STYLES = {
    "error": f"background: #FDECEA; color: {FAILED_COLOUR}; border: 1px solid {FAILED_COLOUR};",
    "info": "background: #EAF2FB; color: #1F3A5F; border: 1px solid #4E79A7;",
}

MESSAGE_LIMIT = 1_000
"""Characters of a message shown (it may quote a long error from a file)."""


class MessageBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # messages quote files and errors
        self.label.setObjectName("banner-text")
        close = QPushButton("✕")
        close.setFlat(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.level = ""
        self.hide()

    def show_message(self, text: str, level: str = "error") -> None:
        self.level = level
        self.setStyleSheet(f"QFrame {{ {STYLES[level]} }} QLabel {{ border: none; }}")
        self.label.setText(elided(text, MESSAGE_LIMIT))
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
