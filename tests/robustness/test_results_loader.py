"""Hostile results files, one test per case the robustness review found: each is refused with
one line naming the field (``ResultsFileError``), never an exception from deeper down, and
never loads into results a view then trips over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from workbench.core.exports import ResultsFileError, from_json, load, results_reader, to_json
from workbench.core.results import Config, CpuSample, Machine, Results, Run, TaskSpan

TASKS = 10
LATE = TASKS - 2
"""An item past the few the schema checks up front: found by the value checks."""


def results() -> Results:
    spans = tuple(
        TaskSpan(i, i * 1_000, i * 1_000 + 500, "main", running=((i * 1_000, i * 1_000 + 500),))
        for i in range(TASKS)
    )
    samples = tuple(CpuSample(t, (50.0, 10.0)) for t in range(0, 20_000, 2_000))
    run = Run("threads", 0, True, None, 20_000, 10_000, 0, spans, samples)
    machine = Machine(2, 2, "Test CPU", "Linux", "3.11.7", "CPython", True, "fork")
    return Results(machine, Config("sleep", {"duration": 0.1}, TASKS, 2, 1, ("threads",)), (run,))


def document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(to_json(results()))
    return data


def refused(data: Any) -> str:
    """The one line a damaged document is refused with."""
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(ResultsFileError) as caught:
        from_json(text)
    line = str(caught.value)
    assert "\n" not in line
    return line


def changed(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    data = document()
    change(data)
    return data


def task(data: dict[str, Any], index: int) -> dict[str, Any]:
    found: dict[str, Any] = data["runs"][0]["tasks"][index]
    return found


def test_the_untouched_document_loads() -> None:
    assert from_json(json.dumps(document())) == results()


# -- nesting bombs ---------------------------------------------------------------------------


def test_a_nesting_bomb_is_refused() -> None:
    assert refused("[" * 100_000 + "]" * 100_000) == (
        "nested too deeply (a results file is a few levels deep)"
    )


def test_deep_nesting_inside_a_results_file_is_refused() -> None:
    bomb = "[" * 50_000 + "]" * 50_000
    text = json.dumps(document()).replace('"duration": 0.1', f'"duration": {bomb}')
    assert "nested too deeply" in refused(text)


def test_deep_nesting_where_a_number_belongs_names_the_field() -> None:
    deep: Any = 1.0
    for _ in range(500):
        deep = [deep]
    line = refused(changed(lambda d: task(d, LATE).update(start_s=deep)))
    assert line.startswith(f"damaged results file: runs[0].tasks[{LATE}].start_s: expected a")


# -- numbers that are not finite, or too big -------------------------------------------------


@pytest.mark.parametrize("value", ["1e308", "Infinity", "-Infinity", "NaN"])
def test_a_time_that_is_not_a_finite_number_of_seconds_is_refused(value: str) -> None:
    for place in (f'"end_s": {value}, "late": 1', f'"wall_s": {value}'):
        data = document()
        if "late" in place:
            task(data, LATE)["end_s"] = "MARK"
        else:
            data["runs"][0]["wall_s"] = "MARK"
        text = json.dumps(data).replace('"MARK"', value)
        line = refused(text)
        where = f"runs[0].tasks[{LATE}].end_s" if "late" in place else "runs[0].wall_s"
        assert line.startswith(f"damaged results file: {where}: "), line


def test_a_negative_time_is_refused() -> None:
    line = refused(changed(lambda d: task(d, LATE).update(start_s=-0.5)))
    where = f"runs[0].tasks[{LATE}].start_s"
    assert line == f"damaged results file: {where}: must be at least 0, got -0.5"


def test_a_non_finite_cpu_figure_is_refused() -> None:
    data = changed(lambda d: d["runs"][0]["cpu_samples"][LATE].update(per_core=[1.0, "MARK"]))
    line = refused(json.dumps(data).replace('"MARK"', "NaN"))
    assert line.startswith(f"damaged results file: runs[0].cpu_samples[{LATE}].per_core[1]: ")


def test_a_non_finite_parameter_is_refused() -> None:
    data = changed(lambda d: d["config"]["params"].update(duration="MARK"))
    assert "config.params.duration" in refused(json.dumps(data).replace('"MARK"', "Infinity"))


# -- counts and ids out of range -------------------------------------------------------------


@pytest.mark.parametrize(
    ("tasks", "message"),
    [(-5, "must be at least 1, got -5"), (10**12, "must be at most 1e+06, got 1000000000000")],
)
def test_a_negative_or_huge_task_count_is_refused(tasks: int, message: str) -> None:
    assert refused(changed(lambda d: d["config"].update(tasks=tasks))) == (
        f"damaged results file: config.tasks: {message}"
    )


@pytest.mark.parametrize("task_id", [2**63, 2**64 + 1, -1])
def test_an_id_past_int64_or_negative_is_refused(task_id: int) -> None:
    line = refused(changed(lambda d: task(d, LATE).update(id=task_id)))
    assert line.startswith(f"damaged results file: runs[0].tasks[{LATE}].id: must be at"), line


def test_an_id_far_past_the_runs_tasks_is_refused() -> None:
    """The window keeps a row per id: an id of 2**40 would ask for terabytes."""
    line = refused(changed(lambda d: task(d, LATE).update(id=2**40)))
    last = TASKS + TASKS - 1  # the run's tasks, plus one fresh id per span (Dask attempts)
    assert line.endswith(f"runs[0].tasks[{LATE}].id: must be at most {last}, got 1099511627776")


def test_a_core_past_the_machines_cpus_is_refused() -> None:
    line = refused(changed(lambda d: task(d, LATE).update(cores=[0, 2])))
    assert line.endswith(f"runs[0].tasks[{LATE}].cores[1]: must be at most 1, got 2")


def test_a_repeat_index_past_the_repeats_is_refused() -> None:
    line = refused(changed(lambda d: d["runs"][0].update(repeat_index=3)))
    assert line == "damaged results file: runs[0].repeat_index: must be at most 0, got 3"


def test_per_core_of_the_wrong_length_is_refused() -> None:
    for index in (0, LATE):
        line = refused(
            changed(lambda d, i=index: d["runs"][0]["cpu_samples"][i].update(per_core=[1.0] * 3))
        )
        assert line == (
            f"damaged results file: runs[0].cpu_samples[{index}].per_core: "
            "has 3 figures, the machine has 2 logical CPUs"
        )


# -- the wrong type ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("start_s", "0.5", "expected a number, got '0.5'"),
        ("id", "7", "expected a whole number, got '7'"),
        ("id", 1.5, "expected a whole number, got 1.5"),
        ("id", True, "expected a whole number, got true"),
        ("ok", "false", "expected true or false, got 'false'"),
        ("ok", 0, "expected true or false, got 0"),
        ("worker", 7, "expected text, got 7"),
        ("error", ["a"], 'expected text or null, got ["a"]'),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(field: str, value: Any, message: str) -> None:
    for index in (0, LATE):  # checked by the schema up front, and by the value checks
        line = refused(changed(lambda d, i=index: task(d, i).update({field: value})))
        assert line.startswith(f"damaged results file: runs[0].tasks[{index}].{field}: "), line
        if index == LATE:
            assert line.endswith(message), line


def test_a_cpu_figure_as_text_is_refused() -> None:
    line = refused(changed(lambda d: d["runs"][0]["cpu_samples"][LATE].update(per_core=[1, "50"])))
    assert line.endswith(f"cpu_samples[{LATE}].per_core[1]: expected a number, got '50'")


# -- spans the wrong way round ---------------------------------------------------------------


def test_a_task_that_ends_before_it_starts_is_refused() -> None:
    line = refused(changed(lambda d: task(d, LATE).update(start_s=0.5, end_s=0.25)))
    assert line == (
        f"damaged results file: runs[0].tasks[{LATE}]: ends before it starts (0.5 s → 0.25 s)"
    )


def test_a_running_interval_the_wrong_way_round_is_refused() -> None:
    line = refused(changed(lambda d: task(d, LATE).update(running=[[0.3, 0.1]])))
    assert line.endswith(f"runs[0].tasks[{LATE}].running[0]: ends before it starts (0.3 s → 0.1 s)")


def test_a_thread_state_interval_the_wrong_way_round_is_refused() -> None:
    def add_threads(d: dict[str, Any]) -> None:
        d["runs"][0]["thread_sampling"] = {"source": "procfs", "states": ["running"]}
        states = [[0.0, 0.1, "running"]] * 5 + [[0.4, 0.2, "running"]]
        d["runs"][0]["threads"] = [{"native_id": 1, "pid": 1, "name": "t", "states": states}]

    line = refused(changed(add_threads))
    assert line.endswith("runs[0].threads[0].states[5]: ends before it starts (0.4 s → 0.2 s)")


def test_a_number_of_thousands_of_digits_is_refused() -> None:
    text = json.dumps(document()).replace('"tasks": 10', '"tasks": 1' + "0" * 5_000)
    assert refused(text) == "not a results file: a number has too many digits"


@pytest.mark.parametrize("where", ["worker", "params"])
def test_text_that_is_half_a_surrogate_pair_is_refused(where: str) -> None:
    """JSON's escapes can spell it; it loads, then every save of it fails."""
    data = document()
    if where == "worker":
        task(data, LATE)["worker"] = "MARK"
    else:
        data["config"]["params"] = {"MARK": 1.0}
    line = refused(json.dumps(data).replace('"MARK"', '"\\ud800"'))
    place = f"runs[0].tasks[{LATE}].worker" if where == "worker" else r"config.params.\ud800"
    assert line == f"damaged results file: {place}: '\\ud800' is not valid Unicode text"
    line.encode("utf-8")  # the message itself can be printed


# -- long text -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [200_000, 2_000_000])
def test_a_long_error_is_kept_whole(size: int) -> None:
    """The loader keeps text whole (the window elides it: tests/robustness/test_window_*)."""
    error = "<b>" + "x" * size
    loaded = from_json(json.dumps(changed(lambda d: task(d, LATE).update(error=error, ok=False))))
    assert loaded.runs[0].tasks[LATE].error == error


# -- files that are too big, or not files ----------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_saying_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps(document()), encoding="utf-8")
    monkeypatch.setattr(results_reader, "MAX_FILE_BYTES", 2**20)
    with path.open("ab") as file:
        file.truncate(3 * 2**20)  # sparse: the size is what counts, it is never read
    with pytest.raises(ResultsFileError, match=r"^too big to open \(3 MiB; the limit is 1 MiB\)$"):
        load(path)


def test_the_size_limit_covers_the_largest_run_the_workbench_allows() -> None:
    assert results_reader.MAX_FILE_BYTES >= 256 * 2**20


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_a_device_or_a_folder_is_refused_without_reading_it(tmp_path: Path) -> None:
    fifo = tmp_path / "results.json"
    os.mkfifo(fifo)  # reading it would wait for a writer forever
    for path in (fifo, Path(os.devnull), tmp_path):
        with pytest.raises(ResultsFileError, match=r"^not a regular file$"):
            load(path)


# -- what the user sees ----------------------------------------------------------------------


def test_the_command_line_names_the_file_and_the_field_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    text = json.dumps(changed(lambda d: task(d, LATE).update(end_s="MARK")))
    bad.write_text(text.replace('"MARK"', "1e308"), encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(to_json(results()), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "compare", str(bad), str(good)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"workbench: error: {bad}: damaged results file: "
        f"runs[0].tasks[{LATE}].end_s: must be at most 1e+07, got 1e+308\n"
    )


def test_runs_past_the_ones_the_schema_checks_are_checked_value_by_value() -> None:
    """Only the first few runs go through jsonschema (a million summary rows or runs must not
    keep it busy for minutes); the rest are checked as they are converted."""

    def many_runs(d: dict[str, Any]) -> None:
        d["config"]["repeat"] = 6
        d["runs"] = [{**d["runs"][0], "repeat_index": i} for i in range(6)]
        d["runs"][5] = {**d["runs"][5], "peak_memory": {"bytes": 1, "measure": "vss"}}
        d["summary"] = d["summary"] * 100_000

    line = refused(changed(many_runs))
    assert line == (
        "damaged results file: runs[5].peak_memory.measure: "
        "unknown memory measure 'vss' (allowed: pss, rss)"
    )
