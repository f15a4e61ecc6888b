"""Probing and choosing the Python interpreters runs can use.

Fake interpreters are small shell scripts: one prints garbage, one dies of a signal, one hangs
(with a child of its own), one claims to be 3.9. The real ``sys.executable`` is probed for
real, and the free-threaded build (``.ci/free-threaded-python``) when there is one.
"""

from __future__ import annotations

import os
import platform
import stat
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from tests.core.fake_interpreters import answer, free_threaded_build, make_fake, posix_only
from tests.waiting import wait_until
from workbench.core.interpreter_search import FREE_THREADED_ENV, discover
from workbench.core.interpreters import (
    GIL_ENV,
    Interpreter,
    InterpreterChoice,
    InterpreterError,
    distinct_labels,
    parse_spec,
    parse_specs,
    probe,
)

Fake = Callable[..., Path]


@pytest.fixture
def fake(tmp_path: Path) -> Fake:
    """``fake("name", "shell lines"[, folder])``: a fake interpreter (in tmp_path by default)."""
    return lambda name, body, folder=tmp_path: make_fake(folder, name, body)


def refused(path: object, message: str) -> None:
    with pytest.raises(InterpreterError) as caught:
        probe(str(path), timeout_s=3)
    assert str(caught.value) == f"{path}: {message}"
    assert "\n" not in str(caught.value)


def test_a_missing_path_is_refused(tmp_path: Path) -> None:
    refused(tmp_path / "python3.99", "no such file")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    refused(tmp_path, "a folder, not a Python interpreter")


@posix_only
def test_a_file_that_cannot_be_executed_is_refused(tmp_path: Path) -> None:
    script = tmp_path / "python3"
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(stat.S_IRUSR | stat.S_IWUSR)
    refused(script, "not executable")


@posix_only
def test_an_executable_in_no_known_format_is_refused(tmp_path: Path) -> None:
    blob = tmp_path / "python3"
    blob.write_bytes(b"\x00\x01 not a program at all")
    blob.chmod(0o755)
    refused(blob, "not a Python interpreter (Exec format error)")


@posix_only
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("echo 'hello there'", "not a Python interpreter (it printed 'hello there')"),
        ("exit 0", "not a Python interpreter (it printed nothing)"),
        ("echo 'workbench-probe:{nope'", "not a Python interpreter (its answer was garbled)"),
        ("echo boom >&2; exit 3", "failed at start (it exited with code 3): boom"),
        ("kill -SEGV $$", "crashed at start (it was killed by SIGSEGV)"),
        (
            "echo 'Unknown option: -I' >&2; exit 2",
            "a Python too old to know -I; the workbench needs 3.11 or newer",
        ),
        (
            answer(version="3.9.18"),
            "CPython 3.9.18 is older than 3.11, the oldest the workbench runs on",
        ),
        (
            answer(version="3.10.2", implementation="PyPy"),
            "PyPy 3.10.2 is older than 3.11, the oldest the workbench runs on",
        ),
    ],
)
def test_what_is_not_a_usable_python_is_refused_in_one_line(
    fake: Fake, body: str, message: str
) -> None:
    refused(fake("python3", body), message)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@posix_only
def test_an_interpreter_that_hangs_is_killed_with_its_children(fake: Fake, tmp_path: Path) -> None:
    hangs = fake(
        "python3",
        f"echo $$ > {tmp_path}/pid\nsleep 300 &\necho $! > {tmp_path}/child\nwait",
    )
    started = time.monotonic()
    with pytest.raises(InterpreterError, match=r"hung at start \(killed after 1 s\)$"):
        probe(hangs, timeout_s=1)
    assert time.monotonic() - started < 10  # 1 s, then the kill: far less than a hang
    pids = [int((tmp_path / name).read_text()) for name in ("pid", "child")]
    wait_until(lambda: not any(_alive(pid) for pid in pids), 5, "the fake and its child gone")


def test_the_running_interpreter_is_probed_for_real() -> None:
    found = probe(sys.executable)
    assert found.version == platform.python_version()
    assert found.implementation == platform.python_implementation()
    assert found.free_threaded == bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    assert found.gil_enabled == (not found.free_threaded or sys._is_gil_enabled())  # type: ignore[attr-defined]
    in_venv = sys.prefix != sys.base_prefix
    expected = os.path.abspath(sys.executable) if in_venv else os.path.realpath(sys.executable)
    assert found.path == expected
    assert found.name == f"{sys.version_info.major}.{sys.version_info.minor}" + (
        "t" if found.free_threaded else ""
    )


def test_the_probe_ignores_modules_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "json.py").write_text("raise SystemExit('shadowed')\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert probe(sys.executable).version == platform.python_version()


# --- choosing: --python SPEC[,SPEC…] --------------------------------------------------------

SYSTEM = Interpreter("/usr/bin/python3.11", "3.11.2", "CPython", False, True)
PYENV_311 = Interpreter(
    "/home/ada/.pyenv/versions/3.11.9/bin/python3.11", "3.11.9", "CPython", False, True
)
NEW = Interpreter("/opt/a/bin/python3.13", "3.13.5", "CPython", False, True)
OLDER = Interpreter("/opt/b/bin/python3.13", "3.13.0", "CPython", False, True)
FREE = Interpreter("/opt/a/bin/python3.13t", "3.13.5", "CPython", True, False)
PYPY = Interpreter("/opt/pypy/bin/pypy3", "3.11.11", "PyPy", False, True)
LISTED = (SYSTEM, PYENV_311, NEW, OLDER, FREE, PYPY)


@pytest.mark.parametrize(
    ("spec", "interpreter", "gil", "label"),
    [
        ("3.13t", FREE, None, "3.13t (GIL off)"),
        ("python3.13t", FREE, None, "3.13t (GIL off)"),
        ("3.13t:gil=1", FREE, True, "3.13t gil=1"),
        ("3.13t:gil=0", FREE, False, "3.13t gil=0"),
        ("3.13", NEW, None, "3.13"),  # the first listed: newest release; never the t build
        ("3.13.0", OLDER, None, "3.13"),
        ("3.11", SYSTEM, None, "3.11"),
        ("python3", SYSTEM, None, "3.11"),
        ("3", SYSTEM, None, "3.11"),
        ("pypy3.11", PYPY, None, "pypy3.11"),
        ("PyPy", PYPY, None, "pypy3.11"),
    ],
)
def test_a_name_picks_the_first_listed_interpreter_that_matches(
    spec: str, interpreter: Interpreter, gil: bool | None, label: str
) -> None:
    choice = parse_spec(spec, LISTED)
    assert (choice.interpreter, choice.gil, choice.label) == (interpreter, gil, label)


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        ("3.12", "no Python '3.12' found here (found: 3.11, 3.13, 3.13t, pypy3.11; "),
        ("cpython", "no Python 'cpython' found here"),
        (
            "3.11:gil=1",
            "3.11: gil=1 needs a free-threaded build such as python3.13t; "
            "CPython 3.11.2 at /usr/bin/python3.11 always runs with the GIL",
        ),
        ("3.13t:gil=2", "3.13t:gil=2: gil= takes 0 or 1, not '2'"),
        ("3.13t:gil=", "3.13t:gil=: gil= takes 0 or 1, not ''"),
        (":gil=1", "an empty interpreter name"),
        ("3.11,,3.13", "an empty interpreter name"),
        ("", "no interpreter given"),
        (
            "3.11,python3.11",
            "'python3.11' runs the same as '3.11' (3.11); give each interpreter once",
        ),
        ("3.13t,3.13t:gil=0", "'3.13t:gil=0' runs the same as '3.13t' (3.13t (GIL off)); "),
    ],
)
def test_bad_specs_are_refused_in_one_line(specs: str, message: str) -> None:
    with pytest.raises(InterpreterError) as caught:
        parse_specs(specs, LISTED)
    assert str(caught.value).startswith(message)


def test_several_specs_keep_their_order_and_get_distinct_labels() -> None:
    chosen = parse_specs("3.11,3.13t,3.13t:gil=1", LISTED)
    assert [c.label for c in chosen] == ["3.11", "3.13t (GIL off)", "3.13t gil=1"]
    twins = parse_specs("3.11,3.11.9", LISTED)
    assert [c.label for c in twins] == ["3.11.2", "3.11.9"]
    same_release = Interpreter("/elsewhere/python3.11", "3.11.2", "CPython", False, True)
    both = distinct_labels([InterpreterChoice(SYSTEM), InterpreterChoice(same_release)])
    assert [c.label for c in both] == [
        "3.11.2 /usr/bin/python3.11",
        "3.11.2 /elsewhere/python3.11",
    ]


def test_a_path_spec_is_probed(tmp_path: Path) -> None:
    choice = parse_spec(f"{sys.executable}")
    assert choice.interpreter == probe(sys.executable)
    with pytest.raises(InterpreterError, match="no such file"):
        parse_spec(f"{tmp_path / 'python3'}:gil=1")


def test_the_environment_forces_the_gil_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    base = {"PATH": "/bin", GIL_ENV: "1"}
    assert InterpreterChoice(FREE, True).environment(base) == {"PATH": "/bin", GIL_ENV: "1"}
    assert InterpreterChoice(FREE, False).environment(base) == {"PATH": "/bin", GIL_ENV: "0"}
    # Left as is, an inherited PYTHON_GIL would make the label ("GIL off") lie: it is dropped.
    assert InterpreterChoice(FREE).environment(base) == {"PATH": "/bin"}
    monkeypatch.setenv(GIL_ENV, "1")
    assert GIL_ENV not in InterpreterChoice(FREE).environment()
    assert InterpreterChoice(FREE, True).recorded == Interpreter(
        FREE.path, "3.13.5", "CPython", True, True
    )
    assert InterpreterChoice(FREE).recorded == FREE


# --- the real free-threaded build ----------------------------------------------------------


@pytest.mark.slow
def test_the_free_threaded_build_runs_with_the_gil_off_unless_forced_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built = free_threaded_build()
    if built is None:
        pytest.skip(
            f"no free-threaded build: set {FREE_THREADED_ENV} or run .ci/free-threaded-python"
        )
    monkeypatch.setenv(FREE_THREADED_ENV, str(built))
    listed = {i.path: i for i in discover().interpreters}
    found = listed[os.path.realpath(built)]
    assert (found.free_threaded, found.gil_enabled, found.name[-1]) == (True, False, "t")

    for spec, gil_on in ((str(built), False), (f"{built}:gil=1", True), (f"{built}:gil=0", False)):
        (choice,) = parse_specs(spec)
        seen = probe(choice.interpreter.path, environment=choice.environment())
        assert (seen.gil_enabled, choice.gil_enabled) == (gil_on, gil_on), spec
        assert choice.recorded == seen
