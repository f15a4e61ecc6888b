"""The teacher's class view: the join code and address, large enough to read from the back of
the room, then one row per machine as results arrive and their speedups against core count.

Passive: it shows what it is told (collecting or not, the entries, refusals) and asks through
signals; :class:`~workbench.gui.lab.commands.ClassCommands` runs the collector. Closing the
view stops collecting: the port is open only while someone can see what arrives.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.core.lab import ClassEntry, Refusal
from workbench.gui.lab.speedup_chart import SpeedupChart
from workbench.gui.model.class_rows import (
    class_row,
    class_summary,
    columns,
    most_tasks,
    speedup_series,
    strategies,
)
from workbench.gui.theme import FAILED_COLOUR, Theme
from workbench.gui.widgets.elided_label import ElidedLabel
from workbench.gui.widgets.row_table import RowTable
from workbench.gui.widgets.screen_fit import fit_to_screen

CODE_POINTS = 40
"""The join code's type size: ~15 mm tall at 1024×768 on a 2-metre screen, read from 10 m."""
ADDRESS_POINTS = 22
DEFAULT_SIZE = (1400, 900)
SCREEN_SHARE = 0.92
IDLE_TEXT = "Not collecting. Collect opens a port on this machine for the class's results."


def _big(points: float) -> QFont:
    font = QFont()
    font.setPointSizeF(points)
    font.setBold(True)
    return font


class ClassView(QWidget):
    collect_requested = Signal()
    stop_requested = Signal()
    import_requested = Signal()
    clear_requested = Signal()

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("The class's lab")
        self.theme = theme
        self.entries: list[ClassEntry] = []
        self.code = QLabel()
        self.code.setFont(_big(CODE_POINTS))
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.address = QLabel()
        self.address.setFont(_big(ADDRESS_POINTS))
        self.address.setWordWrap(True)
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel(IDLE_TEXT)
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.RichText)
        self.summary = QLabel()
        self.summary.setStyleSheet("font-weight: bold;")
        self.message = ElidedLabel()
        self.refusals = ElidedLabel()
        self.refusals.setStyleSheet(f"color: {FAILED_COLOUR};")
        self.refused = 0
        self.collect_button = QPushButton("Collect")
        self.collect_button.setToolTip("Listen for the class's results (a new join code)")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop collecting and close the port; the results stay")
        self.import_button = QPushButton("Import a folder…")
        self.import_button.setToolTip("Results files from a USB stick or a shared folder")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Start a new class (the results stay in the history)")
        self.table = RowTable(columns(()))
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.chart = SpeedupChart(theme)
        self._layout()
        self.collect_button.clicked.connect(self.collect_requested)
        self.stop_button.clicked.connect(self.stop_requested)
        self.import_button.clicked.connect(self.import_requested)
        self.clear_button.clicked.connect(self.clear_requested)
        self.show_stopped(IDLE_TEXT)
        self.show_entries(())
        fit_to_screen(self, DEFAULT_SIZE, SCREEN_SHARE)
        self.split.setSizes([self.width() * 5 // 8, self.width() * 3 // 8])

    def _layout(self) -> None:
        join = QVBoxLayout()
        join.setSpacing(0)
        join.addWidget(self.code)
        join.addWidget(self.address)
        buttons = QVBoxLayout()
        for button in (self.collect_button, self.stop_button, self.import_button,
                       self.clear_button):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        header = QHBoxLayout()
        header.addLayout(join, 1)
        header.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        self.split = split
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.hint)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.refusals)

    # -- collecting or not ---------------------------------------------------------------

    def show_collecting(self, code: str, addresses: Sequence[str]) -> None:
        """``addresses``: LAN ones first; loopback is shown only when there is nothing else
        (students cannot use it, but trying alone on one machine can)."""
        lan = [a for a in addresses if not a.startswith(("127.", "[::1]"))] or list(addresses)
        self.code.setText(f"Join code: {code}")
        self.address.setText("  or  ".join(lan[:2]))
        self.address.setToolTip("Every address of this machine:\n" + "\n".join(addresses))
        first = lan[0] if lan else "ADDRESS"
        self.hint.setText(
            f"Students: Class → Send My Results, with this address and code — or "
            f"<tt>workbench class submit {first} {code} results.json</tt>"
        )
        self.code.show()
        self.address.show()
        self._enable(collecting=True)

    def show_stopped(self, text: str) -> None:
        self.code.hide()
        self.address.hide()
        self.hint.setText(text)
        self._enable(collecting=False)

    def _enable(self, *, collecting: bool) -> None:
        self.collect_button.setEnabled(not collecting)
        self.stop_button.setEnabled(collecting)
        self.clear_button.setEnabled(not collecting)

    @property
    def collecting(self) -> bool:
        return self.stop_button.isEnabled()

    # -- what arrived --------------------------------------------------------------------

    def add_entry(self, entry: ClassEntry) -> None:
        self.entries.append(entry)
        self.show_entries(self.entries)
        self.message.setStyleSheet("")
        self.message.setText(f"#{entry.number} arrived from {entry.hostname} ({entry.client})")

    def show_entries(self, entries: Sequence[ClassEntry]) -> None:
        self.entries = list(entries)
        if not entries:
            self.refused = 0
            self.refusals.setText("")
        shown = strategies(self.entries)
        self.table.set_rows([class_row(e, shown) for e in self.entries], columns(shown))
        self.chart.show_series(speedup_series(self.entries), most_tasks(self.entries))
        self.summary.setText(class_summary(self.entries))

    def show_refusal(self, refusal: Refusal) -> None:
        """Counted, the last one said: a wrong code typed is worth telling the student."""
        self.refused += 1
        self.refusals.setText(
            f"{self.refused} refused — the last from {refusal.client} ({refusal.status}): "
            f"{refusal.reason}"
        )

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {FAILED_COLOUR};" if error else "")
        self.message.setText(text)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.collecting:
            self.stop_requested.emit()
        super().closeEvent(event)
