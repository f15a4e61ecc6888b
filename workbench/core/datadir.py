"""Where the workbench keeps what it remembers between runs: history, interpreters, your code.

One folder per user, as the platform expects it (``platformdirs``: ``~/.local/share`` on
Linux, ``~/Library/Application Support`` on macOS, ``%LOCALAPPDATA%`` on Windows).
``WORKBENCH_DATA_DIR`` overrides it: tests point it at a temporary folder, and a portable
install (a USB stick in a lab) keeps its data beside itself.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "WORKBENCH_DATA_DIR"
APP_NAME = "concurrency-workbench"


def data_dir(*, create: bool = True) -> Path:
    """The user's data folder for the workbench, created on first use unless ``create`` is
    False."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        folder = Path(override).expanduser()
    else:
        import platformdirs

        folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder
