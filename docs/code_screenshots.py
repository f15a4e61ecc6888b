"""Regenerate the README's picture of "Your code…" from a real run on this machine.

    python docs/code_screenshots.py       # on a desktop or Xvfb, a screen 1600 px wide or more

(Offscreen Qt's screen is 800 px wide: there the settings make room for the code, as on any
screen too narrow for both beside the charts, and the picture shows no settings.)

The shipped three-counts example (Jerry Liu's three ``count()`` coroutines) is opened in the
code pane, awaited in turn and gathered, and the whole window is grabbed once the run is over:
the code with its chosen function, the timelines, the table, and what the code printed.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshots import output_folder, screenshot_window

FILE_NAME = "your-code-three-counts.png"
SIZE = (1600, 1000)


def main() -> int:
    out = output_folder(__doc__.splitlines()[0])

    from workbench.gui.settings.config_panel import YOUR_CODE

    async def started() -> None:
        while not window.presenter.busy:  # the check (loading it, setup) comes first
            await asyncio.sleep(0.02)

    with screenshot_window(out) as (app, loop, window):
        window.resize(*SIZE)
        panel = window.config_panel
        panel.workload_combo.setCurrentText(YOUR_CODE)
        panel.code_pane.open_example("three-counts")
        panel.code_pane.arguments.setText("seconds=0.3")
        panel.tasks.edit.setText("3")
        for name, check in panel.strategy_checks.items():
            check.setChecked(name in ("async-sequential", "async-gather"))
        window.run_experiment()
        loop.run_until_complete(asyncio.wait_for(started(), 60))
        loop.run_until_complete(window.presenter.wait_idle())
        app.processEvents()
        path = out / FILE_NAME
        window.grab().save(str(path))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
