"""Every rule kind gives every verdict, on results built in code (no engine runs): holds;
doesn't hold only on a clean measurement; depends only with the evidence named; inconclusive
with the figures that made it so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import pytest

from tests.core.results_factory import MACHINE
from workbench.core.results import Config, Interference, Results, Run, TaskSpan
from workbench.core.verdicts import Outcome, Rule, Verdict, overall

S = 1_000_000_000


@dataclass(frozen=True)
class R:
    """One strategy's runs, described by what matters to a verdict."""

    strategy: str
    wall_s: float
    cpu_s: float | None = None
    lost: float = 0.0
    other: float = 0.02
    parallel: bool = False
    """Its tasks' running slices overlap (threads without the GIL, a process pool)."""
    ends_s: Sequence[float] | None = None
    """When each task ends (they all start at 0); default: one after another."""


def _spans(r: R, tasks: int) -> tuple[TaskSpan, ...]:
    wall = round(r.wall_s * S)
    worker = {"threads": "thread-", "process-pool": "process-", "thread-pool": "thread-"}
    prefix = worker.get(r.strategy)
    if r.ends_s is not None:
        ends = [round(e * S) for e in r.ends_s]
        return tuple(
            TaskSpan(i, i, end, f"{prefix}{i + 1}" if prefix else "main", running=((i, end),))
            for i, end in enumerate(ends)
        )
    step = wall // tasks
    spans = []
    for i in range(tasks):
        if prefix and r.parallel:  # all at once, each on its own worker
            spans.append(TaskSpan(i, 0, wall, f"{prefix}{i + 1}", running=((0, wall),)))
        elif prefix:  # taking turns: slices that never overlap
            slices = ((i * step, (i + 1) * step),)
            spans.append(TaskSpan(i, 0, wall, f"{prefix}{i + 1}", running=slices))
        else:
            spans.append(
                TaskSpan(i, i * step, (i + 1) * step, "main", running=((i * step, (i + 1) * step),))
            )
    return tuple(spans)


def results(
    *strategies: R, workload: str = "sleep", cpus: int = 2, tasks: int = 4, repeat: int = 3
) -> Results:
    runs = []
    for index in range(repeat):
        for r in strategies:
            cpu = r.cpu_s if r.cpu_s is not None else r.wall_s * (1 - r.lost)
            runs.append(
                Run(
                    r.strategy,
                    index,
                    True,
                    None,
                    round(r.wall_s * S),
                    round(cpu * S),
                    0,
                    _spans(r, tasks),
                    interference=Interference(r.other, r.lost, 5),
                )
            )
    config = Config(workload, {}, tasks, 2, repeat, tuple(r.strategy for r in strategies))
    return Results(replace(MACHINE, logical_cpus=cpus), config, tuple(runs))


def check(rule: Rule, data: Results, time_scale: float = 1.0) -> Outcome:
    return rule.check(data, time_scale)


SPEEDUP_MAX = Rule("speedup", "threads", over="sequential", max=1.15)
SPEEDUP_MIN = Rule("speedup", "process-pool", over="sequential", min=1.5, needs_cores=2)
WALL = Rule("wall", "async-gather", about_s=1.0, tolerance=0.1)
TOGETHER = Rule("finish_together", "async-gather", within_s=0.02)
OUT_OF_ORDER = Rule("finish_out_of_order", "threads")
FASTEST = Rule("fastest", "process-pool", needs_cores=2)

BUSY = {"lost": 0.33, "other": 1.5}
"""Other programs kept 1.5 of 2 cores busy and took a third of the run's time."""

CASES: list[tuple[str, Rule, Results, Verdict, str]] = [
    # speedup, at most
    ("speedup max holds", SPEEDUP_MAX, results(R("sequential", 1.0), R("threads", 0.98)),
     Verdict.HOLDS, "1.02× as fast"),
    ("speedup max fails when clean", SPEEDUP_MAX,
     results(R("sequential", 1.0), R("threads", 0.5, parallel=True)),
     Verdict.FAILS, "2.00× as fast"),
    ("speedup max inconclusive when the baseline lost a third", SPEEDUP_MAX,
     results(R("sequential", 1.5, **BUSY), R("threads", 1.0)),
     Verdict.INCONCLUSIVE, "other programs kept 1.5 of 2 cores busy; sequential lost 33 %"),
    ("speedup max depends on a machine with one core",
     replace(SPEEDUP_MAX, needs_cores=2), results(R("sequential", 1.0), R("threads", 0.5), cpus=1),
     Verdict.DEPENDS, "needs 2 cores, this machine has 1"),
    # speedup, at least, needing two cores
    ("speedup min holds", SPEEDUP_MIN,
     results(R("sequential", 1.0), R("process-pool", 0.52, parallel=True)),
     Verdict.HOLDS, "1.92× as fast"),
    ("speedup min fails on an idle machine with the cores", SPEEDUP_MIN,
     results(R("sequential", 1.0), R("process-pool", 2.0, parallel=True)),
     Verdict.FAILS, "0.50× as fast"),
    ("speedup min depends when the free cores were short", SPEEDUP_MIN,
     results(R("sequential", 1.0, other=0.6), R("process-pool", 0.9, parallel=True, other=0.6)),
     Verdict.DEPENDS, "needs 2 free cores; other programs kept 0.6 of 2 busy (1.4 free)"),
    ("speedup min inconclusive under load", SPEEDUP_MIN,
     results(R("sequential", 2.0, **BUSY), R("process-pool", 1.6, parallel=True, **BUSY)),
     Verdict.INCONCLUSIVE, "process-pool lost 33 % of its time"),
    ("speedup inconclusive when too close to call", SPEEDUP_MAX,
     results(R("sequential", 1.14), R("threads", 1.0)),
     Verdict.INCONCLUSIVE, "too close to call"),
    # wall
    ("wall holds", WALL, results(R("async-gather", 1.02)), Verdict.HOLDS, "took 1.020 s"),
    ("wall fails when clean", WALL, results(R("async-gather", 1.5)), Verdict.FAILS,
     "expected about 1 s"),
    ("wall inconclusive when the run lost time", WALL,
     results(R("async-gather", 1.3, lost=0.3, other=1.0)), Verdict.INCONCLUSIVE,
     "async-gather lost 30 % of its time"),
    ("wall depends on hardware", replace(WALL, hardware=True),
     results(R("async-gather", 1.5)), Verdict.DEPENDS, "hardware"),
    # finish together
    ("together holds", TOGETHER, results(R("async-gather", 1.0, ends_s=[1.0, 1.001])),
     Verdict.HOLDS, "within 1.0 ms"),
    ("together fails when clean", TOGETHER,
     results(R("async-gather", 1.1, ends_s=[1.0, 1.1])), Verdict.FAILS, "within 100.0 ms"),
    ("together inconclusive when the loop lost time", TOGETHER,
     results(R("async-gather", 1.06, ends_s=[1.0, 1.06], lost=0.1, other=0.8)),
     Verdict.INCONCLUSIVE, "async-gather lost 10 %"),
    ("together depends on cores", replace(TOGETHER, needs_cores=4),
     results(R("async-gather", 1.0, ends_s=[1.0, 1.0])), Verdict.DEPENDS, "this machine has 2"),
    # finish out of order
    ("out of order holds", OUT_OF_ORDER,
     results(R("threads", 1.0, ends_s=[0.9, 0.3, 0.5])), Verdict.HOLDS, "in order [1, 2, 0]"),
    ("in order fails when clean", OUT_OF_ORDER,
     results(R("threads", 1.0, ends_s=[0.3, 0.5, 0.9])), Verdict.FAILS, "order [0, 1, 2]"),
    ("in order inconclusive under load", OUT_OF_ORDER,
     results(R("threads", 1.0, ends_s=[0.3, 0.5, 0.9], **BUSY)), Verdict.INCONCLUSIVE,
     "other programs kept 1.5 of 2 cores busy"),
    ("out of order depends on cores", replace(OUT_OF_ORDER, needs_cores=3),
     results(R("threads", 1.0, ends_s=[0.9, 0.3])), Verdict.DEPENDS, "needs 3 cores"),
    # fastest
    ("fastest holds", FASTEST,
     results(R("sequential", 1.0), R("threads", 1.0), R("process-pool", 0.5, parallel=True)),
     Verdict.HOLDS, "fastest: process-pool (0.500 s)"),
    ("fastest fails when clean", FASTEST,
     results(R("sequential", 1.0), R("process-pool", 1.5, parallel=True)),
     Verdict.FAILS, "fastest: sequential"),
    ("fastest depends when the free cores were short", FASTEST,
     results(R("sequential", 1.0, other=0.7), R("process-pool", 1.5, parallel=True, other=0.7)),
     Verdict.DEPENDS, "(1.3 free)"),
    ("fastest inconclusive under load", FASTEST,
     results(R("sequential", 1.0, **BUSY), R("process-pool", 0.95, parallel=True, **BUSY)),
     Verdict.INCONCLUSIVE, "too noisy to decide"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "data", "verdict", "phrase"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_kind_gives_each_verdict_with_its_evidence(
    rule: Rule, data: Results, verdict: Verdict, phrase: str
) -> None:
    outcome = check(rule, data)
    assert outcome.verdict is verdict, outcome
    assert phrase in f"{outcome.measured} — {outcome.reason}", outcome


def test_every_kind_is_covered_with_every_verdict() -> None:
    from workbench.core.verdicts import KINDS

    covered = {(c[1].kind, c[3]) for c in CASES}
    assert covered == {(kind, verdict) for kind in KINDS for verdict in Verdict}


def test_cpu_time_settles_what_a_disturbed_wall_time_cannot() -> None:
    """The issue's machine: sequential lost a third of its time, so threads and asyncio read
    1.4× faster on GIL-bound work; each used the same CPU time, one task at a time."""
    data = results(
        R("sequential", 1.45, cpu_s=1.0, **BUSY),
        R("async-gather", 1.02, cpu_s=1.0, lost=0.02, other=1.5),
        R("threads", 1.03, cpu_s=1.02, lost=0.03, other=1.5),
        workload="cpu",
    )
    for strategy in ("async-gather", "threads"):
        outcome = check(Rule("speedup", strategy, over="sequential", max=1.15), data)
        assert outcome.verdict is Verdict.HOLDS, outcome
        assert outcome.reason.startswith("CPU time settles it: sequential used 1.00 s")
    # Not for work that waits (CPU time says nothing about a sleep), nor for threads that ran
    # in parallel.
    waits = replace(data, config=replace(data.config, workload="sleep"))
    assert check(Rule("speedup", "threads", over="sequential", max=1.15), waits).verdict is (
        Verdict.INCONCLUSIVE
    )


def test_a_pool_the_load_kept_to_one_task_at_a_time_is_not_settled_by_cpu_time() -> None:
    """Under a CPU hog per core a process pool's two workers may never overlap: its seriality
    is the load's doing — undisturbed it would compute in parallel — so its CPU time says
    nothing about its undisturbed wall time (the stability bench caught a ~ verdict here)."""
    data = results(
        R("sequential", 2.0, cpu_s=1.0, lost=0.53, other=1.5),
        R("process-pool", 2.1, cpu_s=1.02, lost=0.7, other=1.5),  # slices taking turns
        workload="cpu",
    )
    outcome = check(SPEEDUP_MIN, data)
    assert outcome.verdict is Verdict.INCONCLUSIVE, outcome
    assert "CPU time" not in outcome.reason


def test_a_failed_run_makes_its_rule_inconclusive_saying_why() -> None:
    data = results(R("sequential", 1.0), R("threads", 1.0))
    broken = tuple(
        replace(run, ok=False, error="pool worker (pid 7) died") if run.strategy == "threads"
        else run
        for run in data.runs
    )  # fmt: skip
    outcome = check(SPEEDUP_MAX, replace(data, runs=broken))
    assert outcome.verdict is Verdict.INCONCLUSIVE
    assert outcome.measured == "threads did not finish"
    assert "pool worker (pid 7) died" in outcome.reason


def test_overall_a_clean_failure_wins_then_noise_then_the_machine_and_nothing_never_holds() -> None:
    def o(verdict: Verdict) -> Outcome:
        return Outcome(verdict, "x")

    assert overall([]) is Verdict.INCONCLUSIVE
    assert overall([o(Verdict.HOLDS), o(Verdict.DEPENDS)]) is Verdict.DEPENDS
    assert overall([o(Verdict.DEPENDS), o(Verdict.INCONCLUSIVE)]) is Verdict.INCONCLUSIVE
    assert overall([o(Verdict.INCONCLUSIVE), o(Verdict.FAILS)]) is Verdict.FAILS
    assert overall([o(Verdict.HOLDS)] * 3) is Verdict.HOLDS


def test_logical_cpus_sharing_one_physical_core_are_named_as_the_machine() -> None:
    data = results(R("sequential", 1.0), R("process-pool", 0.85, parallel=True))
    smt = replace(data, machine=replace(data.machine, physical_cpus=1))
    outcome = check(SPEEDUP_MIN, smt)
    assert outcome.verdict is Verdict.DEPENDS
    assert outcome.reason == "needs 2 cores; this machine's 2 logical CPUs share 1 physical core"


def test_marks_per_verdict() -> None:
    assert [v.mark for v in Verdict] == ["✔", "✘", "~", "?"]
