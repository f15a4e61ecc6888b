"""Open the real window on the X server in DISPLAY, maximised, optionally in presentation mode,
run a preset, and report as JSON what a projector would show: whether the window fits the
screen, and how much of its height the timeline's charts get. Optionally save the screen.

    python -m tests.gui.projector_probe --preset three-counts --time-scale 0.1 \\
        [--presentation] [--screenshot PATH]

Run by tests/gui/test_projector.py (and by docs/projector_screenshots.py for the README).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from typing import Any


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", default="three-counts")
    parser.add_argument("--time-scale", default="0.1")
    parser.add_argument("--presentation", action="store_true")
    parser.add_argument("--screenshot")
    args = parser.parse_args()

    import qasync
    from PySide6.QtWidgets import QApplication

    from workbench.gui.main_window import MainWindow
    from workbench.gui.theme import apply_app_style

    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    apply_app_style(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow()
    window.showMaximized()

    async def settle() -> None:  # let the window manager map and size the window
        for _ in range(50):
            await asyncio.sleep(0.05)
            app.processEvents()

    loop.run_until_complete(settle())
    if args.presentation:
        window.actions.presentation.setChecked(True)
    window.presets.choose(args.preset)
    window.presets.time_scale.edit.setText(args.time_scale)
    if not window.run_experiment():
        print(json.dumps({"error": window.config_panel.error.text()}))
        return 1
    loop.run_until_complete(window.presenter.wait_idle())
    loop.run_until_complete(settle())
    screen = app.primaryScreen().geometry()
    figures = {
        "screen": [screen.width(), screen.height()],
        "frame": frame_of(window),
        "window_height": window.height(),
        "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
        "charts_height": window.timeline.scroll.viewport().height(),
        "verdict": window.verdict_view.verdict.value if window.verdict_view.verdict else None,
        "comparison_rows": len(window.comparison.chart.rows),
    }
    if args.screenshot:
        app.primaryScreen().grabWindow(0).save(args.screenshot)

    def settled() -> None:
        loop.run_until_complete(settle())

    figures.update(replay_figures(window, settled))
    figures.update(code_figures(window, settled))
    print(json.dumps(figures))
    window.close()
    loop.run_until_complete(window.serve_until_closed())
    loop.close()  # ends qasync's executor threads before the interpreter does
    return 0


def frame_of(window: Any) -> list[int]:
    frame = window.frameGeometry()
    return [frame.x(), frame.y(), frame.width(), frame.height()]


def replay_figures(window: Any, settle: Callable[[], None]) -> dict[str, Any]:
    """The replay's bar over the timeline: in large type it once made the window wider than
    the screen."""
    if not window.classroom.start_replay():
        return {}
    settle()
    hint = window.minimumSizeHint()
    figures = {"replay_minimum": [hint.width(), hint.height()], "replay_frame": frame_of(window)}
    window.replay.stop()
    return figures


def code_figures(window: Any, settle: Callable[[], None]) -> dict[str, Any]:
    """The code editor beside the settings and the charts: where all three do not fit, the
    settings make room, and get it back when brought back (Ctrl+B)."""
    from workbench.gui.settings.config_panel import YOUR_CODE

    panel = window.config_panel
    panel.workload_combo.setCurrentIndex(panel.workload_combo.findText(YOUR_CODE))
    figures: dict[str, Any] = {}
    for step in ("code", "settings_again"):
        if step == "settings_again":
            window.actions.settings_panel.setChecked(True)
        settle()
        figures[f"{step}_frame"] = frame_of(window)
        figures[f"{step}_shown"] = [
            window.actions.settings_panel.isChecked(),
            panel.code_dock.isVisible(),
        ]
    return figures


if __name__ == "__main__":
    sys.exit(main())
