"""Reading a desktop entry the way a desktop environment does, enough to start what it says."""

from __future__ import annotations

import re
import shlex
import shutil
import stat
import subprocess
from pathlib import Path

from tests.conftest import REPO_ROOT

ENTRY_NAME = "concurrency-workbench.desktop"
LINUX = REPO_ROOT / "packaging" / "linux"


def install(installer: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(installer), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def entry_path(env: dict[str, str]) -> Path:
    return Path(env["XDG_DATA_HOME"]) / "applications" / ENTRY_NAME


def read_entry(path: Path) -> dict[str, str]:
    """The keys of the ``[Desktop Entry]`` group (the only group the spec requires)."""
    keys: dict[str, str] = {}
    group = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            group = line.strip()
        elif group == "[Desktop Entry]" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            keys[key.strip()] = value.strip()
    return keys


def exec_argv(exec_value: str) -> list[str]:
    """The command an ``Exec`` value runs: quoted arguments, field codes dropped, %% → %."""
    words = shlex.split(exec_value)
    return [w.replace("%%", "%") for w in words if not re.fullmatch(r"%[fFuUdDnNickvm]", w)]


def make_fake_bundle(folder: Path) -> Path:
    """The bundle's layout with the real scripts and icon, and a stub app that records argv."""
    internal = folder / "_internal"
    icons = internal / "workbench" / "resources" / "icons"
    icons.mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "workbench" / "resources" / "icons" / "workbench.png", icons)
    for name in ("concurrency-workbench-launcher", "install-desktop-entry.sh"):
        shutil.copy2(LINUX / name, folder / name)
    app = folder / "concurrency-workbench"
    app.write_text(
        '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > "$STUB_RECORD"\n',
        encoding="utf-8",
    )
    app.chmod(app.stat().st_mode | stat.S_IXUSR)
    return folder
