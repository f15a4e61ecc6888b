"""The run's process tree watched from outside: other programs' cores, run-queue waits, memory."""

from __future__ import annotations

import os
import sys

import pytest

from tests.core.conftest import Runner
from workbench.core import treewatch
from workbench.core.results import CpuSample
from workbench.core.treewatch import (
    PssMark,
    TreeReading,
    TreeWatcher,
    other_cores,
    pss_due,
    runqueue_share,
)

MS = 1_000_000
MIB = 1 << 20
TICK = 200 * MS


def readings(*steps: tuple[float, float, float]) -> list[TreeReading]:
    """Cumulative readings, one tick apart, from per-tick (cpu cores, run cores, wait cores)."""
    out = [TreeReading(0, 0, 0, 0, None)]
    for cpu, run, wait in steps:
        last = out[-1]
        out.append(
            TreeReading(
                last.t_ns + TICK,
                last.cpu_ns + round(cpu * TICK),
                last.run_ns + round(run * TICK),
                last.wait_ns + round(wait * TICK),
                None,
            )
        )
    return out


@pytest.mark.parametrize(
    ("steps", "cores", "share"),
    [
        ([(0.69, 0.69, 0.31)] * 3, 2, 0.31),  # one CPU-bound thread given 69 % of a core
        ([(1.0, 1.0, 1.0)] * 3, 2, 0.5),  # two pool workers, each given half a core
        ([(2.0, 2.0, 2.0)] * 3, 2, 0.0),  # four threads ready on two idle cores: their own doing
        ([(0.4, 0.4, 3.6)] * 3, 2, 0.8),  # four hashing threads given 0.4 core of two
        ([(0.01, 0.01, 0.005)] * 3, 2, 0.005),  # a run that mostly sleeps loses next to nothing
        ([(1.0, 1.0, 0.0)] * 3, 1, 0.0),  # undisturbed
    ],
)
def test_the_run_queue_share_counts_only_waits_others_caused(
    steps: list[tuple[float, float, float]], cores: int, share: float
) -> None:
    wall = len(steps) * TICK
    assert runqueue_share(readings(*steps), wall, cores) == pytest.approx(share, abs=0.002)


@pytest.mark.parametrize(
    ("step", "busy", "share", "every_wait"),
    [
        # Four GIL-bound threads on an idle 2-core VM: hand-offs waited 15 % of the time they
        # ran, with 0.9 of a core idle throughout; the engine's own 0.1 core took nothing.
        ((1.0, 1.0, 0.15), (60.0, 50.0), 0.0, 0.15 / 1.15),
        ((0.69, 0.69, 0.31), (100.0, 100.0), 0.31, 0.31),  # others held both cores
        ((0.69, 0.69, 0.31), (100.0, 80.0), 0.11, 0.31),  # a fifth of a core idle took some
        ((1.0, 1.0, 1.0), (100.0, 100.0), 0.5, 0.5),  # two pool workers, each given half a core
    ],
)
def test_waits_an_idle_core_could_have_taken_are_not_others_doing(
    step: tuple[float, float, float], busy: tuple[float, float], share: float, every_wait: float
) -> None:
    tree = readings(*[step] * 3)
    machine = [CpuSample(i * TICK, busy) for i in (1, 2, 3)]
    assert runqueue_share(tree, 3 * TICK, 2, machine) == pytest.approx(share, abs=0.002)
    # Without the machine's figures every wait counts.
    assert runqueue_share(tree, 3 * TICK, 2) == pytest.approx(every_wait, abs=0.002)


def test_only_the_part_of_a_tick_inside_the_run_counts() -> None:
    tree = readings((1.0, 1.0, 0.0), (0.5, 0.5, 0.5))
    # The run ends half-way through the second tick: weighted 1 : 0.5.
    assert runqueue_share(tree, TICK + TICK // 2, 2) == pytest.approx(0.25 / 1.5, abs=0.002)
    assert runqueue_share(tree[:1], TICK, 2) is None


def test_other_cores_is_the_machine_less_the_runs_tree_tick_by_tick() -> None:
    tree = readings((1.0, 0, 0), (0.5, 0, 0))
    machine = [CpuSample(TICK, (100.0, 80.0)), CpuSample(2 * TICK, (100.0, 100.0))]
    other, used = other_cores(tree, machine, 2 * TICK)
    assert used == 2
    assert other == pytest.approx((0.8 + 1.5) / 2)
    assert other_cores(tree, machine, 0) == (None, 0)  # nothing inside the run


def test_a_run_records_its_interference_and_its_trees_peak_memory(run: Runner) -> None:
    results = run("cpu", ["sequential", "process-pool"], 4, workers=2, size=4_000_000)
    sequential, pool = results.runs
    for r in results.runs:
        assert r.interference is not None and r.interference.samples >= 1, r.strategy
        assert r.interference.other_cores is not None and r.interference.other_cores >= 0
        assert r.peak_memory is not None and r.peak_memory.bytes > 5_000_000
    if sys.platform == "linux":
        assert sequential.peak_memory is not None and sequential.peak_memory.measure == "pss"
        assert sequential.interference is not None
        assert sequential.interference.runqueue_share is not None
    # Two pool workers hold memory of their own beside the run's process.
    assert pool.peak_memory is not None and sequential.peak_memory is not None
    assert pool.peak_memory.bytes > sequential.peak_memory.bytes


def test_pss_is_read_only_when_the_tree_may_have_grown() -> None:
    last = PssMark(0, 100 * MIB, frozenset({1, 2}))
    pids = frozenset({1, 2})
    assert pss_due(None, 0, 100 * MIB, pids)  # the first tick
    assert not pss_due(last, 200 * MS, 100 * MIB, pids)  # nothing moved
    assert not pss_due(last, 200 * MS, 100 * MIB + MIB - 1, pids)  # grew by less than a MiB
    assert not pss_due(last, 200 * MS, 50 * MIB, pids)  # shrank: the peak is behind us
    assert pss_due(last, 200 * MS, 101 * MIB, pids)  # grew by a MiB
    assert pss_due(last, 200 * MS, 100 * MIB, frozenset({1, 2, 3}))  # a worker came
    assert pss_due(last, 200 * MS, 100 * MIB, frozenset({1}))  # one went
    assert pss_due(last, 1000 * MS, 100 * MIB, pids)  # a second passed
    assert pss_due(last, 200 * MS, None, pids)  # no RSS, no bound


@pytest.mark.skipif(sys.platform != "linux", reason="PSS is read on Linux only")
def test_a_tick_reads_pss_when_due_and_the_peak_is_the_largest_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    resident = {"bytes": 100 * MIB}
    pss_reads: list[int] = []

    def fake_pss(process: object) -> int:
        pss_reads.append(resident["bytes"])
        return resident["bytes"] // 2

    monkeypatch.setattr(treewatch, "_resident", lambda process: resident["bytes"])
    monkeypatch.setattr(treewatch, "_proportional", fake_pss)
    watcher = TreeWatcher(follow_threads=False)
    watcher.follow(os.getpid())
    # This process alone: a helper another test left running may come or go between ticks.
    monkeypatch.setattr(watcher, "_tree", lambda root: [root])
    watcher.tick(0)
    watcher.tick(200 * MS)
    resident["bytes"] = 140 * MIB
    watcher.tick(400 * MS)
    resident["bytes"] = 90 * MIB
    watcher.tick(600 * MS)
    watcher.tick(1400 * MS)  # a second after the last reading
    assert pss_reads == [100 * MIB, 140 * MIB, 90 * MIB]
    assert [r.memory_bytes for r in watcher.readings] == [50 * MIB, None, 70 * MIB, None, 45 * MIB]
    peak = watcher.memory_peak()
    assert peak is not None and peak.bytes == 70 * MIB and peak.measure == "pss"
    watcher.close()
