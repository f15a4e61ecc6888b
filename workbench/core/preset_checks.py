"""What a preset file must say before it is loaded: its form, then what its rules mean.

A preset is data an instructor may write by hand, so a mistake in it must surface when it is
loaded — as one line naming the place — not as a crash after the whole experiment ran, or as a
rule that can never fail. The form (fields, types, known rule kinds) is the JSON Schema shipped
as ``schemas/preset.schema.json``; the meaning is checked here, where the workbench's own
registries are at hand: the bounds each rule kind needs, rules naming only strategies their
experiment runs, and a workload, strategies and parameters the engine accepts.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from workbench.core.config import build_config
from workbench.core.params import ConfigError
from workbench.core.preset_interpreters import spec_problem
from workbench.core.schemas import PRESET, location, problem
from workbench.core.usercode.model import Scalar

Problem = tuple[Sequence[str | int], str]
"""Where in the file (a path into the document) and what is wrong there."""


def _time_scaled(experiment: Mapping[str, Any], time_scale: float) -> dict[str, Scalar]:
    scaled = set(experiment.get("time_params", ()))
    return {
        name: round(value * time_scale, 9)
        if name in scaled and isinstance(value, int | float) and not isinstance(value, bool)
        else value
        for name, value in experiment.get("params", {}).items()
    }


def _rule_problems(
    rule: Mapping[str, Any], strategies: Sequence[str], interpreters: Sequence[str] = ()
) -> Iterator[str]:
    kind = rule["kind"]
    if "python" in rule and rule["python"] not in interpreters:
        named = ", ".join(interpreters) or "none: it runs on the workbench's own"
        yield f"python {rule['python']!r} is not one of this experiment's interpreters ({named})"
    if kind == "speedup":
        if "over" not in rule:
            yield "a speedup rule needs 'over': the strategy it is compared with"
        if "min" not in rule and "max" not in rule:
            yield "a speedup rule needs 'min' or 'max' (or both)"
        elif rule.get("min", 0) > rule.get("max", float("inf")):
            yield f"'min' ({rule['min']:g}) is above 'max' ({rule['max']:g})"
    if kind == "wall" and "about_s" not in rule:
        yield "a wall rule needs 'about_s': about how many seconds the strategy takes"
    runs = ", ".join(strategies)
    for field in ("strategy", "over"):
        if field in rule and rule[field] not in strategies:
            yield (
                f"{field} {rule[field]!r} is not a strategy this experiment runs (it runs: {runs})"
            )
    if rule.get("over") is not None and rule.get("over") == rule["strategy"]:
        yield f"compares {rule['strategy']!r} with itself"


def _experiment_problems(
    experiment: Mapping[str, Any], time_scale: float, base: Path | None
) -> Iterator[Problem]:
    params = experiment.get("params", {})
    for name in experiment.get("time_params", ()):
        if name not in params:
            yield ("time_params",), f"{name!r} is not one of this experiment's params"
        elif isinstance(params[name], str | bool):
            yield ("time_params",), f"{name!r} is not a number, so it cannot be time-scaled"
    if ("workload" in experiment) == ("code" in experiment):
        yield (), "an experiment names a workload or code (a file beside the preset), one of them"
        return
    interpreters = experiment.get("interpreters", ())
    for index, spec in enumerate(interpreters):
        if (text := spec_problem(spec)) is not None:
            yield ("interpreters", index), text
    try:
        build_config(
            experiment.get("workload", ""),
            experiment["strategies"],
            experiment["tasks"],
            experiment.get("workers"),
            _time_scaled(experiment, time_scale),
            code=experiment.get("code"),
            code_base=base,
        )
    except ConfigError as exc:
        yield ("code",) if "code" in experiment else (), str(exc)
    for index, rule in enumerate(experiment["expect"]):
        for text in _rule_problems(rule, experiment["strategies"], interpreters):
            yield ("expect", index), text


def meaning_problems(data: Mapping[str, Any], base: Path | None = None) -> Iterator[Problem]:
    """Everything a well-formed preset says that the workbench could not run or judge
    (``base``: the preset's folder, where the code it names must be)."""
    time_scale = data.get("time_scale", 1.0)
    for index, experiment in enumerate(data["experiments"]):
        for where, text in _experiment_problems(experiment, time_scale, base):
            yield ("experiments", index, *where), text


def preset_problem(data: Any, file_name: str | None = None, base: Path | None = None) -> str | None:
    """The first thing wrong with a preset document, as ``place: what`` (None: nothing).

    ``file_name`` (``cpu-gil.json``) is checked against the preset's ``name``: the name is what
    ``workbench run --preset`` takes, and a file named after another preset would hide which
    file is damaged when one is.
    """
    found = problem(PRESET, data)
    if found is not None:
        return found
    if file_name is not None and f"{data['name']}.json" != file_name:
        return f"name: {data['name']!r} does not match the file's name ({file_name})"
    first = next(meaning_problems(data, base), None)
    return None if first is None else f"{location(first[0])}: {first[1]}"
