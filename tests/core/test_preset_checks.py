"""A damaged preset is refused when it is loaded, in one line naming the file and the place,
and never hides the presets beside it."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from workbench.core.presets import (
    PresetError,
    load_presets,
    parse_preset,
    preset_named,
    presets_folder,
    read_presets,
)
from workbench.core.schemas import PRESET, schema
from workbench.core.verdicts import KINDS, Rule

GOOD: dict[str, Any] = {
    "name": "good",
    "title": "A good preset",
    "source": "a test",
    "claim": "gathered sleeps overlap",
    "purpose": "demonstration",
    "why_holds": "the loop runs the others while one waits",
    "why_fails": "something held the loop",
    "time_scale": 0.1,
    "experiments": [
        {
            "label": "sleep × 3",
            "workload": "sleep",
            "params": {"duration": 1.0},
            "time_params": ["duration"],
            "tasks": 3,
            "strategies": ["sequential", "async-gather"],
            "expect": [
                {"kind": "wall", "strategy": "async-gather", "about_s": 1.0},
                {"kind": "speedup", "strategy": "async-gather", "over": "sequential", "min": 2},
            ],
        }
    ],
}

Change = Callable[[dict[str, Any]], object]


def rule(data: dict[str, Any], index: int = 1) -> dict[str, Any]:
    rules: list[dict[str, Any]] = data["experiments"][0]["expect"]
    return rules[index]


def experiment(data: dict[str, Any]) -> dict[str, Any]:
    first: dict[str, Any] = data["experiments"][0]
    return first


BAD: list[tuple[str, Change, str]] = [
    (
        "misspelt kind",
        lambda d: rule(d).update(kind="speedp"),
        "experiments[0].expect[1].kind: unknown rule kind 'speedp' (allowed: speedup, wall, "
        "finish_together, finish_out_of_order, fastest)",
    ),
    (
        "speedup without bounds",
        lambda d: rule(d).pop("min"),
        "experiments[0].expect[1]: a speedup rule needs 'min' or 'max' (or both)",
    ),
    (
        "speedup without over",
        lambda d: rule(d).pop("over"),
        "experiments[0].expect[1]: a speedup rule needs 'over'",
    ),
    (
        "min above max",
        lambda d: rule(d).update(max=1.5),
        "experiments[0].expect[1]: 'min' (2) is above 'max' (1.5)",
    ),
    (
        "wall without about_s",
        lambda d: rule(d, 0).pop("about_s"),
        "experiments[0].expect[0]: a wall rule needs 'about_s'",
    ),
    (
        "no rule",
        lambda d: experiment(d).update(expect=[]),
        "experiments[0].expect: needs at least one rule",
    ),
    (
        "no experiment",
        lambda d: d.update(experiments=[]),
        "experiments: needs at least one experiment",
    ),
    (
        "rule names a strategy not run",
        lambda d: rule(d).update(strategy="threads"),
        "experiments[0].expect[1]: strategy 'threads' is not a strategy this experiment runs "
        "(it runs: sequential, async-gather)",
    ),
    (
        "rule compares with a strategy not run",
        lambda d: rule(d).update(over="threads"),
        "experiments[0].expect[1]: over 'threads' is not a strategy this experiment runs",
    ),
    (
        "rule compares a strategy with itself",
        lambda d: rule(d).update(over="async-gather"),
        "experiments[0].expect[1]: compares 'async-gather' with itself",
    ),
    (
        "unknown field in a rule",
        lambda d: rule(d).update(mni=2),
        "experiments[0].expect[1]: unknown field 'mni' (allowed: kind, strategy, over,",
    ),
    (
        "unknown workload",
        lambda d: experiment(d).update(workload="warp"),
        "experiments[0]: unknown workload 'warp'; allowed: sleep,",
    ),
    (
        "unknown strategy",
        lambda d: experiment(d).update(strategies=["sequential", "async-gather", "warp"]),
        "experiments[0]: unknown strategy 'warp'; allowed: sequential,",
    ),
    (
        "unknown parameter",
        lambda d: experiment(d).update(params={"duration": 1.0, "speed": 3}),
        "experiments[0]: unknown parameter 'speed'; allowed: duration",
    ),
    (
        "parameter out of bounds once time-scaled",
        lambda d: experiment(d).update(params={"duration": 40_000}),
        "experiments[0]: duration must be between 0 and 3600 s",
    ),
    (
        "time-scaled parameter not given",
        lambda d: experiment(d).update(params={}),
        "experiments[0].time_params: 'duration' is not one of this experiment's params",
    ),
    (
        "tasks not a whole number",
        lambda d: experiment(d).update(tasks="three"),
        "experiments[0].tasks: expected a whole number, got 'three'",
    ),
    (
        "a bound that is not a number",
        lambda d: rule(d).update(min="2"),
        "experiments[0].expect[1].min: expected a number, got '2'",
    ),
    ("missing claim", lambda d: d.pop("claim"), "missing field 'claim'"),
    ("missing why_fails", lambda d: d.pop("why_fails"), "missing field 'why_fails'"),
    (
        "unknown purpose",
        lambda d: d.update(purpose="lecture"),
        "purpose: unknown purpose 'lecture' (allowed: demonstration, test)",
    ),
    (
        "no repeat",
        lambda d: experiment(d).update(repeat=0),
        "experiments[0].repeat: must be at least 1, got 0",
    ),
    ("time scale of 0", lambda d: d.update(time_scale=0), "time_scale: must be above 0, got 0"),
    (
        "no strategies",
        lambda d: experiment(d).update(strategies=[]),
        "experiments[0].strategies: needs at least one strategy",
    ),
    (
        "a strategy twice",
        lambda d: experiment(d).update(strategies=["sequential", "sequential"]),
        "experiments[0].strategies: lists the same value twice",
    ),
    (
        "name unlike the file's",
        lambda d: d.update(name="other"),
        "name: 'other' does not match the file's name (good.json)",
    ),
]


def write(folder: Path, data: Any, name: str = "good") -> Path:
    path = folder / f"{name}.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_the_good_preset_loads(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    assert list(load_presets(tmp_path)) == ["good"]


@pytest.mark.parametrize(
    ("change", "message"), [(c, m) for _, c, m in BAD], ids=[i for i, *_ in BAD]
)
def test_a_bad_preset_is_one_line_naming_the_file_and_the_place(
    tmp_path: Path, change: Change, message: str
) -> None:
    data = copy.deepcopy(GOOD)
    change(data)
    write(tmp_path, data)
    with pytest.raises(PresetError) as caught:
        load_presets(tmp_path)
    line = str(caught.value)
    assert "\n" not in line
    assert line.startswith(f"{tmp_path.name}/good.json: {message}"), line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"name": "good",', "not valid JSON (Expecting property name"),
        ("[1, 2]", "expected an object, got [1, 2]"),
        ("\ufeff{}", "not valid JSON"),
    ],
)
def test_a_file_that_is_no_preset_at_all_says_so(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, text)
    with pytest.raises(PresetError) as caught:
        load_presets(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path.name}/good.json: {message}"), caught.value


def test_a_damaged_preset_hides_none_of_the_others(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    damaged = copy.deepcopy(GOOD) | {"name": "damaged"}
    rule(damaged)["kind"] = "speedp"
    write(tmp_path, damaged, "damaged")
    catalogue = read_presets(tmp_path)
    assert list(catalogue.presets) == ["good"]
    assert list(catalogue.problems) == ["damaged"]
    assert "damaged.json: experiments[0].expect[1].kind" in catalogue.problems["damaged"]
    assert preset_named("good", tmp_path).title == "A good preset"
    with pytest.raises(PresetError, match=r"damaged\.json: experiments"):
        preset_named("damaged", tmp_path)  # its own problem, not "unknown preset"


def test_every_shipped_preset_passes_every_check() -> None:
    catalogue = read_presets()
    assert catalogue.problems == {}
    assert len(catalogue.presets) == 12
    for path in presets_folder().iterdir():
        if path.name.endswith(".json"):
            parse_preset(json.loads(path.read_text(encoding="utf-8")), path.name, path.name)


def test_the_schema_is_valid_and_agrees_with_the_rules_the_code_knows() -> None:
    preset = schema(PRESET)
    Draft202012Validator.check_schema(preset)
    rule_schema = preset["$defs"]["rule"]
    assert rule_schema["properties"]["kind"]["enum"] == list(KINDS)
    assert list(rule_schema["properties"]) == [f.name for f in dataclasses.fields(Rule)]
    assert parse_preset(GOOD).experiments[0].expect[1] == Rule(
        "speedup", "async-gather", over="sequential", min=2
    )
