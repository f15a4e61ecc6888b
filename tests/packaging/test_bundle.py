"""The bundle builds from the checkout, carries what a lab machine lacks, and passes its own
``--self-test`` headless, with pool workers started both the Linux way (fork) and the
Windows/macOS way (spawn: the frozen app starting itself through ``freeze_support``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.packaging.conftest import Bundle

pytestmark = pytest.mark.slow

SELF_TEST_TIMEOUT_S = 240


def lab_env(**extra: str) -> dict[str, str]:
    """No Python settings leak in from the test run: a lab machine has none."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(QT_QPA_PLATFORM="offscreen", **extra)
    env.pop("DISPLAY", None)
    return env


def self_test(bundle: Bundle, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bundle.executable), "--self-test"],
        env=lab_env(**env),
        cwd=bundle.folder.parent,
        capture_output=True,
        text=True,
        timeout=SELF_TEST_TIMEOUT_S,
        check=False,
    )


def assert_all_passed(done: subprocess.CompletedProcess[str], bundle: Bundle) -> list[str]:
    report = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"app at {bundle.executable}" in report[0], report[0]  # the frozen app, not Python
    checks = [line for line in report if line.startswith(("PASS", "FAIL"))]
    assert not [line for line in checks if line.startswith("FAIL")], done.stdout
    covered = " ".join(checks)
    for strategy in ("async-gather", "threads", "process-pool", "mp-pool"):
        assert f"sleep · {strategy}:" in covered, done.stdout
    assert "http · async-gather:" in covered, done.stdout
    assert report[-1].startswith("Self-test passed"), done.stdout
    return report


def test_build_prints_the_executable_last_and_writes_an_archive(bundle: Bundle) -> None:
    assert bundle.executable.name == "concurrency-workbench"
    assert os.access(bundle.executable, os.X_OK)
    resources = bundle.folder / "_internal" / "workbench" / "resources"
    assert (resources / "icons" / "workbench.png").is_file()
    assert (resources / "schemas" / "preset.schema.json").is_file()
    for script in (bundle.launcher, bundle.installer):
        assert os.access(script, os.X_OK), script
    with tarfile.open(bundle.archive) as archive:
        member = archive.getmember("concurrency-workbench/concurrency-workbench")
        assert member.mode & 0o111, "the archived executable lost its exec bit"
        names = set(archive.getnames())
    assert "concurrency-workbench/concurrency-workbench-launcher" in names
    print(bundle.build_output)  # sizes and build time, for the log (pytest -s)


def test_bundle_finds_its_presets(bundle: Bundle) -> None:
    """The package data travels inside the bundle and the app finds it there, not in the
    checkout."""
    done = subprocess.run(
        [str(bundle.executable), "presets"],
        env=lab_env(),
        cwd=bundle.folder.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    listed = {line.split()[0] for line in done.stdout.splitlines() if line[:1].strip()}
    shipped = {p.stem for p in (REPO_ROOT / "workbench" / "resources" / "presets").glob("*.json")}
    assert shipped, "no presets in the checkout to compare with"
    assert listed == shipped, done.stdout


def test_bundle_carries_the_x_libraries_qt_needs(bundle: Bundle) -> None:
    carried = {p.name for p in (bundle.folder / "_internal").iterdir()}
    for library in ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"):
        assert library in carried, f"{library} is not in the bundle"


def test_self_test_passes_offscreen(bundle: Bundle) -> None:
    report = assert_all_passed(self_test(bundle), bundle)
    assert "start workers by fork" in report[1], report[1]


def test_self_test_passes_with_spawned_pool_workers(bundle: Bundle) -> None:
    """Windows and macOS start pool workers by spawning the app: freeze_support must catch
    them before the app's own argument handling does."""
    report = assert_all_passed(self_test(bundle, WORKBENCH_MP_START_METHOD="spawn"), bundle)
    assert "start workers by spawn" in report[1], report[1]


def test_helper_entry_runs_only_allowed_modules(bundle: Bundle) -> None:
    done = subprocess.run(
        [str(bundle.executable), "--workbench-entry", "os"],
        env=lab_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "workbench.core.child" in done.stderr, done.stderr


def test_self_test_reports_a_broken_install_readably(bundle: Bundle) -> None:
    """A broken install (here: a workload module that cannot be imported, in the app and in
    every helper) gives FAIL lines and exit status 1, not a hang or a traceback."""
    done = self_test(bundle, WORKBENCH_WORKLOAD_MODULES="no.such.module")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL  sleep experiment: ModuleNotFoundError" in done.stdout, done.stdout
    assert done.stdout.splitlines()[-1].startswith("Self-test FAILED"), done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_the_app_runs_experiments_on_the_lab_machines_own_python(
    bundle: Bundle, tmp_path: Path
) -> None:
    """A Python of the machine's own (here a bare venv: nothing installed) runs the child from
    the sources the bundle carries, beside the app's own interpreter."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    carried = bundle.folder / "_internal" / "workbench-child" / "workbench" / "core" / "child.py"
    assert carried.is_file()
    out = tmp_path / "r.json"
    command = [str(bundle.executable), "run", "-w", "cpu", "-p", "size=100000", "-n", "2"]
    command += ["-s", "sequential,threads", "--python", f"this,{venv}/bin/python"]
    done = subprocess.run(
        [*command, "--out", str(out), "--no-history", "-q"],
        env=lab_env(WORKBENCH_DATA_DIR=str(tmp_path / "data")),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    runs = json.loads(out.read_text(encoding="utf-8"))["runs"]
    assert [run["ok"] for run in runs] == [True] * 4
    assert runs[0]["interpreter"]["path"] == str(bundle.executable)
    assert runs[-1]["interpreter"]["path"] == f"{venv}/bin/python"
