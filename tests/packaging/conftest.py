"""The bundle, built once per test session with ``packaging/build`` exactly as a person would.

Building takes ~20–30 s (longer on a busy machine), so every bundle test shares one build in
a temporary folder; a developer's own ``dist/`` is never touched.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.xsession import TAG_ENV, kill_tagged, xvfb

BUILD_TIMEOUT_S = 600


@dataclass(frozen=True)
class Bundle:
    folder: Path
    executable: Path
    archive: Path
    build_output: str

    @property
    def launcher(self) -> Path:
        return self.folder / "concurrency-workbench-launcher"

    @property
    def installer(self) -> Path:
        return self.folder / "install-desktop-entry.sh"


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed: pip install -e '.[bundle]' (CI installs it)")
    out = tmp_path_factory.mktemp("bundle")
    done = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "packaging" / "build"),
            "--no-install",
            f"--dist={out / 'dist'}",
            f"--work={out / 'work'}",
        ],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    executable = Path(done.stdout.strip().splitlines()[-1])
    archives = list((out / "dist").glob("concurrency-workbench-*.tar.gz"))
    assert len(archives) == 1, f"expected one archive, found {archives}"
    return Bundle(executable.parent, executable, archives[0], done.stdout)


def needs_x_tools() -> str | None:
    """None when an X server can be started and driven here, else what is missing."""
    if not sys.platform.startswith("linux"):
        return "Xvfb runs on Linux only"
    missing = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]
    if missing:
        return f"needs {' and '.join(missing)} (apt-get install xvfb xdotool; CI installs them)"
    return None


@pytest.fixture
def display() -> Iterator[str]:
    if (reason := needs_x_tools()) is not None:
        pytest.skip(reason)
    with xvfb() as name:
        yield name


@pytest.fixture
def tag() -> Iterator[str]:
    """A unique tag for the processes this test starts; whatever still runs at the end dies."""
    value = uuid.uuid4().hex
    yield value
    kill_tagged(value)


@pytest.fixture
def user_env(tmp_path: Path, tag: str) -> dict[str, str]:
    """A lab user's environment: own home and data folders, a tag, no forced Qt platform."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "DISPLAY", "XDG_DATA_HOME")
    }
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        **{TAG_ENV: tag},
    )
    return env
