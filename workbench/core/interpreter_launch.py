"""Starting a run's child on the interpreter chosen for it, and refusing one that cannot run it.

The interpreter the workbench runs on starts the child as it always has (``python -m`` with
this environment, or the frozen app's own entry point). Any other is started with ``-s -P``
(no user site-packages, no current folder on its path) and a ``PYTHONPATH`` holding the
child's own sources (see :mod:`workbench.core.child_source`) before what this process
inherited — less any site-packages folder in it, built for another Python — so it runs the
child on its standard library and its own packages. ``PYTHON_GIL`` is set on a free-threaded
build as chosen and removed elsewhere (a standard build refuses ``PYTHON_GIL=0`` at start);
``-I`` and ``-E`` are never used, since they would ignore it.

Workloads that need a third-party package in the child (aiohttp, aiofiles) are checked
against each foreign interpreter before anything runs — one short start per interpreter and
package, remembered — so a missing package is one line saying what to install where, not a
run that fails halfway through an experiment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from workbench.core.interpreters import (
    GIL_ENV,
    PROBE_TIMEOUT_S,
    InterpreterChoice,
    parse_specs,
    run_with_timeout,
    running_python,
)
from workbench.core.launch import Interpreter, child_environment
from workbench.core.params import ConfigError
from workbench.core.results import Config, RunInterpreter
from workbench.core.workloads import workload_named

FOREIGN_FLAGS = ("-s", "-P")
_MARKER = "workbench-modules:"
_FIND_MODULES = (
    "import importlib.util, json, sys\n"
    "print('workbench-modules:' + json.dumps("
    "{m: importlib.util.find_spec(m) is not None for m in sys.argv[1:]}))"
)


@cache
def running_interpreter() -> RunInterpreter:
    """The Python the workbench runs on, as a run records it."""
    return record_of(InterpreterChoice(running_python()))


def is_running(interpreter: RunInterpreter) -> bool:
    """Whether ``interpreter`` is the one the workbench runs on."""
    return interpreter.path == running_interpreter().path


def record_of(choice: InterpreterChoice) -> RunInterpreter:
    """A chosen interpreter as a config records it: with the GIL state asked for."""
    i = choice.recorded
    return RunInterpreter(
        i.path, i.version, i.implementation, i.free_threaded, i.gil_enabled, choice.label
    )


def chosen(specs: str) -> tuple[RunInterpreter, ...]:
    """``--python SPEC[,SPEC…]`` as a config records it (see :func:`parse_specs`)."""
    return tuple(record_of(choice) for choice in parse_specs(specs))


@dataclass(frozen=True)
class ChildLaunch:
    """How to start a run's child: the command's interpreter (None: the workbench's own way)
    and its whole environment (None: the workbench's own, as always)."""

    interpreter: Interpreter | None
    environment: dict[str, str] | None
    record: RunInterpreter


def _packages(folder: str) -> bool:
    """Whether ``folder`` holds a Python's installed packages: built for that Python, they
    must not reach another through an inherited ``PYTHONPATH`` (a checkout or a folder of
    the user's own modules may)."""
    return Path(folder).name in ("site-packages", "dist-packages")


def _environment(target: RunInterpreter, foreign: bool) -> dict[str, str]:
    env = child_environment()
    env.pop(GIL_ENV, None)
    if target.free_threaded:
        env[GIL_ENV] = "1" if target.gil_enabled else "0"
    if not foreign:
        return env
    from workbench.core.child_source import child_source_path

    inherited = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and not _packages(p)]
    env["PYTHONPATH"] = os.pathsep.join([child_source_path(), *inherited])
    for variable in ("PYTHONHOME", "PYTHONEXECUTABLE"):
        env.pop(variable, None)  # they describe the workbench's Python, not this one
    if getattr(sys, "frozen", False):
        # The bundle's loader points the library path at its own libraries: another Python
        # must get the machine's (the loader keeps the original as ..._ORIG).
        for variable in ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH"):
            original = env.pop(f"{variable}_ORIG", None)
            env.pop(variable, None)
            if original:
                env[variable] = original
    return env


def launch_for(target: RunInterpreter | None, command: Interpreter | None = None) -> ChildLaunch:
    """How to start a child on ``target`` (None: the workbench's own Python, as configured
    by default; ``command`` then overrides its command line, as tests do with ``-S``)."""
    if target is None:
        return ChildLaunch(command, None, running_interpreter())
    if is_running(target):
        return ChildLaunch(command, _environment(target, foreign=False), target)
    return ChildLaunch(Interpreter(target.path, FOREIGN_FLAGS), _environment(target, True), target)


@cache
def _importable(path: str, modules: tuple[str, ...]) -> dict[str, bool] | None:
    """Which of ``modules`` the interpreter at ``path`` can import, started as a child would
    be; None if it could not be asked."""
    env = _environment(RunInterpreter(path, "", "", False, True, ""), foreign=True)
    command = [path, *FOREIGN_FLAGS, "-c", _FIND_MODULES, *modules]
    try:
        done = run_with_timeout(command, PROBE_TIMEOUT_S, env)
    except (OSError, subprocess.SubprocessError):
        return None
    line = next((x for x in done.stdout.splitlines() if x.startswith(_MARKER)), None)
    if done.returncode != 0 or line is None:
        return None
    try:
        found = json.loads(line[len(_MARKER) :])
    except ValueError:
        return None
    return {module: bool(found.get(module)) for module in modules}


def missing_modules(target: RunInterpreter, modules: Sequence[str]) -> list[str]:
    """The modules ``target`` lacks among ``modules`` (none for the workbench's own Python:
    they are its dependencies); raise :class:`ConfigError` if it cannot be asked."""
    if not modules or is_running(target):
        return []
    found = _importable(target.path, tuple(sorted(modules)))
    if found is None:
        raise ConfigError(
            f"Python {target.version} at {target.path} did not say which packages it has "
            f"(asked for {', '.join(modules)}); run it once by hand to see why"
        )
    return [module for module in modules if not found[module]]


def check_packages(config: Config) -> None:
    """Refuse, before any work, a workload that needs a package an interpreter lacks."""
    workload = workload_named(config.workload)
    for target in config.interpreters:
        missing = missing_modules(target, workload.needs_modules)
        if missing:
            names = " ".join(missing)
            raise ConfigError(
                f"the {workload.name} workload needs {', '.join(missing)}, which "
                f"{target.implementation} {target.version} ({target.label}) at {target.path} "
                f"cannot import; install it there: {target.path} -m pip install {names}"
            )
