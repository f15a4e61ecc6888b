"""Regenerate the README's pictures of the history, a comparison and the class's lab.

    python docs/lab_screenshots.py            # offscreen Qt; also works under Xvfb
    python docs/lab_screenshots.py --sizes    # also at 1280×720 and 1024×768, to check them

The History panel and the comparison show real runs on this machine, recorded by the window
into a throw-away history (never the user's). The class view shows **20 fabricated
submissions** — results built in code for plausible lab machines (varied cores, CPU models,
OSes and Pythons; see ``lab_machines.py``) and fed to the window's class roster, as the
collector feeds it — because no room of machines was at hand; the collector itself is real
and listening while the picture is taken.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lab_machines import LAB_MACHINES, lab_results
from screenshots import screenshot_window

MAIN_SIZE = (1600, 1000)
PANEL_SIZE = (1280, 360)
COMPARISON_SIZE = (1400, 900)
CLASS_SIZE = (1600, 900)
CHECK_SIZES = ((1280, 720), (1024, 768))


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "images")
    parser.add_argument("--sizes", action="store_true", help="also at projector sizes")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="workbench-screenshots-") as data:
        os.environ["WORKBENCH_DATA_DIR"] = data  # a history of its own, thrown away after
        with screenshot_window(args.out) as (app, loop, window):
            camera = Camera(args.out, args.sizes, app, loop, window)
            history_and_comparison(camera)
            class_view(camera)
    return 0


class Camera:
    """Drives the window on its loop and saves what it shows."""

    def __init__(self, out: Path, sizes: bool, app: Any, loop: Any, window: Any) -> None:
        self.out, self.sizes, self.app, self.loop, self.window = out, sizes, app, loop, window

    def settle(self) -> None:
        for _ in range(5):
            self.app.processEvents()

    def save(self, widget: Any, name: str, size: tuple[int, int]) -> None:
        widget.resize(*size)
        self.settle()
        widget.grab().save(str(self.out / name))
        print(f"wrote {self.out / name}")

    def variants(self, widget: Any, stem: str) -> None:
        """With --sizes, the same picture at projector sizes (to look at, not for the README)."""
        if self.sizes:
            for width, height in CHECK_SIZES:
                self.save(widget, f"{stem}-{width}x{height}.png", (width, height))

    def wait_for(self, condition: Any) -> None:
        async def poll() -> None:
            while not condition():
                await asyncio.sleep(0.02)

        self.loop.run_until_complete(asyncio.wait_for(poll(), 120))

    def measured(self) -> None:
        """Once the run is over and the window has kept it in the history."""
        self.loop.run_until_complete(self.window.presenter.wait_idle())
        self.loop.run_until_complete(self.window.history.history.drain())

    def run(self, config: Any) -> None:
        self.window.config_panel.set_config(config)
        assert self.window.run_experiment(), self.window.config_panel.error.text()
        self.measured()

    def run_preset(self, name: str, scale: str) -> None:
        self.window.presets.choose(name)
        self.window.presets.time_scale.edit.setText(scale)
        assert self.window.run_experiment()
        self.measured()
        self.window.presets.choose(None)


def history_and_comparison(camera: Camera) -> None:
    """Real runs, each kept by the window as it finishes; two of them compared."""
    from workbench.core.config import build_config

    window = camera.window
    window.resize(*MAIN_SIZE)
    sleepers = ("sequential", "async-gather", "threads")
    camera.run(build_config("sleep", sleepers, 10, params={"duration": 0.1}))
    cpu = ("sequential", "threads", "process-pool")
    camera.run(build_config("cpu", cpu, 4, workers=1, params={"size": 1_500_000}, repeat=3))
    camera.run(build_config("cpu", cpu, 4, workers=2, params={"size": 1_500_000}, repeat=3))
    camera.run_preset("hello-hello", "0.2")
    camera.run(build_config("hash", ("sequential", "thread-pool"), 8))

    panel = window.history.show_panel()
    camera.wait_for(lambda: len(panel.table.shown_ids()) >= 5)
    panel.table.select_ids(panel.table.shown_ids()[2:4])  # the two cpu runs
    camera.save(panel, "history-panel.png", PANEL_SIZE)
    camera.variants(panel, "history-panel")

    panel.compare_button.click()
    camera.wait_for(lambda: bool(window.history.comparisons))
    comparison = window.history.comparisons[-1]
    comparison.timelines.show_strategy("process-pool")
    camera.save(comparison, "compare-workers.png", COMPARISON_SIZE)
    camera.variants(comparison, "compare-workers")
    if camera.sizes:
        comparison.timelines.show_strategy("All strategies")
        camera.save(comparison, "compare-workers-all.png", COMPARISON_SIZE)
    comparison.close()
    panel.close()


def class_view(camera: Camera) -> None:
    """The collector listening for real; 20 fabricated submissions fed to its roster."""
    from workbench.core.exports import to_json

    lab = camera.window.lab
    view = lab.open_and_collect()
    camera.wait_for(lambda: view.collecting)
    for number, machine in enumerate(LAB_MACHINES):
        results, preset, verdict = lab_results(machine, number)
        entry = lab.roster.keep(
            results, to_json(results), hostname=machine.hostname,
            client=f"192.0.2.{number + 20}", preset=preset, verdict=verdict,
        )  # fmt: skip
        lab.roster.publish(entry)
    camera.wait_for(lambda: len(view.entries) == len(LAB_MACHINES))
    camera.save(view, "class-lab-20-machines.png", CLASS_SIZE)
    camera.variants(view, "class-lab-20-machines")
    view.close()
    camera.wait_for(lambda: lab.collector is None)


if __name__ == "__main__":
    sys.exit(main())
