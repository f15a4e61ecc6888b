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
from dataclasses import dataclass
from enum import StrEnum
from importlib.resources.abc import Traversable
from typing import Any

from workbench.core.config import build_config
from workbench.core.engine import run_experiment
from workbench.core.observer import Observer
from workbench.core.params import ConfigError
from workbench.core.preset_checks import preset_problem
from workbench.core.results import Config, Results
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
    params: Mapping[str, float]
    time_params: tuple[str, ...]
    tasks: int
    workers: int | None
    strategies: tuple[str, ...]
    expect: tuple[Rule, ...]
    repeat: int = DEFAULT_REPEAT

    def config(self, time_scale: float, repeat: int | None = None) -> Config:
        """The experiment's config; ``repeat`` overrides its own (a rerun asking for more)."""
        params = {
            name: round(value * time_scale, 9) if name in self.time_params else value
            for name, value in self.params.items()
        }
        return build_config(
            self.workload,
            self.strategies,
            self.tasks,
            self.workers,
            params,
            self.repeat if repeat is None else repeat,
        )


class Purpose(StrEnum):
    DEMONSTRATION = "demonstration"
    """Reproduces an article's arithmetic: every machine should give the same answer."""
    TEST = "test"
    """Puts an article's claim to a test this machine may fail it on."""


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


def _experiment(data: Mapping[str, Any]) -> PresetExperiment:
    return PresetExperiment(
        label=str(data.get("label", data["workload"])),
        workload=str(data["workload"]),
        params={str(k): float(v) for k, v in data.get("params", {}).items()},
        time_params=tuple(data.get("time_params", ())),
        tasks=int(data["tasks"]),
        workers=None if data.get("workers") is None else int(data["workers"]),
        strategies=tuple(data["strategies"]),
        expect=tuple(Rule.from_dict(rule) for rule in data["expect"]),
        repeat=int(data.get("repeat", DEFAULT_REPEAT)),
    )


def parse_preset(data: Any, label: str = "preset", file_name: str | None = None) -> Preset:
    """A checked preset; :class:`PresetError` names ``label`` and the place otherwise."""
    problem = preset_problem(data, file_name)
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
        experiments=tuple(_experiment(e) for e in data["experiments"]),
        purpose=Purpose(data.get("purpose", Purpose.TEST)),
    )


def read_preset(path: Traversable, label: str) -> Preset:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PresetError(f"{label}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PresetError(f"{label}: cannot be read ({exc})") from None
    return parse_preset(data, label, path.name)


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


def load_presets(folder: Traversable | None = None) -> dict[str, Preset]:
    """Every preset in ``folder``, by name; :class:`PresetError` if any one is damaged."""
    catalogue = read_presets(folder)
    if catalogue.problems:
        raise PresetError(next(iter(catalogue.problems.values())))
    return dict(catalogue.presets)


def preset_named(name: str, folder: Traversable | None = None) -> Preset:
    """One preset; another preset's damaged file does not stand in its way."""
    catalogue = read_presets(folder)
    if name in catalogue.presets:
        return catalogue.presets[name]
    if name in catalogue.problems:
        raise PresetError(catalogue.problems[name])
    raise PresetError(f"unknown preset {name!r}; allowed: {', '.join(catalogue.presets)}")


def check_time_scale(time_scale: float) -> float:
    if not 0 < time_scale <= 10:
        raise ConfigError(f"time scale must be above 0 and at most 10, got {time_scale:g}")
    return time_scale


def judge(preset: Preset, results: tuple[Results, ...], time_scale: float) -> PresetVerdict:
    """Check every rule against its experiment's results (pure)."""
    outcomes = tuple(
        tuple(rule.check(result, time_scale) for rule in experiment.expect)
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
