"""The per-task overhead counted in instructions: the arithmetic of a task's cost from two
runs' counts, what each program runs, the report, and a clear line when valgrind is missing."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence

import pytest

from workbench.bench import task_instructions
from workbench.bench.instructions import Counts

_LOOP = ("ceval.c", "_PyEval_EvalFrameDefault")
_ALLOC = ("obmalloc.c", "_PyObject_Malloc")
_BASE64 = ("binascii.c", "binascii_b2a_base64")


def _fake_count(argv: Sequence[str]) -> Counts:
    """Bare: 10 loop + 2 allocator instructions a task; the workbench 3 loop and 1 base64
    more a task; both with a start-up of 1,000 that the difference must cancel."""
    if argv[2] == "workbench.bench.bare.sleep_gather":
        tasks = int(argv[3])
        return {_LOOP: 1_000 + 10 * tasks, _ALLOC: 2 * tasks}
    tasks = json.loads(argv[3])["tasks"]
    return {_LOOP: 1_000 + 13 * tasks, _ALLOC: 2 * tasks, _BASE64: tasks}


def test_a_tasks_cost_is_the_difference_over_the_tasks_added() -> None:
    figures = task_instructions.measure_task_instructions(
        ((100, 300), (1_000, 2_000)), progress=lambda _: None, counter=_fake_count
    )
    first, second = figures["rows"]
    assert first["tasks"] == [100, 300] and second["tasks"] == [1_000, 2_000]
    for row in (first, second):
        assert (row["bare"], row["workbench"], row["added"]) == (12.0, 16.0, 4.0)
        assert (row["added_interpreter"], row["added_allocator"], row["added_other"]) == (
            3.0,
            0.0,
            1.0,
        )
        assert row["ratio"] == pytest.approx(16 / 12, abs=1e-4)
    assert figures["functions"][:2] == [
        ("_PyEval_EvalFrameDefault", 3.0),
        ("binascii_b2a_base64", 1.0),
    ]
    table = "\n".join(task_instructions.to_markdown(figures))
    assert "| 1,000 → 2,000 | 12.0 | 16.0 | 4.0 | 3.0 | 0.0 | 1.0 | 1.3333 |" in table
    assert "| binascii_b2a_base64 | 1.0 |" in table


def test_each_program_runs_the_bare_script_or_the_runs_process_at_the_tasks_asked() -> None:
    bare = task_instructions.task_argv("bare", 1234)
    assert bare[2:] == ["workbench.bench.bare.sleep_gather", "1234", "2", "0"]
    child = task_instructions.task_argv("workbench", 1234)
    assert child[2] == "workbench.bench.fidelity_parts_probe" and child[-1] == "child"
    case = json.loads(child[3])
    assert (case["workload"], case["strategy"], case["tasks"]) == ("sleep", "async-gather", 1234)
    assert case["params"] == {"duration": 0.0}


@pytest.mark.parametrize("sizes", ["1000", "2000,1000", "a,b", "0,10"])
def test_bad_sizes_get_one_line_and_no_traceback(
    sizes: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        task_instructions.main(["--sizes", sizes])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"'{sizes}'" in err.splitlines()[-1]


def test_without_valgrind_the_command_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert task_instructions.main(["--sizes", "10,20"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "needs valgrind" in err


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_counted_the_workbench_adds_instructions_to_every_task() -> None:
    """Really counted, small: each program's cost a task is positive, and the run's process
    (step clock, recorder, stream) costs more a task than asyncio alone — by thousands of
    instructions, where the timer-driven work that varies from count to count is a few
    per cent of them."""
    figures = task_instructions.measure_task_instructions(((200, 600),), progress=lambda _: None)
    (row,) = figures["rows"]
    assert row["bare"] > 1_000
    assert row["added"] > 0 and row["ratio"] > 1.0
    assert figures["functions"] and figures["functions"][0][1] > 0


def test_the_bench_counts_pairs_up_to_its_timed_curves_largest_size() -> None:
    """Each pair's larger size is one the timed curve has, so its bare time is there."""
    assert task_instructions.bench_pairs(300_000)[-1] == (100_000, 300_000)
    assert task_instructions.bench_pairs(1_000_000)[-1] == (500_000, 1_000_000)
    assert task_instructions.bench_pairs(999) == ()


def _timed(tasks: int, bare_us: float, low: float, high: float) -> dict[str, float]:
    return {
        "tasks": tasks,
        "bare_cpu_us_per_task": bare_us,
        "bare_cpu_us_per_task_ci_low": low,
        "bare_cpu_us_per_task_ci_high": high,
    }


def test_a_count_in_time_is_at_bare_asyncios_pace_at_that_size_with_its_interval() -> None:
    """60,000 bare instructions a task in 12 µs: 0.2 ns an instruction, so 9,000 added are
    1.8 µs; the bare time's interval (11-13 µs) gives 1.65-1.95 µs, within 2. At 10 µs more
    a task (the collector's pace at a larger size) the same count is over the target."""
    row = {"tasks": [100, 300], "bare": 60_000.0, "added": 9_000.0}
    curve = [_timed(100, 99.0, 98.0, 100.0), _timed(300, 12.0, 11.0, 13.0)]
    timed = task_instructions.in_time(row, curve)
    assert timed is not None
    assert timed["ns_per_instruction"] == pytest.approx(0.2)
    assert (timed["us"], timed["us_ci_low"], timed["us_ci_high"]) == pytest.approx(
        (1.8, 1.65, 1.95)
    )
    assert timed["within_target"] is True
    slower = task_instructions.in_time(row, [_timed(300, 22.0, 21.0, 23.0)])
    assert slower is not None and slower["within_target"] is False
    assert task_instructions.in_time(row, [_timed(100, 12.0, 11.0, 13.0)]) is None


def test_the_report_gives_the_count_in_time_beside_the_timed_curve() -> None:
    from workbench.bench.overhead_report import counted_overhead_markdown

    counted = task_instructions.measure_task_instructions(
        ((100, 300), (1_000, 2_000)), progress=lambda _: None, counter=_fake_count
    )
    text = "\n".join(counted_overhead_markdown(counted, [_timed(300, 2.4, 1.2, 3.6)]))
    # 4 added to 12 bare instructions a task, bare 2.4 µs a task (1.2-3.6): 200 ns an
    # instruction, so 0.8 µs added (0.4-1.2); the second pair's size is not in the curve
    assert (
        "| 100 → 300 | 12.0 | 16.0 | 4.0 | 1.3333 | 200.0000 | 0.80 | 0.40 … 1.20 | yes |" in text
    )
    assert "| 1,000 → 2,000 | 12.0 | 16.0 | 4.0 | 1.3333 | — | — | — | — |" in text
    assert "| binascii_b2a_base64 | 1.0 |" in text
    skipped = counted_overhead_markdown({"skipped": "counting needs valgrind"}, [])
    assert "Not measured: counting needs valgrind." in skipped


def test_without_valgrind_the_bench_keeps_why_in_place_of_the_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    figures = task_instructions.measure_counted_overhead(300_000, progress=lambda _: None)
    assert "needs valgrind" in figures["skipped"]
