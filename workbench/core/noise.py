"""How far a measured wall time can be trusted: what other programs took from each run, and
the range the strategy's undisturbed wall time lies in. Pure functions over results.

A verdict compares wall times; on a shared machine a wall time is the work plus whatever other
programs took from it. Each run records its :class:`~workbench.core.results.Interference`
(measured from outside its process tree); here it becomes the share of the run's time that
was lost, and each strategy gets a range — from "the loss estimate was right, and then some"
to "nothing was lost" — widened by the timing noise a quiet machine still has. A rule that
holds over the whole range holds; one that fails over the whole range fails; one whose range
straddles its bound cannot be decided from this measurement (see :mod:`workbench.core.verdicts`).

Thresholds measured on the 2-core development VM (shared with other jobs), `cpu` × 4 at the
default size, 5 interleaved repeats, idle and under one CPU hog per core:
- quiet repeats of the same strategy spread ±2-4 % around their median (:data:`QUIET_NOISE`);
- the same work took up to 11 % more *CPU time* while other programs kept ~0.4 core busy
  (caches and memory bandwidth are shared; :data:`SHARED_HARDWARE`);
- run-queue share tracks the loss of a one-thread run closely (lost 66 %: 0.669), but
  underestimates a pool's by up to half (a straggling worker), hence :data:`LOSS_RANGE`;
- GIL-bound threads wait on the run queue 12-30 % of their time *on an idle machine*: the
  GIL's hand-off wakes a thread on the busy core. That wait is the run's own, so a run's loss is
  never taken above what other programs actually used (:func:`run_loss`).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from workbench.core.clock import to_seconds
from workbench.core.concurrency import concurrency_of
from workbench.core.results import Results, Run
from workbench.core.slowdown import (
    BUSY_WORKLOADS,
    SPEED_NOISE,
    on_one_thread,
    slowed_share,
    speed_varied,
)
from workbench.core.strategies import STRATEGIES, Family
from workbench.core.workloads import WORKLOADS

QUIET_NOISE = 0.04
"""A strategy's wall time varies this much (relative, either way) between repeats on a quiet
machine, for a run that computes throughout: measured ±2-4 % here. Two strategies compared: up
to twice this apart."""
WAIT_NOISE = 0.01
"""The same for a run that only waits: sleeps end within about a millisecond of their time
(three gathered 1 s sleeps took 1.002-1.004 s; of 0.1 s, 0.101 s)."""
TIMER_SLACK_S = 0.002
"""Allowance in seconds, either way, on any wall time: a run's start and end each wait for the
OS to wake its loop or thread (under a millisecond quiet, a couple under load)."""
SHARED_HARDWARE = 0.10
"""Extra relative noise per core other programs kept busy (up to one core's worth), for a run
that computes all the time (less for one that waits: a sleep is not slowed by a neighbour's
cache traffic): the same CPU work took 11 % more CPU time beside ~0.4 core of other programs'
work, which no run-queue figure shows (it ran, just slower)."""
LOSS_RANGE = (0.5, 2.0)
"""A run's real loss is taken to lie between half and twice what was measured: one-thread runs
read closely (lost 67 %: 0.669, 61 %: 0.626; GIL-bound threads 71 %: 0.739), but a process
pool under a moderate load loses more than its run queue shows — one worker slowed is the
straggler the other waits for, idle and so not counted — reading 0.145 for 0.31 lost and 0.29
for 0.47 (cpu × 4, two workers, 0.3-0.6 core busy elsewhere)."""
MAX_LOSS = 0.95
"""At most this share of a run's wall time is ever taken as lost: whatever the load, the lower
end of its range stays above zero (a ratio range stays finite)."""
CPU_NOISE = 0.04
"""How much the median CPU time of the same work varies, relative, either way: medians of
three runs of sequential and async-gather on `cpu` agreed within 1-4 % here, idle or under a
CPU hog per core (single runs: 1-8 %). GIL-bound threads use up to 10 % *more* CPU beside
other programs (their hand-offs), which only makes them look slower."""
CPU_TICK_S = 0.01
"""CPU time is counted in clock ticks (10 ms on Linux): a run's CPU time is known to ± one."""
SERIAL_OVERLAP = 0.05
"""Tasks whose running slices overlap for less than this share of their running time ran one
at a time (heartbeat slices of GIL-bound threads touch at the switches)."""
NOTABLE_LOSS = 0.05
"""A strategy that lost at least this share of its time is named when a verdict says why."""
SLOWER_MACHINE = "another guest on the host, or the CPU's clock"
"""What can make the same work run slower with nothing else measured in the way."""
NOTABLE_LOAD = 0.25
"""Other programs busy on at least this many cores are named when a verdict says why."""


@dataclass(frozen=True)
class RunLoss:
    share: float
    """Best estimate of the share of the run's time other programs took (0-1)."""
    source: str
    """Where it comes from: ``run queue``, ``heartbeats``, ``machine load`` or ``unknown``."""
    other_cores: float | None


def _stalled_share(run: Run, workload: str) -> float | None:
    """Heartbeat gaps of tasks that ran alone on their core (a plain loop, a pool worker):
    time the task wanted to compute and did not — a core someone else had. Not for threads,
    whose gaps are waits for the GIL, nor for workloads that wait on purpose."""
    family = STRATEGIES[run.strategy].family if run.strategy in STRATEGIES else None
    if workload not in BUSY_WORKLOADS or family not in (Family.SEQUENTIAL, Family.PROCESSES):
        return None
    timed = [span for span in run.tasks if span.running and span.duration_ns > 0]
    if not timed or len(timed) < len(run.tasks):
        return None
    alive = sum(span.duration_ns for span in timed)
    return max(0.0, 1 - sum(span.running_ns for span in timed) / alive)


def _event_loop_bound(run: Run) -> float | None:
    """At most the share of an event loop's run that waiting for a core can have cost it.

    A loop loses time to other programs only when it has work: inside its coroutines' steps
    (a step slowed down lasts longer, so the steps' time bounds that), and at each wake-up
    along a chain of awaits (each waits for a core about as long as the loop's own lag probe
    typically did: its median lag). Gathered sleeps spend almost no time in steps and have two
    wake-ups a chain, so what the run-queue share counts for them — mostly the lag probe's own
    wake-ups, every 10 ms — delays no task; a loop that computes is bounded by nothing less
    than its steps. None where it does not apply (not a loop, no lag, steps unknown).
    """
    family = STRATEGIES[run.strategy].family if run.strategy in STRATEGIES else None
    if family is not Family.ASYNC or not run.loop_lag or run.wall_ns <= 0 or not run.tasks:
        return None
    if any(not span.running for span in run.tasks):
        return None
    steps = sum(len(span.running) for span in run.tasks)
    over_time = concurrency_of(run)
    busy = over_time.running_ns  # the time the loop was running any of the steps
    chain = steps / max(1, over_time.peak_alive)
    lag = statistics.median(sample.lag_ns for sample in run.loop_lag)
    return min(1.0, (busy + chain * lag) / run.wall_ns)


def run_loss(run: Run, results: Results) -> RunLoss:
    """The share of ``run``'s time other programs took, from the best figure there is.

    The run-queue share (Linux) or heartbeat gaps measure the run directly; both are capped
    by what other programs actually used (``other_cores``, as a share of one core): a run
    cannot lose to others more than they ran, and on an idle machine what remains is the
    run's own waiting (the GIL's hand-offs). An event loop's is also capped by its steps and
    its lag (:func:`_event_loop_bound`). Without either, a saturated machine is taken to
    have taken the others' share of the cores from the run: an overestimate, which makes a
    verdict inconclusive sooner rather than wrong.
    """
    interference = run.interference
    other = interference.other_cores if interference else None
    cap = 1.0 if other is None else min(1.0, other)
    loop = _event_loop_bound(run)
    if loop is not None:
        cap = min(cap, loop)
    if interference is not None and interference.runqueue_share is not None:
        return RunLoss(min(interference.runqueue_share, cap), "run queue", other)
    stalled = _stalled_share(run, results.config.workload)
    if stalled is not None:
        return RunLoss(min(stalled, cap), "heartbeats", other)
    if other is None:
        return RunLoss(0.0, "unknown", None)
    cores = results.machine.logical_cpus
    used = run.cpu_ns / run.wall_ns if run.wall_ns > 0 else 0.0
    saturated = other + used >= 0.9 * cores
    return RunLoss(min(1.0, other / cores) if saturated else 0.0, "machine load", other)


def peak_running(run: Run) -> float | None:
    """Share of the tasks' running time during which two or more ran at once; None when a
    task's running slices are unknown."""
    if not run.tasks or any(not span.running for span in run.tasks):
        return None
    return concurrency_of(run).overlap_share


def ran_serially(run: Run) -> bool:
    """One task computed at a time: everything on one thread, or running slices that barely
    overlap (threads taking turns under the GIL)."""
    if len({span.worker for span in run.tasks}) <= 1:
        return True
    overlap = peak_running(run)
    return overlap is not None and overlap <= SERIAL_OVERLAP


def serial_by_nature(results: Results, runs: list[Run]) -> bool:
    """The strategy cannot compute two tasks at once here: all on one thread (a loop, an event
    loop), or threads on work that holds the GIL, whose running slices confirm it. Not a
    process pool that happened to run one task at a time: that was the load's doing, and
    undisturbed it would have computed in parallel."""
    if not runs:
        return False
    family = STRATEGIES[runs[0].strategy].family if runs[0].strategy in STRATEGIES else None
    if family is Family.PROCESSES:
        return False
    if all(len({span.worker for span in run.tasks}) <= 1 for run in runs):
        return True
    workload = WORKLOADS.get(results.config.workload)
    holds_gil = results.machine.gil_enabled and workload is not None and not workload.releases_gil
    return holds_gil and all(ran_serially(run) for run in runs)


@dataclass(frozen=True)
class Timing:
    """One strategy's wall time, and the range its undisturbed wall time lies in."""

    strategy: str
    wall_s: float
    low_s: float
    high_s: float
    cpu_s: float
    lost_share: float
    other_cores: float | None
    slowed_share: float
    """The most any of its runs lost to a machine that computed the same work slower (see
    :mod:`workbench.core.slowdown`): other programs sharing the hardware, which no load figure
    shows."""
    speed_varied: float
    """The most any run of the whole measurement lost so: what a run compared only with its
    own repeats may have lost unseen (see :func:`workbench.core.slowdown.speed_varied`)."""
    disagreed: bool
    """The repeats' ranges did not meet even so: some figure was wrong, so their union
    stands."""
    serial: bool
    """It computes one task at a time by its nature, whatever the load (see
    :func:`serial_by_nature`)."""
    noise: float
    """The relative timing noise allowed either way (quiet noise plus shared hardware)."""


def _median(values: list[float]) -> float:
    return float(statistics.median(values))


def _computing(run: Run, lost: float) -> float:
    """The share of the time it was not held up that the run computed (CPU time over that
    time, at most 1): 1 for CPU work, about 0 for sleeps."""
    undisturbed = run.wall_ns * (1 - min(MAX_LOSS, lost))
    return min(1.0, run.cpu_ns / undisturbed) if undisturbed > 0 else 0.0


def timing(results: Results, strategy: str) -> Timing | None:
    """The strategy's successful runs taken together; None when none succeeded.

    Each run says where its undisturbed wall time lies: its wall time less what it lost, the
    loss taken anywhere in :data:`LOSS_RANGE` times the measured one — plus, at most, what it
    lost to a slower machine beyond the quiet noise (for a run compared only with its own
    repeats, at least the most any run of the measurement lost so, :func:`speed_varied`) —
    widened by the noise. The undisturbed time is the same for every repeat, so it lies where
    all of them agree: the runs' ranges intersected — the least disturbed run bounds it from
    above, the best corrected one from below. Ranges that do not meet mean some figure was
    wrong — a loss nothing measured, or one measured too high (a machine-load estimate, a GIL
    hand-off read as a wait for a core) — so every range any run allows stands: their union.
    """
    runs = [run for run in results.runs_of(strategy) if run.ok and run.wall_ns > 0]
    if not runs:
        return None
    losses = [run_loss(run, results) for run in runs]
    others = [loss.other_cores for loss in losses if loss.other_cores is not None]
    other = _median(others) if others else None
    busy = _median([_computing(run, loss.share) for run, loss in zip(runs, losses, strict=True)])
    noise = (
        QUIET_NOISE * busy
        + WAIT_NOISE * (1 - busy)
        + SHARED_HARDWARE * min(1.0, other or 0.0) * busy
    )
    slowed = [slowed_share(results, run) for run in runs]
    unseen = speed_varied(results)
    lows, highs = [], []
    for run, loss in zip(runs, losses, strict=True):
        wall = to_seconds(run.wall_ns)
        least, most = (factor * loss.share for factor in LOSS_RANGE)
        # Its own slowdown beyond the noise its range already allows; a run compared only with
        # its own repeats (a pool, threads) may have lost as much as any run did, unseen.
        slower = slowed_share(results, run, beyond=QUIET_NOISE)
        if not on_one_thread(run):
            slower = max(slower, unseen)
        most = min(MAX_LOSS, most + slower)
        lows.append(max(0.0, wall * (1 - most) * (1 - noise) - TIMER_SLACK_S))
        highs.append(wall * (1 - min(MAX_LOSS, least)) * (1 + noise) + TIMER_SLACK_S)
    low, high = max(lows), min(highs)
    disagreed = low > high
    if disagreed:
        low, high = min(lows), max(highs)
    return Timing(
        strategy=strategy,
        wall_s=_median([to_seconds(run.wall_ns) for run in runs]),
        low_s=low,
        high_s=high,
        cpu_s=_median([to_seconds(run.cpu_ns) for run in runs]),
        lost_share=_median([loss.share for loss in losses]),
        other_cores=other,
        slowed_share=max(slowed),
        speed_varied=unseen,
        disagreed=disagreed,
        serial=serial_by_nature(results, runs),
        noise=noise,
    )


def ratio_range(over: Timing, strategy: Timing) -> tuple[float, float]:
    """Where ``over``'s undisturbed wall time divided by ``strategy``'s lies; unbounded above
    when ``strategy``'s could be as good as nothing (a run of milliseconds that may have lost
    almost all of them)."""
    high = over.high_s / strategy.low_s if strategy.low_s > 0 else math.inf
    return over.low_s / strategy.high_s, high


def cpu_settles(results: Results, over: Timing, strategy: Timing) -> bool:
    """CPU time can stand in for wall time: both compute one task at a time by their nature,
    so undisturbed each would have taken about its CPU time — whatever the machine's load."""
    return (
        results.config.workload in BUSY_WORKLOADS
        and over.serial
        and strategy.serial
        and over.cpu_s > 0
        and strategy.cpu_s > 0
    )


def cpu_ratio_range(over: Timing, strategy: Timing, *, across: bool = False) -> tuple[float, float]:
    """Where the ratio of the two CPU times lies; a CPU time is itself inflated by a slower
    machine, so each may have been lower by what its runs lost to one.

    ``across``: each may also have lost what the other's CPU time says it did. Both computed
    the same work one task at a time, but a slow spell over every run of one of them has
    nothing faster among its own peers to show it (threads under the GIL are compared only
    with their own repeats, sequential with the one-thread runs): measured here, sequential's
    two repeats of `cpu` × 4 took 1.84 s of CPU time, threads' 1.36 s. The range is then only
    wider, so a verdict decided on it is one the plain range decides too."""
    over_slowed, mine_slowed = over.slowed_share, strategy.slowed_share
    if across:
        over_slowed = max(over_slowed, cpu_slower(over, strategy))
        mine_slowed = max(mine_slowed, cpu_slower(strategy, over))
    over_low = over.cpu_s * (1 - over_slowed)
    mine_low = strategy.cpu_s * (1 - mine_slowed)
    low = max(0.0, over_low - CPU_TICK_S) / (strategy.cpu_s + CPU_TICK_S)
    high = (over.cpu_s + CPU_TICK_S) / max(CPU_TICK_S, mine_low - CPU_TICK_S)
    return low * (1 - 2 * CPU_NOISE), high * (1 + 2 * CPU_NOISE)


def cpu_slower(one: Timing, other: Timing) -> float:
    """The share of ``one``'s CPU time beyond ``other``'s for the same work, past the quiet
    noise (:data:`~workbench.core.slowdown.SPEED_NOISE`); 0 when it took no more."""
    if one.cpu_s <= 0:
        return 0.0
    return max(0.0, 1 - other.cpu_s * (1 + SPEED_NOISE) / one.cpu_s)


def other_cores(timings: list[Timing]) -> float | None:
    """The most other programs kept busy during any of these strategies' runs."""
    known = [t.other_cores for t in timings if t.other_cores is not None]
    return max(known) if known else None


def disturbance(timings: list[Timing], cores: int) -> str:
    """Why a measurement is too noisy, with its figures ("other programs kept 1.5 of 2 cores
    busy; sequential lost 31 % of its time"), or "" when nothing notable disturbed it."""
    parts = []
    other = other_cores(timings)
    if other is not None and other >= NOTABLE_LOAD:
        parts.append(f"other programs kept {other:.1f} of {cores} cores busy")
    slowed = []
    for t in timings:
        if t.lost_share >= NOTABLE_LOSS:
            parts.append(f"{t.strategy} lost {round(100 * t.lost_share)} % of its time")
        if t.slowed_share >= NOTABLE_LOSS:
            slowed.append(f"{t.strategy} lost {round(100 * t.slowed_share)} %")
        elif t.disagreed:
            parts.append(f"{t.strategy}'s repeats disagreed beyond what their figures allow")
    if slowed:
        whose = " and ".join(slowed) + (" of its" if len(slowed) == 1 else " of their")
        parts.append(f"{whose} speed: the same work ran faster in another run ({SLOWER_MACHINE})")
    elif (varied := max((t.speed_varied for t in timings), default=0.0)) >= NOTABLE_LOSS:
        parts.append(
            f"the machine's speed varied: a run lost {round(100 * varied)} % of its speed "
            f"against another ({SLOWER_MACHINE})"
        )
    return "; ".join(parts)
