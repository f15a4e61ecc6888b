"""A reading never contradicts its own figures: checked over thousands of synthetic results
(every strategy, workload, GIL or none, serial or overlapping tasks, gains and losses, quiet or
disturbed baselines) against what each of its phrases claims."""

from __future__ import annotations

import random
import re
from dataclasses import replace

import pytest

from tests.core.results_factory import MACHINE
from workbench.core import noise
from workbench.core.explain import GAIN, MOSTLY_WAITING, PARALLEL, explain
from workbench.core.results import Config, Interference, Results, Run, TaskSpan
from workbench.core.slowdown import slowed_share
from workbench.core.strategies import STRATEGIES

S = 1_000_000_000
WORKLOADS = ("sleep", "cpu", "hash", "mixed", "http", "file")
SERIAL_PHRASES = (
    "nothing overlapped",
    "one task after another",
    "only one task ran at a time",
    "ran one after another",
    "let only one thread run Python at a time",
    "could compute in parallel, yet kept only",
    "which can only compute one at a time",
)


def _run(
    strategy: str,
    wall_ns: int,
    busy: float,
    tasks: int,
    overlap: bool,
    lost: float,
    rng: random.Random,
) -> Run:
    prefix = {"threads": "thread-", "thread-pool": "thread-", "process-pool": "process-",
              "mp-pool": "process-"}.get(strategy)  # fmt: skip
    spans = []
    step = wall_ns // tasks
    for i in range(tasks):
        worker = f"{prefix}{i + 1}" if prefix and overlap else (f"{prefix}1" if prefix else "main")
        start, end = (0, wall_ns) if overlap else (i * step, (i + 1) * step)
        slices: tuple[tuple[int, int], ...] = ()
        if rng.random() < 0.5:  # running slices known (heartbeats, steps) for half the runs
            together = overlap and rng.random() < 0.5
            slices = ((start, end),) if together else ((i * step, (i + 1) * step),)
        spans.append(TaskSpan(i, start, end, worker, running=slices))
    startup = rng.choice([0, wall_ns // 10, wall_ns // 2]) if prefix == "process-" else 0
    return Run(
        strategy, 0, True, None, wall_ns, round(busy * wall_ns), startup, tuple(spans),
        interference=Interference(rng.choice([0.0, 0.3, 1.5]), lost, 4),
    )  # fmt: skip


def synthetic(rng: random.Random) -> tuple[Results, float, float]:
    """A baseline and one other strategy; returns the results, its speedup and cores busy."""
    cpus = rng.choice([1, 2, 4, 8])
    strategy = rng.choice([s for s in STRATEGIES if s != "sequential"])
    tasks = rng.randint(1, 12)
    base_wall = round(rng.uniform(0.05, 3) * S)
    speedup = 10 ** rng.uniform(-0.8, 1.3)
    wall = max(1, round(base_wall / speedup))
    busy = rng.choice([0.0, 0.01, 0.3, 0.9, 1.0, 1.1, 1.5, 2.0, 3.7])
    overlap = rng.random() < 0.6
    base = _run("sequential", base_wall, rng.choice([0.0, 1.0]), tasks, False,
                rng.choice([0.0, 0.02, 0.31]), rng)  # fmt: skip
    other = _run(strategy, wall, busy, tasks, overlap, rng.choice([0.0, 0.2]), rng)
    machine = replace(MACHINE, logical_cpus=cpus, gil_enabled=rng.random() < 0.85)
    config = Config(rng.choice(WORKLOADS), {}, tasks, rng.choice([1, 2, 4]), 1,
                    ("sequential", strategy))  # fmt: skip
    return Results(machine, config, (base, other)), base_wall / wall, busy


CASES = 3000


def test_readings_agree_with_their_figures_over_many_synthetic_results() -> None:
    rng = random.Random(12)
    checked = {"serial gain": 0, "parallel": 0, "slower": 0, "waited": 0}
    for _ in range(CASES):
        results, speedup, busy = synthetic(rng)
        base_reading, reading = explain(results)
        text = reading.text
        run = results.runs[1]
        where = f"{text!r} (speedup {speedup:.3f}, busy {busy})"
        assert f"{speedup:.2f}×" in text, where
        cores = re.search(r"about (\d+\.\d) cores? busy(?! meanwhile)", text)
        if cores:
            assert cores.group(1) == f"{busy:.1f}", where
        if any(phrase in text for phrase in SERIAL_PHRASES) and speedup >= GAIN:
            assert "does not come from running tasks at once" in text, where
            checked["serial gain"] += 1
        if "does not come from running tasks at once" in text:
            assert speedup >= GAIN, where
        if "did not finish much sooner" in text or "but the machine has only" in text:
            assert speedup < GAIN, where
        if "computed in parallel" in text:
            overlap = noise.peak_running(run)
            evidence = overlap > noise.SERIAL_OVERLAP if overlap is not None else busy >= PARALLEL
            assert evidence, where
            checked["parallel"] += 1
        if "slower than" in text:
            assert speedup < 1, where
            checked["slower"] += 1
        if "mostly waited" in text:
            assert busy < MOSTLY_WAITING, where
            checked["waited"] += 1
        lost = re.search(r"sequential lost (\d+) % of its time( to a slower machine)?", text)
        if lost:
            base = results.runs[0]
            share = (
                slowed_share(results, base)
                if lost.group(2)
                else noise.run_loss(base, results).share
            )
            assert int(lost.group(1)) == round(100 * share), where
        assert base_reading.text.startswith("sequential: the baseline")
    assert all(count > 20 for count in checked.values()), checked  # every branch was exercised


@pytest.mark.parametrize("workload", ["cpu", "mixed"])
def test_the_issues_reading_a_gain_with_nothing_overlapped_says_where_it_came_from(
    workload: str,
) -> None:
    """ "async-gather: 1.26× on cpu — … nothing overlapped" was the issue's example."""

    def serial(each_ns: int) -> tuple[TaskSpan, ...]:
        return tuple(TaskSpan(i, i * each_ns, (i + 1) * each_ns, "main") for i in range(4))

    base = Run("sequential", 0, True, None, round(1.26 * S), S, 0, serial(315_000_000),
               interference=Interference(1.5, 0.31, 5))  # fmt: skip
    gather = Run("async-gather", 0, True, None, S, S, 0, serial(250_000_000),
                 interference=Interference(1.5, 0.02, 5))  # fmt: skip
    config = Config(workload, {}, 4, 2, 1, ("sequential", "async-gather"))
    _, reading = explain(Results(MACHINE, config, (base, gather)))
    assert reading.text.startswith(f"async-gather: 1.26× on {workload} — ")
    assert "does not come from running tasks at once: sequential lost 31 % of its time" in (
        reading.text
    )
