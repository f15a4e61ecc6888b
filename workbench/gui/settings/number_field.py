"""A number input bound to a declared :class:`~workbench.core.params.Param`.

Why not a spin box: a spin box silently clamps or drops what was typed, so a student who types
0 tasks never learns why nothing changed. This field accepts any text and flags a bad value
inline, in the core's own words ("tasks must be between 1 and 1000000 tasks, got 0"), and the
window refuses to run until it is fixed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from workbench.core.params import ConfigError, Param
from workbench.gui.model.formatting import param_value
from workbench.gui.theme import FAILED_COLOUR

INVALID_STYLE = f"QLineEdit {{ border: 2px solid {FAILED_COLOUR}; }}"


def normalise(text: str) -> str:
    """Allow the thousands separators people type ("5,000,000", "5_000_000", "5 000 000")."""
    return text.strip().replace(",", "").replace("_", "").replace(" ", "")


class NumberField(QWidget):
    """Line edit + unit + an inline error line that appears only while the value is bad."""

    changed = Signal()

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.param = param
        self.edit = QLineEdit()
        self.edit.setObjectName(f"field-{param.name}")
        bounds = f"{param_value(param.minimum, param.integer)}–"
        bounds += f"{param_value(param.maximum, param.integer)} {param.unit}"
        self.edit.setPlaceholderText(bounds)
        self.edit.setToolTip(f"{param.help}\nAllowed: {bounds}")
        self.unit = QLabel(param.unit)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {FAILED_COLOUR};")
        self.error.setVisible(False)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.unit)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.error)
        self.edit.textChanged.connect(self._edited)
        self.set_value(param.default)

    def set_value(self, value: float) -> None:
        self.edit.setText(param_value(value, self.param.integer))

    def text(self) -> str:
        return self.edit.text()

    def problem(self) -> str | None:
        """What is wrong with the current text, in plain words, or None."""
        try:
            self.param.parse(normalise(self.edit.text()))
        except ConfigError as exc:
            return str(exc)
        return None

    def value(self) -> float:
        """The parsed value; raises :class:`ConfigError` (and shows it) when it is bad."""
        self.validate()
        return self.param.parse(normalise(self.edit.text()))

    def validate(self) -> bool:
        message = self.problem()
        self.error.setText(message or "")
        self.error.setVisible(message is not None)
        self.edit.setStyleSheet(INVALID_STYLE if message else "")
        return message is None

    def _edited(self) -> None:
        self.validate()
        self.changed.emit()
