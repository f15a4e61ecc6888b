"""Run by :mod:`workbench.bench.million` in its own interpreter: the window holding one very
big run (``python -m workbench.bench.window_big_probe live 1000000`` or ``open FILE``).

``live``: the window runs a gathered sleep of that many tasks through its own presenter, a
10 ms QTimer on its loop measuring lateness meanwhile (and apart, for a moment after: the
idle collection of the run's heap); then its redraw time, its process's
peak memory (the window and the engine share it) and the run process's, and the results saved
compact for ``open``. ``open``: a fresh window opens that file and draws it — the finished
run as a user reopens it — with the time each step takes and the peak memory. Prints one JSON
object (the last line).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from workbench.bench.probes import peak_bytes
from workbench.bench.window_probe import TICK_MS, _percentile

SIZE = (1280, 800)
STALL_MS = 250
"""A stall a user would call a freeze (the issue's bar for a million-task run)."""
AFTER_IDLE_S = 1.0


def _peak_mb(who: int) -> float:
    return round(peak_bytes(who) / 2**20, 1)


def _redraw_ms(window: Any) -> float:
    began = time.perf_counter()
    window.timeline.refresh()
    window.timeline.grab()  # paints every item, as the screen would
    return round((time.perf_counter() - began) * 1000, 1)


def _window() -> tuple[Any, Any]:
    import qasync
    from PySide6.QtWidgets import QApplication

    from workbench.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow()
    window.resize(*SIZE)
    window.show()
    return window, loop


def live(tasks: int, save_to: str | None) -> dict[str, Any]:
    from PySide6.QtCore import QTimer

    from workbench.core.config import build_config
    from workbench.core.exports import save
    from workbench.core.session import RunExperiment
    from workbench.gui.model.presenter import IDLE_COLLECT_DELAY_S

    window, loop = _window()
    lateness: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last[0]) * 1000 - TICK_MS))
        last[0] = now

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    config = build_config("sleep", ["async-gather"], tasks, params={"duration": 1.0})
    began = time.perf_counter()
    timer.start()
    window.presenter.start(RunExperiment(config))
    loop.run_until_complete(window.presenter.wait_idle())
    ended = len(lateness)
    # On past the idle collection of the run's heap (see gui.model.collector): a stall the
    # user meets after the run, not during it, so it is reported apart.
    loop.run_until_complete(asyncio.sleep(IDLE_COLLECT_DELAY_S + AFTER_IDLE_S))
    timer.stop()
    after = lateness[ended:] or [0.0]
    del lateness[ended:]
    results = window.presenter.results
    figures: dict[str, Any] = {
        "tasks": tasks,
        "ok": results is not None and results.ok,
        "experiment_s": round(time.perf_counter() - began, 1),
        "run_wall_s": None if results is None else round(results.runs[0].wall_ns / 1e9, 2),
        "lateness_ms_p50": round(_percentile(lateness, 0.5), 2),
        "lateness_ms_p99": round(_percentile(lateness, 0.99), 2),
        "lateness_ms_max": round(max(lateness), 1),
        "stalls_over_250_ms": sum(late > STALL_MS for late in lateness),
        "after_run_lateness_ms_max": round(max(after), 1),
        "redraw_ms": _redraw_ms(window),
        "drawn_rectangles": window.timeline.panels[0].gantt.drawn_rectangles(),
        "window_and_engine_peak_mb": _peak_mb(resource.RUSAGE_SELF),
        "run_process_peak_mb": _peak_mb(resource.RUSAGE_CHILDREN),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    if save_to and results is not None:
        save(results, save_to)
    return figures


def reopen(path: str) -> dict[str, Any]:
    from workbench.gui.results import files

    window, _ = _window()
    before = _peak_mb(resource.RUSAGE_SELF)
    began = time.perf_counter()
    results = files.open_results(path)
    loaded = time.perf_counter()
    window.presenter.show_results(results, os.path.basename(path))
    shown = time.perf_counter()
    return {
        "tasks": sum(len(run.tasks) for run in results.runs),
        "file_mb": round(os.path.getsize(path) / 2**20, 2),
        "load_s": round(loaded - began, 2),
        "show_s": round(shown - loaded, 2),
        "redraw_ms": _redraw_ms(window),
        "drawn_rectangles": window.timeline.panels[0].gantt.drawn_rectangles(),
        "empty_window_peak_mb": before,
        "window_peak_mb": _peak_mb(resource.RUSAGE_SELF),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    if sys.argv[1] == "live":
        figures = live(int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else None)
    else:
        figures = reopen(sys.argv[2])
    print(json.dumps(figures), flush=True)
    os._exit(0)  # the figures are out; skip Qt's teardown
