"""A sortable table of :class:`~workbench.gui.model.table_rows.Row` s, keeping the selection.

Sorting is by each cell's key (a number sorts as a number), through a proxy, so the rows
can be replaced — a new experiment recorded, a machine's results arriving — without losing
the column the user sorted by or the rows they had selected.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from workbench.gui.model.table_rows import Column, Row
from workbench.gui.theme import FAILED_COLOUR

KEY_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1
AnyIndex = QModelIndex | QPersistentModelIndex


class RowModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns: tuple[Column, ...] = tuple(columns)
        self.rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row], columns: Sequence[Column] | None = None) -> None:
        self.beginResetModel()
        if columns is not None:
            self.columns = tuple(columns)
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[column]
        if role == KEY_ROLE:
            return row.keys[column]
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return (row.tips[column] if row.tips else "") or None
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[column].numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and row.alert:
            return QColor(FAILED_COLOUR)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section].tip or None
        return None


class RowTable(QTableView):
    """Rows selected whole; click a header to sort; :meth:`selected_ids` in display order."""

    def __init__(self, columns: Sequence[Column] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = RowModel(columns, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source)
        self.proxy.setSortRole(KEY_ROLE)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)

    def set_rows(self, rows: Sequence[Row], columns: Sequence[Column] | None = None) -> None:
        """Replace the rows; the sort order and the selected ids are kept."""
        selected = set(self.selected_ids())
        self.source.set_rows(rows, columns)
        self.resizeColumnsToContents()
        if selected:
            self.select_ids(selected)

    def selected_ids(self) -> list[int]:
        selection = self.selectionModel()
        rows = sorted(selection.selectedRows(), key=lambda index: index.row())
        return [int(index.data(ID_ROLE)) for index in rows]

    def select_ids(self, ids: set[int] | Sequence[int]) -> None:
        wanted = set(ids)
        selection = self.selectionModel()
        selection.clearSelection()
        flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(ID_ROLE) in wanted:
                selection.select(index, flags)

    def shown_ids(self) -> list[int]:
        """Every row's id, top to bottom as displayed (sorted)."""
        return [int(self.proxy.index(r, 0).data(ID_ROLE)) for r in range(self.proxy.rowCount())]

    def cell_texts(self) -> list[list[str]]:
        """What a reader sees, row by row as displayed."""
        return [
            [str(self.proxy.index(r, c).data()) for c in range(self.proxy.columnCount())]
            for r in range(self.proxy.rowCount())
        ]
