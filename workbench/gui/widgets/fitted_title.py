"""A chart's title at the most detail its width takes, not cut mid-word at the plot's edge.

A panel's title on the timeline says what the panel is (strategy, repeat, wall time) and then
a legend (the workers' colours, the slices', or the thread states'); the wall-time chart's
says what its bars are. At 1024×768, with the settings beside the charts, a whole title is
wider than its plot: pyqtgraph cut the panel's mid-word ("alive (waitin"), and the wall-time
chart's, which a title asks for as its minimum width, pushed the chart under the table beside
it. Here a title takes the first of its forms, most detailed first, that fits, and never asks
for more width than its plot has; the whole title is then its tooltip, a hover away.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtGui import QTextDocument

from workbench.gui.theme import Theme


def plain(html: str) -> str:
    """What rich text reads as, for a tooltip."""
    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText()


class FittedTitle:
    """Shows one of a title's forms on a plot, refitted when the plot is resized."""

    def __init__(self, plot: pg.PlotItem, theme: Theme, justify: str = "left") -> None:
        self._plot = plot
        self._theme = theme
        self._justify = justify
        self._forms: tuple[str, ...] = ()
        self._fitted_for: tuple[tuple[str, ...], int, str] | None = None
        self.shown = ""
        """The form on screen (the first one when the plot's width is not known yet)."""
        plot.vb.sigResized.connect(self._fit)

    @property
    def whole(self) -> str:
        """The most detailed form: what the title says with room enough."""
        return self._forms[0] if self._forms else ""

    def show(self, forms: Sequence[str]) -> None:
        """Show the most detailed of ``forms`` (most detailed first) that fits; where none
        does, the last, cut at the edge."""
        if not forms:
            raise ValueError("a title needs at least one form")
        self._forms = tuple(forms)
        self._fit()

    def _fit(self, *_: object) -> None:
        if not self._forms:
            return
        room = round(self._plot.vb.width())
        size = self._theme.title_size()
        key = (self._forms, room, size)
        if key == self._fitted_for:  # a redraw with nothing new: no relayout of the text
            return
        self._fitted_for = key
        label = self._plot.titleLabel
        for form in self._forms:
            self._plot.setTitle(form, size=size, justify=self._justify)
            # A title asks for its whole width as a minimum; a narrow window must not be
            # pushed wider by it (the forms are there so that it need not be).
            label.setMinimumWidth(0)
            if room <= 1 or label.item.boundingRect().width() <= room:
                break
        self.shown = form
        label.setToolTip("" if form == self.whole else plain(self.whole))
