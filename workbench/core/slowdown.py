"""How much slower the same work computed in one run than in the fastest run of a measurement:
the share of a run's time lost to a machine that itself ran slower. Pure functions over results.

Other programs can slow a run without ever taking its core: on a virtual machine the host's
other guests share the physical cores (a hyper-thread sibling, caches, memory bandwidth, the
clock's boost), and none of that shows in the run queue, in steal time or in the machine's load.
It does show in the work itself. The busy workloads give every task the same computation, so
a run's CPU time per task — the time its tasks held a core, however fast that core went, and
never the time they waited for one — is the machine's speed for that run. Measured on the
2-core development VM, the machine otherwise idle by every figure (load 0.35, no steal):
sequential's repeats of `cpu` × 4 took 0.97 s and 1.52 s of CPU time for the same work, and
async-gather's 0.95 s and 1.60 s — enough, by their medians, to make async-gather look 1.37×
as fast as sequential.

A run is compared with the fastest run of the same shape: every run that computed on one
thread at a time (sequential, the event loops) shares one reference, whatever its strategy;
a pool or threads only with its own repeats, since computing on two cores at once is itself
slower per task on such a machine (shared caches), which is the strategy's cost, not a
disturbance.
"""

from __future__ import annotations

from workbench.core.results import Results, Run, TaskSpan
from workbench.core.strategies import STRATEGIES, Family

SPEED_NOISE = 0.08
"""How much more CPU time the same work may take in one quiet run than in another (single runs
on one thread differed by up to 8 % here, medians of three by 1-4 %): a run is only taken as
slowed beyond this."""
BUSY_WORKLOADS = frozenset({"cpu", "hash"})
"""Workloads whose tasks compute throughout, each the same computation."""
MIN_CPU_NS = 100_000_000
"""Runs that used less CPU time than this say nothing of the machine's speed: CPU time is
counted in 10 ms ticks on Linux, and a pool's start-up alone (~20 ms here) would read as a
slower machine on time-scaled work of a few milliseconds."""
COUNTED = 0.8
"""A run's CPU time is taken as its tasks' when it is at least this share of their running
time (fork pools and threads: 0.99-1.0 here)."""


def _work(run: Run) -> tuple[TaskSpan, ...]:
    """The run's tasks, each once: a task Dask re-ran counts once, not once per attempt."""
    return tuple(span for span in run.tasks if span.attempt_of is None)


def cpu_per_task(run: Run) -> float | None:
    """The run's CPU time per task, ns; None when it is unknown, too little to tell, not all
    counted, or the run failed. Not counted in full: a forkserver pool's workers are never
    reaped by the run's process (0.007 s of CPU measured for 0.49 s of work), nor a Dask
    cluster's — so a run whose CPU time falls short of its tasks' running time says nothing."""
    tasks = _work(run)
    if not run.ok or not tasks or run.cpu_ns < MIN_CPU_NS or run.strategy == "dask":
        return None
    if any(not span.running for span in tasks):
        return None
    if run.cpu_ns < COUNTED * sum(span.running_ns for span in tasks):
        return None
    return run.cpu_ns / len(tasks)


def on_this_machine(run: Run) -> bool:
    """Its tasks computed on the run's own machine: not on a Dask cluster's workers elsewhere,
    whose CPUs say nothing of this one's."""
    cluster = run.cluster
    return cluster is None or all(worker.shared_clock for worker in cluster.workers)


def running_per_task(run: Run) -> float | None:
    """A task's mean running time in the run, ns (what its heartbeats saw it compute, however
    fast its core went, without a pool's start-up); None when unknown or too little.

    A Dask cluster's tasks count when its workers ran on this machine: their heartbeats time
    the same work as a pool's do. A CI run measured Dask at 1.22× as fast as sequential on
    two cores with 0.1 of a core busy elsewhere (it held in the runs before and after);
    without its tasks' running time nothing could tell whether its CPUs had computed slower
    than sequential's one."""
    tasks = _work(run)
    if not run.ok or not tasks or not on_this_machine(run) or any(not s.running for s in tasks):
        return None
    running = sum(span.running_ns for span in tasks)
    return running / len(tasks) if running >= MIN_CPU_NS else None


def on_one_thread(run: Run) -> bool:
    """Its tasks computed one at a time on one thread of the run's own process — not a pool
    that handed every task to one worker (its CPU time includes starting the pool)."""
    family = STRATEGIES[run.strategy].family if run.strategy in STRATEGIES else None
    return family is not Family.PROCESSES and len({span.worker for span in run.tasks}) <= 1


def _peers(results: Results, run: Run) -> list[Run]:
    """The runs ``run`` is compared with, on its own interpreter (another computes the same
    work at its own speed): every one-thread run, or its strategy's repeats."""
    label = run.interpreter_label
    if on_one_thread(run):
        return [
            other
            for other in results.runs
            if other.interpreter_label == label and other.tasks and on_one_thread(other)
        ]
    return list(results.runs_of(run.strategy, label))


def slowed_share(results: Results, run: Run, beyond: float = SPEED_NOISE) -> float:
    """The share of ``run``'s time it lost to a slower machine (0-1): how much more CPU time
    its tasks took than the same tasks in the fastest comparable run, beyond ``beyond`` (by
    default :data:`SPEED_NOISE`: what is worth naming). 0 for work that is not all
    computation, or when CPU time is unknown."""
    if results.config.workload not in BUSY_WORKLOADS:
        return 0.0
    mine = cpu_per_task(run)
    if mine is None:
        return 0.0
    known = [t for peer in _peers(results, run) if (t := cpu_per_task(peer)) is not None]
    fastest = min(known, default=mine)
    return max(0.0, 1 - fastest * (1 + beyond) / mine)


def speed_varied(results: Results) -> float:
    """The most any run of the measurement lost to a slower machine: how far its speed varied.

    Any run may have lost that much unseen — a strategy whose every repeat ran in the slow
    spell has nothing faster to be compared with (a pool only meets its own repeats) — so a
    comparison between strategies allows it to every one of them.
    """
    return max((slowed_share(results, run) for run in results.runs), default=0.0)


def parallel_speed(results: Results, strategy: str) -> float | None:
    """How fast each CPU computed while the strategy kept several busy, relative to one CPU
    computing alone: the one-thread runs' running time per task over the strategy's, the
    fastest of each, on the same interpreter. Running time, not CPU time: a pool's start-up
    (spawn: 0.11 s more CPU for 2 workers here) is not the hardware's doing. Two virtual CPUs
    that are one physical core's two hyper-threads, or whose host runs other guests beside
    them, compute the same work slower each when both are busy — measured here 0.6-0.85 of one
    CPU's speed with a 2-worker pool, the machine otherwise idle. None where it cannot be told:
    work that is not all computation, a strategy on one thread, nothing to compare with."""
    if results.config.workload not in BUSY_WORKLOADS:
        return None
    speeds = []
    for label in {run.interpreter_label for run in results.runs_of(strategy)}:
        mine = [r for r in results.runs_of(strategy, label) if not on_one_thread(r)]
        alone = [r for r in results.runs if r.interpreter_label == label and on_one_thread(r)]
        together = [t for run in mine if (t := running_per_task(run)) is not None]
        single = [t for run in alone if (t := running_per_task(run)) is not None]
        if together and single:
            speeds.append(min(1.0, min(single) / min(together)))
    return min(speeds, default=None)
