"""Regenerate the README's screenshots from real runs on this machine.

    python docs/screenshots.py            # offscreen Qt; also works under Xvfb or a desktop
    python docs/screenshots.py --only gil      # just the pictures whose name has "gil"
    python docs/screenshots.py --only states   # just the pictures whose name has "states"

Each scenario sets the config panel, runs the experiment through the window exactly as F5
does, waits for the engine to finish, and grabs the whole window (a grab, not pyqtgraph's SVG
exporter, which is broken on PySide6 ≥ 6.11 and slow at scale). The numbers in the pictures are
whatever this machine measured.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

IMAGES = Path(__file__).resolve().parent / "images"
WINDOW_SIZE = (1600, 1000)


@dataclass(frozen=True)
class Scenario:
    file_name: str
    workload: str
    strategies: tuple[str, ...]
    tasks: int
    params: dict[str, float]
    lanes: bool = False
    size: tuple[int, int] = WINDOW_SIZE
    zoom_s: float | None = None
    """Also save a second image with the time axis zoomed to 0–zoom_s (``-zoomed`` suffix)."""
    python: str | None = None
    """``--python`` specs to run it on (default: the Python running this script)."""
    settings_panel: bool = True
    states: bool = False
    """Colour each task by its thread's state (the timeline's States toggle)."""


SCENARIOS = (
    Scenario(
        "cpu-sequential-threads-process-pool.png",
        "cpu",
        ("sequential", "threads", "process-pool"),
        8,
        {"size": 2_500_000},
    ),
    Scenario(
        "sleep-sequential-vs-async-gather.png",
        "sleep",
        ("sequential", "async-gather"),
        10,
        {"duration": 0.2},
    ),
    # See inside each task: the GIL's turns, processes in parallel, the loop's lag.
    Scenario(
        "inside-cpu-threads-vs-process-pool.png",
        "cpu",
        ("threads", "process-pool"),
        3,
        {"size": 2_000_000},
        size=(1600, 1250),
        zoom_s=0.06,
        settings_panel=False,
    ),
    # The GIL off: the same threads on this Python and on a free-threaded build.
    Scenario(
        "gil-off-threads-cpu-311-vs-313t.png",
        "cpu",
        ("threads",),
        2,
        {"size": 3_000_000},
        settings_panel=False,
        python="this,free-threaded",
    ),
    Scenario(
        "inside-sleep-async-blocking-vs-async-gather.png",
        "sleep",
        ("async-blocking", "async-gather"),
        5,
        {"duration": 0.1},
        size=(1600, 1250),
        settings_panel=False,
    ),
    # Thread states from the OS: the GIL's turns in dark orange, a core wanted in light.
    Scenario(
        "states-cpu-threads-vs-process-pool.png",
        "cpu",
        ("threads", "process-pool"),
        3,
        {"size": 2_000_000},
        size=(1600, 1100),
        zoom_s=0.06,
        settings_panel=False,
        states=True,
    ),
)


def output_folder(description: str) -> Path:
    """The ``--out`` folder (default docs/images), created if need be."""
    out: Path = _arguments(description).out
    out.mkdir(parents=True, exist_ok=True)
    return out


def _arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=IMAGES, help="folder for the PNGs")
    parser.add_argument("--only", default="", help="only the pictures whose name has this")
    return parser.parse_args()


@contextlib.contextmanager
def screenshot_window(out: Path) -> Iterator[tuple[Any, Any, Any]]:
    """The real window on a qasync loop, with throw-away settings; closed cleanly after."""
    import qasync
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from workbench.gui.main_window import MainWindow
    from workbench.gui.theme import apply_app_style

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    apply_app_style(app)  # type: ignore[arg-type]
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    settings = QSettings(str(out / ".screenshots.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    window.resize(*WINDOW_SIZE)
    window.show()
    try:
        yield app, loop, window
    finally:
        window.close()
        loop.run_until_complete(window.serve_until_closed())
        Path(settings.fileName()).unlink(missing_ok=True)
        loop.close()


def main() -> int:
    out = output_folder(__doc__.splitlines()[0])

    from workbench.core.config import build_config
    from workbench.core.interpreter_launch import chosen
    from workbench.core.interpreters import InterpreterError
    from workbench.core.preset_interpreters import listed_interpreters

    only = _arguments(__doc__.splitlines()[0]).only
    with screenshot_window(out) as (app, loop, window):
        for scenario in (s for s in SCENARIOS if only in s.file_name):
            try:
                pythons = chosen(scenario.python) if scenario.python else ()
            except InterpreterError as exc:
                print(f"skipped {scenario.file_name}: {exc}", file=sys.stderr)
                continue
            config = build_config(
                scenario.workload,
                scenario.strategies,
                scenario.tasks,
                params=scenario.params,
                interpreters=pythons,
            )
            window.config_panel.interpreters_box.show_found(listed_interpreters())
            window.config_panel.set_config(config)
            window.timeline.set_lanes(scenario.lanes)
            window.timeline.controls.states_check.setChecked(scenario.states)
            window.resize(*scenario.size)
            window.actions.settings_panel.setChecked(scenario.settings_panel)
            if not window.run_experiment():
                print(f"not run: {window.config_panel.error.text()}", file=sys.stderr)
                return 1
            loop.run_until_complete(window.presenter.wait_idle())
            app.processEvents()
            path = out / scenario.file_name
            window.grab().save(str(path))
            print(f"wrote {path}")
            if scenario.zoom_s is not None:
                zoomed = path.with_name(f"{path.stem}-zoomed{path.suffix}")
                window.timeline.following = False
                window.timeline.panels[0].gantt.plot.setXRange(0, scenario.zoom_s, padding=0)
                app.processEvents()
                window.grab().save(str(zoomed))
                window.timeline.fit()
                print(f"wrote {zoomed}")
            for text in window.explanations.texts():
                print(f"  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
