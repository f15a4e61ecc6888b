"""One session owns what is running: an experiment, a preset or a sweep — one at a time.

Why one object: the window can start a measurement three ways (F5, a preset, a sweep) and the
CLI two, and two measurements at once would measure each other. Each must also stop the same
way (Esc, Ctrl-C, closing the window) and report the same way. So every kind goes through
:class:`Session`, which runs the core's own :func:`~workbench.core.engine.run_experiment`,
:func:`~workbench.core.presets.run_preset` and :func:`~workbench.core.sweep.run_sweep` with
the caller's observer, and refuses a second measurement while one runs.

Qt-free: the window's presenter and the CLI are both clients, and the session is tested
without a display.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from workbench.core.engine import run_experiment
from workbench.core.observer import Observer
from workbench.core.presets import Preset, PresetVerdict, check_time_scale, run_preset
from workbench.core.results import Config, Results
from workbench.core.sweep import Sweep, run_sweep, sweep_configs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunExperiment:
    """Every strategy of one config, ``config.repeat`` times, interleaved."""

    config: Config


@dataclass(frozen=True)
class RunPreset:
    """Every experiment of a preset, then its verdict."""

    preset: Preset
    time_scale: float
    repeat: int | None = None
    """Runs per strategy instead of each experiment's own (a rerun asking for more)."""


@dataclass(frozen=True)
class RunSweep:
    """The same strategies over several task or worker counts."""

    base: Config
    axis: str
    values: tuple[int, ...]


Measurement = RunExperiment | RunPreset | RunSweep
Outcome = Results | PresetVerdict | Sweep
"""What a measurement gives: results (possibly interrupted), a verdict, or a sweep."""


class SessionObserver(Observer):
    """The engine's hooks, plus the session's own: a measurement began, ended or failed."""

    def measurement_started(self, measurement: Measurement) -> None:
        """Before the first experiment of ``measurement``."""

    def measurement_finished(self, measurement: Measurement, outcome: Outcome | None) -> None:
        """It ended; ``outcome`` is None when it was stopped before it could give one (a
        preset stopped midway has no verdict)."""

    def measurement_failed(self, measurement: Measurement, message: str) -> None:
        """It could not run; ``message`` says why in one sentence."""


class SessionBusy(RuntimeError):
    """Another measurement is running: one at a time."""


class MeasurementFailed(RuntimeError):
    """The measurement could not run; the message is one plain sentence."""


def plain_error(exc: BaseException) -> str:
    """An engine failure in one sentence, without a traceback."""
    text = str(exc).strip()
    detail = text.splitlines()[0] if text else type(exc).__name__
    return f"The experiment could not run: {detail}"


def check(measurement: Measurement) -> None:
    """Validate what can be validated before any work (a :class:`ConfigError` otherwise)."""
    if isinstance(measurement, RunPreset):
        check_time_scale(measurement.time_scale)
        for experiment in measurement.preset.experiments:
            experiment.config(measurement.time_scale, measurement.repeat)
    elif isinstance(measurement, RunSweep):
        sweep_configs(measurement.base, measurement.axis, measurement.values)


def first_config(measurement: Measurement) -> Config:
    """The config a measurement runs first (already validated by the session)."""
    if isinstance(measurement, RunExperiment):
        return measurement.config
    if isinstance(measurement, RunPreset):
        return measurement.preset.experiments[0].config(measurement.time_scale)
    return sweep_configs(measurement.base, measurement.axis, measurement.values)[0]


class Session:
    """Runs one measurement at a time and reports to its observer; stops on request."""

    def __init__(self, observer: Observer | None = None) -> None:
        self.observer = observer or Observer()
        """Gets the engine's hooks; the session's own too when it is a SessionObserver."""
        self._hooks = observer if isinstance(observer, SessionObserver) else SessionObserver()
        self.current: Measurement | None = None
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Future[Outcome | None] | None = None

    @property
    def busy(self) -> bool:
        return self.current is not None

    async def run(self, measurement: Measurement) -> Outcome | None:
        """Run ``measurement`` to its end, or until :meth:`stop`.

        Raises :class:`SessionBusy` if one is already running (nothing is reported), and
        :class:`MeasurementFailed` if it could not run (after telling the observer).
        """
        return await self._run(self._begin(measurement), measurement)

    def start(self, measurement: Measurement) -> bool:
        """Start ``measurement`` on the running loop; False if one is already running.

        For event-driven clients (the window): the outcome or the failure reaches the
        observer. A :class:`ConfigError` is raised at once, before anything starts.
        """
        if self.busy:
            return False
        stop = self._begin(measurement)
        self._task = asyncio.ensure_future(self._run_quietly(stop, measurement))
        return True

    def _begin(self, measurement: Measurement) -> asyncio.Event:
        """Claim the session for ``measurement`` and say so, synchronously: no second one can
        slip in, and the window shows the run as started the moment Run is pressed."""
        if self.busy:
            raise SessionBusy("a measurement is already running")
        check(measurement)
        self.current = measurement
        self._stop = asyncio.Event()
        try:
            self._hooks.measurement_started(measurement)
        except BaseException:
            self._end()
            raise
        return self._stop

    async def _run(self, stop: asyncio.Event, measurement: Measurement) -> Outcome | None:
        observer = self._hooks
        try:
            outcome = await self._measure(measurement, stop)
        except Exception as exc:
            log.exception("measurement failed")
            message = plain_error(exc)
            self._end()
            observer.measurement_failed(measurement, message)
            raise MeasurementFailed(message) from exc
        except asyncio.CancelledError:
            self._end()
            observer.measurement_finished(measurement, None)
            raise
        self._end()
        observer.measurement_finished(measurement, outcome)
        return outcome

    async def _run_quietly(self, stop: asyncio.Event, measurement: Measurement) -> Outcome | None:
        try:
            return await self._run(stop, measurement)
        except MeasurementFailed:
            return None  # the observer has been told

    async def _measure(self, measurement: Measurement, stop: asyncio.Event) -> Outcome | None:
        observer = self.observer
        if isinstance(measurement, RunExperiment):
            return await run_experiment(measurement.config, observer, stop=stop)
        if isinstance(measurement, RunPreset):
            return await run_preset(
                measurement.preset,
                observer,
                time_scale=measurement.time_scale,
                stop=stop,
                repeat=measurement.repeat,
            )
        return await run_sweep(
            measurement.base, measurement.axis, measurement.values, observer, stop=stop
        )

    def _end(self) -> None:
        self.current = None
        self._stop = None

    def stop(self) -> None:
        """Ask the running measurement to stop: the current run's process tree is killed,
        finished runs are kept, and the measurement returns."""
        if self._stop is not None:
            self._stop.set()

    async def wait_idle(self) -> None:
        """Return once nothing started with :meth:`start` is running."""
        if self._task is not None:
            await asyncio.wait({self._task})
