"""The fidelity decomposition: every arm runs the case's work, and the table says each arm's
ratio to the bare script (tiny cases: the machinery, not the figures)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict

import psutil
import pytest

from tests.waiting import wait_until
from workbench.bench import fidelity_parts, fidelity_parts_probe
from workbench.bench.reference import Case
from workbench.bench.report import fidelity_parts_markdown
from workbench.core.threadstates.sampler import procfs_available

SIZE = 20_000
THREADS = Case(
    "tiny-threads", "cpu", "threads", 2, 2, {"size": SIZE}, "cpu.py", (str(SIZE), "threads")
)
POOL = Case(
    "tiny-pool", "cpu", "process-pool", 2, 2, {"size": SIZE}, "cpu.py", (str(SIZE), "process-pool")
)


@pytest.mark.parametrize("case", [THREADS, POOL], ids=lambda c: c.strategy)
@pytest.mark.parametrize("arm", ["bare-loop", "spin", "recorded", "strategy", "child", "launched"])
def test_every_arm_runs_the_cases_tasks_to_the_end(case: Case, arm: str) -> None:
    assert fidelity_parts_probe.probe(asdict(case), arm) > 0


def test_each_arm_gets_a_ratio_to_the_bare_script_with_its_interval() -> None:
    rows = fidelity_parts.measure_fidelity_parts(2, (POOL,), progress=lambda _: None)
    assert [row["arm"] for row in rows] == [arm for arm, _ in fidelity_parts.ARMS["process-pool"]]
    for row in rows:
        assert row["ratio_ci_low"] <= row["ratio"] <= row["ratio_ci_high"]
        assert row["wall_s_median"] > 0 and row["bare_wall_s_median"] > 0
    engine_arms = {"engine", "engine-no-states", "engine-inside-off"}
    assert all(row["engine_cpu_share"] is None for row in rows if row["arm"] not in engine_arms)
    assert all(row["fastest_ratio"] > 0 for row in rows)
    for row in rows:
        assert row["step_ci_low"] <= row["step"] <= row["step_ci_high"]
    steps = {row["arm"]: row["step_from"] for row in rows}
    assert steps["bare-again"] == "bare" and steps["engine-inside-off"] == "engine"
    table = "\n".join(fidelity_parts_markdown(rows))
    assert table.count("| tiny-pool |") == len(rows)
    assert "| tiny-pool | engine |" in table and "] over engine |" in table


def test_each_arm_steps_from_the_arm_it_adds_a_piece_to_among_those_run() -> None:
    bases = fidelity_parts.step_bases(
        ["bare-again", "bare-loop", "spin", "engine", "engine-inside-off", "beside-ticks"]
    )
    assert bases == {
        "bare-again": "bare",
        "bare-loop": "bare",
        "spin": "bare-loop",
        "engine": "spin",
        "engine-inside-off": "engine",
        "beside-ticks": "bare",
    }
    # The engine less its recording inside, without the engine arm: set against the bare script.
    assert fidelity_parts.step_bases(["engine-no-states", "engine-inside-off"]) == {
        "engine-no-states": "bare",
        "engine-inside-off": "bare",
    }


def test_fewer_than_two_rounds_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as leaving:
        fidelity_parts.main(["--rounds", "1"])
    assert leaving.value.code == 2
    assert "--rounds must be at least 2" in capsys.readouterr().err


@pytest.mark.parametrize("case", [THREADS, POOL], ids=lambda c: c.strategy)
def test_the_bare_loop_arm_runs_the_bare_scripts_code_after_the_runs_imports(case: Case) -> None:
    """No workbench code in the work, every import the run's process makes before it: the
    arm prices the process, not the workbench's pieces."""
    code = (
        "import json, sys; from workbench.bench import fidelity_parts_probe as probe; "
        "work = probe._bare_loop(json.loads(sys.argv[1])); "
        "print(work.func.__module__, work.func.__name__, "
        "all(m in sys.modules for m in ('workbench.core.child', sys.argv[2])))"
    )
    strategy_module = {
        "threads": "workbench.core.strategies.threaded",
        "process-pool": "workbench.core.strategies.processes",
    }[case.strategy]
    proc = subprocess.run(
        [sys.executable, "-c", code, json.dumps(asdict(case)), strategy_module],
        capture_output=True,
        text=True,
        check=True,
    )
    script_function = case.strategy.replace("-", "_")
    assert proc.stdout.split() == ["workbench.bench.bare.cpu", script_function, "True"]


def test_the_first_arm_does_not_carry_the_engines_imports() -> None:
    """The spin arm prices the workbench's spin (and the workloads it is imported with, as in
    the run's process); the engine's imports would be priced with it if the probe pulled
    them in."""
    code = (
        "import json, sys; from workbench.bench.fidelity_parts_probe import probe; "
        "probe(json.loads(sys.argv[1]), 'spin'); "
        "print(sorted(set(sys.modules) & {'psutil', 'workbench.core.engine', "
        "'workbench.bench.reference'}))"
    )
    command = [sys.executable, "-c", code, json.dumps(asdict(THREADS))]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_arm_is_timed_after_its_imports() -> None:
    """The bare script imports before its timer starts; an arm that imported inside its timer
    would price the imports as part of the workbench's cost (45 ms: 5-10 % of these cases)."""
    code = (
        "import json, sys; from workbench.bench.fidelity_parts_probe import prepared; "
        "case = json.loads(sys.argv[1]); "
        "timed = [prepared(case, arm) for arm in ('spin', 'recorded', 'strategy')]; "
        "before = set(sys.modules); [arm() for arm in timed]; "
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    # What a pool's start imports in the bare script's timer too (the fork, its locks).
    as_in_the_bare_script = {"multiprocessing.popen_fork", "multiprocessing.synchronize"}
    for case in (THREADS, POOL):
        command = [sys.executable, "-c", code, json.dumps(asdict(case))]
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        assert set(json.loads(out.stdout)) <= as_in_the_bare_script, case.strategy


def test_the_engine_arm_says_how_much_cpu_the_engine_took_while_the_run_went_on() -> None:
    """Long enough for several batches of events (one every 50 ms): the window between the
    first and the last is the run's, and the engine's CPU over it is at most every core.

    A busy machine can hold the engine back until the run's events are all in, read as one
    batch: then there is no window, and both figures say so rather than a guess."""
    size = 3_000_000  # ~0.1 s a task here: three tasks, one after another under the GIL
    case = Case("threads", "cpu", "threads", 3, 2, {"size": size}, "cpu.py", (str(size), "threads"))
    figures = fidelity_parts_probe.prepared(asdict(case), "engine")()
    assert figures["wall_ns"] > 0
    assert figures["engine_batches"] >= 1
    if figures["engine_batches"] == 1:
        assert figures["engine_window_ns"] == figures["engine_cpu_ns"] == 0
        return
    assert 0 < figures["engine_window_ns"] < 2 * figures["wall_ns"]  # within the run, near enough
    assert 0 <= figures["engine_cpu_ns"] <= (os.cpu_count() or 1) * figures["engine_window_ns"]


def test_a_launched_run_that_fails_says_why() -> None:
    broken = dict(asdict(THREADS), workload="no-such-workload")
    with pytest.raises(RuntimeError, match=r"launched run failed: .*no-such-workload"):
        fidelity_parts_probe.prepared(broken, "launched")()


def test_only_the_arms_named_run_besides_the_bare_script() -> None:
    rows = fidelity_parts.measure_fidelity_parts(
        2, (POOL,), progress=lambda _: None, only=("launched", "engine")
    )
    assert [row["arm"] for row in rows] == ["launched", "engine"]


def test_an_unknown_arm_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as leaving:
        fidelity_parts.main(["--case", "cpu-4-threads", "--arms", "launched,nope"])
    assert leaving.value.code == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert "--arms: no arm 'nope'; the arms: bare-again, bare-loop, beside-bursts, " in last


@pytest.mark.parametrize("arm", sorted(fidelity_parts.BESIDE))
def test_an_arm_with_work_beside_runs_the_bare_script_and_leaves_nothing_behind(arm: str) -> None:
    figures = fidelity_parts._figures(THREADS, arm)
    assert figures["wall_ns"] > 0
    busy, period, _ = fidelity_parts.BESIDE[arm]
    with fidelity_parts.busy_beside(busy, period) as pid:
        assert psutil.Process(pid).is_running()
        began = psutil.Process(pid).cpu_times()
        wait_until(lambda: sum(psutil.Process(pid).cpu_times()[:2]) > sum(began[:2]))
    assert not psutil.pid_exists(pid)  # killed and reaped


@pytest.mark.skipif(not procfs_available(), reason="needs Linux's /proc")
def test_the_arms_take_heartbeats_only_where_a_run_of_their_strategy_does() -> None:
    """A pool's tasks have their worker to themselves: a run reads their slices from outside
    and they take no heartbeats, so the pool case's arms run them without; threads keep them."""
    for case, beats in ((THREADS, True), (POOL, False)):
        fields = asdict(case)
        assert fidelity_parts_probe._request(fields).beats is beats
        assert fidelity_parts_probe._context(fields).recorder.beats is beats
