"""``workbench interpreters`` and ``run --python``: the list, adding and forgetting, and every
kind of bad interpreter refused with one line and exit 2 before any work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.fake_interpreters import answer, make_fake, posix_only
from workbench.cli import main
from workbench.core.interpreter_launch import running_interpreter


@pytest.fixture(scope="module")
def venv_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another interpreter with nothing installed (no aiohttp): a venv of this Python."""
    folder = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    return folder / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def refused(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith("workbench: error: ")
    assert message in err, err
    return err


def test_the_list_names_the_python_the_workbench_runs_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["interpreters"]) == 0
    out, err = capsys.readouterr()
    header, _, *rows = out.splitlines()
    assert header.split()[:5] == ["name", "version", "implementation", "free-threaded", "GIL"]
    running = running_interpreter()
    assert any(
        row.split()[:2] == [running.label, running.version] and "(runs the workbench)" in row
        for row in rows
    ), out
    assert "usable, found in" in err


@posix_only
def test_an_added_interpreter_is_listed_until_it_is_forgotten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = make_fake(tmp_path, "python3.12", answer(version="3.12.9"))
    assert main(["interpreters", "--add", str(fake)]) == 0
    assert f"Added 3.12 (CPython 3.12.9): {fake}" in capsys.readouterr().out
    assert main(["interpreters"]) == 0
    assert str(fake) in capsys.readouterr().out
    assert main(["interpreters", "--forget", str(fake)]) == 0
    capsys.readouterr()
    assert main(["interpreters"]) == 0
    assert str(fake) not in capsys.readouterr().out
    refused(["interpreters", "--forget", str(fake)], "not among the interpreters you added", capsys)
    refused(["interpreters", "--add", str(tmp_path / "nope")], "nope: no such file", capsys)


BAD = {
    "says hello": ("echo hello", "not a Python interpreter (it printed 'hello')"),
    "too old": (answer(version="3.9.18"), "CPython 3.9.18 is older than 3.11"),
    "crashes": ("kill -SEGV $$", "crashed at start (it was killed by SIGSEGV)"),
}


@posix_only
@pytest.mark.parametrize("kind", BAD)
def test_run_refuses_what_is_not_a_usable_python(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body, message = BAD[kind]
    fake = make_fake(tmp_path, "python3", body)
    refused(["run", "-n", "1", "--python", f"this,{fake}"], f"{fake}: {message}", capsys)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("{tmp}/python3.99", "{tmp}/python3.99: no such file"),
        ("3.99", "no Python '3.99' found here (found: "),
        ("this:gil=1", "this: gil=1 needs a free-threaded build such as python3.13t"),
        ("this,this", "'this' runs the same as 'this'"),
    ],
)
def test_run_refuses_a_python_it_cannot_use(
    spec: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if "gil" in spec and running_interpreter().free_threaded:
        pytest.skip("the workbench runs on a free-threaded build: gil= is allowed on it")
    argv = ["run", "-n", "1", "--python", spec.format(tmp=tmp_path)]
    refused(argv, message.format(tmp=tmp_path), capsys)


@posix_only
@pytest.mark.slow
def test_run_refuses_a_python_that_hangs_at_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = make_fake(tmp_path, "python3", "sleep 300")
    refused(["run", "--python", str(fake)], f"{fake}: hung at start (killed after 5 s)", capsys)


def test_run_refuses_http_on_a_python_without_aiohttp(
    venv_python: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(
        ["run", "-w", "http", "-s", "async-gather", "--python", f"this,{venv_python}"],
        "the http workload needs aiohttp, which CPython",
        capsys,
    )
    assert err.rstrip().endswith(f"install it there: {venv_python} -m pip install aiohttp")


def test_a_preset_names_its_own_pythons(capsys: pytest.CaptureFixture[str]) -> None:
    refused(["run", "--preset", "gil-off", "--python", "this"], "a preset names its own", capsys)


def test_run_on_two_pythons_prints_each_and_writes_both(
    venv_python: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "r.json"
    argv = ["run", "-w", "sleep", "-p", "duration=0.02", "-n", "2", "-s", "sequential,threads"]
    argv += ["--python", f"this,{venv_python}", "--out", str(out_file), "--no-history", "-q"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    data = json.loads(out_file.read_text(encoding="utf-8"))
    labels = [i["label"] for i in data["config"]["interpreters"]]
    assert len(labels) == 2 and data["config"]["interpreters"][1]["path"] == str(venv_python)
    assert [r["interpreter"]["label"] for r in data["runs"]] == [
        label for label in labels for _ in ("sequential", "threads")
    ]
    for label in labels:
        assert f"threads · {label}" in out
    assert f"threads across Pythons: on {labels[1]}" in out.replace("\n    ", " ")
