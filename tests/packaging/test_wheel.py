"""Installed as a user would (a wheel in a fresh venv, run from a folder outside the checkout),
the workbench finds its presets and icons, runs a preset to a verdict and passes its self-test.

An editable install or the checkout on ``sys.path`` would hide missing package data, so the
test builds the wheel from a copy of the project's files, installs it without its sources
anywhere near, and asserts that the ``workbench`` it runs is the wheel's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow

BUILD_TIMEOUT_S = 300
RUN_TIMEOUT_S = 240
PRESETS = len(list((REPO_ROOT / "workbench" / "resources" / "presets").glob("*.json")))
"""The presets the checkout ships (12 today: the issue's 11 and gil-off): every one installed."""


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    workbench: Path
    """The console script the wheel installed."""
    outside: Path
    """A folder with nothing of the project in it, to run from."""
    env: dict[str, str]


def project_files(root: Path) -> list[str]:
    """What a fresh clone has: tracked files plus new, not ignored ones (no build leftovers)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (root / name).is_file()]


def copy_project(root: Path, target: Path) -> None:
    for name in project_files(root):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target / name)


def clean_env(home: Path) -> dict[str, str]:
    """Nothing from the test run points Python at the checkout."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PIP_"))
    }
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    source, wheels, outside = base / "source", base / "wheels", base / "elsewhere"
    for folder in (source, wheels, outside):
        folder.mkdir()
    copy_project(REPO_ROOT, source)  # the build writes build/ and *.egg-info beside its sources
    env = clean_env(base)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = wheels.glob("concurrency_workbench-*.whl")
    shutil.rmtree(source)  # from here on, no copy of the sources exists but the wheel
    # The dependencies are the ones already installed here (no downloads); the workbench
    # itself comes from the wheel, into the venv's own site-packages, which shadows them.
    env_dir = base / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    python = bin_dir / ("python.exe" if sys.platform == "win32" else "python")
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    script = bin_dir / ("workbench.exe" if sys.platform == "win32" else "workbench")
    return Installed(wheel, env_dir, script, outside, env)


def run(installed: Installed, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(installed.workbench), *args],
        cwd=installed.outside,
        env=installed.env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


def test_the_wheel_carries_presets_icons_and_schemas(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = wheel.namelist()
    data = sorted(n for n in names if n.startswith("workbench/resources/"))
    print("\n".join(data))  # the listing, for the log (pytest -s)
    assert sum(n.startswith("workbench/resources/presets/") for n in data) == PRESETS, data
    assert "workbench/resources/icons/workbench.png" in data
    assert "workbench/resources/schemas/results.schema.json" in data
    assert "workbench/resources/schemas/preset.schema.json" in data
    assert not [n for n in names if n.startswith(("tests/", "resources/", "docs/"))]


def test_the_venv_runs_the_wheels_workbench_not_the_checkouts(installed: Installed) -> None:
    python = installed.workbench.with_name(installed.workbench.name.replace("workbench", "python"))
    done = subprocess.run(
        [str(python), "-c", "import workbench; print(workbench.__file__)"],
        cwd=installed.outside,
        env=installed.env,
        capture_output=True,
        text=True,
        check=True,
    )
    where = Path(done.stdout.strip()).resolve()
    assert where.is_relative_to(installed.venv.resolve()), where
    assert not where.is_relative_to(REPO_ROOT), where


def test_installed_lists_every_preset(installed: Installed) -> None:
    done = run(installed, "presets")
    assert done.returncode == 0, done.stdout + done.stderr
    listed = [line.split()[0] for line in done.stdout.splitlines() if line[:1].strip()]
    assert len(listed) == PRESETS, done.stdout
    assert "three-counts" in listed


def test_installed_runs_a_preset_to_a_verdict(installed: Installed) -> None:
    done = run(installed, "run", "--preset", "three-counts", "--quiet")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Verdict:" in done.stdout, done.stdout
    assert "Traceback" not in done.stderr, done.stderr


def test_installed_self_test_passes(installed: Installed) -> None:
    done = run(installed, "--self-test")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("Self-test passed"), done.stdout
    assert "presets" in done.stdout, done.stdout
