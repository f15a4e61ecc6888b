"""Where the workbench looks for Python interpreters, and the ones the user added.

Looked for: the interpreter the workbench runs on (always first), ``python3``/``python3.X``/
``python3.Xt`` in every folder on PATH, the ``py`` launcher's list on Windows, pyenv's and
uv's installs, a free-threaded build named by ``WORKBENCH_FREE_THREADED_PYTHON`` (CI builds
one outside PATH), and the paths the user added, remembered in the data folder. Files named
for a Python older than 3.11 are passed over unprobed; everything else is probed, several at
once on threads, so a slow or hung interpreter (killed after its timeout) does not hold up the
others: listing five took 0.11-0.13 s here, a hung one adds its timeout once.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from workbench.core.atomic import write_atomically
from workbench.core.datadir import data_dir
from workbench.core.interpreters import (
    MIN_VERSION,
    PROBE_TIMEOUT_S,
    Interpreter,
    InterpreterError,
    probe,
    run_with_timeout,
)

FREE_THREADED_ENV = "WORKBENCH_FREE_THREADED_PYTHON"
REMEMBERED_FILE = "interpreters.json"
_WINDOWS = sys.platform == "win32"
# python3, python3.13, python3.13t (and python.exe on Windows); not python3-config & co.
_EXECUTABLE = re.compile(
    r"python(?:3(?:\.(?P<minor>\d+)t?)?)?(?:\.exe)?"
    if _WINDOWS
    else r"python3(?:\.(?P<minor>\d+)t?)?"
)
# `py -0p`: " -V:3.12 *        C:\Python312\python.exe" (older launchers: " -3.9-64  C:\…").
_PY_LAUNCHER_PATH = re.compile(r"(?P<path>(?:[A-Za-z]:|\\\\)\\.*?\.exe)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Discovery:
    """The usable interpreters (the workbench's own first) and, by path, why others are not."""

    interpreters: tuple[Interpreter, ...]
    unusable: Mapping[str, str]
    running: Interpreter | None  # the one the workbench runs on (None in a frozen app)


def _is_candidate(path: Path) -> bool:
    match = _EXECUTABLE.fullmatch(path.name.lower() if _WINDOWS else path.name)
    if not match:
        return False
    # Named for a Python older than 3.11 (python3 → python3.9 counts): not worth a start-up.
    real = _EXECUTABLE.fullmatch(Path(os.path.realpath(path)).name)
    minor = (real or match)["minor"]
    return minor is None or (3, int(minor)) >= MIN_VERSION


def _executables(folder: Path, pattern: str = "python*") -> Iterator[Path]:
    with contextlib.suppress(OSError):
        for path in sorted(folder.glob(pattern)):
            if _is_candidate(path) and path.is_file() and os.access(path, os.X_OK):
                yield path


def _pyenv_roots() -> list[Path]:
    roots = [Path(os.environ["PYENV_ROOT"])] if os.environ.get("PYENV_ROOT") else []
    return [*roots, Path.home() / ".pyenv"]


def _on_path() -> Iterator[Path]:
    # pyenv's shims are shell scripts that pick a version by the current folder (and fail for
    # the others): its installs are found directly below instead.
    shims = {root / "shims" for root in _pyenv_roots()}
    for entry in os.get_exec_path():
        folder = Path(entry)
        if entry and folder not in shims:
            yield from _executables(folder)


def parse_py_launcher(output: str) -> list[str]:
    """The interpreter paths in the output of Windows' ``py -0p``."""
    return [m["path"] for line in output.splitlines() if (m := _PY_LAUNCHER_PATH.search(line))]


def _run_quietly(command: list[str]) -> str:
    """A helper tool's stdout, or "" if it fails or takes too long."""
    try:
        done = run_with_timeout(command, PROBE_TIMEOUT_S, None)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout if done.returncode == 0 else ""


def _py_launcher() -> Iterator[Path]:
    launcher = shutil.which("py") if _WINDOWS else None
    if launcher:
        yield from (Path(path) for path in parse_py_launcher(_run_quietly([launcher, "-0p"])))


def _pyenv() -> Iterator[Path]:
    for root in _pyenv_roots():
        yield from _executables(root / "versions", "*/bin/python3*")
        yield from _executables(root / "pyenv-win" / "versions", "*/python*.exe")


def _uv_folders() -> Iterator[Path]:
    uv = shutil.which("uv")
    if uv and (folder := _run_quietly([uv, "python", "dir"]).strip()):
        yield Path(folder)
    if os.environ.get("UV_PYTHON_INSTALL_DIR"):
        yield Path(os.environ["UV_PYTHON_INSTALL_DIR"])
    if _WINDOWS and os.environ.get("APPDATA"):
        yield Path(os.environ["APPDATA"]) / "uv" / "python"
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    yield Path(data_home) / "uv" / "python"


def _uv() -> Iterator[Path]:
    for folder in _uv_folders():
        yield from _executables(folder, "*/python*.exe" if _WINDOWS else "*/bin/python3*")


def _identity(path: str) -> str:
    """Two names for one interpreter (a symlink and its target) share an identity; a virtual
    environment's python (a symlink to its base) does not share its base's."""
    absolute = os.path.abspath(os.path.expanduser(path))
    in_venv = (Path(absolute).parent.parent / "pyvenv.cfg").is_file()
    return absolute if in_venv else os.path.realpath(absolute)


def _running() -> str | None:
    return None if getattr(sys, "frozen", False) or not sys.executable else sys.executable


def candidates(remembered: Sequence[str] = ()) -> list[str]:
    """Every place an interpreter was found, once each, the workbench's own first."""
    running = _running()
    found: list[str] = [running] if running else []
    for source in (_on_path, _py_launcher, _pyenv, _uv):
        found += (str(path) for path in source())
    found += [os.environ[FREE_THREADED_ENV]] if os.environ.get(FREE_THREADED_ENV) else []
    found += remembered
    unique: dict[str, str] = {}
    for path in found:
        unique.setdefault(_identity(path), path)
    return list(unique.values())


def _order_key(interpreter: Interpreter, running: Interpreter | None) -> tuple[object, ...]:
    # The running one first; then each version together, the standard build before the
    # free-threaded one, the newest release first (a name picks the first that matches).
    return (
        interpreter != running,
        interpreter.implementation != "CPython",
        interpreter.release[:2],
        interpreter.free_threaded,
        tuple(-part for part in interpreter.release[2:]),
        interpreter.path,
    )


def discover(*, timeout_s: float = PROBE_TIMEOUT_S) -> Discovery:
    """Find and probe every interpreter (concurrently); unusable ones are kept with why."""
    unusable: dict[str, str] = {}
    try:
        remembered = remembered_paths()
    except InterpreterError as exc:
        remembered = []
        unusable[str(remembered_file())] = exc.reason
    paths = candidates(remembered)
    outcomes: dict[str, Interpreter] = {}

    def attempt(path: str) -> None:
        try:
            outcomes[path] = probe(path, timeout_s=timeout_s)
        except InterpreterError as exc:
            unusable[path] = exc.reason

    with ThreadPoolExecutor(max_workers=max(1, min(8, len(paths)))) as pool:
        list(pool.map(attempt, paths))
    running_path = _running()
    running = outcomes.get(running_path) if running_path else None
    by_path = {outcomes[p].path: outcomes[p] for p in paths if p in outcomes}
    interpreters = sorted(by_path.values(), key=lambda i: _order_key(i, running))
    return Discovery(tuple(interpreters), dict(sorted(unusable.items())), running)


def remembered_file() -> Path:
    return data_dir(create=False) / REMEMBERED_FILE


def remembered_paths() -> list[str]:
    """The interpreters the user added, in the order they were added."""
    file = remembered_file()
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise InterpreterError(f"{file}: unreadable ({exc})", f"unreadable ({exc})") from None
    paths = data.get("paths") if isinstance(data, dict) else None
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise InterpreterError(f"{file}: not a list of interpreters", "not a list of interpreters")
    return paths


def _write_remembered(paths: list[str]) -> None:
    """All or nothing: a failed write never loses the old list."""
    text = json.dumps({"paths": paths}, indent=2) + "\n"
    write_atomically(data_dir() / REMEMBERED_FILE, text)


def remember(path: str | os.PathLike[str]) -> Interpreter:
    """Probe ``path`` and add it to the remembered list (once); raise if it is not usable."""
    interpreter = probe(path)
    paths = remembered_paths()
    if all(_identity(p) != _identity(interpreter.path) for p in paths):
        _write_remembered([*paths, interpreter.path])
    return interpreter


def forget(path: str | os.PathLike[str]) -> bool:
    """Take ``path`` off the remembered list (it need not exist any more); False if absent."""
    given = os.path.abspath(os.path.expanduser(path))
    names = {given, os.path.realpath(given), _identity(given)}
    paths = remembered_paths()
    kept = [p for p in paths if p not in names]
    if len(kept) == len(paths):
        return False
    _write_remembered(kept)
    return True


def format_discovery(discovery: Discovery) -> str:
    """The list as ``workbench interpreters`` prints it: a row per usable interpreter, then
    what was found but cannot be used, and why."""
    header = ("name", "version", "implementation", "free-threaded", "GIL at start", "path")
    names = [i.name for i in discovery.interpreters]
    rows = [header] + [
        (
            # What --python takes for this one: a name picks the first listed with it, so a
            # second 3.11 is named by its whole version (3.11.2).
            i.name if names.index(i.name) == index else i.full_name,
            i.version,
            i.implementation,
            "yes" if i.free_threaded else "no",
            "on" if i.gil_enabled else "off",
            f"{i.path}  (runs the workbench)" if i == discovery.running else i.path,
        )
        for index, i in enumerate(discovery.interpreters)
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header) - 1)]
    lines = [
        "  ".join(
            [*(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)), row[-1]]
        )
        for row in rows
    ]
    lines.insert(1, "  ".join([*("-" * width for width in widths), "-" * len(header[-1])]))
    if not discovery.interpreters:
        lines.append("(none found: give --python a path)")
    if discovery.unusable:
        lines += ["", "Found but not usable:"]
        lines += [f"  {path}: {reason}" for path, reason in discovery.unusable.items()]
    return "\n".join(lines)
