"""The Pythons a preset's experiment asks for, found on this machine — or said to be missing.

A preset is written once for every machine, so it names interpreters by what they are, not
where they live: ``this`` (the Python the workbench runs on), ``free-threaded`` (the newest
free-threaded build found), a name such as ``3.13t``, each with an optional ``:gil=0|1``.
One that is not on this machine is a fact about the machine, not a mistake in the preset: the
experiment runs on the others, and every rule about the missing one reads "depends on this
machine" with what to install (see :func:`workbench.core.presets.judge`). Paths are not
allowed: they would only ever be right on the machine the preset was written on.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from workbench.core.interpreter_launch import record_of
from workbench.core.interpreters import (
    FREE_THREADED,
    HOW_TO_GET_FREE_THREADED,
    NAME_PATTERN,
    THIS,
    Interpreter,
    InterpreterChoice,
    InterpreterError,
    NoFreeThreaded,
    distinct_labels,
    parse_spec,
    split_gil,
)
from workbench.core.params import ConfigError
from workbench.core.results import RunInterpreter

_SPEC_HELP = "this, free-threaded, or a name such as 3.13t, each with an optional :gil=0 or :gil=1"


def spec_problem(spec: str) -> str | None:
    """What is wrong with a preset's interpreter spec, from its text alone (None: nothing)."""
    try:
        name, _ = split_gil(spec)
    except InterpreterError as exc:
        return str(exc)
    match = NAME_PATTERN.fullmatch(name)
    if name in (THIS, FREE_THREADED) or (match and (match["impl"] or match["release"])):
        return None
    return f"{spec!r} is not an interpreter a preset can name ({_SPEC_HELP})"


@dataclass(frozen=True)
class Resolved:
    """Each spec's interpreter as a config records it; for the rest, why it is missing."""

    found: dict[str, RunInterpreter] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)

    @property
    def interpreters(self) -> tuple[RunInterpreter, ...]:
        """The interpreters to run on, each once, in the order they were named."""
        return tuple(dict.fromkeys(self.found.values()))


@functools.cache
def listed_interpreters() -> tuple[Interpreter, ...]:
    """What :func:`~workbench.core.interpreter_search.discover` finds, looked for once per
    process (starting every Python on the machine takes a tenth of a second or more)."""
    from workbench.core.interpreter_search import discover

    return discover().interpreters


def forget_found() -> None:
    """Look for interpreters again next time (one was added or forgotten meanwhile)."""
    listed_interpreters.cache_clear()
    resolve.cache_clear()


def _missing(spec: str, exc: InterpreterError) -> str:
    if isinstance(exc, NoFreeThreaded):
        return f"needs a free-threaded Python, and none was found here: {HOW_TO_GET_FREE_THREADED}"
    return f"needs Python {spec}: {exc}"


@functools.cache
def resolve(specs: tuple[str, ...]) -> Resolved:
    """Find every spec (see the module's docstring); an empty tuple resolves to nothing (the
    experiment runs on the workbench's own Python, as any other)."""
    chosen: dict[str, InterpreterChoice] = {}
    missing: dict[str, str] = {}
    for spec in specs:
        try:
            choice = parse_spec(spec, listed_interpreters())
        except InterpreterError as exc:
            missing[spec] = _missing(spec, exc)
            continue
        same = next((c for c in chosen.values() if c.recorded == choice.recorded), None)
        chosen[spec] = same or choice
    if specs and not chosen:
        raise ConfigError(f"none of its interpreters is here: {'; '.join(missing.values())}")
    unique = distinct_labels(list(dict.fromkeys(chosen.values())))
    relabelled = dict(zip(dict.fromkeys(chosen.values()), unique, strict=True))
    found = {spec: record_of(relabelled[choice]) for spec, choice in chosen.items()}
    return Resolved(found, missing)
