"""The child's sources, exposed alone to a foreign interpreter: from a checkout and from a
non-editable install, whose folder holding ``workbench`` is site-packages itself."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from workbench.core import scratch
from workbench.core.child_source import (
    BUNDLED_FOLDER,
    CACHE_FOLDER,
    child_side_files,
    child_source_path,
)
from workbench.core.config import build_config
from workbench.core.engine import run_experiment
from workbench.core.interpreter_launch import launch_for, record_of
from workbench.core.interpreters import parse_specs


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data folder of its own, and the exposed folder not yet made in this process."""
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path))
    child_source_path.cache_clear()
    yield tmp_path / CACHE_FOLDER
    child_source_path.cache_clear()


def test_the_child_side_is_the_child_and_what_it_imports_and_nothing_else() -> None:
    files = {path.as_posix() for path in child_side_files()}
    assert {
        "workbench/__init__.py",
        "workbench/core/child.py",
        "workbench/core/protocol/__init__.py",
        "workbench/core/protocol/codec.py",
        "workbench/core/protocol/fields.py",
        "workbench/core/protocol/messages.py",
    } <= files
    assert "workbench/core/strategies/processes.py" in files  # reached through the registry
    assert not files & {
        "workbench/core/engine.py",
        "workbench/core/results.py",
        "workbench/__main__.py",
    }


def test_it_is_copied_once_per_version_and_old_copies_are_cleared(fresh: Path) -> None:
    stale, recent = fresh / "workbench-0000", fresh / "workbench-1111"
    for old in (stale, recent):
        (old / "workbench").mkdir(parents=True)
        (old / ".complete").touch()
    two_days_ago = time.time() - 2 * 86_400
    os.utime(stale / ".complete", (two_days_ago, two_days_ago))
    exposed = Path(child_source_path())
    assert exposed.parent == fresh and exposed.name.startswith("workbench-")
    assert sorted(p.relative_to(exposed) for p in exposed.rglob("*.py")) == child_side_files()
    assert not stale.exists() and recent.exists()  # another version in use stays
    assert not list(fresh.glob(".building-*"))  # nothing half-built left behind
    child_source_path.cache_clear()
    assert child_source_path() == str(exposed)  # the same sources: the same folder


def test_a_read_only_data_folder_gets_a_private_copy(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr("workbench.core.datadir.data_dir", refuse)
    exposed = Path(child_source_path())
    assert not exposed.is_relative_to(fresh) and (exposed / "workbench/core/child.py").is_file()
    # Named as this engine's own: if it is killed before its exit removes the copy, the
    # next engine to start does (an engine still running keeps it).
    assert exposed.parent.name.startswith(f"{scratch.PREFIX}{os.getpid()}-")
    assert exposed.parent not in scratch.remove_abandoned(exposed.parent.parent)
    assert exposed.is_dir()


@pytest.mark.slow
def test_a_non_editable_install_runs_a_foreign_python_on_the_childs_sources_alone(
    tmp_path: Path,
) -> None:
    source = tmp_path / "source"  # built from a copy: the build leaves nothing in the checkout
    shutil.copytree(
        REPO_ROOT / "workbench", source / "workbench", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / name, source)
    site = tmp_path / "lib" / "site-packages"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site)]
    subprocess.run([*pip, str(source)], check=True, capture_output=True)
    assert (site / "workbench").is_dir() and not (site / "workbench" / "__editable__").exists()
    # A package installed beside it, as in any site-packages, which every child is told to
    # import: the workbench's own Python finds it there; a foreign one must not.
    (site / "decoy.py").write_text("FOUND = True\n", encoding="utf-8")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    data = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(site), "WORKBENCH_DATA_DIR": str(data)}
    env["WORKBENCH_WORKLOAD_MODULES"] = "decoy"
    out = tmp_path / "r.json"
    command = [sys.executable, "-m", "workbench", "run", "-w", "cpu", "-p", "size=100000"]
    command += ["-n", "2", "-s", "sequential,threads", "--python", f"this,{venv}/bin/python"]
    command += ["--out", str(out), "--no-history", "-q"]
    done = subprocess.run(command, check=False, cwd=tmp_path, env=env, capture_output=True)
    assert done.returncode == 1, done.stderr  # the foreign runs failed, as they must
    runs = json.loads(out.read_text(encoding="utf-8"))["runs"]
    assert [run["ok"] for run in runs] == [True, True, False, False]
    assert all("No module named 'decoy'" in run["error"] for run in runs[2:])
    assert runs[-1]["interpreter"]["path"] == f"{venv}/bin/python"
    (exposed,) = (data / CACHE_FOLDER).iterdir()
    assert sorted(p.name for p in exposed.iterdir() if p.name != ".complete") == ["workbench"]
    assert sorted(p.name for p in (exposed / "workbench").iterdir()) == ["__init__.py", "core"]
    ask = "import workbench; print(workbench.__file__)"
    where = subprocess.run(
        [sys.executable, "-c", ask], check=True, cwd=tmp_path, env=env, capture_output=True
    )
    assert where.stdout.decode().startswith(str(site))  # it was the installed copy that ran


def test_a_frozen_app_points_a_foreign_python_at_the_sources_it_carries(
    fresh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "_internal"  # laid out as packaging/workbench.spec ships it
    for relative in child_side_files():
        (bundle / BUNDLED_FOLDER / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / relative, bundle / BUNDLED_FOLDER / relative)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.setenv("LD_LIBRARY_PATH", str(bundle))  # as the bundle's loader sets it
    monkeypatch.setenv("LD_LIBRARY_PATH_ORIG", "/usr/local/lib")
    assert child_source_path() == str(bundle / BUNDLED_FOLDER)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (target,) = (record_of(c) for c in parse_specs(str(venv / "bin" / "python"), ()))
    env = launch_for(target).environment
    assert env is not None and env["PYTHONPATH"].split(os.pathsep)[0] == child_source_path()
    assert env["LD_LIBRARY_PATH"] == "/usr/local/lib" and "LD_LIBRARY_PATH_ORIG" not in env
    config = build_config("cpu", ["threads"], 2, 2, {"size": 50_000}, 1, interpreters=(target,))
    (run,) = asyncio.run(run_experiment(config)).runs
    assert run.ok and len(run.tasks) == 2, run.error  # what the bundle carries is enough
    shutil.rmtree(bundle / BUNDLED_FOLDER)
    child_source_path.cache_clear()
    with pytest.raises(FileNotFoundError, match="this app carries no sources for another Python"):
        child_source_path()
