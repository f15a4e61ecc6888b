"""Regenerate the README's classroom-mode screenshots from real runs on this machine.

    python docs/classroom_screenshots.py       # offscreen Qt; also works under Xvfb

A preset's Claim / Measured / Verdict panel, presentation mode after the chess exhibition,
and a scaling sweep; the numbers are whatever this machine measured.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

IMAGES = Path(__file__).resolve().parent / "images"
WINDOW_SIZE = (1600, 1000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=IMAGES, help="folder for the PNGs")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    import qasync
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from workbench.core.config import build_config
    from workbench.gui.main_window import MainWindow
    from workbench.gui.style import apply_app_style

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    apply_app_style(app)  # type: ignore[arg-type]
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    settings = QSettings(str(args.out / ".screenshots.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    window.resize(*WINDOW_SIZE)
    window.show()
    classroom = window.classroom

    def run_preset(name: str, scale: str) -> None:
        classroom.presets.choose(name)
        classroom.presets.time_scale.edit.setText(scale)
        assert window.run_experiment(), window.config_panel.error.text()
        loop.run_until_complete(classroom.wait_idle())
        app.processEvents()

    def save(widget, name: str) -> None:  # noqa: ANN001
        path = args.out / name
        widget.grab().save(str(path))
        print(f"wrote {path}")

    try:
        run_preset("three-counts", "0.5")
        save(window, "preset-verdict-three-counts.png")

        classroom.presentation_action.setChecked(True)
        window.resize(*WINDOW_SIZE)  # offscreen "full screen" is the virtual screen's size
        run_preset("chess-exhibition", "0.0002")
        window.resize(*WINDOW_SIZE)
        app.processEvents()
        save(window, "presentation-chess-exhibition.png")
        classroom.presentation_action.setChecked(False)
        window.resize(*WINDOW_SIZE)

        classroom.presets.choose(None)
        config = build_config(
            "cpu", ("sequential", "threads", "process-pool"), 8, params={"size": 1_000_000}
        )
        window.config_panel.set_config(config)
        dialog = classroom.open_sweep()
        dialog.resize(1400, 650)
        dialog.axis.setCurrentText("workers")
        dialog.values.setText("1,2,4")
        assert dialog.start(), dialog.error.text()
        loop.run_until_complete(dialog.wait_idle())
        app.processEvents()
        save(dialog, "sweep-cpu-workers.png")
        dialog.close()
    finally:
        window.close()
        loop.run_until_complete(window.serve_until_closed())
        Path(settings.fileName()).unlink(missing_ok=True)
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
