"""Plain-language readings of measured results: one sentence per strategy, built from numbers.

A classroom needs to hear *why* a strategy was fast or slow, but a canned sentence per
strategy would lie whenever the machine disagrees with the textbook (a free-threaded build,
a workload that releases the GIL, a pool that took longer to start than to work). So every
reading here is chosen by, and quotes, what was measured: the speedup over the baseline, how
many tasks were in flight at once, how many workers actually ran tasks, and how many cores
the run kept busy. Pure and Qt-free so the window and the CLI can share it.

A reading never contradicts its own figure: the mechanism it names is chosen by the speedup
*and* the evidence. Tasks that ran one at a time cannot explain a gain, so a strategy that ran
serially and still came out faster says where the difference came from (the baseline lost time
to other programs, or each task simply took less time); "in parallel" is said only where the
run kept more than one core busy or its tasks' running slices overlapped.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workbench.core import noise
from workbench.core.across_interpreters import across_interpreters
from workbench.core.clock import to_seconds
from workbench.core.cluster_explain import cluster_notes
from workbench.core.concurrency import concurrency, concurrency_of
from workbench.core.explain_states import with_thread_states
from workbench.core.results import Results, Run, TaskSpan
from workbench.core.slowdown import BUSY_WORKLOADS, slowed_share
from workbench.core.strategies import STRATEGIES, Family
from workbench.core.summary import baseline_strategy, summarize
from workbench.core.workloads import WORKLOADS

GAIN = 1.2
"""Below this speedup a strategy is read as "no real gain" (timing noise is a few percent)."""
MOSTLY_WAITING = 0.5
"""Fewer cores busy than this, on average, means the tasks spent their time waiting."""
BUSY_MACHINE = 0.5
"""Other programs using at least this many cores on average is worth a warning."""
SLOW_START = 0.25
"""Worker start-up above this share of the wall time is worth calling out."""
PARALLEL = 1.2
"""Cores busy on average from which a run is said to have computed in parallel (without
running slices that show it): more than one core, by more than the accounting's noise."""


@dataclass(frozen=True)
class Measured:
    """The figures a reading is built from, for one strategy's representative run."""

    strategy: str
    wall_ns: int
    speedup: float | None
    cores_busy: float
    """CPU time over wall time: 1.0 means one core busy on average for the whole run."""
    peak_in_flight: int
    workers_used: int
    startup_ns: int
    failed_tasks: int
    other_load: float = 0.0
    """Cores kept busy by everything else on the machine, on average, during the run."""
    interpreter: str = ""
    """The label of the interpreter it ran on ("" when unknown)."""
    gil_enabled: bool | None = None
    """Whether the GIL was on in the run (None: as on the machine the workbench ran on)."""
    lost_share: float = 0.0
    """Share of the run's time other programs took (see :func:`workbench.core.noise.run_loss`)."""
    slowed_share: float = 0.0
    """Share of its time lost to a machine that computed the same work slower than in another
    run (see :func:`workbench.core.slowdown.slowed_share`)."""
    overlap: float | None = None
    """Share of the tasks' running time two or more ran at once; None when not known."""
    peak_memory_bytes: int | None = None


@dataclass(frozen=True)
class Reading:
    strategy: str
    text: str
    interpreter: str = ""


def peak_in_flight(spans: Sequence[TaskSpan]) -> int:
    """The largest number of tasks running at the same instant (an end at t precedes a begin
    at t, so back-to-back tasks do not count as overlapping)."""
    return concurrency(spans).peak_alive


def workers_used(run: Run) -> int:
    """Distinct threads or processes that ran at least one task (the async loop counts as one)."""
    return len({span.worker for span in run.tasks})


def other_load(run: Run) -> float:
    """Average cores busy machine-wide, minus the run's own: how much else was running.

    A figure is only as honest as the machine was quiet; this lets a reading say so. The
    run's own measured interference when it has one (the machine minus its process tree,
    tick by tick); otherwise, for older files, only samples wholly inside the run count (the
    first one also covers the run's process starting up, which is not in the run's CPU time),
    and a run too short for two such samples makes no claim.
    """
    if run.interference is not None:
        return run.interference.other_cores or 0.0
    inside = [s for s in run.cpu_samples[1:] if s.t_ns <= run.wall_ns]
    if len(inside) < 2 or run.wall_ns <= 0:
        return 0.0
    machine = sum(sum(s.per_core) for s in inside) / (100 * len(inside))
    return max(0.0, machine - run.cpu_ns / run.wall_ns)


def representative_run(runs: Iterable[Run]) -> Run | None:
    """The successful run whose wall time is closest to the median, or None if none succeeded."""
    good = [run for run in runs if run.ok]
    if not good:
        return None
    median = statistics.median(run.wall_ns for run in good)
    return min(good, key=lambda run: abs(run.wall_ns - median))


def measure(results: Results) -> tuple[Measured, ...]:
    """What every successful strategy's representative run measured."""
    measured = []
    for summary in summarize(results):
        run = representative_run(results.runs_of(summary.strategy, summary.interpreter))
        if run is None:
            continue
        measured.append(
            Measured(
                strategy=summary.strategy,
                wall_ns=run.wall_ns,
                speedup=summary.speedup,
                cores_busy=run.cpu_ns / run.wall_ns if run.wall_ns > 0 else 0.0,
                peak_in_flight=concurrency_of(run).peak_alive,
                workers_used=workers_used(run),
                startup_ns=run.startup_ns,
                other_load=other_load(run),
                failed_tasks=run.failed_tasks,
                interpreter=summary.interpreter,
                gil_enabled=None if run.interpreter is None else run.interpreter.gil_enabled,
                lost_share=noise.run_loss(run, results).share,
                slowed_share=slowed_share(results, run),
                overlap=noise.peak_running(run),
                peak_memory_bytes=run.peak_memory.bytes if run.peak_memory else None,
            )
        )
    return tuple(measured)


def _cores(busy: float) -> str:
    if busy < 0.05:
        return "almost no CPU used"
    noun = "core" if round(busy, 1) == 1.0 else "cores"
    return f"about {busy:.1f} {noun} busy"


def _seconds(ns: int) -> str:
    """Two decimals of a second, or milliseconds below a tenth (a pool start-up of 5 ms must
    not read "0.00 s")."""
    seconds = to_seconds(ns)
    return f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def _plural(count: int, noun: str) -> str:
    if count == 1:
        return f"{count} {noun}"
    return f"{count:,} {noun}es" if noun.endswith("s") else f"{count:,} {noun}s"


def _workers(m: Measured, family: Family) -> str:
    kind = {Family.PROCESSES: "process", Family.THREADS: "thread"}.get(family, "thread")
    if family is Family.ASYNC and m.workers_used == 1:
        return "one thread"
    return _plural(m.workers_used, kind)


def _why_serial(m: Measured, family: Family) -> str:
    """Why tasks that could have overlapped ran one at a time."""
    if m.strategy == "async-sequential":
        return "each task was awaited before the next began, so nothing overlapped"
    if family is Family.ASYNC:
        return "each task blocked the event loop until it finished, so nothing overlapped"
    if family is Family.SEQUENTIAL:
        return "a plain loop runs one task after another"
    return f"only one task ran at a time on {_workers(m, family)}"


def _why_no_gain(m: Measured, family: Family, holds_gil: bool, cpus: int) -> str:
    """Why tasks overlapped and yet the total time barely moved (or got worse)."""
    if family is Family.THREADS and holds_gil:
        return "the GIL lets one thread run Python at a time"
    if family is Family.ASYNC and holds_gil:
        return "the tasks interleaved on one thread, which can only compute one at a time"
    if family is Family.PROCESSES and m.startup_ns > SLOW_START * m.wall_ns:
        return (
            f"starting {_workers(m, family)} took {_seconds(m.startup_ns)} of the "
            f"{_seconds(m.wall_ns)}"
        )
    if m.cores_busy >= min(cpus, m.peak_in_flight) - 0.5:
        return (
            f"{m.peak_in_flight:,} tasks overlapped, but the machine has only "
            f"{_plural(cpus, 'core')}"
        )
    return f"{m.peak_in_flight:,} tasks overlapped, yet did not finish much sooner"


def _in_parallel(m: Measured) -> bool:
    """The run's own evidence that its tasks computed at the same time."""
    if m.overlap is not None:
        return m.overlap > noise.SERIAL_OVERLAP
    return m.cores_busy >= PARALLEL


def _why_gain(
    m: Measured, family: Family, holds_gil: bool, gil_enabled: bool, waits: bool
) -> tuple[str, bool]:
    """What let overlapping tasks finish sooner; and whether that can explain a gain (False:
    the tasks took turns computing, so a gain must come from elsewhere)."""
    workers = _workers(m, family)
    tasks = f"{m.peak_in_flight:,} tasks"
    if m.cores_busy < MOSTLY_WAITING:
        return (
            f"the tasks mostly waited, and {m.peak_in_flight:,} waits overlapped on {workers}",
            True,
        )
    if waits:  # overlapping waits explain a gain, whatever computes meanwhile
        if family is Family.ASYNC:
            return f"{tasks} took turns on one thread: while one waited, another ran", True
        return f"{tasks} waited at the same time on {workers}", True
    # Work that only computes: only computing at the same time can explain a gain.
    if family is Family.THREADS and holds_gil:
        return (
            f"{tasks} overlapped in time, but the GIL let only one thread run Python at a time",
            False,
        )
    if family is Family.ASYNC:
        if _in_parallel(m):
            return "the loop handed the tasks to threads, which computed in parallel", True
        return f"{tasks} took turns on one thread, which can only compute one at a time", False
    if family is Family.THREADS and not gil_enabled:
        cause = f"this Python runs without a GIL, so {workers}"
    elif family is Family.THREADS:
        cause = f"the work releases the GIL, so {workers}"
    elif family is Family.PROCESSES:
        cause = f"{workers}, each with its own interpreter and GIL,"
    else:
        cause = workers
    if _in_parallel(m):
        return f"{cause} computed in parallel", True
    return f"{cause} could compute in parallel, yet kept only {_cores(m.cores_busy)}", False


def _not_from_overlap(m: Measured, base: Measured | None) -> str:
    """Where a gain came from when running tasks at once cannot explain it."""
    speedup = f"{m.speedup:.2f}×" if m.speedup is not None else "gain"
    if base is not None and base.lost_share >= noise.NOTABLE_LOSS:
        cause = (
            f"{base.strategy} lost {round(100 * base.lost_share)} % of its time to other programs"
        )
    elif base is not None and base.slowed_share >= noise.NOTABLE_LOSS:
        cause = (
            f"{base.strategy} lost {round(100 * base.slowed_share)} % of its time to a slower "
            f"machine (the same work ran faster in another run: {noise.SLOWER_MACHINE})"
        )
    elif base is not None:
        cause = f"each task simply took less time than under {base.strategy}"
    else:
        cause = "each task simply took less time"
    return f", so its {speedup} does not come from running tasks at once: {cause}"


def _reading(m: Measured, results: Results, base: Measured | None) -> str:
    family = STRATEGIES[m.strategy].family if m.strategy in STRATEGIES else Family.SEQUENTIAL
    workload = WORKLOADS.get(results.config.workload)
    gil_enabled = results.machine.gil_enabled if m.gil_enabled is None else m.gil_enabled
    holds_gil = gil_enabled and workload is not None and not workload.releases_gil
    cpus = results.machine.logical_cpus
    name = f"{m.strategy} on {m.interpreter}" if results.several_interpreters else m.strategy
    is_baseline = base is not None and m.strategy == base.strategy
    baseline = base.strategy if base is not None else None
    if is_baseline:
        head = f"{name}: the baseline, {_seconds(m.wall_ns)} for {results.config.tasks:,} tasks"
    else:
        speedup = "—" if m.speedup is None else f"{m.speedup:.2f}×"
        config = results.config
        what = config.workload if config.code is None else config.code.label
        head = f"{name}: {speedup} on {what}"
    gain = not is_baseline and m.speedup is not None and m.speedup >= GAIN
    if m.peak_in_flight <= 1:
        why = _why_serial(m, family)
        explains = False
    elif not is_baseline and (m.speedup is None or m.speedup < GAIN):
        why, explains = _why_no_gain(m, family, holds_gil, cpus), True
    else:  # a gain, or a concurrent baseline: say what overlapped and on what
        waits = results.config.workload not in BUSY_WORKLOADS
        why, explains = _why_gain(m, family, holds_gil, gil_enabled, waits)
    if gain and not explains:
        why += _not_from_overlap(m, base)
    tail = [] if "busy" in why else [_cores(m.cores_busy)]
    if not is_baseline and m.speedup is not None and m.speedup < 1 / GAIN:
        tail.append(
            f"slower than {baseline}" + (f" on {m.interpreter}" if name != m.strategy else "")
        )
    workers = results.config.workers
    capped = STRATEGIES.get(m.strategy) is not None and STRATEGIES[m.strategy].uses_workers
    if capped and results.config.tasks > workers and m.peak_in_flight >= workers:
        tail.append(f"at most {workers} at once (the workers setting)")
    if family is Family.PROCESSES and m.startup_ns > 0 and "starting" not in why:
        tail.append(f"pool start-up {_seconds(m.startup_ns)}")
    asked = next((i for i in results.config.interpreters if i.label == m.interpreter), None)
    if asked is not None and m.gil_enabled and not asked.gil_enabled:
        tail.append("the GIL was on in this run: an extension module it imported turned it on")
    if m.peak_memory_bytes is not None:
        tail.append(f"peak memory {format_bytes(m.peak_memory_bytes)}")
    if m.other_load >= BUSY_MACHINE:
        tail.append(f"other programs kept about {m.other_load:.1f} cores busy meanwhile")
    if m.failed_tasks:
        tail.append(f"{_plural(m.failed_tasks, 'task')} failed")
    tail += cluster_notes(representative_run(results.runs_of(m.strategy)))
    return f"{head} — {why}; {'; '.join(tail)}." if tail else f"{head} — {why}."


def format_bytes(count: int) -> str:
    """Memory as a person reads it: 840 KB, 42 MB, 1.3 GB (decimal units, as OS monitors)."""
    if count >= 10**9:
        return f"{count / 10**9:.1f} GB"
    if count >= 10**6:
        return f"{count / 10**6:.0f} MB"
    return f"{count / 10**3:.0f} KB"


def explain(results: Results) -> tuple[Reading, ...]:
    """One reading per strategy, in the order they were asked for (interpreter by
    interpreter, then how each strategy compares across them); failed strategies say why."""
    baseline = baseline_strategy(results.config.strategies)
    measured = {(m.interpreter, m.strategy): m for m in measure(results)}
    readings = []
    for interpreter, strategy in results.run_keys():
        runs = results.runs_of(strategy, interpreter)
        if not runs:
            continue
        m = measured.get((interpreter, strategy))
        if m is None:
            error = next((run.error for run in runs if run.error), "no run finished")
            name = f"{strategy} on {interpreter}" if results.several_interpreters else strategy
            readings.append(Reading(strategy, f"{name}: failed — {error}.", interpreter))
        else:
            base = measured.get((interpreter, baseline)) if baseline is not None else None
            text = with_thread_states(_reading(m, results, base), representative_run(runs), results)
            readings.append(Reading(strategy, text, interpreter))
    readings += [Reading(strategy, text) for strategy, text in across_interpreters(results)]
    return tuple(readings)
