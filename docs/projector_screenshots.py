"""Regenerate the README's projector pictures: the window as a class sees it at 1024×768 and at
1280×720, maximised under a real window manager, after a preset ran in presentation mode.

    python docs/projector_screenshots.py     # needs Xvfb and openbox (Debian: xvfb openbox)

Each size gets its own X server and window manager; the window runs the preset for real and the
whole screen is grabbed, title bar and all, as the projector would show it. The same probe is
what tests/gui/test_projector.py measures (the window fits, the charts get half the height).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
SIZES = ("1024x768", "1280x720")


def main() -> int:
    sys.path.insert(0, str(CHECKOUT))
    from tests.xsession import window_manager, xvfb

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CHECKOUT / "docs" / "images")
    parser.add_argument("--preset", default="chess-exhibition")
    parser.add_argument("--time-scale", default="0.0002")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)  # the probe writes into it, and says nothing
    for size in SIZES:
        out = args.out / f"projector-{size}-presentation.png"
        with xvfb(60, size) as display, window_manager(display) as managed:
            if not managed:
                print("no window manager (install openbox): nothing taken", file=sys.stderr)
                return 1
            env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
            probe = [sys.executable, "-m", "tests.gui.projector_probe", "--presentation"]
            probe += ["--preset", args.preset, "--time-scale", args.time_scale]
            done = subprocess.run(
                [*probe, "--screenshot", str(out)],
                env=env,
                cwd=CHECKOUT,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
        if done.returncode != 0:
            print(f"{size}: {done.stderr.strip() or done.stdout.strip()}", file=sys.stderr)
            return 1
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        share = figures["charts_height"] / figures["window_height"]
        print(
            f"{out.name}: window {figures['frame'][2:]} on {figures['screen']}, charts {share:.0%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
