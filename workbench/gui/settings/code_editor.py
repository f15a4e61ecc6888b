"""A plain-text Python editor with line numbers, highlighting, and a marked line for errors.

The usual Qt recipe: a :class:`QPlainTextEdit` with a narrow widget in its left viewport margin
that paints the numbers of the visible blocks. :meth:`CodeEditor.mark_line` tints a line and
its number (a syntax error, the line where ``setup()`` raised) and scrolls it into view.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from workbench.gui.settings.highlighter import PythonHighlighter

MARK_COLOUR = QColor(255, 200, 200)
GUTTER_COLOUR = QColor(240, 240, 240)
NUMBER_COLOUR = QColor(130, 130, 130)
TAB_SPACES = 4


def code_font() -> QFont:
    """The system's fixed-width family, its size left to the window's: code grows with the
    rest of the window in presentation mode (at the system's own size it stayed small on a
    projector). A font that sets only some attributes inherits the others."""
    font = QFont()
    font.setFamilies(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).families())
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setFixedPitch(True)
    return font


class _Gutter(QWidget):
    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.editor.paint_gutter(event)


class CodeEditor(QPlainTextEdit):
    """Edits Python source; ``marked_line`` is the 1-based line tinted as a problem, if any."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setPlaceholderText("Type or paste Python here: def task(i): … and/or async def …")
        self.highlighter = PythonHighlighter(self.document())
        self.marked_line: int | None = None
        self._gutter = _Gutter(self)
        self.blockCountChanged.connect(self._fit_gutter)
        self.updateRequest.connect(self._scroll_gutter)
        self.textChanged.connect(lambda: self.mark_line(None))
        self.setFont(code_font())
        self._fit_font()

    def _fit_font(self) -> None:
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * TAB_SPACES)
        self._fit_gutter()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode's type, say
            self._fit_font()

    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 10 + self.fontMetrics().horizontalAdvance("9") * max(2, digits)

    def _fit_gutter(self) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _scroll_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self._gutter.setGeometry(QRect(area.left(), area.top(), self.gutter_width(), area.height()))

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self._gutter)
        painter.fillRect(event.rect(), GUTTER_COLOUR)
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top():
                number = block.blockNumber() + 1
                if number == self.marked_line:
                    painter.fillRect(0, top, self._gutter.width(), height, MARK_COLOUR)
                painter.setPen(NUMBER_COLOUR)
                painter.drawText(
                    0,
                    top,
                    self._gutter.width() - 5,
                    height,
                    Qt.AlignmentFlag.AlignRight,
                    str(number),
                )
            block = block.next()
            top = bottom
        painter.end()

    def mark_line(self, line: int | None) -> None:
        """Tint ``line`` (1-based) and show it; None clears the mark."""
        if line == self.marked_line:
            return
        self.marked_line = line
        selections = []
        if line is not None and 1 <= line <= self.blockCount():
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(MARK_COLOUR)
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            cursor = QTextCursor(self.document().findBlockByNumber(line - 1))
            selection.cursor = cursor
            selections.append(selection)
            self.setTextCursor(cursor)
            self.centerCursor()
        self.setExtraSelections(selections)
        self._gutter.update()
