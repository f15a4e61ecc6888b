"""The window's presenter: the session's events in, calls on passive views out (Qt-free).

The session (:mod:`workbench.core.session`) runs one measurement at a time and reports
through this object's hooks. Each engine hook only updates the Qt-free
:class:`~workbench.gui.model.live_run.LiveExperiment`; the timeline is redrawn from it by a
ticker on the event loop, at most ten times a second and less often when a redraw is costly,
so a 100,000-task run never queues a redraw per batch. Everything a view shows is decided
here, so the whole flow — start, progress, outcome, stop, failure — is tested against mock
views without a display.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor

from workbench.core.analysis import analyse
from workbench.core.presets import PresetVerdict
from workbench.core.results import Config, CpuSample, LagSample, Results, Run
from workbench.core.session import (
    Measurement,
    Outcome,
    RunPreset,
    RunSweep,
    Session,
    SessionObserver,
    first_config,
)
from workbench.core.sweep import Sweep
from workbench.core.timeline import TaskEvent
from workbench.gui.model.collector import CollectionPolicy
from workbench.gui.model.formatting import config_line, machine_line, ns_as_seconds
from workbench.gui.model.live_run import LiveExperiment, RunTrack, run_title
from workbench.gui.model.views import Views

MIN_REDRAW_INTERVAL_S = 0.1
"""Ten redraws a second look continuous; more would only take time from input handling."""
MAX_REDRAW_INTERVAL_S = 1.0
REDRAW_BUDGET = 3
"""Wait at least this many times the last redraw's cost between redraws (≤ 1/3 of the time)."""
IDLE_COLLECT_DELAY_S = 1.5
"""After a run, collect garbage once the window has been idle this long (see collector)."""
NO_VERDICT = "stopped before the end — no verdict"
FINISH_IN_STEPS_TASKS = 250_000
"""Runs of this many tasks or more are put in their track in steps (see
:meth:`Presenter._finish_in_steps`); smaller ones at once, with one redraw: at 100,000 tasks
that is one short freeze (~40 ms here), where steps and turns would make several."""
TURN_S = 0.001
"""A real timer between steps, not a zero delay: Qt then paints and serves due timers."""


class Presenter(SessionObserver):
    """Owns the window's session and what is on screen; drives the views."""

    def __init__(
        self,
        views: Views,
        clock: Callable[[], int] = time.perf_counter_ns,
        listeners: Sequence[SessionObserver] = (),
    ) -> None:
        self.views = views
        self.session = Session(self)
        self.experiment: LiveExperiment | None = None
        """What the timeline shows: the running experiment, or the last one."""
        self.results: Results | None = None
        """The finished results on screen (None while running, or before anything ran)."""
        self.outcome: Outcome | None = None
        """What the last measurement gave: results, a verdict or a sweep (None if stopped)."""
        self.redraws = 0
        self._clock = clock
        self._listeners = list(listeners)
        self._experiments = 0
        self._redraw: asyncio.TimerHandle | None = None
        self._idle_collect: asyncio.TimerHandle | None = None
        self._interval_s = MIN_REDRAW_INTERVAL_S
        self._collection = CollectionPolicy()
        self._loop = asyncio.get_event_loop()
        """Timers go on the loop the window runs (qasync's): under qasync a callback may run
        while asyncio believes no loop is running, so it is not looked up each time."""
        self._analyst = ThreadPoolExecutor(1, thread_name_prefix="workbench-analysis")
        """Computes the comparison and readings of finished results (see :meth:`_analyse`)."""
        self._pending: set[asyncio.Task[None]] = set()
        """Outcomes still being put on screen (:meth:`wait_idle` waits for them)."""
        self._finishing: set[asyncio.Task[None]] = set()
        """Big runs whose final record is being put in their track (in steps)."""
        self._shown = 0
        """Counts what has been put on screen: an analysis of something no longer shown is
        dropped when it arrives."""

    # -- commands from the window ------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.session.busy

    def start(self, measurement: Measurement) -> bool:
        """Start a measurement; False if one is running. A bad value raises ConfigError."""
        return self.session.start(measurement)

    def stop(self) -> None:
        if self.session.busy:
            self.views.status.show_idle("Stopping…")
        self.session.stop()

    async def wait_idle(self) -> None:
        """Until nothing runs and what finished is on screen, readings included."""
        await self.session.wait_idle()
        while self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    def shutdown(self) -> None:
        """The window is closing: nothing more is analysed or shown."""
        self._shown += 1
        if self._idle_collect is not None:
            self._idle_collect.cancel()
            self._idle_collect = None
        self._collection.run_ended()
        for task in self._pending:
            task.cancel()
        self._analyst.shutdown(wait=False, cancel_futures=True)

    def _in_background(self, step: Coroutine[None, None, None]) -> None:
        task = self._loop.create_task(step)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def show_results(self, results: Results, source: str | None = None) -> None:
        """Show finished results (a file just opened) exactly as they were drawn live."""
        v = self.views
        self.results = results
        self.experiment = LiveExperiment.from_results(results)
        v.shell.show_config(results.config)
        origin = f" — from {source}" if source else ""
        v.shell.show_header(
            f"{config_line(results.config)}{origin}\nMeasured on {machine_line(results.machine)}"
        )
        v.verdict.clear()
        v.replay.abandon()
        v.timeline.show_experiment(self.experiment)
        self._shown += 1
        v.comparison.clear()
        self._in_background(self._analyse(results, readings=True, shown=self._shown))
        v.shell.set_running(False)

    # -- the session's hooks -------------------------------------------------------------

    def measurement_started(self, measurement: Measurement) -> None:
        v = self.views
        self.results = self.outcome = None
        self._experiments = 0
        v.banner.hide()
        v.replay.abandon()
        v.shell.set_running(True)
        if isinstance(measurement, RunPreset):
            v.verdict.show_claim(measurement.preset, measurement.time_scale)
        else:
            v.verdict.clear()
        if isinstance(measurement, RunSweep):
            v.sweep.sweep_started(measurement)
        self._show_experiment(first_config(measurement))
        if self._idle_collect is not None:
            self._idle_collect.cancel()
        self._collection.run_started()
        self._interval_s = MIN_REDRAW_INTERVAL_S
        self._schedule_redraw()
        for listener in self._listeners:
            listener.measurement_started(measurement)

    def experiment_started(self, config: Config) -> None:
        self._experiments += 1
        shown = self.experiment
        if self._experiments > 1 or shown is None or shown.config != config or shown.runs:
            self._show_experiment(config)  # the first one is on screen since Run was pressed
        self.views.shell.show_header(self._header(config))
        if isinstance(self.session.current, RunPreset):
            self.views.shell.show_config(config, reveal=False)  # what runs, as for a file

    def _show_experiment(self, config: Config) -> None:
        v = self.views
        self.experiment = LiveExperiment(config)
        v.shell.show_header(self._header(config))
        v.timeline.show_experiment(self.experiment)
        self._shown += 1
        v.comparison.clear()
        v.status.show_idle("Starting…")

    def _header(self, config: Config) -> str:
        measurement = self.session.current
        if isinstance(measurement, RunPreset):
            preset = measurement.preset
            count = len(preset.experiments)
            index = max(0, self._experiments - 1)
            step = (
                f" — {preset.experiments[index].label} ({index + 1} of {count})"
                if count > 1 and index < count
                else ""
            )
            return f"Preset: {preset.title}{step} — {config_line(config)}"
        if isinstance(measurement, RunSweep):
            total = len(measurement.values)
            point = max(1, self._experiments)
            return f"Sweep point {point} of {total} — {config_line(config)}"
        return config_line(config)

    def run_started(self, strategy: str, repeat_index: int, interpreter: str = "") -> None:
        if self.experiment is not None:
            self.experiment.run_started(strategy, repeat_index, interpreter)

    def task_events(self, strategy: str, repeat_index: int, events: Sequence[TaskEvent]) -> None:
        if self.experiment is not None:
            self.experiment.task_events(strategy, repeat_index, events, self._clock())

    def cpu_sampled(self, strategy: str, repeat_index: int, sample: CpuSample) -> None:
        if self.experiment is not None:
            self.experiment.cpu_sampled(strategy, repeat_index, sample, self._clock())

    def loop_lagged(self, strategy: str, repeat_index: int, samples: Sequence[LagSample]) -> None:
        if self.experiment is not None:
            self.experiment.loop_lagged(strategy, repeat_index, samples, self._clock())

    def run_finished(self, run: Run) -> None:
        experiment = self.experiment
        if experiment is None:
            return
        track = experiment.run_recorded(run)
        in_steps = len(run.tasks) >= FINISH_IN_STEPS_TASKS
        if in_steps:
            finishing = self._loop.create_task(self._finish_in_steps(experiment, track, run))
            self._finishing.add(finishing)
            finishing.add_done_callback(self._finishing.discard)
            self._pending.add(finishing)
            finishing.add_done_callback(self._pending.discard)
        else:
            track.finish(run)
        # After the last run the comparison is drawn with the outcome, a turn of the loop
        # later: two short freezes, not one long one.
        if len(experiment.runs) < experiment.total_runs:
            self._in_background(
                self._analyse(experiment.results(), readings=False, shown=self._shown)
            )
        if not in_steps:
            self.views.timeline.refresh()

    async def _finish_in_steps(self, experiment: LiveExperiment, track: RunTrack, run: Run) -> None:
        """Put a big run's final record in its track: the columns are built in steps, a turn
        of the loop between each, then swapped in and redrawn in turns, so the window keeps
        its loop as the run ends."""
        final = await track.final_columns_in_turns(run, TURN_S)
        if track.run is None:
            track.take(final)
            experiment.version += 1
            if experiment is self.experiment:
                self.views.timeline.refresh_live()

    def experiment_finished(self, results: Results) -> None:
        experiment = self.experiment
        if experiment is not None:
            experiment.interrupted = results.interrupted
            experiment.machine = results.machine
        measurement = self.session.current
        if isinstance(measurement, RunSweep) and not results.interrupted:
            self.views.sweep.point_added(self._experiments - 1, results)
        self._in_background(self._show_outcome(results, self._shown))
        for listener in self._listeners:
            listener.experiment_finished(results)

    async def _show_outcome(self, results: Results, shown: int) -> None:
        await asyncio.sleep(0)  # a turn first: the window paints the last run's timeline
        # A big last run's final record first (it redraws the timeline when in place): the
        # analysis thread would otherwise contend for the GIL with every step of it.
        drawn = bool(self._finishing)
        while self._finishing:
            await asyncio.gather(*self._finishing, return_exceptions=True)
        if shown == self._shown:  # (a preset's next experiment may be on screen already)
            self._put_outcome(results, redraw=not drawn)
            await self._analyse(results, readings=True, shown=shown)

    def _put_outcome(self, results: Results, *, redraw: bool = True) -> None:
        v = self.views
        self.results = results
        if redraw:
            v.timeline.refresh_if_changed()
        failed = [run for run in results.runs if not run.ok]
        if failed:
            several = results.several_interpreters
            v.banner.show_message(
                "; ".join(
                    f"{run_title(run.strategy, run.interpreter_label if several else '')} "
                    f"failed: {run.error}"
                    for run in failed
                )
            )
        v.shell.set_running(self.session.busy)  # results on screen: saving is possible now

    async def _analyse(self, results: Results, *, readings: bool, shown: int) -> None:
        """Compute the comparison (and readings) on the analysis thread, then show it.

        At 100,000 tasks that takes a few tenths of a second, which on the event loop would
        freeze the window just as a run ends. The results are immutable, so the thread only
        reads; an analysis that arrives after something else was put on screen (``shown``
        counted what was on screen when it was asked for) is dropped.
        """
        compute = functools.partial(analyse, results, readings=readings)
        try:
            analysis = await self._loop.run_in_executor(self._analyst, compute)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug in the analysis must not take the window down
            if shown == self._shown:
                self.views.banner.show_message(f"The results could not be summarised: {exc}")
            return
        if shown == self._shown:
            self.views.comparison.show_analysis(results, analysis)

    def measurement_finished(self, measurement: Measurement, outcome: Outcome | None) -> None:
        v = self.views
        self.outcome = outcome
        self._end()
        if isinstance(outcome, Results):
            total = sum(run.wall_ns for run in outcome.runs)
            if outcome.interrupted:
                v.status.show_idle(f"Stopped — {len(outcome.runs)} finished run(s) kept")
            else:
                v.status.show_idle(f"Done — {len(outcome.runs)} run(s), {ns_as_seconds(total)}")
        elif isinstance(outcome, PresetVerdict):
            v.verdict.show_verdict(outcome)
            v.status.show_idle(f"Done — {outcome.preset.title}: {outcome.verdict.value}")
        elif isinstance(outcome, Sweep):
            v.sweep.sweep_finished(outcome)
            done = len(outcome.values)
            total = len(measurement.values) if isinstance(measurement, RunSweep) else done
            v.status.show_idle(f"Sweep done — {done} of {total} point(s)")
        else:
            v.status.show_idle(f"Stopped — {NO_VERDICT}")
        if outcome is None and isinstance(measurement, RunPreset):
            v.verdict.show_stopped(measurement.preset, measurement.time_scale, NO_VERDICT)
        for listener in self._listeners:
            listener.measurement_finished(measurement, outcome)

    def measurement_failed(self, measurement: Measurement, message: str) -> None:
        v = self.views
        self._end()
        if self.experiment is not None:
            self.experiment.interrupted = True
            results = self.experiment.results()
            self._put_outcome(results)
            self._in_background(self._analyse(results, readings=True, shown=self._shown))
        v.status.show_idle("The experiment could not run")
        v.banner.show_message(message)
        if isinstance(measurement, RunPreset):
            v.verdict.show_stopped(measurement.preset, measurement.time_scale, message)
        elif isinstance(measurement, RunSweep):
            v.sweep.sweep_failed(message)
        for listener in self._listeners:
            listener.measurement_failed(measurement, message)

    def _end(self) -> None:
        if self._redraw is not None:
            self._redraw.cancel()
            self._redraw = None
        # Full collections stay deferred until the idle one: restored now, the window's
        # collector would walk the run's whole heap at its next tick, as the results go on
        # screen (~0.1 s at 100,000 tasks), and the idle collection would walk it again.
        self._idle_collect = self._loop.call_later(IDLE_COLLECT_DELAY_S, self._collect_if_idle)
        self.views.shell.set_running(False)

    # -- pacing ----------------------------------------------------------------------------

    def _schedule_redraw(self) -> None:
        self._redraw = self._loop.call_later(self._interval_s, self._tick)

    def _tick(self) -> None:
        self.redraws += 1
        experiment = self.experiment
        if experiment is not None:
            timeline = self.views.timeline
            # The last redraw's whole cost: a live redraw ends in later turns of the loop
            # (see the timeline's refresh_live), all done by now; read just after it starts,
            # only its first part would count, and the pace would be set by a third of it.
            self.note_redraw_cost(timeline.last_redraw_s)
            timeline.refresh_live()
            self.views.status.show_progress(experiment.progress())
        self._schedule_redraw()

    def note_redraw_cost(self, seconds: float) -> None:
        """Pace redraws by their cost: a slow redraw waits longer before the next one."""
        interval = max(MIN_REDRAW_INTERVAL_S, REDRAW_BUDGET * seconds)
        self._interval_s = min(MAX_REDRAW_INTERVAL_S, interval)

    def _collect_if_idle(self) -> None:
        self._idle_collect = None
        if self._finishing:  # a big run's record still going in, and redrawn: not on top
            self._idle_collect = self._loop.call_later(IDLE_COLLECT_DELAY_S, self._collect_if_idle)
            return
        if not self.session.busy:
            self._collection.collect_while_idle()
            self._collection.run_ended()
