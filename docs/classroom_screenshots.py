"""Regenerate the README's classroom-mode screenshots from real runs on this machine.

    python docs/classroom_screenshots.py       # offscreen Qt; also works under Xvfb

A preset's Claim / Measured / Verdict panel, presentation mode after the chess exhibition,
and a scaling sweep; the numbers are whatever this machine measured.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import WINDOW_SIZE, output_folder, screenshot_window


def main() -> int:
    out = output_folder(__doc__.splitlines()[0])

    from workbench.core.config import build_config

    with screenshot_window(out) as (app, loop, window):
        return take_pictures(out, app, loop, window, build_config)


def take_pictures(out: Path, app: Any, loop: Any, window: Any, build_config: Any) -> int:

    def run_preset(name: str, scale: str) -> None:
        window.presets.choose(name)
        window.presets.time_scale.edit.setText(scale)
        assert window.run_experiment(), window.config_panel.error.text()
        loop.run_until_complete(window.presenter.wait_idle())
        app.processEvents()

    def save(widget, name: str) -> None:
        path = out / name
        widget.grab().save(str(path))
        print(f"wrote {path}")

    run_preset("three-counts", "0.5")
    save(window, "preset-verdict-three-counts.png")

    window.actions.presentation.setChecked(True)
    window.resize(*WINDOW_SIZE)  # offscreen "full screen" is the virtual screen's size
    run_preset("chess-exhibition", "0.0002")
    window.resize(*WINDOW_SIZE)
    app.processEvents()
    save(window, "presentation-chess-exhibition.png")
    window.actions.presentation.setChecked(False)
    window.resize(*WINDOW_SIZE)

    window.presets.choose(None)
    config = build_config(
        "cpu", ("sequential", "threads", "process-pool"), 8, params={"size": 1_000_000}
    )
    window.config_panel.set_config(config)
    dialog = window.classroom.open_sweep()
    dialog.resize(1400, 650)
    dialog.axis.setCurrentText("workers")
    dialog.values.setText("1,2,4")
    assert dialog.start(), dialog.error.text()
    loop.run_until_complete(window.presenter.wait_idle())
    app.processEvents()
    save(dialog, "sweep-cpu-workers.png")
    dialog.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
