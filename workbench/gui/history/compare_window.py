"""Two or more experiments side by side: what each was, the figures per strategy, what differs
between them, and their timelines on one time axis.

The figures and the notes are the core's comparison (:mod:`workbench.core.history.compare`),
in the same words as ``workbench compare`` prints them. A window of its own, so a comparison
can stay open beside the main window (or on the projector) while another run is measured.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.history.compare import Comparison, Experiment, compare
from workbench.core.history.compare_text import (
    describe,
    figure_cells,
    figure_columns,
    ratio_legend,
)
from workbench.gui.history.shared_timelines import BOX_MIN_PX, CONTROLS_PX, SharedTimelines
from workbench.gui.theme import FAILED_COLOUR, Theme
from workbench.gui.widgets.banner import STYLES
from workbench.gui.widgets.screen_fit import fit_to_screen

DEFAULT_SIZE = (1400, 900)
SCREEN_SHARE = 0.92
FIGURES_SHARE = 0.34
EXPERIMENT_TINTS = ("#FFFFFF", "#F1F5FA")
"""Rows of alternate experiments tinted, so a strategy's A, B, C lines read as a group."""


class ComparisonTable(QTableWidget):
    """Per strategy, a row per experiment: wall median (min–max), ratio to A, speedup, CPU."""

    def __init__(self, comparison: Comparison, parent: QWidget | None = None) -> None:
        letters = comparison.letters
        header = ("strategy", "", *figure_columns(letters[0]))
        super().__init__(0, len(header), parent)
        self.setHorizontalHeaderLabels(list(header))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        rows = [
            (row.strategy if index == 0 else "", letter, figures)
            for row in comparison.rows
            for index, (letter, figures) in enumerate(zip(letters, row.figures, strict=True))
        ]
        self.setRowCount(len(rows))
        for r, (strategy, letter, figures) in enumerate(rows):
            cells = (strategy, letter, *figure_cells(figures))
            tint = QColor(EXPERIMENT_TINTS[letters.index(letter) % len(EXPERIMENT_TINTS)])
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setBackground(tint)
                if c >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if figures is not None and figures.failed_runs:
                    item.setForeground(QColor(FAILED_COLOUR))
                if c == 0:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.setItem(r, c, item)
        self.setCurrentCell(-1, -1)  # no focus frame on the first cell of a read-only table

    def cell_texts(self) -> list[list[str]]:
        return [
            [self.item(r, c).text() if self.item(r, c) else "" for c in range(self.columnCount())]
            for r in range(self.rowCount())
        ]

    def wanted_height(self) -> int:
        rows = sum(self.rowHeight(r) for r in range(self.rowCount()))
        return rows + self.horizontalHeader().height() + 2 * self.frameWidth() + 4


class ComparisonWindow(QWidget):
    def __init__(
        self, theme: Theme, experiments: Sequence[Experiment], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.comparison = compare(experiments)
        letters = self.comparison.letters
        labels = ", ".join(f"{n} {e.label}" for n, e in zip(letters, experiments, strict=True))
        self.setWindowTitle(f"Comparison: {labels}")
        self.descriptions = QLabel(
            "<br>".join(
                f"<b>{n}</b>{html.escape(describe(n, e).removeprefix(n))}"
                for n, e in zip(letters, experiments, strict=True)
            )
        )
        self.descriptions.setWordWrap(True)
        self.descriptions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes = QLabel("\n".join(self.comparison.notes))
        self.notes.setWordWrap(True)
        self.notes.setObjectName("comparison-notes")
        self.notes.setStyleSheet(f"QLabel {{ {STYLES['info']} padding: 6px; font-weight: bold; }}")
        self.notes.setVisible(bool(self.comparison.notes))
        self.table = ComparisonTable(self.comparison)
        self.legend = QLabel(ratio_legend(letters[0]))
        self.legend.setWordWrap(True)
        captions = [(n, _caption(e), e.results) for n, e in zip(letters, experiments, strict=True)]
        self.timelines = SharedTimelines(theme, captions)
        figures = QWidget()
        top = QVBoxLayout(figures)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.descriptions)
        top.addWidget(self.notes)
        top.addWidget(self.table, 1)
        top.addWidget(self.legend)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(figures)
        self.split.addWidget(self.timelines)
        self.split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.split)
        fit_to_screen(self, DEFAULT_SIZE, SCREEN_SHARE)
        self.balance()

    def balance(self) -> None:
        """The figures get what they need, as long as two timelines keep their readable
        height — else a third of the window; the timelines the rest (the table scrolls
        beyond that, and the splitter moves)."""
        total = max(self.height() - 12, 1)
        width = max(self.width() - 12, 100)
        labels = [self.descriptions, self.legend]
        if self.notes.isVisibleTo(self):
            labels.append(self.notes)
        wanted = sum(label.heightForWidth(width) for label in labels)
        wanted += self.table.wanted_height() + 4 * 6  # the layout's spacing
        timelines = len(self.timelines.views[:2]) * BOX_MIN_PX + CONTROLS_PX
        figures = min(wanted, max(int(total * FIGURES_SHARE), total - timelines))
        self.split.setSizes([figures, total - figures])

    def resizeEvent(self, event: object) -> None:  # type: ignore[override]
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.balance()


def _caption(e: Experiment) -> str:
    m = e.results.machine
    host = f"{e.hostname}, " if e.hostname else ""
    return f"{e.label}: {e.results.config.workload} — {host}{m.logical_cpus} CPUs, {m.cpu_model}"
