"""The timeline's left axes: titled only where the title fits its row, and whole numbers only
where things are counted."""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg

TITLE_OVERHANG = 0.8
"""A title may be up to a quarter longer than its row: the gaps between rows take that much
without it touching the next row's title ("CPU %" on a 50-60 px CPU row)."""


class FittingAxis(pg.AxisItem):
    """A vertical axis whose title shows only while its row is tall enough for it.

    The title is written upwards, centred on the row: a "CPU %" taller than a short row runs
    into the titles of the rows above and below it (the comparison window at 1024×768 read
    "CPU %tasks task"). The tick labels still say what the row is; the title comes back as
    soon as the row grows. The axis's width is fixed by the panel, so hiding the title moves
    nothing.
    """

    title_wanted = False
    """Whether the axis has a title to show, room or not (the theme restyles it by this)."""

    def showLabel(self, show: bool = True) -> None:
        self.title_wanted = show
        super().showLabel(show)
        self._fit_title()

    def resizeEvent(self, ev: Any = None) -> None:
        super().resizeEvent(ev)
        self._fit_title()

    def _fit_title(self) -> None:
        title = self.label
        if title is None or self.orientation not in ("left", "right"):
            return
        fits = self.size().height() >= TITLE_OVERHANG * title.boundingRect().width()
        title.setVisible(self.title_wanted and fits)

    def title_shown(self) -> bool:
        return self.label is not None and self.label.isVisible()


class IntegerAxis(FittingAxis):
    """Only whole numbers: tasks and workers are counted, so a tick at -0.5 or 1.5 tasks
    means nothing (pyqtgraph's default picks them on a short axis)."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:
        levels = super().tickValues(minVal, maxVal, size)
        whole = []
        for spacing, values in levels:
            step = max(1.0, math.ceil(spacing))
            kept = [v for v in values if float(v).is_integer() and v % step == 0]
            if kept:
                whole.append((step, kept))
        if not whole:  # a range narrower than one: label the whole numbers inside it
            inside = [float(v) for v in range(math.ceil(minVal), math.floor(maxVal) + 1)]
            whole = [(1.0, inside)] if inside else []
        return whole

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{round(v * scale):,}" for v in values]
