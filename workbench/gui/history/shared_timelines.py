"""Several experiments' timelines on one time axis: a timeline view per experiment, stacked,
their x axes linked, so "B finished in half the time" is seen as half the width.

Each view is the window's own :class:`TimelineView` (the same panels, colours and tooltips
as a run), with its per-view controls hidden: one strategy choice and one Fit for all.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.core.clock import NS_PER_S
from workbench.core.results import Results
from workbench.gui.model.live_run import LiveExperiment
from workbench.gui.theme import Theme
from workbench.gui.timeline.controls import ALL_STRATEGIES
from workbench.gui.timeline.view import TimelineView
from workbench.gui.widgets.elided_label import ElidedLabel

MIN_EXTENT_S = 0.05
COMPACT_MIN_PX = 120
BOX_MIN_PX = 230
"""An experiment's timeline at its smallest: a caption, a title, Gantt, rows, CPU, time axis."""
CONTROLS_PX = 40
SHOWN_AT_ONCE = 1
"""Strategies shown at first when the experiments ran several: one, full height, so two or
three experiments fit one above the other on a 768-pixel screen (the choice offers all)."""


class SharedTimelines(QWidget):
    def __init__(
        self,
        theme: Theme,
        experiments: Sequence[tuple[str, str, Results]],
        parent: QWidget | None = None,
    ) -> None:
        """``experiments``: (letter, one-line caption, results) per experiment."""
        super().__init__(parent)
        self.views: list[TimelineView] = []
        self.captions: list[QLabel] = []
        self._strategies: list[tuple[str, ...]] = []
        stack = QSplitter(Qt.Orientation.Vertical)
        stack.setChildrenCollapsible(False)
        # Beyond two or three experiments the stack scrolls rather than squashing each one
        # below the height at which its rows can be read.
        scroll = QScrollArea()
        scroll.setWidget(stack)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for letter, caption, results in experiments:
            view = TimelineView(theme)
            view.controls.hide()
            view.show_experiment(LiveExperiment.from_results(results))
            label = ElidedLabel(f"{letter}  {caption}")
            label.setStyleSheet("font-weight: bold;")
            box = QWidget()
            box.setMinimumHeight(BOX_MIN_PX)
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.setSpacing(0)
            box_layout.addWidget(label)
            box_layout.addWidget(view, 1)
            stack.addWidget(box)
            self.views.append(view)
            self.captions.append(label)
            self._strategies.append(tuple(results.config.strategies))
        union = list(dict.fromkeys(s for shown in self._strategies for s in shown))
        self.strategy = QComboBox()
        self.strategy.addItems([ALL_STRATEGIES, *union])
        self.strategy.setToolTip("The same strategy in every experiment, or all of them")
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Show every experiment's whole run again")
        self.missing = QLabel()
        row = QHBoxLayout()
        row.addWidget(QLabel("Timelines on one time axis — show:"))
        row.addWidget(self.strategy)
        row.addWidget(self.fit_button)
        row.addWidget(self.missing, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(scroll, 1)
        self.strategy.currentTextChanged.connect(self.show_strategy)
        self.fit_button.clicked.connect(self.fit)
        several = len(union) > SHOWN_AT_ONCE and len(experiments) > 1
        self.show_strategy(union[0] if several else ALL_STRATEGIES)

    @property
    def extent_s(self) -> float:
        """Where the shared time axis ends when fitted: the longest run shown, and a little."""
        ends = [
            track.now_ns(0)
            for view in self.views
            if view.isVisibleTo(self) and view.experiment is not None
            for strategy in view.shown_strategies()
            if (track := view.experiment.tracks.get(strategy)) is not None
        ]
        return max(MIN_EXTENT_S, max(ends, default=0) / NS_PER_S) * 1.02

    def show_strategy(self, name: str) -> None:
        """``name`` in every experiment that ran it (the others say they did not), or all."""
        if self.strategy.currentText() != name:
            self.strategy.setCurrentText(name)  # comes back here through the signal
            return
        without = []
        for view, box_strategies, caption in zip(
            self.views, self._strategies, self.captions, strict=True
        ):
            ran = name == ALL_STRATEGIES or name in box_strategies
            view.setVisible(ran)
            if not ran:
                without.append(caption.text().split()[0])
                continue
            view.following = True  # a relayout fits its own ranges; then the shared one
            view.show_combo.setCurrentText(name)
            # Squeezed rather than scrolled: a panel cut off at its CPU row hides the axis
            # the experiments are compared on.
            view.graphics.setMinimumHeight(COMPACT_MIN_PX)
        self.missing.setText(f"{', '.join(without)}: did not run {name}" if without else "")
        self.fit()

    def fit(self) -> None:
        """Link every shown view's time axis to the first one's and show the longest run."""
        shown = [view for view in self.views if view.isVisibleTo(self) and view.panels]
        if not shown:
            return
        anchor = shown[0].panels[0].gantt.plot
        anchor.setXLink(None)
        for view in shown[1:]:
            view.panels[0].gantt.plot.setXLink(anchor)
        for view in self.views:
            view.following = False  # from now on the views never refit to their own run
        anchor.setXRange(0, self.extent_s, padding=0)

    def x_ranges(self) -> list[tuple[float, float]]:
        """Each shown view's visible time range (the same for all, once linked)."""
        return [
            tuple(view.panels[0].gantt.plot.vb.viewRange()[0])  # type: ignore[misc]
            for view in self.views
            if view.isVisibleTo(self) and view.panels
        ]
