"""Results files are checked against the shipped JSON Schema: a damaged one is refused in one
line naming the place, wherever in the file the damage is; the schema, the writer and the
format's documentation agree."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import REPO_ROOT
from workbench.core.exports import ResultsFileError, from_json, to_json
from workbench.core.exports.results_outline import SAMPLED
from workbench.core.results import Config, CpuSample, LagSample, Machine, Results, Run, TaskSpan
from workbench.core.schemas import RESULTS, schema

MACHINE = Machine(2, 2, "Test CPU", "Linux", "3.11.7", "CPython", True, "fork")
TASKS = 10
LATE = TASKS - 2
"""A task past the ones checked up front: its damage is found while converting it."""
assert SAMPLED <= LATE


def results() -> Results:
    spans = tuple(
        TaskSpan(i, i * 1_000, i * 1_000 + 500, "main", running=((i * 1_000, i * 1_000 + 500),))
        for i in range(TASKS)
    )
    run = Run(
        "async-gather",
        0,
        True,
        None,
        20_000,
        10_000,
        0,
        spans,
        tuple(CpuSample(t, (50.0, 10.0)) for t in range(0, 20_000, 2_000)),
        tuple(LagSample(t, 10) for t in range(0, 20_000, 2_000)),
    )
    return Results(
        MACHINE, Config("sleep", {"duration": 0.1}, TASKS, 2, 1, ("async-gather",)), (run,)
    )


def document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(to_json(results()))
    return data


def task(data: dict[str, Any], index: int) -> dict[str, Any]:
    found: dict[str, Any] = data["runs"][0]["tasks"][index]
    return found


Change = Callable[[dict[str, Any]], object]

DAMAGED: list[tuple[str, Change, str]] = [
    ("no runs", lambda d: d.pop("runs"), "missing field 'runs'"),
    (
        "a machine field missing",
        lambda d: d["machine"].pop("logical_cpus"),
        "machine: missing field 'logical_cpus'",
    ),
    ("no tasks", lambda d: d["config"].update(tasks=0), "config.tasks: must be at least 1, got 0"),
    (
        "a run's wall time as text",
        lambda d: d["runs"][0].update(wall_s="fast"),
        "runs[0].wall_s: expected a number, got 'fast'",
    ),
    (
        "an early task without a worker",
        lambda d: task(d, 1).pop("worker"),
        "runs[0].tasks[1]: missing field 'worker'",
    ),
    (
        "a late task's start as text",
        lambda d: task(d, LATE).update(start_s="x"),
        f"runs[0].tasks[{LATE}].start_s: expected a number, got 'x'",
    ),
    (
        "a late task without an end",
        lambda d: task(d, LATE).pop("end_s"),
        f"runs[0].tasks[{LATE}]: missing field 'end_s'",
    ),
    (
        "a late running interval of three times",
        lambda d: task(d, LATE)["running"][0].append(1.0),
        f"runs[0].tasks[{LATE}].running[0]: has 3 items, at most 2 allowed",
    ),
    (
        "a late CPU sample without its cores",
        lambda d: d["runs"][0]["cpu_samples"][LATE].update(per_core=7),
        f"runs[0].cpu_samples[{LATE}].per_core: expected a list, got 7",
    ),
    (
        "a late lag sample that is not an object",
        lambda d: d["runs"][0]["loop_lag"].__setitem__(LATE, [0.1, 0.2]),
        f"runs[0].loop_lag[{LATE}]: expected an object, got [0.1, 0.2]",
    ),
    (
        "tasks that are not a list",
        lambda d: d["runs"][0].update(tasks={"0": {}}),
        "runs[0].tasks: expected a list, got",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"), [(c, m) for _, c, m in DAMAGED], ids=[i for i, *_ in DAMAGED]
)
def test_a_damaged_file_is_one_line_naming_the_place(change: Change, message: str) -> None:
    data = document()
    change(data)
    with pytest.raises(ResultsFileError) as caught:
        from_json(json.dumps(data))
    line = str(caught.value)
    assert "\n" not in line
    assert line.startswith(f"damaged results file: {message}"), line


def test_fields_a_newer_writer_adds_are_ignored() -> None:
    data = document()
    data["machine"]["interpreter"] = "/usr/bin/python3.13t"
    data["runs"][0]["peak_rss_mb"] = 40.5
    task(data, LATE)["states"] = []
    assert from_json(json.dumps(data)) == results()


def test_what_the_writer_writes_validates_in_full_against_the_schema() -> None:
    Draft202012Validator.check_schema(schema(RESULTS))
    errors = list(Draft202012Validator(schema(RESULTS)).iter_errors(document()))
    assert errors == []


def _schema_fields(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        found |= set(node.get("properties", {}))
        for value in node.values():
            found |= _schema_fields(value)
    elif isinstance(node, list):
        for value in node:
            found |= _schema_fields(value)
    return found


def test_the_documentation_names_every_field_the_schema_has() -> None:
    doc = (REPO_ROOT / "docs" / "results-schema.md").read_text(encoding="utf-8")
    documented = set(re.findall(r'"(\w+)"\s*:', doc)) | set(re.findall(r"`(\w+)`", doc))
    assert _schema_fields(schema(RESULTS)) - documented == set()
    assert "results.schema.json" in doc
