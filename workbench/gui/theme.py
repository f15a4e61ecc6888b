"""How the window looks, as one object every view is handed: palette, type scale, presentation.

Why an object and not module globals: presentation mode changes the palette and the type size
of every chart at once. Globals swapped in place left views built earlier with their old
brushes, and every importer had to know to look again. A :class:`Theme` is given to each view
in its constructor and announces a change through one signal, :attr:`Theme.changed`; each view
restyles itself from it. One place for fonts and colours, so every chart and table agrees and
a screenshot for the README looks like what a class sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication, QWidget

from workbench.core.strategies import Family
from workbench.core.threadstates.model import ThreadState

BASE_POINT_SIZE = 12
"""Readable from the back of a room on a 1080p projector without crowding a laptop screen."""
CHART_POINT_SIZE = 11
TITLE_POINT_SIZE = 12
PRESENTATION_SCALE = 1.5
"""Type size in presentation mode, relative to the normal one (charts and widgets alike)."""

FAILED_COLOUR = "#B00020"
TEXT_COLOUR = "#202020"
HEATMAP = "viridis"
"""Perceptually uniform and still ordered when a projector loses contrast."""


@dataclass(frozen=True)
class Palette:
    """Colours for workers (and cores) and for strategy families."""

    workers: tuple[str, ...]
    """Distinct colours; they repeat past their count (the lane view then tells them apart)."""
    families: Mapping[Family, str]
    """Comparison bars are coloured by how a strategy gets concurrency, not by worker."""
    states: Mapping[ThreadState, str]
    """What a thread was doing: blue running, light blue waiting on IO (cool: all is well),
    dark orange waiting for the GIL or a lock, light orange waiting for a core (warm: it
    wants to run and cannot), grey anything else. Colour-blind-safe in both palettes
    (simulated protan/deutan/tritan: every pair stays ≥ 18 ΔE apart)."""

    @property
    def cores(self) -> tuple[str, ...]:
        return self.workers

    def worker(self, index: int) -> str:
        return self.workers[index % len(self.workers)]

    def core(self, index: int) -> str:
        return self.cores[index % len(self.cores)]

    def state(self, state: ThreadState) -> str:
        return self.states[state]


STANDARD = Palette(
    workers=(
        "#4E79A7",  # blue
        "#F28E2B",  # orange
        "#59A14F",  # green
        "#B07AA1",  # purple
        "#E15759",  # red
        "#76B7B2",  # teal
        "#EDC948",  # yellow
        "#9C755F",  # brown
        "#FF9DA7",  # pink
        "#7F7F7F",  # grey
    ),
    families={
        Family.SEQUENTIAL: "#7F7F7F",
        Family.ASYNC: "#59A14F",
        Family.THREADS: "#4E79A7",
        Family.PROCESSES: "#F28E2B",
    },
    states={  # Tableau's colour-blind 10
        ThreadState.RUNNING: "#006BA4",
        ThreadState.RUNNABLE: "#FFBC79",
        ThreadState.LOCK: "#C85200",
        ThreadState.IO: "#A2C8EC",
        ThreadState.OTHER: "#CFCFCF",
    },
)
"""Tableau 10: distinct on white and on a washed-out projector."""

COLOUR_BLIND_SAFE = Palette(
    workers=(
        "#0072B2",  # blue
        "#E69F00",  # orange
        "#009E73",  # bluish green
        "#CC79A7",  # reddish purple
        "#D55E00",  # vermillion
        "#56B4E9",  # sky blue
        "#000000",  # black
        "#F0E442",  # yellow (last: weakest on white)
    ),
    families={
        Family.SEQUENTIAL: "#7F7F7F",
        Family.ASYNC: "#009E73",
        Family.THREADS: "#0072B2",
        Family.PROCESSES: "#E69F00",
    },
    states={
        ThreadState.RUNNING: "#0072B2",
        ThreadState.RUNNABLE: "#E69F00",
        ThreadState.LOCK: "#D55E00",
        ThreadState.IO: "#56B4E9",
        ThreadState.OTHER: "#BBBBBB",
    },
)
"""Okabe & Ito's palette: distinguishable with every common colour-vision deficiency."""

COLOUR_SLOTS = max(len(STANDARD.workers), len(COLOUR_BLIND_SAFE.workers))
"""Charts keep one item per colour (one brush each, drawn in one call): as many as the largest
palette has colours; a smaller palette leaves some idle."""


class Theme(QObject):
    """The current look; :attr:`changed` fires when presentation mode turns on or off."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.palette = STANDARD
        self.scale = 1.0
        self.presentation = False

    def set_presentation(self, on: bool) -> None:
        """Large type and the colour-blind-safe palette for a projector, or back."""
        if on == self.presentation:
            return
        self.presentation = on
        self.palette = COLOUR_BLIND_SAFE if on else STANDARD
        self.scale = PRESENTATION_SCALE if on else 1.0
        self.changed.emit()

    # -- type ----------------------------------------------------------------------------

    def chart_points(self, point_size: float = CHART_POINT_SIZE) -> float:
        return point_size * self.scale

    def title_size(self) -> str:
        """Chart titles' size, for pyqtgraph's ``setTitle(size=…)``."""
        return f"{self.chart_points(TITLE_POINT_SIZE):g}pt"

    def chart_font(self, point_size: float = CHART_POINT_SIZE, *, bold: bool = False) -> QFont:
        font = QFont()
        font.setPointSizeF(self.chart_points(point_size))
        font.setBold(bold)
        return font

    # -- charts --------------------------------------------------------------------------

    def style_axis(self, axis: pg.AxisItem, label: str | None = None) -> None:
        """Large tick labels and an axis title whose unit is part of the text ("time (s)"),
        never pyqtgraph's automatic SI prefix, which would silently turn seconds into "ms"."""
        axis.enableAutoSIPrefix(False)
        axis.setStyle(tickFont=self.chart_font(), tickTextOffset=6)
        axis.setTextPen(TEXT_COLOUR)
        axis.setPen(TEXT_COLOUR)
        if label is not None:
            axis.setLabel(
                label, **{"font-size": f"{self.chart_points():g}pt", "color": TEXT_COLOUR}
            )

    def time_row(self, plot: pg.PlotItem, y_label: str | None = None) -> None:
        """A row under the Gantt chart: no menu or buttons, pans and zooms in time only (its
        x axis is linked to the chart's), styled axes."""
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=True, y=False)
        if y_label is not None:
            self.style_axis(plot.getAxis("left"), y_label)
        self.style_axis(plot.getAxis("bottom"))

    def restyle_axes(self, root: QWidget) -> None:
        """Re-apply the current type size to every chart axis under ``root``."""
        for view in root.findChildren(pg.GraphicsView):
            for item in view.scene().items():
                if isinstance(item, pg.AxisItem):
                    self.restyle_axis(item)

    def restyle_axis(self, axis: pg.AxisItem) -> None:
        """Re-apply the current type size to ``axis`` and its title, if it has one — shown or
        hidden for want of room (a timeline row's, see ``FittingAxis``)."""
        wanted = getattr(axis, "title_wanted", None)
        titled = axis.label.isVisible() if wanted is None else wanted
        self.style_axis(axis, (axis.labelText if titled else None) or None)


def swatch(colour: str, text: str) -> str:
    """A coloured square and its meaning, for rich-text legends."""
    return f'<span style="color:{colour}">■</span>&nbsp;{text}'


def show_frame(plot: pg.PlotItem, shown: bool) -> None:
    """A plot's axes, hidden while there is nothing to plot: an empty 0–1 frame means nothing
    (and a line drawn in one, like the class chart's ideal, runs off its top)."""
    for side in ("left", "bottom"):
        plot.showAxis(side, shown)


def lighter(colour: str, amount: float) -> QColor:
    """The colour mixed towards white (opaque: blending 100k bars would cost paint time)."""
    base = QColor(colour)
    mix = [round(c + (255 - c) * amount) for c in (base.red(), base.green(), base.blue())]
    return QColor(*mix)


def apply_app_style(app: QApplication) -> None:
    font = app.font()
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    pg.setConfigOptions(background="w", foreground=TEXT_COLOUR, antialias=False)
