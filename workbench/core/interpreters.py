"""The Python interpreters an experiment's children can run on: probed, listed and chosen.

Each run happens in a child process, and that child can be any Python ≥ 3.11 on the machine —
a free-threaded 3.13t among them, to show threads on CPU work with the GIL off next to the
same work with it on. Nothing is taken from a file's name: every interpreter is started once
with ``-I -c`` (isolated: no user site, no ``PYTHON*`` variables, no current folder on its
path) and says what it is in one JSON line. One that hangs is killed with its whole process
group; one that crashes, or answers anything else, is refused with one line saying so.

This module holds the records, the probe and the ``--python`` specs; where interpreters are
looked for, what the user added, and the listing are :mod:`workbench.core.interpreter_search`.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import sysconfig
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from workbench.core.machine import gil_enabled
from workbench.core.params import ConfigError
from workbench.core.process_tree import kill_tree
from workbench.core.processes import describe_exit, new_session_options

MIN_VERSION = (3, 11)
PROBE_TIMEOUT_S = 5.0
GIL_ENV = "PYTHON_GIL"
_MARKER = "workbench-probe:"

# Runs on the candidate, so it is kept to what every Python 3 understands (no f-strings).
_PROBE_CODE = """\
import json, platform, sys, sysconfig
check = getattr(sys, "_is_gil_enabled", None)
print("workbench-probe:" + json.dumps({
    "version": platform.python_version(),
    "implementation": platform.python_implementation(),
    "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    "gil_enabled": True if check is None else bool(check()),
    "executable": sys.executable,
    "virtual_env": sys.prefix != getattr(sys, "base_prefix", sys.prefix),
}))
"""


class InterpreterError(ConfigError):
    """An interpreter the workbench cannot use, or a ``--python`` spec it cannot honour.

    ``reason`` is the message without the path it is about, for listings that show the path
    in a column of its own."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


def _refuse(shown: str, reason: str) -> InterpreterError:
    return InterpreterError(f"{shown}: {reason}", reason)


@dataclass(frozen=True)
class Interpreter:
    """One Python installation, as it described itself when probed."""

    path: str  # absolute; symlinks resolved, except a virtual environment's own executable
    version: str  # "3.13.5"
    implementation: str  # "CPython", "PyPy"
    free_threaded: bool  # built with Py_GIL_DISABLED (python3.13t)
    gil_enabled: bool  # the GIL is on when it starts (False only on a free-threaded build)

    @property
    def release(self) -> tuple[int, ...]:
        """(major, minor, micro) as integers, as far as the version string gives them."""
        match = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", self.version)
        return tuple(int(part) for part in match.groups() if part) if match else ()

    @property
    def name(self) -> str:
        """What ``--python`` accepts for it: ``3.13t``, ``3.11``, ``pypy3.10``."""
        return self._named(".".join(str(part) for part in self.release[:2]))

    @property
    def full_name(self) -> str:
        """The name with the whole version: ``3.13.5t``."""
        return self._named(self.version)

    def _named(self, version: str) -> str:
        prefix = "" if self.implementation == "CPython" else self.implementation.lower()
        return f"{prefix}{version}{'t' if self.free_threaded else ''}"


def canonical_path(executable: str, virtual_env: bool) -> str:
    """How an interpreter's path is recorded: absolute, symlinks resolved — except a virtual
    environment's python, a symlink to its base: resolving it would leave the venv and lose
    the packages installed there."""
    absolute = os.path.abspath(executable)
    return absolute if virtual_env else os.path.realpath(absolute)


def _first_line(text: str, limit: int = 80) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def run_with_timeout(
    command: Sequence[str], timeout_s: float, env: Mapping[str, str] | None
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in a process group of its own, output captured as text; on timeout, kill
    the whole group (a hung interpreter may have started children) and raise
    ``subprocess.TimeoutExpired``."""
    popen = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        **new_session_options(),
    )
    try:
        out, err = popen.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        kill_tree(popen.pid, group=True)
        popen.communicate()
        raise
    return subprocess.CompletedProcess(
        command, popen.returncode, out.decode(errors="replace"), err.decode(errors="replace")
    )


def probe(
    path: str | os.PathLike[str],
    *,
    timeout_s: float = PROBE_TIMEOUT_S,
    environment: Mapping[str, str] | None = None,
) -> Interpreter:
    """Start ``path`` once and return what it reports, or raise :class:`InterpreterError`.

    With ``environment`` it is started the way a run's child is (that environment, no user
    site, no current folder on its path, but ``PYTHON*`` variables honoured), so a forced
    ``PYTHON_GIL`` shows in ``gil_enabled``; without it, isolated (``-I``): as it starts by
    default.
    """
    shown = str(path)
    candidate = Path(path).expanduser()
    if not candidate.exists():
        raise _refuse(shown, "no such file")
    if candidate.is_dir():
        raise _refuse(shown, "a folder, not a Python interpreter")
    if not os.access(candidate, os.X_OK):
        raise _refuse(shown, "not executable")
    flags = ["-I"] if environment is None else ["-s", "-P"]
    command = [str(candidate.absolute()), *flags, "-c", _PROBE_CODE]
    try:
        done = run_with_timeout(command, timeout_s, environment)
    except subprocess.TimeoutExpired:
        raise _refuse(shown, f"hung at start (killed after {timeout_s:g} s)") from None
    except OSError as exc:
        raise _refuse(shown, f"not a Python interpreter ({exc.strerror or exc})") from None
    return _parse_answer(shown, done)


def _parse_answer(shown: str, done: subprocess.CompletedProcess[str]) -> Interpreter:
    said = _first_line(done.stderr)
    if done.returncode != 0:
        if "Unknown option" in said and "-I" in said:
            raise _refuse(shown, "a Python too old to know -I; the workbench needs 3.11 or newer")
        detail = f": {said}" if said else ""
        failed = "crashed" if done.returncode < 0 else "failed"
        raise _refuse(shown, f"{failed} at start (it {describe_exit(done.returncode)}){detail}")
    answer = next(
        (line for line in reversed(done.stdout.splitlines()) if line.startswith(_MARKER)), None
    )
    if answer is None:
        printed = _first_line(done.stdout) or said
        heard = f"it printed {printed!r}" if printed else "it printed nothing"
        raise _refuse(shown, f"not a Python interpreter ({heard})")
    try:
        facts = json.loads(answer[len(_MARKER) :])
        interpreter = Interpreter(
            canonical_path(str(facts["executable"] or shown), bool(facts["virtual_env"])),
            str(facts["version"]),
            str(facts["implementation"]),
            bool(facts["free_threaded"]),
            bool(facts["gil_enabled"]),
        )
    except (ValueError, TypeError, KeyError):
        raise _refuse(shown, "not a Python interpreter (its answer was garbled)") from None
    if interpreter.release[:2] < MIN_VERSION:
        oldest = ".".join(map(str, MIN_VERSION))
        raise _refuse(
            shown,
            f"{interpreter.implementation} {interpreter.version} is older than {oldest}, "
            "the oldest the workbench runs on",
        )
    return interpreter


@dataclass(frozen=True)
class InterpreterChoice:
    """An interpreter chosen for an experiment, with the GIL forced on or off or left as is.

    A forced GIL is set through ``PYTHON_GIL`` in the child's environment; left as is, any
    ``PYTHON_GIL`` the workbench itself inherited is removed, so the child starts the way the
    probe saw it start and the label tells the truth."""

    interpreter: Interpreter
    gil: bool | None = None
    label: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.short_label())

    def short_label(self, name: str | None = None) -> str:
        """``3.13t (GIL off)``, ``3.13t gil=1``, ``3.11``; ``name`` in place of ``3.13t``."""
        name = name or self.interpreter.name
        if self.gil is not None:
            return f"{name} gil={int(self.gil)}"
        if self.interpreter.free_threaded:
            return f"{name} (GIL {'on' if self.interpreter.gil_enabled else 'off'})"
        return name

    @property
    def gil_enabled(self) -> bool:
        """Whether the GIL is on when a run's child starts."""
        return self.interpreter.gil_enabled if self.gil is None else self.gil

    @property
    def recorded(self) -> Interpreter:
        """The interpreter as a run records it: with the GIL state the run really had."""
        return replace(self.interpreter, gil_enabled=self.gil_enabled)

    def environment(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """``base`` (default: this process's environment) with ``PYTHON_GIL`` as chosen."""
        env = dict(os.environ if base is None else base)
        env.pop(GIL_ENV, None)
        if self.gil is not None:
            env[GIL_ENV] = "1" if self.gil else "0"
        return env


# `python3.13t`, `3.13t`, `3.13.5`, `python3`, `pypy3.10`: an optional implementation prefix,
# an optional version (major[.minor[.micro]]) and an optional `t` for a free-threaded build.
NAME_PATTERN = re.compile(r"(?P<impl>python|pypy)?(?P<release>\d+(?:\.\d+){0,2})?(?P<t>t)?", re.I)


THIS = "this"
"""The spec for the interpreter the workbench itself runs on (the app's own, when frozen)."""
FREE_THREADED = "free-threaded"
"""The spec for the newest free-threaded build found (a preset cannot know its name)."""
HOW_TO_GET_FREE_THREADED = (
    "install one (python.org's installers offer a free-threaded 3.13 or newer; "
    "`uv python install 3.13t`), or build one with .ci/free-threaded-python from a checkout, "
    "then `workbench interpreters --add PATH`"
)


class NoFreeThreaded(InterpreterError):
    """No free-threaded build was found: a property of this machine, said with how to get one."""


def running_python() -> Interpreter:
    """The Python the workbench runs on (the app itself when frozen), without starting it."""
    frozen = getattr(sys, "frozen", False)
    in_venv = sys.prefix != getattr(sys, "base_prefix", sys.prefix)
    return Interpreter(
        sys.executable if frozen else canonical_path(sys.executable, in_venv),
        platform.python_version(),
        platform.python_implementation(),
        bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        gil_enabled(),
    )


def _newest_free_threaded(interpreters: Sequence[Interpreter]) -> Interpreter:
    found = [i for i in interpreters if i.free_threaded]
    if not found:
        raise NoFreeThreaded(f"no free-threaded Python found here: {HOW_TO_GET_FREE_THREADED}")
    return max(found, key=lambda i: i.release)


def _looks_like_path(spec: str) -> bool:
    return any(sep and sep in spec for sep in (os.sep, os.altsep)) or spec.startswith(("~", "."))


def _named(spec: str, interpreters: Sequence[Interpreter]) -> Interpreter:
    match = NAME_PATTERN.fullmatch(spec)
    if match and (match["impl"] or match["release"]):
        implementation = "PyPy" if (match["impl"] or "").lower() == "pypy" else "CPython"
        wanted = tuple(int(part) for part in (match["release"] or "").split(".") if part)
        for interpreter in interpreters:
            if (
                interpreter.implementation == implementation
                and interpreter.release[: len(wanted)] == wanted
                and interpreter.free_threaded == bool(match["t"])
            ):
                return interpreter
    names = ", ".join(dict.fromkeys(i.name for i in interpreters)) or "none"
    raise InterpreterError(
        f"no Python {spec!r} found here (found: {names}; `workbench interpreters` lists them "
        "with their paths; or give a path)"
    )


def split_gil(spec: str) -> tuple[str, bool | None]:
    """``3.13t:gil=1`` → ("3.13t", True); a Windows drive's colon is left alone."""
    spec = spec.strip()
    target, colon, suffix = spec.rpartition(":")
    if not (colon and suffix.startswith("gil=")):
        return spec, None
    value = suffix.removeprefix("gil=")
    if value not in ("0", "1"):
        raise InterpreterError(f"{spec}: gil= takes 0 or 1, not {value!r}")
    return target.strip(), value == "1"


def parse_spec(spec: str, interpreters: Sequence[Interpreter] | None = None) -> InterpreterChoice:
    """``SPEC[:gil=0|1]``, SPEC a path or a name from the list.

    A SPEC with a path separator (or starting with ``~`` or ``.``) is a path, probed as is.
    ``this`` is the Python the workbench runs on, ``free-threaded`` the newest free-threaded
    build found (:class:`NoFreeThreaded` if none, saying how to get one). Otherwise SPEC is
    a name: ``3.13t``/``python3.13t`` (a free-threaded 3.13), ``3.13``/
    ``python3.13`` (a standard 3.13 build), ``3.13.5``, ``3`` or ``python3``, ``pypy3.10``:
    the first interpreter in the list that matches — the list puts the one the workbench runs
    on first, then each version's newest release first. A name without ``t`` never picks a
    free-threaded build. ``interpreters`` defaults to what :func:`discover` finds.
    """
    spec, gil = split_gil(spec)
    if not spec:
        raise InterpreterError("an empty interpreter name; give a path or a name such as 3.13t")
    if _looks_like_path(spec):
        interpreter = probe(spec)
    elif spec == THIS:
        interpreter = running_python()
    else:
        if interpreters is None:
            from workbench.core.interpreter_search import discover

            interpreters = discover().interpreters
        newest = _newest_free_threaded if spec == FREE_THREADED else None
        interpreter = newest(interpreters) if newest else _named(spec, interpreters)
    if gil is not None and not interpreter.free_threaded:
        raise InterpreterError(
            f"{spec}: gil={int(gil)} needs a free-threaded build such as python3.13t; "
            f"{interpreter.implementation} {interpreter.version} at {interpreter.path} "
            "always runs with the GIL"
        )
    return InterpreterChoice(interpreter, gil)


def parse_specs(
    text: str, interpreters: Sequence[Interpreter] | None = None
) -> tuple[InterpreterChoice, ...]:
    """Comma-separated specs (see :func:`parse_spec`); the same run twice is refused, and
    labels that would read the same are made distinct."""
    specs = [spec.strip() for spec in text.split(",")]
    if not any(specs):
        raise InterpreterError("no interpreter given; give a path or a name such as 3.13t")
    known = [_looks_like_path(split_gil(s)[0]) or split_gil(s)[0] == THIS for s in specs]
    if interpreters is None and not all(known):
        from workbench.core.interpreter_search import discover

        interpreters = discover().interpreters
    chosen: list[tuple[str, InterpreterChoice]] = []
    for spec in specs:
        choice = parse_spec(spec, interpreters)
        for earlier_spec, earlier in chosen:
            same = earlier.interpreter.path == choice.interpreter.path
            if same and earlier.gil_enabled == choice.gil_enabled:
                raise InterpreterError(
                    f"{spec!r} runs the same as {earlier_spec!r} ({earlier.label}); "
                    "give each interpreter once"
                )
        chosen.append((spec, choice))
    return distinct_labels([choice for _, choice in chosen])


def distinct_labels(choices: Sequence[InterpreterChoice]) -> tuple[InterpreterChoice, ...]:
    """The choices, relabelled where two would read the same: two 3.11s (say pyenv's and the
    system's) are named by their whole versions, and where even those agree, by their paths."""
    for relabel in (lambda i: i.full_name, lambda i: f"{i.full_name} {i.path}"):
        labels = [choice.label for choice in choices]
        if len(set(labels)) == len(labels):
            break
        choices = [
            replace(c, label=c.short_label(relabel(c.interpreter)))
            if labels.count(c.label) > 1
            else c
            for c in choices
        ]
    return tuple(choices)
