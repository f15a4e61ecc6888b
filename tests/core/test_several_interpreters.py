"""One experiment on several Pythons: interleaved runs, each recording its interpreter; a foreign
one sees only the child's sources; one that hangs or crashes costs its own runs only; a
workload's packages are checked on each interpreter before any work.

The foreign interpreter is a virtual environment of this Python made for the test (no packages
of its own, so neither the workbench's dependencies nor aiohttp), and fakes are shell scripts
that answer the probe like a Python and then hang or crash when a run starts.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import psutil
import pytest

from tests.core.fake_interpreters import answer, make_fake, posix_only
from tests.core.fault_workloads import KILL, ONLY_ON_ENV
from tests.core.results_factory import make_results
from tests.waiting import wait_until
from workbench.core.child_source import child_side_files, child_source_path
from workbench.core.comparison import comparison_rows, table_cells
from workbench.core.config import build_config
from workbench.core.engine import run_experiment
from workbench.core.explain import explain
from workbench.core.exports import from_json, to_chrome_trace, to_csv, to_json
from workbench.core.interpreter_launch import (
    _importable,
    launch_for,
    record_of,
    running_interpreter,
)
from workbench.core.interpreters import parse_specs
from workbench.core.params import ConfigError
from workbench.core.results import RunInterpreter
from workbench.core.summary import summarize
from workbench.core.sweep import sweep_configs
from workbench.core.workloads import EXTRA_MODULES_ENV


@pytest.fixture(scope="module")
def venv_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment of this Python with nothing installed: another interpreter."""
    folder = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    return folder / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def chosen(*specs: object) -> tuple[RunInterpreter, ...]:
    return tuple(record_of(c) for c in parse_specs(",".join(map(str, specs)), ()))


def test_every_strategy_runs_on_each_interpreter_interleaved_and_records_it(
    venv_python: Path,
) -> None:
    this, venv = chosen("this", venv_python)
    assert this == running_interpreter() or this.label != running_interpreter().label
    config = build_config(
        "sleep", ["sequential", "threads"], 2, 2, {"duration": 0.05}, 2, interpreters=(this, venv)
    )
    results = asyncio.run(run_experiment(config))
    order = [(r.repeat_index, r.interpreter_label, r.strategy) for r in results.runs]
    assert order == [
        (repeat, label, strategy)
        for repeat in (0, 1)
        for label in (this.label, venv.label)
        for strategy in ("sequential", "threads")
    ]
    assert all(run.ok for run in results.runs), [run.error for run in results.runs]
    venv_runs = [r for r in results.runs if r.interpreter_label == venv.label]
    assert {r.interpreter.path for r in venv_runs if r.interpreter} == {str(venv_python)}
    # one summary per interpreter and strategy, each speedup over its own interpreter's loop
    summaries = summarize(results)
    assert [(s.interpreter, s.strategy) for s in summaries] == list(results.run_keys())
    assert all(s.speedup and s.speedup > 1.5 for s in summaries if s.strategy == "threads")
    names = [table_cells(row)[0] for row in comparison_rows(results)]
    assert names == [
        f"{s} · {label}" for label in (this.label, venv.label) for s in config.strategies
    ]
    readings = [r.text for r in explain(results)]
    assert readings[0].startswith(f"sequential on {this.label}: the baseline")
    assert readings[-1].startswith(f"threads across Pythons: on {venv.label} ")
    loaded = from_json(to_json(results))  # the file keeps what ran where
    assert loaded.config == config
    assert [r.interpreter for r in loaded.runs] == [r.interpreter for r in results.runs]


def test_a_foreign_interpreter_sees_the_childs_sources_and_nothing_of_the_workbenchs(
    venv_python: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", f"/somewhere/lib/site-packages:{Path.cwd()}:/x/dist-packages")
    (venv,) = chosen(venv_python)
    launch = launch_for(venv)
    assert launch.interpreter is not None and launch.interpreter.flags == ("-s", "-P")
    assert launch.environment is not None
    assert launch.environment["PYTHONPATH"].split(":") == [child_source_path(), str(Path.cwd())]
    exposed = Path(child_source_path())
    shown = sorted(p.relative_to(exposed) for p in exposed.rglob("*.py"))
    assert shown == child_side_files()
    assert Path("workbench/core/engine.py") not in shown  # the engine's side stays home
    monkeypatch.setenv(EXTRA_MODULES_ENV, "tests.core.path_workload")
    import tests.core.path_workload  # noqa: F401 - registers "look" here too

    config = build_config(
        "look", ["sequential"], 1, 1, {}, 1, interpreters=chosen("this", venv_python)
    )
    this_run, venv_run = asyncio.run(run_experiment(config)).runs
    assert venv_run.ok and venv_run.tasks[0].ok, venv_run.tasks[0].error
    assert not this_run.tasks[0].ok  # here they are importable: the check can fail
    assert "psutil" in (this_run.tasks[0].error or "")


def _gone(pid_file: Path) -> bool:
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text())
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@posix_only
@pytest.mark.parametrize(
    ("when_run", "error"),
    [
        ('sleep 300 &\necho $! > "$PIDS"\nwait', "said nothing for 1.5 s after it was started"),
        ("kill -SEGV $$", "the run's process was killed by SIGSEGV"),
    ],
)
def test_an_interpreter_that_hangs_or_crashes_as_a_run_starts_fails_its_runs_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when_run: str, error: str
) -> None:
    monkeypatch.setenv("PIDS", str(tmp_path / "pid"))
    fake = make_fake(
        tmp_path, "python3.12", f'if [ "$1" = -I ]; then {answer()}; exit; fi\n{when_run}'
    )
    config = build_config(
        "sleep", ["sequential"], 2, 1, {"duration": 0.01}, 1, interpreters=chosen(fake, "this")
    )
    results = asyncio.run(run_experiment(config, start_timeout_s=1.5))
    bad, good = results.runs
    assert (bad.ok, good.ok) == (False, True)
    assert bad.error is not None and error in bad.error
    assert bad.interpreter_label == "3.12" and len(good.tasks) == 2
    if "sleep" in when_run:  # the hung interpreter's own children were ended with it
        wait_until(lambda: _gone(tmp_path / "pid"), 10, "the hung fake's child ended")


def test_a_crash_mid_run_fails_only_that_interpreters_run(
    venv_python: Path, fault_workload: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ONLY_ON_ENV, str(venv_python))
    params = {"mode": KILL, "task": 2, "duration": 0.2}  # task 0's end is streamed by then
    config = build_config(
        "fault", ["sequential"], 3, 1, params, 1, interpreters=chosen("this", venv_python)
    )
    this_run, venv_run = asyncio.run(run_experiment(config)).runs
    assert this_run.ok and len(this_run.tasks) == 3
    assert not venv_run.ok and venv_run.error is not None
    assert "killed by SIGKILL" in venv_run.error
    spans = {span.id: span for span in venv_run.tasks}
    assert spans[0].ok and not all(span.ok for span in spans.values())
    assert any((span.error or "").startswith("did not finish") for span in spans.values())


@pytest.mark.parametrize(("workload", "package"), [("http", "aiohttp"), ("file", "aiofiles")])
def test_a_workload_whose_package_an_interpreter_lacks_is_refused_before_any_work(
    venv_python: Path, workload: str, package: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        build_config(
            workload, ["async-gather"], 2, 1, {}, 1, interpreters=chosen("this", venv_python)
        )
    message = str(refused.value)
    assert "\n" not in message
    assert f"needs {package}, which CPython" in message
    assert message.endswith(f"install it there: {venv_python} -m pip install {package}")
    asked = _importable.cache_info().misses
    with pytest.raises(ConfigError):
        build_config(workload, ["sequential"], 2, 1, {}, 1, interpreters=chosen(venv_python))
    assert _importable.cache_info().misses == asked  # asked once, remembered
    build_config(
        workload, ["async-gather"], 2, 1, {}, 1, interpreters=chosen("this")
    )  # has it: fine


def test_a_sweep_runs_on_one_python_at_a_time(venv_python: Path) -> None:
    base = build_config("sleep", ["threads"], 2, 2, {}, 1, interpreters=chosen("this", venv_python))
    with pytest.raises(ConfigError, match="a sweep runs on one Python at a time"):
        sweep_configs(base, "tasks", [1, 2])
    (one,) = chosen(venv_python)
    configs = sweep_configs(replace(base, interpreters=(one,)), "tasks", [1, 2])
    assert [c.interpreters for c in configs] == [(one,), (one,)]


def test_a_reading_says_when_the_gil_was_on_although_the_python_starts_without_it() -> None:
    free = RunInterpreter("/opt/py/python3.13t", "3.13.5", "CPython", True, False, "3.13t")
    results = make_results(("sequential", "threads"), (0.4, 0.4), workload="cpu")
    had = replace(free, gil_enabled=True)  # as the run's process reported it
    results = replace(
        results,
        config=replace(results.config, interpreters=(free,)),
        runs=tuple(replace(run, interpreter=had) for run in results.runs),
    )
    threads = next(r.text for r in explain(results) if r.strategy == "threads")
    assert "the GIL was on in this run: an extension module it imported turned it on" in threads
    kept = replace(results, runs=tuple(replace(run, interpreter=free) for run in results.runs))
    assert "extension module" not in next(r.text for r in explain(kept) if r.strategy == "threads")


def test_the_exports_name_each_runs_python() -> None:
    results = make_results(("sequential", "threads"), (0.4, 0.2))
    first, second = (
        RunInterpreter(f"/opt/py{n}/python", "3.1x", "CPython", False, True, label)
        for n, label in ((1, "3.11"), (2, "3.13t gil=1"))
    )
    results = replace(
        results,
        config=replace(results.config, interpreters=(first, second)),
        runs=(
            *(replace(run, interpreter=first) for run in results.runs),
            *(replace(run, interpreter=second) for run in results.runs),
        ),
    )
    rows = list(csv.DictReader(io.StringIO(to_csv(results))))
    assert {row["interpreter"] for row in rows} == {"3.11", "3.13t gil=1"}
    names = [
        e["args"]["name"]
        for e in json.loads(to_chrome_trace(results))["traceEvents"]
        if e.get("name") == "process_name"
    ]
    assert names == [
        f"{number} {strategy} on {label} #1"
        for number, (label, strategy) in enumerate(
            ((label, s) for label in ("3.11", "3.13t gil=1") for s in ("sequential", "threads")),
            start=1,
        )
    ]
