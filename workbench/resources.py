"""Where the app's data files (``resources/``: presets, icons) are, frozen or not.

Looked up, in order: ``WORKBENCH_RESOURCES`` (an override for tests and lab set-ups), the
PyInstaller bundle's data folder, and the source checkout's top-level ``resources/``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    override = os.environ.get("WORKBENCH_RESOURCES")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[1] / "resources"
