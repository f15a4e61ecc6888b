"""The History panel: every experiment kept, sortable and filterable; reopen, compare, delete.

A window of its own beside the main one (View → History, Ctrl+H), not a dock: a dock at the
bottom of a 1024×768 projector would take the height the timeline needs. It is passive: it
shows the entries it is given and asks, through signals, for what the user chose; deleting
asks first, on a strip inside the panel (a modal question would stop the event loop's work
— a run, the class collector — behind it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.history.index import HistoryEntry
from workbench.gui.model.history_rows import (
    COLUMNS,
    NO_PRESET,
    PERIODS,
    HistoryFilter,
    HistoryListing,
    choices,
    since,
)
from workbench.gui.theme import FAILED_COLOUR
from workbench.gui.widgets.banner import STYLES
from workbench.gui.widgets.row_table import RowTable
from workbench.gui.widgets.screen_fit import fit_to_screen

ANY = "all"
WITHOUT_PRESET = "(no preset)"
DEFAULT_SIZE = (1100, 560)
SCREEN_SHARE = 0.9


class ConfirmStrip(QFrame):
    """A question inside the panel ("Delete #12 and #13?", Delete, Keep): asks, never blocks."""

    confirmed = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(f"QFrame {{ {STYLES['error']} }} QLabel {{ border: none; }}")
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.yes = QPushButton("Delete")
        self.no = QPushButton("Keep")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        layout.addWidget(self.question, 1)
        layout.addWidget(self.yes)
        layout.addWidget(self.no)
        self._ids: list[int] = []
        self.yes.clicked.connect(self._yes)
        self.no.clicked.connect(self.hide)
        self.hide()

    def ask(self, ids: list[int]) -> None:
        self._ids = list(ids)
        names = ", ".join(f"#{i}" for i in ids[:6]) + (" …" if len(ids) > 6 else "")
        self.question.setText(
            f"Delete {len(ids)} experiment(s) from the history ({names})? "
            "Their results are gone for good unless exported first."
        )
        self.show()
        self.no.setFocus()

    def _yes(self) -> None:
        self.hide()
        self.confirmed.emit(self._ids)


class HistoryPanel(QWidget):
    reopen_requested = Signal(int)
    compare_requested = Signal(list)
    delete_requested = Signal(list)
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("History")
        self.listing = HistoryListing()
        self.workload = QComboBox()
        self.preset = QComboBox()
        self.period = QComboBox()
        self.period.addItems(list(PERIODS))
        for combo, tip in (
            (self.workload, "Only experiments of this workload"),
            (self.preset, "Only experiments of this preset, or without one"),
            (self.period, "Only experiments recorded in this period"),
        ):
            combo.setToolTip(tip)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.table = RowTable(COLUMNS)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.confirm = ConfirmStrip()
        self.summary = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.reopen_button = QPushButton("Reopen")
        self.reopen_button.setToolTip("Show it in the main window, as it was measured (Enter)")
        self.compare_button = QPushButton("Compare")
        self.compare_button.setToolTip("Two or more side by side, timelines on one time axis")
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setToolTip("Remove from the history (asks first) (Del)")
        self._layout()
        self._set_choices()
        for combo in (self.workload, self.preset, self.period):
            combo.currentIndexChanged.connect(self._filter_changed)
        self.table.doubleClicked.connect(lambda _: self._reopen())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.reopen_button.clicked.connect(self._reopen)
        self.compare_button.clicked.connect(self._compare)
        self.delete_button.clicked.connect(self._ask_delete)
        self.confirm.confirmed.connect(self.delete_requested)
        for key, slot in (("Return", self._reopen), ("Delete", self._ask_delete)):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self._enable()
        fit_to_screen(self, DEFAULT_SIZE, SCREEN_SHARE)

    def _layout(self) -> None:
        filters = QHBoxLayout()
        for text, combo in (("Workload", self.workload), ("Preset", self.preset),
                            ("Recorded", self.period)):  # fmt: skip
            filters.addWidget(QLabel(text))
            filters.addWidget(combo)
        filters.addStretch(1)
        filters.addWidget(self.summary)
        buttons = QHBoxLayout()
        for button in (self.reopen_button, self.compare_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.confirm)
        layout.addLayout(buttons)

    # -- what it shows -------------------------------------------------------------------

    def show_entries(self, entries: Sequence[HistoryEntry]) -> None:
        """The history's entries (newest first); the filters and the selection are kept."""
        self.listing.set_entries(entries)
        self._set_choices()
        self._show_rows()

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {FAILED_COLOUR};" if error else "")
        self.message.setText(text)

    def _set_choices(self) -> None:
        found = choices(self.listing.entries)
        for combo, values, extra in (
            (self.workload, found.workloads, ()),
            (self.preset, found.presets, (WITHOUT_PRESET,)),
        ):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([ANY, *extra, *values])
            combo.setCurrentText(current if current in (*extra, *values) else ANY)
            combo.blockSignals(False)
        self.listing.set_filter(self._filter())

    def _filter(self) -> HistoryFilter:
        workload, preset = self.workload.currentText(), self.preset.currentText()
        return HistoryFilter(
            workload=None if workload in (ANY, "") else workload,
            preset=None if preset in (ANY, "") else NO_PRESET if preset == WITHOUT_PRESET
            else preset,
            since=since(self.period.currentText(), datetime.now()),
        )  # fmt: skip

    def _filter_changed(self) -> None:
        self.listing.set_filter(self._filter())
        self._show_rows()

    def _show_rows(self) -> None:
        self.table.set_rows(self.listing.rows())
        self.summary.setText(self.listing.summary())
        self._enable()

    def _enable(self) -> None:
        count = len(self.table.selected_ids())
        self.reopen_button.setEnabled(count == 1)
        self.compare_button.setEnabled(count >= 2)
        self.delete_button.setEnabled(count >= 1)

    # -- what the user asks --------------------------------------------------------------

    def _reopen(self) -> None:
        ids = self.table.selected_ids()
        if len(ids) == 1:
            self.reopen_requested.emit(ids[0])

    def _compare(self) -> None:
        ids = self.table.selected_ids()
        if len(ids) >= 2:
            self.compare_requested.emit(sorted(ids))

    def _ask_delete(self) -> None:
        ids = self.table.selected_ids()
        if ids:
            self.confirm.ask(ids)

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        self.refresh_requested.emit()
