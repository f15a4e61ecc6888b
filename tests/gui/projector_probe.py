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
    frame = window.frameGeometry()
    figures = {
        "screen": [screen.width(), screen.height()],
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "window_height": window.height(),
        "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
        "charts_height": window.timeline.scroll.viewport().height(),
        "verdict": window.verdict_view.verdict.value if window.verdict_view.verdict else None,
        "comparison_rows": len(window.comparison.chart.rows),
    }
    if args.screenshot:
        app.primaryScreen().grabWindow(0).save(args.screenshot)
    # The replay's bar over the timeline: in large type it once made the window wider than
    # the screen.
    if window.classroom.start_replay():
        loop.run_until_complete(settle())
        replay = window.frameGeometry()
        figures["replay_minimum"] = [
            window.minimumSizeHint().width(),
            window.minimumSizeHint().height(),
        ]
        figures["replay_frame"] = [replay.x(), replay.y(), replay.width(), replay.height()]
        window.replay.stop()
    print(json.dumps(figures))
    window.close()
    loop.run_until_complete(window.serve_until_closed())
    loop.close()  # ends qasync's executor threads before the interpreter does
    return 0


if __name__ == "__main__":
    sys.exit(main())
