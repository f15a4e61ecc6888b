"""Counting the CPU cases' gap in instructions: the cachegrind file read right, the work's
per-iteration cost split by where it ran, and a clear line when valgrind is missing."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest

from workbench.bench import instructions
from workbench.bench.fidelity_parts import CPU_CASES
from workbench.bench.instructions import (
    ALLOCATOR,
    INTERPRETER,
    OTHER,
    PerIteration,
    group_of,
    parse_cachegrind,
    per_iteration,
)
from workbench.bench.reference import Case
from workbench.bench.report import instructions_markdown

CACHEGRIND_OUT = """\
desc: I1 cache:
cmd: python3 -c pass
events: Ir
fl=/build/Python-3.11.7/Python/ceval.c
fn=_PyEval_EvalFrameDefault
120 1000
121 500
fn=call_function
130 7
fl=/build/Python-3.11.7/Objects/obmalloc.c
fn=_PyObject_Free
10 300
fl=???
fn=PyObject_Malloc
0 20
summary: 1827
"""


def test_a_cachegrind_file_gives_each_functions_instructions() -> None:
    counts = parse_cachegrind(CACHEGRIND_OUT)
    assert counts == {
        ("/build/Python-3.11.7/Python/ceval.c", "_PyEval_EvalFrameDefault"): 1500,
        ("/build/Python-3.11.7/Python/ceval.c", "call_function"): 7,
        ("/build/Python-3.11.7/Objects/obmalloc.c", "_PyObject_Free"): 300,
        ("???", "PyObject_Malloc"): 20,
    }


def test_instructions_are_grouped_by_where_they_ran() -> None:
    assert group_of("/x/Python/ceval.c", "_PyEval_EvalFrameDefault") == INTERPRETER
    assert group_of("/x/Objects/obmalloc.c", "insert_to_usedpool") == ALLOCATOR
    # An interpreter built without line tables still names the allocator's entry points.
    assert group_of("???", "_PyObject_Free") == ALLOCATOR
    assert group_of("/x/Objects/longobject.c", "_PyLong_Add") == OTHER


def test_a_larger_run_minus_a_smaller_one_is_the_cost_of_the_iterations_between() -> None:
    """Start-up and imports are in both runs: only what the added iterations did remains."""
    small = {("ceval.c", _LOOP): 5_000, ("obmalloc.c", "_PyObject_Free"): 900, ("a.c", "f"): 77}
    large = {("ceval.c", _LOOP): 8_000, ("obmalloc.c", "_PyObject_Free"): 1_500, ("a.c", "f"): 77}
    large[("b.c", "g")] = 300  # only in the larger run
    cost = per_iteration(small, large, iterations=100)
    assert cost == PerIteration(interpreter=30.0, allocator=6.0, other=3.0)
    assert cost.total == pytest.approx(39.0)


_LOOP = "_PyEval_EvalFrameDefault"


def test_without_valgrind_the_command_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert instructions.main(["--case", "cpu-4-threads"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "needs valgrind" in err
    assert instructions.measure_all(progress=lambda _: None) == {
        "skipped": err.removeprefix("workbench.bench.instructions: ")
    }


def test_the_report_says_why_the_table_is_missing() -> None:
    lines = instructions_markdown({"skipped": "counting instructions needs valgrind"})
    assert "Not measured: counting instructions needs valgrind." in lines


def test_every_arm_runs_the_bare_scripts_module_or_the_probe() -> None:
    """The bare script runs as its module, with its strategy; an arm through the probe gets
    the case at the size asked for."""
    threads = next(case for case in CPU_CASES if case.strategy == "threads")
    bare = instructions.arm_argv(threads, "bare", 1234)
    assert bare[2:] == ["workbench.bench.bare.cpu", "4", str(threads.workers), "1234", "threads"]
    arm = instructions.arm_argv(threads, "child", 1234)
    assert arm[2] == "workbench.bench.fidelity_parts_probe" and arm[-1] == "child"
    assert '"size": 1234' in arm[3]


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_counted_under_cachegrind_the_workbenchs_loop_costs_what_the_bare_one_does() -> None:
    """A small case, really counted: the bare script's spin and the workbench's spin execute
    the same bytecode per iteration within a per cent (the workbench's checks for a heartbeat
    every 5,000 iterations), and a pool's forked workers are counted with their parent.

    The pool's threads wake as often as its results happen to arrive together, a few thousand
    instructions that the two sizes do not cancel; at 5,000 iterations a task they moved the
    ratio by up to 1.1 % (a fresh-clone run on a busy machine; 0.5 % on a quiet one), at 25,000
    by 0.1 % at most in three counts; at 50,000 start-up still takes most of the test's time."""
    size = 50_000
    pool = Case(
        "tiny-pool", "cpu", "process-pool", 2, 2, {"size": size}, "cpu.py", ("", "process-pool")
    )
    rows = instructions.measure_instructions(
        (pool,), sizes=(size, 4 * size), progress=lambda _: None, arms=("spin",)
    )
    bare, spin = rows
    assert (bare["arm"], spin["arm"]) == ("bare", "spin")
    # Most of the work runs in the workers: with them lost, a few instructions an iteration.
    assert bare[INTERPRETER] > 100
    assert spin["interpreter_ratio"] == pytest.approx(1.0, abs=0.01)
    table = "\n".join(instructions_markdown({"arms": rows, "floor": []}))
    assert "| tiny-pool | spin |" in table


def test_the_sequential_case_is_counted_in_its_bare_script_and_the_childs_whole_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The sequential case has no threads or pool to take apart: the run's process's whole
    work beside the bare script, its ratio to that script's count."""
    counted: list[tuple[str, str]] = []

    def fake(argv_at: Any, sizes: tuple[int, int], tasks: int = 1) -> PerIteration:
        argv = argv_at(sizes[0])
        arm = "bare" if "workbench.bench.bare.cpu" in argv else argv[-1]
        counted.append((argv[-1] if arm == "bare" else json.loads(argv[3])["strategy"], arm))
        return PerIteration(244.0, 198.0 if arm == "bare" else 210.0, 380.0)

    monkeypatch.setattr(instructions, "_counted", fake)
    rows = instructions.measure_instructions(progress=lambda _: None)
    assert [(row["case"], row["arm"]) for row in rows[:2]] == [
        ("cpu-4-sequential", "bare"),
        ("cpu-4-sequential", "child"),
    ]
    assert counted[:2] == [("sequential", "bare"), ("sequential", "child")]
    assert rows[1]["ratio"] == pytest.approx(834 / 822, abs=1e-4)
    assert rows[1]["allocator_aside_ratio"] == 1.0
    assert {row["case"] for row in rows[2:]} == {case.name for case in CPU_CASES}
    assert len(rows) == 2 + len(CPU_CASES) * (1 + len(instructions.IN_PROCESS_ARMS))
