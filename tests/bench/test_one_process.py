"""``python -m workbench.bench.one_process``: the workbench's code in a CPU run, in one process."""

from __future__ import annotations

from typing import Any

import pytest

from workbench.bench import one_process
from workbench.bench.bare import cpu
from workbench.core.recording import Recorder
from workbench.core.workloads import compute


@pytest.mark.parametrize("iterations", [0, 1, 4_999, 5_000, 12_345])
@pytest.mark.parametrize("every", [1, 5_000, 20_000])
def test_every_spin_does_the_bare_scripts_work(iterations: int, every: int) -> None:
    beats: list[None] = []
    expected = cpu.spin(iterations)
    assert compute.spin(iterations, every, lambda: beats.append(None)) == expected
    assert len(beats) == -(-iterations // every)  # one heartbeat after each chunk
    assert compute.spin(iterations, every, None) == expected
    assert compute.spin(iterations) == expected


def test_the_control_is_the_same_bytecode_in_another_code_object() -> None:
    copy = one_process._copy_of(cpu.spin)
    assert copy is not cpu.spin and copy.__code__ is not cpu.spin.__code__
    assert copy.__code__.co_code == cpu.spin.__code__.co_code
    assert copy(10_000) == cpu.spin(10_000)


def test_the_recorded_arms_take_a_heartbeat_after_every_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorders: list[Recorder] = []

    class Kept(Recorder):
        def __init__(self) -> None:
            super().__init__()
            recorders.append(self)

    monkeypatch.setattr(one_process, "Recorder", Kept)
    every = compute._BEAT_EVERY
    size = 3 * one_process.SPARSE * every
    for arm, per_beat in (("recorded", every), ("recorded-sparse", one_process.SPARSE * every)):
        _, make = one_process.ARMS[arm]
        one_process.timed_run(make(size, 2))
        beats = recorders[-1].heartbeats
        assert sorted(beats) == [0, 1]  # each thread a task of its own
        assert all(len(taken) == 2 * size // per_beat for taken in beats.values())  # time, core


def test_every_arm_is_measured_against_the_bare_spin(monkeypatch: pytest.MonkeyPatch) -> None:
    threads_asked: list[int] = []
    in_threads = one_process.in_threads

    def counted(task: Any, threads: int) -> Any:
        threads_asked.append(threads)
        return in_threads(task, threads)

    monkeypatch.setattr(one_process, "in_threads", counted)
    progress: list[str] = []
    rows = one_process.measure_one_process(3, 2_000, 2, progress.append)
    assert [row["arm"] for row in rows] == list(one_process.ARMS)
    # all but the run's process's arms start their threads here
    started = len([arm for arm in ("bare", *one_process.ARMS) if not arm.startswith("run-")])
    assert threads_asked == [1] * started + [2] * (3 * started)  # warmed once, then 3 rounds
    assert progress == ["one process 1/3"]
    for row in rows:
        assert row["ratio_ci_low"] <= row["ratio"] <= row["ratio_ci_high"]
        assert (row["threads"], row["size"], row["rounds"]) == (2, 2_000, 3)
        assert row["run_ms_median"] > 0


def test_the_run_process_arm_runs_the_childs_whole_work_on_its_own_clock() -> None:
    _, make = one_process.ARMS["run-process"]
    run = make(20_000, 3)
    own = run()
    assert isinstance(own, int) and own > 0  # the run's own clock, as the fidelity table reads it
    assert one_process.timed_run(lambda: 1234) == 1234
    assert one_process.timed_run(lambda: None) > 0  # no clock of its own: timed from outside


def test_the_run_process_arms_ask_the_child_for_inside_recording_and_for_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from workbench.core import child

    asked: list[bool] = []
    run = child.run

    def kept(request: Any, channel: Any) -> None:
        asked.append(request.inside)
        run(request, channel)

    monkeypatch.setattr(child, "run", kept)
    for arm in ("run-process", "run-process-inside-off"):
        _, make = one_process.ARMS[arm]
        assert make(20_000, 2)() > 0
    assert asked == [True, False]


def test_the_table_says_how_it_was_measured() -> None:
    row = {
        "arm": "recorded",
        "what": "the workbench's spin in a recorded task",
        "ratio": 1.023,
        "ratio_ci_low": 1.015,
        "ratio_ci_high": 1.030,
        "run_ms_median": 121.04,
        "threads": 1,
        "size": 250_000,
        "rounds": 200,
    }
    table = "\n".join(one_process.to_markdown([row]))
    assert "Runs of 1 thread of 250,000 iterations each" in table
    assert "(200\nrounds" in table
    cells = "| 1.023 | 1.015 … 1.030 | 121.0 |"
    assert f"| recorded | the workbench's spin in a recorded task {cells}" in table


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--rounds", "1"], "--rounds must be at least 2: an interval needs two pairs"),
        (["--threads", "0"], "--threads and --size must be at least 1"),
    ],
)
def test_bad_arguments_are_refused_in_one_line(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as leaving:
        one_process.main(arguments)
    assert leaving.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith(message)
