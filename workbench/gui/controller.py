"""Runs experiments for the window: starts the engine on the qasync loop, feeds the live model,
paces redraws, stops cleanly.

The engine reports through :class:`EngineBridge`, an :class:`Observer` whose hooks run on the
loop thread (Qt's main thread under qasync). Each hook only updates the Qt-free
:class:`LiveExperiment`; views are redrawn from it by a timer, at most ten times a second and
less often if a redraw is expensive, so a 100,000-task run never queues a redraw per batch.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.core.engine import run_experiment
from workbench.core.observer import Observer
from workbench.core.results import Config, CpuSample, LagSample, Results, Run
from workbench.core.timeline import TaskEvent
from workbench.gui.model.collector import CollectionPolicy
from workbench.gui.model.live_run import LiveExperiment

log = logging.getLogger(__name__)

MIN_REDRAW_INTERVAL_MS = 100
"""Ten redraws a second look continuous; more would only take time from input handling."""
MAX_REDRAW_INTERVAL_MS = 1000
REDRAW_BUDGET = 3
"""Wait at least this many times the last redraw's cost between redraws (≤ 1/3 of the time)."""
IDLE_COLLECT_DELAY_MS = 1500
"""After a run, collect garbage once the window has been idle this long (see collector)."""


class EngineBridge(Observer):
    """Observer → model. Kept free of drawing so an event batch costs only array updates."""

    def __init__(
        self,
        experiment: LiveExperiment,
        on_run_finished: Callable[[Run], None],
        clock: Callable[[], int] = time.perf_counter_ns,
    ) -> None:
        self.experiment = experiment
        self._on_run_finished = on_run_finished
        self._clock = clock

    def run_started(self, strategy: str, repeat_index: int) -> None:
        self.experiment.run_started(strategy, repeat_index)

    def task_events(self, strategy: str, repeat_index: int, events: Sequence[TaskEvent]) -> None:
        self.experiment.task_events(strategy, repeat_index, events, self._clock())

    def cpu_sampled(self, strategy: str, repeat_index: int, sample: CpuSample) -> None:
        self.experiment.cpu_sampled(strategy, repeat_index, sample, self._clock())

    def loop_lagged(self, strategy: str, repeat_index: int, samples: Sequence[LagSample]) -> None:
        self.experiment.loop_lagged(strategy, repeat_index, samples, self._clock())

    def run_finished(self, run: Run) -> None:
        self.experiment.run_finished(run)
        self._on_run_finished(run)


def plain_error(exc: BaseException) -> str:
    """An engine failure in one sentence, without a traceback."""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"The experiment could not run: {detail}"


class RunController(QObject):
    """One experiment at a time. Signals carry the model and results to the window."""

    started = Signal(object)  # LiveExperiment
    redraw_due = Signal()
    run_finished = Signal(object)  # Run
    finished = Signal(object)  # Results (possibly interrupted)
    failed = Signal(str)  # plain-language message

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.experiment: LiveExperiment | None = None
        self.task: asyncio.Future[None] | None = None
        self._stop: asyncio.Event | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(MIN_REDRAW_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self.redraws = 0
        self._active = False
        self._collection = CollectionPolicy()
        self._idle_collect = QTimer(self)
        self._idle_collect.setSingleShot(True)
        self._idle_collect.setInterval(IDLE_COLLECT_DELAY_MS)
        self._idle_collect.timeout.connect(self._collect_if_idle)

    @property
    def running(self) -> bool:
        """True from :meth:`start` until just before ``finished``/``failed`` is emitted."""
        return self._active

    def start(self, config: Config) -> bool:
        """Start an experiment on the current asyncio loop; False if one is already running."""
        if self.running:
            return False
        experiment = LiveExperiment(config)
        self.experiment = experiment
        self._stop = asyncio.Event()
        bridge = EngineBridge(experiment, self.run_finished.emit)
        self._active = True
        self._idle_collect.stop()
        self._collection.run_started()
        self.task = asyncio.ensure_future(self._run(config, bridge, self._stop))
        self.started.emit(experiment)
        self._timer.start()
        return True

    def stop(self) -> None:
        """Ask the engine to stop: it kills the current run's process tree and returns."""
        if self._stop is not None:
            self._stop.set()

    async def wait_idle(self) -> None:
        """Return once no experiment is running (the run task never raises)."""
        if self.task is not None:
            await asyncio.wait({self.task})

    def note_redraw_cost(self, seconds: float) -> None:
        """Pace redraws by their cost: a slow redraw waits longer before the next one."""
        interval = max(MIN_REDRAW_INTERVAL_MS, round(REDRAW_BUDGET * seconds * 1000))
        self._timer.setInterval(min(MAX_REDRAW_INTERVAL_MS, interval))

    def _tick(self) -> None:
        self.redraws += 1
        self.redraw_due.emit()

    async def _run(self, config: Config, bridge: EngineBridge, stop: asyncio.Event) -> None:
        experiment = bridge.experiment
        try:
            results = await run_experiment(config, bridge, stop=stop)
            # One turn of the loop first, so the window paints the last run's timeline before
            # it draws the outcome: two short freezes instead of one long one.
            await asyncio.sleep(0)
        except Exception as exc:
            log.exception("experiment failed")
            experiment.interrupted = True
            self._finish()
            self.failed.emit(plain_error(exc))
            return
        except asyncio.CancelledError:
            self._finish()
            raise
        experiment.interrupted = results.interrupted
        experiment.machine = results.machine
        self._finish()
        self.finished.emit(results)

    def _finish(self) -> None:
        self._active = False
        self._collection.run_ended()
        self._idle_collect.start()
        self._timer.stop()
        self._timer.setInterval(MIN_REDRAW_INTERVAL_MS)
        self._stop = None

    def _collect_if_idle(self) -> None:
        if not self.running:
            self._collection.collect_while_idle()

    def results(self) -> Results | None:
        return None if self.experiment is None else self.experiment.results()
