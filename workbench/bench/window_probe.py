"""Run by :mod:`workbench.bench.window` in its own interpreter: the window under load.

``responsiveness``: a 10 ms QTimer on the window's (qasync) loop while the window runs the
heaviest experiments through its own presenter; its lateness is what a user feels as
stutter — over the whole experiment (from the click to the outcome on screen) and during
the run alone. The 100,000-task gather, the target's case, runs :data:`BIG_REPEATS` times:
one experiment is some 400 ticks, so its p99 is its fifth-latest tick, and whether the
start's, the end's and the run's few late ticks make five moves it by several ms from one
experiment to the next; the figures pool the ticks of every repeat, and give each one's p99
too. The 100,000-task run also gives the window's memory and its redraw time.
``startup``: prints the clock when the window first paints, for launch-to-paint time.
Prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TICK_MS = 10
BIG_REPEATS = 3
"""How many times the big gather runs in one window (each experiment replaces the last)."""


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1)))]


def startup() -> None:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    from workbench.gui.main_window import MainWindow

    window = MainWindow()

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                print(json.dumps({"first_paint_ns": time.perf_counter_ns()}), flush=True)
                os._exit(0)
            return False

    spy = FirstPaint()
    window.installEventFilter(spy)
    window.show()
    app.exec()


class _RunSpan:
    """When the window heard a run start and end: the ticks in between are "during the run".

    From the presenter's ``run_started`` (the run's process is started, its request about to
    go) to its ``run_finished`` being called (the run's record is complete): a tick that fires
    after that waited for the finished run's view, the experiment's outcome after it — the
    window's work once the run is over, which the whole experiment's figures keep.
    """

    def __init__(self, presenter: Any) -> None:
        self._began: float | None = None
        self._ended: float | None = None
        started, finished = presenter.run_started, presenter.run_finished

        def run_started(*args: Any, **kwargs: Any) -> None:
            if self._began is None:
                self._began = time.perf_counter()
            started(*args, **kwargs)

        def run_finished(*args: Any, **kwargs: Any) -> None:
            self._ended = time.perf_counter()
            finished(*args, **kwargs)

        presenter.run_started, presenter.run_finished = run_started, run_finished

    def reset(self) -> None:
        self._began = self._ended = None

    def holds(self, at: float) -> bool:
        return (
            self._began is not None and self._ended is not None and self._began <= at <= self._ended
        )


def _lateness_over(
    window: Any, loop: Any, config: Any, run_span: _RunSpan
) -> list[tuple[float, float]]:
    """(when, ms late) of each tick of a 10 ms timer over one experiment in ``window``."""
    from PySide6.QtCore import QTimer

    from workbench.core.session import RunExperiment

    ticks: list[tuple[float, float]] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        ticks.append((now, max(0.0, (now - last[0]) * 1000 - TICK_MS)))
        last[0] = now

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    run_span.reset()
    window.presenter.start(RunExperiment(config))
    loop.run_until_complete(window.presenter.wait_idle())
    timer.stop()
    return ticks


def responsiveness(quick: bool) -> None:
    import psutil
    import qasync
    from PySide6.QtWidgets import QApplication

    from workbench.core.config import build_config
    from workbench.core.machine import this_machine
    from workbench.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow()
    window.show()
    cores = this_machine().logical_cpus
    big = 2_000 if quick else 100_000
    cases = [
        ("threads on cpu", build_config("cpu", ["threads"], 4), 1),
        (
            "process-pool on cpu, every core",
            build_config("cpu", ["process-pool"], 2 * cores, cores),
            1,
        ),
        (
            f"{big:,}-task async-gather",
            build_config("sleep", ["async-gather"], big, params={"duration": 0.5}),
            1 if quick else BIG_REPEATS,
        ),
    ]
    figures: dict[str, Any] = {"tick_ms": TICK_MS, "cases": []}
    process = psutil.Process()
    run_span = _RunSpan(window.presenter)
    for name, config, repeats in cases:
        rss_before = process.memory_info().rss
        lateness: list[float] = []
        during: list[float] = []
        each_p99: list[float] = []
        for _ in range(repeats):
            ticks = _lateness_over(window, loop, config, run_span)
            lateness += [late for _, late in ticks]
            during += [late for at, late in ticks if run_span.holds(at)]
            each_p99.append(round(_percentile([late for _, late in ticks], 0.99), 2))
        figures["cases"].append(
            {
                "name": name,
                "experiments": repeats,
                "ticks": len(lateness),
                "lateness_ms_p50": round(statistics.median(lateness), 2),
                "lateness_ms_p99": round(_percentile(lateness, 0.99), 2),
                "lateness_ms_p99_each": each_p99,
                "lateness_ms_max": round(max(lateness), 2),
                "run_ticks": len(during),
                "run_lateness_ms_p99": round(_percentile(during, 0.99), 2) if during else None,
                "run_lateness_ms_max": round(max(during), 2) if during else None,
            }
        )
        if config.tasks == big:
            began = time.perf_counter()
            window.timeline.refresh()
            window.timeline.grab()  # paints every bar, as the screen would
            figures["big_run"] = {
                "tasks": big,
                "redraw_ms": round((time.perf_counter() - began) * 1000, 1),
                "window_rss_mb": round(process.memory_info().rss / 2**20, 1),
                "window_rss_growth_mb": round((process.memory_info().rss - rss_before) / 2**20, 1),
            }
    print(json.dumps(figures), flush=True)
    os._exit(0)  # the figures are out; skip Qt's teardown


if __name__ == "__main__":
    if sys.argv[1] == "startup":
        startup()
    else:
        responsiveness(quick="--quick" in sys.argv)
