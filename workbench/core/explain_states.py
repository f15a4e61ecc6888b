"""What the threads were doing, in one sentence a reading can end with (pure, Qt-free).

The comparison says *how long*; the thread states say *why*: a thread that waited for the
GIL, a process that waited for a core, a thread asleep on a socket. Each sentence quotes the
share the operating system measured (see :mod:`workbench.core.task_shares`) over the tasks'
lives, and picks its words by the strategy's family and the state that dominated:

- threads on cpu (GIL): "each thread waited for the GIL about half its life";
- a process pool with more workers than cores: "4 workers on 2 cores: 45 % of the time
  waiting for a core";
- threads on http: "97 % of the time waiting on IO — threads are fine here".

:func:`with_thread_states` appends it to a reading (``explain.explain`` calls it once per
strategy); a run without thread states (an older file, sampling off) leaves it unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.results import Results, Run
from workbench.core.strategies import STRATEGIES, Family
from workbench.core.task_shares import task_states
from workbench.core.threadstates.model import ThreadState
from workbench.core.workloads import WORKLOADS

RUNNING, RUNNABLE = ThreadState.RUNNING, ThreadState.RUNNABLE
LOCK, IO = ThreadState.LOCK, ThreadState.IO

NOTABLE = 0.2
"""A waiting state worth a sentence: at least this share of the tasks' time."""
MOSTLY = 0.5
"""Waiting on IO for at least this share: the tasks mostly waited on the world."""
BUSY = 0.8
"""Running for at least this share: the threads hardly waited for anything."""
HARDLY = 0.05


@dataclass(frozen=True)
class StateShares:
    """Each state's share (0–1) of the tasks' summed lives, and how many threads or processes
    ran them."""

    shares: dict[ThreadState, float]
    known: tuple[ThreadState, ...]
    threads: int
    processes: int

    def of(self, state: ThreadState) -> float:
        return self.shares.get(state, 0.0)


def state_shares(run: Run) -> StateShares | None:
    """The run's tasks' time in each state, summed over the tasks (None: not measured)."""
    states = task_states(run)
    life = int(states.life_ns.sum()) if len(states) else 0
    if life <= 0:
        return None
    totals = states.totals()
    keys = {(s.pid, s.native_id) for s in run.tasks if s.pid is not None}
    return StateShares(
        {state: ns / life for state, ns in totals.items()},
        states.known,
        threads=len(keys),
        processes=len({pid for pid, _ in keys}),
    )


def about(share: float, whole: str) -> str:
    """(0.49, "its life") → "about half its life", (0.39, …) → "39 % of its life": words
    where they are honest, else the figure."""
    for low, high, words in (
        (0.42, 0.58, "about half"),
        (0.3, 0.37, "about a third of"),
        (0.63, 0.7, "about two thirds of"),
    ):
        if low <= share <= high:
            return f"{words} {whole}"
    return f"{_percent(share)} of {whole}"


def _percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def sentence(run: Run, results: Results) -> str | None:
    """One sentence on the run's thread states, or None when there is nothing to say."""
    measured = state_shares(run)
    if measured is None:
        return None
    strategy = STRATEGIES.get(run.strategy)
    family = strategy.family if strategy is not None else Family.SEQUENTIAL
    if LOCK not in measured.known:  # running or not is all this OS tells
        return f"the tasks' threads were running {_percent(measured.of(RUNNING))} of their life"
    workload = WORKLOADS.get(results.config.workload)
    gil = results.machine.gil_enabled
    holds_gil = gil and workload is not None and not workload.releases_gil
    cores = results.machine.logical_cpus
    if family is Family.ASYNC:
        return _loop(measured)
    if family is Family.PROCESSES:
        return _processes(measured, cores)
    if family is Family.THREADS:
        return _threads(measured, run, cores, holds_gil=holds_gil, gil=gil)
    return _one_thread(measured)


def _threads(m: StateShares, run: Run, cores: int, *, holds_gil: bool, gil: bool) -> str | None:
    lock, io, runnable = m.of(LOCK), m.of(IO), m.of(RUNNABLE)
    whose = "each thread" if run.strategy == "threads" else "the pool's threads"
    life = "its life" if run.strategy == "threads" else "the time"
    if lock >= NOTABLE:
        what = "the GIL" if gil else "a lock"
        return f"{whose} waited for {what} {about(lock, life)}"
    if io >= MOSTLY:
        return f"{_percent(io)} of the time waiting on IO — threads are fine here"
    if runnable >= NOTABLE:
        return _waiting_for_a_core(m.threads, "thread", cores, runnable)
    if not gil and lock < HARDLY and m.of(RUNNING) >= MOSTLY:
        return (
            f"no GIL on this Python: the threads waited for a lock only "
            f"{_percent(lock)} of the time and ran {_percent(m.of(RUNNING))}"
        )
    if holds_gil and m.of(RUNNING) >= BUSY:
        return f"the threads were running {_percent(m.of(RUNNING))} of the time"
    return None


def _waiting_for_a_core(count: int, noun: str, cores: int, runnable: float) -> str:
    """More of them than cores, or (as many or fewer) other programs had the cores."""
    waited = f"{_percent(runnable)} of the time waiting for a core"
    if count > cores:
        return f"{_plural(count, noun)} on {_plural(cores, 'core')}: {waited}"
    return f"the {noun}s were {waited}: other programs had the cores"


def _processes(m: StateShares, cores: int) -> str | None:
    runnable, io = m.of(RUNNABLE), m.of(IO)
    if runnable >= NOTABLE:
        return _waiting_for_a_core(m.processes, "worker", cores, runnable)
    if io >= MOSTLY:
        return f"the workers were {_percent(io)} of the time waiting on IO"
    if m.of(RUNNING) >= BUSY:
        return f"the workers were running {_percent(m.of(RUNNING))} of the time, each on a core"
    return None


def _loop(m: StateShares) -> str | None:
    """Every coroutine shares the loop's thread: its states over the tasks' lives."""
    io, running, runnable = m.of(IO), m.of(RUNNING), m.of(RUNNABLE)
    alive = "of the time its tasks were alive"
    if io >= MOSTLY:
        return f"the event loop's thread was waiting on IO {_percent(io)} {alive}"
    if running >= BUSY:
        return f"the event loop's thread was running {_percent(running)} {alive}"
    if runnable >= NOTABLE:
        return f"the event loop's thread was waiting for a core {_percent(runnable)} {alive}"
    if m.of(LOCK) >= NOTABLE:
        return f"the event loop's thread waited on a lock {_percent(m.of(LOCK))} {alive}"
    return None


def _one_thread(m: StateShares) -> str | None:
    io, running = m.of(IO), m.of(RUNNING)
    if io >= MOSTLY:
        return f"the one thread was waiting on IO {_percent(io)} of the time"
    if running >= BUSY:
        return f"the one thread was running {_percent(running)} of the time"
    return None


def with_thread_states(text: str, run: Run | None, results: Results) -> str:
    """A reading with the thread states' sentence appended (unchanged when there is none)."""
    said = sentence(run, results) if run is not None else None
    if not said:
        return text
    return f"{text} Thread states: {said}."
