"""Thread states over the Gantt chart's bars: each task coloured by what its OS thread was
doing — running, waiting for a core, waiting for the GIL or a lock, waiting on IO.

Shown with the timeline's *States* toggle, for runs whose threads were sampled (the engine
reads them from the OS; they arrive with the finished run). The task's bar stays as a thin
grey alive bar, and the state pieces cover it at full height: where the sampler did not see
the thread (before its first reading or after its last, which on a saturated machine are
up to a few ms apart) the thin bar shows through, as "not seen" in the legend. Running
slices (heartbeats, coroutine steps) are not drawn meanwhile: the states say the same from
the OS, for any code. Same rule as the bars: one bar item per state colour, arrays per
item, rows sharing a pixel row drawn as their union; each thread is drawn at the
resolution of a pixel (see :class:`workbench.gui.model.state_bars.RunStateBars`).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainterPath, QPen

from workbench.core.clock import NS_PER_S
from workbench.core.results import Machine, Run
from workbench.core.strategies import STRATEGIES, Family
from workbench.core.threadstates.model import ALL_STATES, ThreadState
from workbench.core.workloads import WORKLOADS
from workbench.gui.model.bar_merge import merge_rows
from workbench.gui.model.live_run import LiveExperiment, RunTrack
from workbench.gui.model.state_bars import RunStateBars
from workbench.gui.theme import Theme, lighter, swatch

STATE_HEIGHT = 0.8
STATE_Z = 6
"""Above the alive bars and the (hidden) slices, under the failed tasks' hatching."""
UNSEEN_COLOUR, UNSEEN_LIGHTEN = "#7F7F7F", 0.45
UNSEEN_SHARE = 0.02
"""Time the sampler did not see the tasks' threads, worth a legend entry above this share."""
ALWAYS = (ThreadState.RUNNING, ThreadState.RUNNABLE, ThreadState.LOCK)
"""In the legend even at 0 %: a free-threaded Python's missing GIL is the lesson."""
COARSE_NS = 3_000_000
"""A sampler interval worth saying in the legend: finer turns than this are blurred (the
sampler reads less often when the run keeps every core busy, or has many threads)."""
SHOWN_SHARE = 0.005
"""States under half a percent of a task's life are left out of its tooltip."""

RUNNING, RUNNABLE = ThreadState.RUNNING, ThreadState.RUNNABLE
LOCK, IO, OTHER = ThreadState.LOCK, ThreadState.IO, ThreadState.OTHER


class _Bars(pg.BarGraphItem):
    """Bounding-box hit shape, as :class:`workbench.gui.timeline.gantt.FastBars` explains."""

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.boundingRect())
        return path


def lock_words(machine: Machine, workload: str) -> str:
    """What a futex wait was, as far as the run can tell: the GIL for pure-Python work on a
    GIL build, no GIL at all on a free-threaded one."""
    if not machine.gil_enabled:
        return "a lock (no GIL)"
    known = WORKLOADS.get(workload)
    return "the GIL" if known is not None and not known.releases_gil else "the GIL or a lock"


def state_label(state: ThreadState, lock: str, *, told: bool = True) -> str:
    """A state's name in a legend; ``told=False``: this OS tells only running or not."""
    return {
        RUNNING: "running",
        RUNNABLE: "waiting for a core",
        LOCK: f"waiting for {lock}",
        IO: "waiting on IO",
        OTHER: "other" if told else "not running (the OS does not say why)",
    }[state]


def _percent(share: float) -> str:
    return f"{100 * share:.0f} %"


def run_shares(bars: RunStateBars) -> dict[ThreadState, float]:
    """Each known state's share of the tasks' summed lives."""
    states = bars.shares.states
    life = int(states.life_ns.sum())
    return {s: ns / life for s, ns in states.totals().items()} if life > 0 else {}


def state_legend(
    bars: RunStateBars | None, theme: Theme, lock: str, *, compact: bool = False
) -> str:
    """Rich text for the panel title: each state's colour and its share of the tasks' time.

    The shares are the point on a free-threaded Python: "waiting for a lock (no GIL) 1 %".
    ``compact``: the states seen, in short words ("for the GIL 70 %"), for a narrow plot —
    at 1024×768 the whole legend did not fit, and the title dropped it, leaving the colours
    unexplained."""
    if bars is None:
        return "thread states: shown when the run ends"
    if not bars.known:
        return "thread states: not recorded for this run"
    shares = run_shares(bars)
    palette = theme.palette
    told = LOCK in shares
    shown = [
        swatch(palette.state(s), f"{_label(s, lock, told, compact)} {_percent(shares[s])}")
        for s in ALL_STATES
        if s in shares and (s in _always(compact) or shares[s] >= SHOWN_SHARE)
    ]
    unseen = 1 - sum(shares.values())
    if unseen >= UNSEEN_SHARE:
        grey = lighter(UNSEEN_COLOUR, UNSEEN_LIGHTEN).name()
        shown.append(f'<span style="color:{grey}">▬</span>&nbsp;not seen {_percent(unseen)}')
    sampling = bars.run.thread_sampling
    if sampling is not None and sampling.interval_ns >= COARSE_NS and not compact:
        shown.append(f"(read every {sampling.interval_ns / 1e6:.0f} ms)")
    return "&nbsp;&nbsp;".join(shown)


def _always(compact: bool) -> tuple[ThreadState, ...]:
    """The states a legend names even at 0 %; a short one keeps only the lock's (its 0 % on a
    free-threaded Python is the lesson)."""
    return (LOCK,) if compact else ALWAYS


def state_key(theme: Theme, lock: str, *, told: bool = True) -> str:
    """The states' colours, for the legend line over every panel: each panel's title adds its
    run's shares where they fit, and a narrow one (1024×768) may have room for none.
    ``told=False``: the OS tells only running or not (off Linux), and those are the colours."""
    shown = (RUNNING, RUNNABLE, LOCK, IO) if told else (RUNNING, OTHER)
    # Each entry kept on one line where the legend wraps: "waiting / for the GIL" read as two.
    words = ((s, state_label(s, lock, told=told).replace(" ", "&nbsp;")) for s in shown)
    return "thread states: " + " ".join(swatch(theme.palette.state(s), w) for s, w in words)


def _label(state: ThreadState, lock: str, told: bool, compact: bool) -> str:
    if compact and state is OTHER:
        return "other" if told else "not running"
    whole = state_label(state, lock, told=told)
    return whole.removeprefix("waiting ") if compact else whole


def state_text(bars: RunStateBars | None, task: int, lock: str) -> str | None:
    """Tooltip lines: "waited for the GIL 48 % of its life · ran 50 % · …" (largest first)."""
    if bars is None or task not in bars.shares:
        return None
    shares = bars.shares[task]
    verbs = {
        RUNNING: "ran",
        RUNNABLE: "waited for a core",
        LOCK: f"waited for {lock}",
        IO: "waited on IO",
        OTHER: "other" if LOCK in shares else "not running",
    }
    ranked = sorted(
        ((share, state) for state, share in shares.items() if share >= SHOWN_SHARE),
        key=lambda item: -item[0],
    )
    if not ranked:
        return None
    parts = [f"{verbs[state]} {_percent(share)}" for share, state in ranked]
    parts[0] += " of its life"
    text = "thread: " + " · ".join(parts)
    strategy = STRATEGIES.get(bars.run.strategy)
    if strategy is not None and strategy.family is Family.ASYNC:
        text += "\n(the event loop's thread, shared by every coroutine)"
    return text


class StateLayer:
    """The state pieces of one Gantt chart, one bar item per state."""

    def __init__(self, plot: pg.PlotItem, theme: Theme) -> None:
        self.plot = plot
        self.theme = theme
        self.enabled = False
        self._items = {state: self._add() for state in ALL_STATES}
        self.unseen = self._add()
        """The tasks' thin alive bars while states are shown: grey where no state shows."""
        self.unseen.setZValue(0)
        self._bars: RunStateBars | None = None
        self.apply_palette()

    def _add(self) -> _Bars:
        item = _Bars(x0=[], width=[], y0=[], height=[], pen=QPen(Qt.PenStyle.NoPen))
        item.setZValue(STATE_Z)
        item.hide()
        self.plot.addItem(item)
        return item

    def apply_palette(self) -> None:
        for state, item in self._items.items():
            item.setOpts(brush=QColor(self.theme.palette.state(state)))
        self.unseen.setOpts(brush=lighter(UNSEEN_COLOUR, UNSEEN_LIGHTEN))

    def bars_for(self, track: RunTrack) -> RunStateBars | None:
        """The track's run indexed for drawing (kept while the same run is shown); None
        while the run streams (its threads arrive with its end) or for an older file."""
        run: Run | None = track.run
        if run is None or run.thread_sampling is None:
            return None
        cached = self._bars
        if cached is None or cached.run is not run:
            cached = self._bars = RunStateBars(run, track.start_ns, track.end_ns, track.worker)
        return cached

    def shows(self, track: RunTrack) -> bool:
        """Whether the chart draws states for this track now (else its usual bars)."""
        bars = self.bars_for(track) if self.enabled else None
        return bars is not None and bars.known

    def legends(self, track: RunTrack | None, experiment: LiveExperiment) -> tuple[str, ...] | None:
        """The panel title's legend while states are on, whole then compact (None: the
        usual one)."""
        if track is None or not self.enabled:
            return None
        lock = lock_words(experiment.machine, experiment.config.workload)
        bars = self.bars_for(track)
        return tuple(
            state_legend(bars, self.theme, lock, compact=compact) for compact in (False, True)
        )

    def tooltip(
        self, track: RunTrack | None, task: int, experiment: LiveExperiment | None
    ) -> str | None:
        """The tooltip's lines on a task's thread states (whether or not they are shown)."""
        if track is None or experiment is None:
            return None
        lock = lock_words(experiment.machine, experiment.config.workload)
        return state_text(self.bars_for(track), task, lock)

    def hide(self) -> None:
        for item in self._items.values():
            item.hide()

    def drawn_pieces(self) -> int:
        """Rectangles handed to Qt for states (after merging)."""
        return sum(int(np.size(i.opts["x0"])) for i in self._items.values() if i.isVisible())

    def colours_drawn(self) -> set[ThreadState]:
        return {state for state, item in self._items.items() if item.isVisible()}

    def draw(self, track: RunTrack, lanes: bool, pixel_s: float, pixel_rows: float) -> None:
        # Indexing a run's thread timelines costs ~60 ms at 100,000 tasks, on the window's
        # thread just as the run ends: not done until states are asked for.
        bars = self.bars_for(track) if self.enabled else None
        if bars is None or not bars.known:
            self.hide()
            return
        pieces = bars.pieces(lanes=lanes, pixel_ns=pixel_s * 1e9).until(track.until_ns)
        start_s = pieces.start_ns / NS_PER_S
        width_s = np.maximum((pieces.end_ns - pieces.start_ns) / NS_PER_S, pixel_s)
        height = max(STATE_HEIGHT, pixel_rows)
        for code, item in enumerate(self._items.values()):
            mask = pieces.code == code
            if not mask.any():
                item.hide()
                continue
            rects = merge_rows(
                start_s[mask], width_s[mask], pieces.row[mask], height, pixel_s, pixel_rows
            )
            item.setOpts(x0=rects.x0, width=rects.width, y0=rects.y0, height=rects.height)
            item.show()
