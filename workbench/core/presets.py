"""Presets: the seed articles' experiments as data, each with its claim and a checkable rule.

A preset lives in ``workbench/resources/presets/NAME.json`` (data, not code; its form is
``schemas/preset.schema.json`` beside it) and is checked when it is loaded, so a damaged one is
reported in one line naming the file and the place (see :mod:`workbench.core.preset_checks`).
Durations listed in an experiment's ``time_params`` are multiplied by the preset's
``time_scale``, so a claim about hours can be checked in seconds with the same ratios. Each
experiment runs its strategies ``repeat`` times, interleaved, so that one disturbed run does
not decide a verdict (see :mod:`workbench.core.verdicts`).

A preset is a *demonstration* when it reproduces an article's arithmetic (sleeps that sleep,
the chess exhibition: any machine gives the same answer) and a *test* when the machine could
prove the article wrong (CPU work, the GIL, file IO).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from workbench.core.config import build_config
from workbench.core.datadir import data_dir
from workbench.core.engine import run_experiment
from workbench.core.observer import Observer
from workbench.core.params import ConfigError
from workbench.core.preset_checks import preset_problem
from workbench.core.preset_interpreters import resolve
from workbench.core.results import Config, Results, RunInterpreter
from workbench.core.usercode.model import CODE_WORKLOAD, Scalar
from workbench.core.verdicts import Outcome, Rule, Verdict, overall
from workbench.core.why import why_paragraph
from workbench.resources import resource

DEFAULT_REPEAT = 3
"""Runs per strategy unless an experiment says otherwise: with three, interleaved, one run
disturbed by another program does not move the median."""


MAX_RERUN_REPEAT = 9
"""A rerun asks for more repeats than the preset's own, but never minutes more of them."""


class PresetError(ValueError):
    """A preset that does not exist, cannot be read or says something wrong, in one line."""


@dataclass(frozen=True)
class PresetExperiment:
    label: str
    workload: str
    params: Mapping[str, Scalar]
    time_params: tuple[str, ...]
    tasks: int
    workers: int | None
    strategies: tuple[str, ...]
    expect: tuple[Rule, ...]
    code: str | None = None
    """The user's code instead of a workload: ``demo.py:task`` beside the preset's file, or
    ``example:NAME``; ``params`` are then its keyword arguments."""
    base: Path | None = None
    """The preset's folder, which a relative ``code`` path is taken from."""
    interpreters: tuple[str, ...] = ()
    """The Pythons it runs on, by spec (``this``, ``free-threaded:gil=1``); empty: this one."""
    repeat: int = DEFAULT_REPEAT

    def config(self, time_scale: float, repeat: int | None = None) -> Config:
        """The experiment's config; ``repeat`` overrides its own (a rerun asking for more)."""
        params = {
            name: round(value * time_scale, 9)
            if name in self.time_params and isinstance(value, int | float)
            else value
            for name, value in self.params.items()
        }
        found = resolve(self.interpreters).interpreters
        return build_config(
            self.workload,
            self.strategies,
            self.tasks,
            self.workers,
            params,
            self.repeat if repeat is None else repeat,
            interpreters=found,
            code=self.code,
            code_base=self.base,
        )


class Purpose(StrEnum):
    DEMONSTRATION = "demonstration"
    """Reproduces an article's arithmetic: every machine should give the same answer."""
    TEST = "test"
    """Puts an article's claim to a test this machine may fail it on."""

    @property
    def described(self) -> str:
        """How the CLI and the window say it to a class."""
        if self is Purpose.DEMONSTRATION:
            return "a demonstration: it reproduces the article's arithmetic"
        return "a test: this machine may prove the article wrong"


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    source: str
    claim: str
    why_holds: str
    """Why the claim holds: shown under ✔."""
    why_fails: str
    """Why it does not: shown under ✘, before what was measured instead."""
    time_scale: float
    experiments: tuple[PresetExperiment, ...]
    purpose: Purpose = Purpose.TEST


@dataclass(frozen=True)
class PresetVerdict:
    """Claim / Measured / Verdict for one run of a preset."""

    preset: Preset
    time_scale: float
    results: tuple[Results, ...]
    outcomes: tuple[tuple[Outcome, ...], ...]
    verdict: Verdict

    why: str = ""
    """The paragraph that explains *this* verdict (see :func:`workbench.core.why.why_paragraph`)."""

    @property
    def measured(self) -> list[str]:
        return [o.measured for outcomes in self.outcomes for o in outcomes]

    @property
    def lines(self) -> list[str]:
        """One line per rule, marked ✔ ✘ ~ ? with its reason; prefixed by the experiment's
        label when the preset has several."""
        several = len(self.preset.experiments) > 1
        lines = []
        for experiment, outcomes in zip(self.preset.experiments, self.outcomes, strict=True):
            prefix = f"{experiment.label}: " if several else ""
            for o in outcomes:
                reason = f" — {o.reason}" if o.reason else ""
                lines.append(f"{o.verdict.mark} {prefix}{o.measured}{reason}")
        return lines

    @property
    def rerun_advised(self) -> bool:
        """A rerun could decide it: some rule was too noisy (the window offers a button)."""
        return self.verdict is Verdict.INCONCLUSIVE

    @property
    def rerun_repeat(self) -> int:
        """Repeats to ask a rerun for: more than this run's (each repeat narrows the range the
        undisturbed figures lie in), at least 5, at most :data:`MAX_RERUN_REPEAT`."""
        repeats = max((result.config.repeat for result in self.results), default=DEFAULT_REPEAT)
        return min(MAX_RERUN_REPEAT, max(repeats + 2, 5))


def presets_folder() -> Traversable:
    """The presets shipped with the workbench (package data)."""
    return resource("presets")


def _value(value: Any) -> Scalar:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _experiment(data: Mapping[str, Any], base: Path | None) -> PresetExperiment:
    code = data.get("code")
    workload = CODE_WORKLOAD if code is not None else str(data["workload"])
    return PresetExperiment(
        label=str(data.get("label", code or workload)),
        workload=workload,
        params={str(k): _value(v) for k, v in data.get("params", {}).items()},
        time_params=tuple(data.get("time_params", ())),
        tasks=int(data["tasks"]),
        workers=None if data.get("workers") is None else int(data["workers"]),
        strategies=tuple(data["strategies"]),
        expect=tuple(Rule.from_dict(rule) for rule in data["expect"]),
        code=None if code is None else str(code),
        base=base,
        interpreters=tuple(data.get("interpreters", ())),
        repeat=int(data.get("repeat", DEFAULT_REPEAT)),
    )


def parse_preset(
    data: Any, label: str = "preset", file_name: str | None = None, base: Path | None = None
) -> Preset:
    """A checked preset; :class:`PresetError` names ``label`` and the place otherwise.

    ``base`` is the preset's folder: code it names is found there."""
    problem = preset_problem(data, file_name, base)
    if problem is not None:
        raise PresetError(f"{label}: {problem}")
    return Preset(
        name=str(data["name"]),
        title=str(data["title"]),
        source=str(data["source"]),
        claim=str(data["claim"]),
        why_holds=str(data["why_holds"]),
        why_fails=str(data["why_fails"]),
        time_scale=float(data.get("time_scale", 1.0)),
        experiments=tuple(_experiment(e, base) for e in data["experiments"]),
        purpose=Purpose(data.get("purpose", Purpose.TEST)),
    )


def read_preset(path: Traversable, label: str) -> Preset:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PresetError(f"{label}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PresetError(f"{label}: cannot be read ({exc})") from None
    base = path.parent if isinstance(path, Path) else None
    return parse_preset(data, label, path.name, base)


@dataclass(frozen=True)
class PresetCatalogue:
    """Every preset that loaded, by name, and a one-line problem for every file that did not:
    one damaged file must not hide the others from the window or ``workbench presets``."""

    presets: Mapping[str, Preset]
    problems: Mapping[str, str]
    """File name without ``.json`` (the preset's name, when it has one) → what is wrong."""


def read_presets(folder: Traversable | None = None) -> PresetCatalogue:
    """The presets in ``folder`` (default: the shipped ones), in file-name order."""
    folder = folder or presets_folder()
    presets: dict[str, Preset] = {}
    problems: dict[str, str] = {}
    for path in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if not path.name.endswith(".json") or not path.is_file():
            continue
        try:
            preset = read_preset(path, f"{folder.name}/{path.name}")
        except PresetError as exc:
            problems[path.name.removesuffix(".json")] = str(exc)
        else:
            presets[preset.name] = preset
    return PresetCatalogue(presets, problems)


def user_presets_folder() -> Path:
    """A teacher's own presets, each with the code it runs beside it, in the user's data
    folder (``presets/``): the window lists them after the shipped ones."""
    return data_dir(create=False) / "presets"


def read_all_presets() -> PresetCatalogue:
    """The shipped presets, then the user's own (one named like a shipped preset is refused:
    ``--preset NAME`` must mean one thing)."""
    shipped = read_presets()
    folder = user_presets_folder()
    if not folder.is_dir():
        return shipped
    own = read_presets(folder)
    presets, problems = dict(shipped.presets), {**shipped.problems, **own.problems}
    for name, preset in own.presets.items():
        if name in presets:
            problems[name] = f"{folder.name}/{name}.json: a shipped preset is named {name!r} too"
        else:
            presets[name] = preset
    return PresetCatalogue(presets, problems)


def load_presets(folder: Traversable | None = None) -> dict[str, Preset]:
    """Every preset in ``folder``, by name; :class:`PresetError` if any one is damaged."""
    catalogue = read_presets(folder)
    if catalogue.problems:
        raise PresetError(next(iter(catalogue.problems.values())))
    return dict(catalogue.presets)


def preset_named(name: str, folder: Traversable | None = None) -> Preset:
    """One preset (by default shipped or the user's own); another preset's damaged file
    does not stand in its way."""
    catalogue = read_presets(folder) if folder is not None else read_all_presets()
    if name in catalogue.presets:
        return catalogue.presets[name]
    if name in catalogue.problems:
        raise PresetError(catalogue.problems[name])
    raise PresetError(f"unknown preset {name!r}; allowed: {', '.join(catalogue.presets)}")


MIN_TIME_SCALE, MAX_TIME_SCALE = 1e-6, 10.0
"""The time scales a preset runs at: an hour becomes 3.6 ms at the least (below, durations
vanish under the workbench's own overhead and the claim is no longer tested), ten times
itself at the most."""


def check_time_scale(time_scale: float) -> float:
    """``time_scale`` if within bounds (NaN and infinities are not)."""
    if not MIN_TIME_SCALE <= time_scale <= MAX_TIME_SCALE:
        raise ConfigError(
            f"time scale must be between {MIN_TIME_SCALE:g} and {MAX_TIME_SCALE:g}, "
            f"got {time_scale:g}"
        )
    return time_scale


def _check(
    rule: Rule, experiment: PresetExperiment, results: Results, scale: float, said: set[str]
) -> Outcome:
    """A rule checked on the runs of the interpreter it names (the first one if it names
    none); one about an interpreter this machine lacks depends on the machine, and says what
    to install the first time (``said`` keeps what was said)."""
    if not experiment.interpreters:
        return rule.check(results, scale)
    resolved = resolve(experiment.interpreters)
    spec = rule.python or experiment.interpreters[0]
    if spec in resolved.missing:
        reason = resolved.missing[spec]
        text = f"{reason.split(':', 1)[0]} (see above)" if reason in said else reason
        said.add(reason)
        return Outcome(Verdict.DEPENDS, f"{rule.strategy} on {spec}: {text}")
    target = resolved.found[spec]
    outcome = rule.check(only_on(results, target), scale)
    return replace(outcome, measured=f"on {target.label}: {outcome.measured}")


def only_on(results: Results, target: RunInterpreter) -> Results:
    """The experiment as if it had run on ``target`` alone."""
    runs = tuple(run for run in results.runs if run.interpreter_label == target.label)
    return replace(results, config=replace(results.config, interpreters=(target,)), runs=runs)


def judge(preset: Preset, results: tuple[Results, ...], time_scale: float) -> PresetVerdict:
    """Check every rule against its experiment's results."""
    said: set[str] = set()
    outcomes = tuple(
        tuple(_check(rule, experiment, result, time_scale, said) for rule in experiment.expect)
        for experiment, result in zip(preset.experiments, results, strict=True)
    )
    verdict = overall([o for group in outcomes for o in group])
    why = why_paragraph(preset, results, outcomes, verdict)
    return PresetVerdict(preset, time_scale, results, outcomes, verdict, why)


async def run_preset(
    preset: Preset,
    observer: Observer | None = None,
    *,
    time_scale: float | None = None,
    stop: asyncio.Event | None = None,
    repeat: int | None = None,
) -> PresetVerdict | None:
    """Run every experiment of ``preset`` through the engine; None if stopped midway.

    ``repeat`` overrides each experiment's own repeat count (a rerun asking for more)."""
    scale = check_time_scale(preset.time_scale if time_scale is None else time_scale)
    results = []
    for experiment in preset.experiments:
        config = experiment.config(scale, repeat)
        result = await run_experiment(config, observer, stop=stop)
        if result.interrupted:
            return None
        results.append(result)
    return judge(preset, tuple(results), scale)
