"""Where interpreters are looked for, the ones the user added, and the listing."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.core.fake_interpreters import answer, make_fake, posix_only
from workbench.core.interpreter_search import (
    FREE_THREADED_ENV,
    Discovery,
    discover,
    forget,
    format_discovery,
    parse_py_launcher,
    remember,
    remembered_file,
    remembered_paths,
)
from workbench.core.interpreters import Interpreter, InterpreterError, probe

Fake = Callable[..., Path]


@pytest.fixture
def fake(tmp_path: Path) -> Fake:
    """``fake("name", "shell lines"[, folder])``: a fake interpreter (in tmp_path by default)."""
    return lambda name, body, folder=tmp_path: make_fake(folder, name, body)


@pytest.fixture
def own_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(folder))
    return folder


@posix_only
def test_remembered_paths_persist_once_each(own_data_dir: Path, tmp_path: Path) -> None:
    alias = tmp_path / "my-python"
    alias.symlink_to(sys.executable)
    first = remember(sys.executable)
    assert remember(alias) == first  # another name for the same interpreter: kept once
    assert remembered_paths() == [first.path]
    on_disk = json.loads((own_data_dir / "interpreters.json").read_text(encoding="utf-8"))
    assert on_disk == {"paths": [first.path]}
    assert forget(alias) is True
    assert remembered_paths() == []
    assert forget(alias) is False


def test_a_bad_interpreter_is_not_remembered(own_data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(InterpreterError, match="no such file"):
        remember(tmp_path / "nope")
    assert remembered_paths() == []


def test_an_unreadable_list_is_reported_and_never_overwritten(own_data_dir: Path) -> None:
    own_data_dir.mkdir()
    remembered_file().write_text("{broken", encoding="utf-8")
    with pytest.raises(InterpreterError, match=r"interpreters\.json: unreadable"):
        remember(sys.executable)
    assert remembered_file().read_text(encoding="utf-8") == "{broken"
    assert "unreadable" in discover().unusable[str(remembered_file())]


# --- discovery -----------------------------------------------------------------------------


@pytest.fixture
def quiet_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own_data_dir: Path) -> Path:
    """PATH, pyenv and uv pointed at empty folders: only what a test puts there is found."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.delenv("UV_PYTHON_INSTALL_DIR", raising=False)
    monkeypatch.delenv(FREE_THREADED_ENV, raising=False)
    return bin_dir


@posix_only
def test_discovery_finds_path_pyenv_uv_and_remembered_ones_once_each(
    quiet_machine: Path, fake: Fake, tmp_path: Path
) -> None:
    (quiet_machine / "python3.12").symlink_to(sys.executable)  # the running one, again
    garbage = fake("python3.14", "echo 'hello there'", quiet_machine)
    old = fake("python3.9", f"touch {tmp_path}/old-was-run", quiet_machine)
    fake("python3-config", "exit 1", quiet_machine)
    pyenv = fake("python3.13", answer(version="3.13.2"), tmp_path / "pyenv/versions/3.13.2/bin")
    uv = fake(
        "python3.13t",
        answer(version="3.13.1", free_threaded=True, gil_enabled=False),
        tmp_path / "share/uv/python/cpython-3.13.1+freethreaded/bin",
    )
    added = fake("python", answer(version="3.12.9"), tmp_path / "added")
    remember(added)
    found = discover(timeout_s=5)

    paths = [i.path for i in found.interpreters]
    assert found.running == probe(sys.executable)
    assert paths[0] == found.running.path
    assert len(paths) == len(set(paths)) == 4  # the running one once, pyenv, uv, added
    assert {str(pyenv), str(uv), str(added)} <= set(paths)
    assert found.unusable == {str(garbage): "not a Python interpreter (it printed 'hello there')"}
    assert not (tmp_path / "old-was-run").exists()  # named for 3.9: not even started
    assert str(old) not in found.unusable
    free_threaded = next(i for i in found.interpreters if i.path == str(uv))
    assert (free_threaded.name, free_threaded.free_threaded, free_threaded.gil_enabled) == (
        "3.13t",
        True,
        False,
    )


@posix_only
def test_interpreters_are_probed_at_the_same_time(
    quiet_machine: Path, fake: Fake, tmp_path: Path
) -> None:
    # Each fake answers only once all three have started: probed one at a time, each would
    # wait for the others until it is killed.
    names = ("python3.21", "python3.22", "python3.23")
    for name in names:
        fake(
            name,
            f"touch {tmp_path}/{name}.started\n"
            "for i in $(seq 300); do\n"
            f"  [ $(ls {tmp_path}/*.started | wc -l) = 3 ] && break; sleep 0.02\n"
            "done\n" + answer(version=name.removeprefix("python") + ".0"),
            quiet_machine,
        )
    found = discover(timeout_s=8)
    assert found.unusable == {}
    assert {i.name for i in found.interpreters} >= {"3.21", "3.22", "3.23"}


def test_the_free_threaded_build_named_by_the_environment_is_found(
    quiet_machine: Path, fake: Fake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = fake(
        "python3.13t",
        answer(version="3.13.5", free_threaded=True, gil_enabled=False),
        tmp_path / "cache/bin",
    )
    monkeypatch.setenv(FREE_THREADED_ENV, str(built))
    assert str(built) in [i.path for i in discover().interpreters]


def test_the_py_launchers_list_is_read() -> None:
    output = (
        " -V:3.13t        C:\\Users\\ada\\Python313\\python3.13t.exe\n"
        " -V:3.12 *       C:\\Program Files\\Python312\\python.exe\n"
        " -3.9-64         C:\\Python39\\python.exe\n"
        "\n"
    )
    assert parse_py_launcher(output) == [
        "C:\\Users\\ada\\Python313\\python3.13t.exe",
        "C:\\Program Files\\Python312\\python.exe",
        "C:\\Python39\\python.exe",
    ]


def test_the_listing_has_a_row_per_interpreter_and_says_why_others_are_not_usable() -> None:
    running = Interpreter("/usr/bin/python3.11", "3.11.2", "CPython", False, True)
    free = Interpreter("/opt/py/bin/python3.13t", "3.13.5", "CPython", True, False)
    text = format_discovery(
        Discovery((running, free), {"/opt/old/python3": "no such file"}, running)
    )
    lines = text.splitlines()
    assert lines[0].split() == [
        "name",
        "version",
        "implementation",
        "free-threaded",
        "GIL",
        "at",
        "start",
        "path",
    ]
    assert lines[2].split() == [
        "3.11",
        "3.11.2",
        "CPython",
        "no",
        "on",
        "/usr/bin/python3.11",
        "(runs",
        "the",
        "workbench)",
    ]
    assert lines[3].split() == [
        "3.13t",
        "3.13.5",
        "CPython",
        "yes",
        "off",
        "/opt/py/bin/python3.13t",
    ]
    assert lines[-2:] == ["Found but not usable:", "  /opt/old/python3: no such file"]


def test_a_second_python_of_the_same_name_is_listed_by_the_name_that_picks_it() -> None:
    """``--python 3.11`` takes the first 3.11 listed; the other is ``--python 3.11.9``."""
    running = Interpreter("/usr/bin/python3.11", "3.11.2", "CPython", False, True)
    pyenv = Interpreter(
        "/home/ada/.pyenv/versions/3.11.9/bin/python3.11", "3.11.9", "CPython", False, True
    )
    lines = format_discovery(Discovery((running, pyenv), {}, running)).splitlines()
    assert [line.split()[0] for line in lines[2:]] == ["3.11", "3.11.9"]
    from workbench.core.interpreters import parse_spec

    assert parse_spec("3.11.9", (running, pyenv)).interpreter == pyenv
    assert parse_spec("3.11", (running, pyenv)).interpreter == running
