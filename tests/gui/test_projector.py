"""The classroom's projectors (1024×768, 1280×720): on a real X server with a window manager,
the window maximised, after a preset run — with and without presentation mode — the window
fits the screen (never asks for more) and the timeline's charts get at least half its height;
the replay's bar, shown over the timeline, and the code editor beside the settings keep it
within the screen too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.xsession import needs, window_manager, xvfb

pytestmark = [pytest.mark.slow, *needs("Xvfb", "openbox")]


@pytest.mark.parametrize("presentation", [True, False], ids=["presenting", "normal"])
@pytest.mark.parametrize("size", ["1024x768", "1280x720"])
def test_after_a_preset_the_window_fits_and_the_timeline_gets_half(
    size: str, presentation: bool, tmp_path: Path
) -> None:
    shot = tmp_path / f"{size}.png"
    with xvfb(60, size) as display, window_manager(display):
        env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", XDG_CONFIG_HOME=str(tmp_path))
        command = [sys.executable, "-m", "tests.gui.projector_probe", "--screenshot", str(shot)]
        done = subprocess.run(
            command + (["--presentation"] if presentation else []),
            env=env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    width, height = figures["screen"]
    x, y, frame_w, frame_h = figures["frame"]
    assert figures["verdict"] is not None  # the preset ran and was judged
    assert figures["minimum"][0] <= width and figures["minimum"][1] <= height, figures
    assert x >= 0 and y >= 0 and x + frame_w <= width and y + frame_h <= height, figures
    assert figures["charts_height"] >= figures["window_height"] / 2, figures
    replay_x, replay_y, replay_w, replay_h = figures["replay_frame"]  # with the replay's bar too
    assert figures["replay_minimum"][0] <= width, figures
    assert replay_x >= 0 and replay_x + replay_w <= width and replay_y + replay_h <= height, figures
    for step in ("code", "settings_again"):  # the code editor opened, then the settings again
        step_x, _, step_w, _ = figures[f"{step}_frame"]
        assert step_x >= 0 and step_x + step_w <= width, (step, figures)
    assert figures["code_shown"][1] and figures["settings_again_shown"][0], figures
    assert shot.stat().st_size > 0
