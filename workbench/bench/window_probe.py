"""Run by :mod:`workbench.bench.window` in its own interpreter: the window under load.

``responsiveness``: a 10 ms QTimer on the window's (qasync) loop while the window runs the
heaviest experiments through its own presenter; its lateness is what a user feels as
stutter. The 100,000-task run also gives the window's memory and its redraw time.
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


def responsiveness(quick: bool) -> None:
    import psutil
    import qasync
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from workbench.core.config import build_config
    from workbench.core.machine import this_machine
    from workbench.core.session import RunExperiment
    from workbench.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow()
    window.show()
    cores = this_machine().logical_cpus
    big = 2_000 if quick else 100_000
    cases = [
        ("threads on cpu", build_config("cpu", ["threads"], 4)),
        (
            "process-pool on cpu, every core",
            build_config("cpu", ["process-pool"], 2 * cores, cores),
        ),
        (
            f"{big:,}-task async-gather",
            build_config("sleep", ["async-gather"], big, params={"duration": 0.5}),
        ),
    ]
    figures: dict[str, Any] = {"tick_ms": TICK_MS, "cases": []}
    process = psutil.Process()
    for name, config in cases:
        lateness: list[float] = []
        last = [time.perf_counter()]

        def tick(lateness: list[float] = lateness, last: list[float] = last) -> None:
            now = time.perf_counter()
            lateness.append(max(0.0, (now - last[0]) * 1000 - TICK_MS))
            last[0] = now

        rss_before = process.memory_info().rss
        timer = QTimer()
        timer.setInterval(TICK_MS)
        timer.timeout.connect(tick)
        timer.start()
        window.presenter.start(RunExperiment(config))
        loop.run_until_complete(window.presenter.wait_idle())
        timer.stop()
        figures["cases"].append(
            {
                "name": name,
                "ticks": len(lateness),
                "lateness_ms_p50": round(statistics.median(lateness), 2),
                "lateness_ms_p99": round(_percentile(lateness, 0.99), 2),
                "lateness_ms_max": round(max(lateness), 2),
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
