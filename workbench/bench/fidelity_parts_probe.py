"""One arm of :mod:`workbench.bench.fidelity_parts`, in a fresh interpreter: prints what it
measured (its wall time in ns, and the engine arms their engine's CPU) as one line of JSON.

Kept apart from the measuring side so that an arm imports what its own pieces need and nothing
more: the bare script's work with the workbench's ``spin`` must not also carry the engine's
imports (asyncio, psutil, the protocol), or the first step of the table would price them too.
And an arm imports and builds its pieces before its timer starts, as the bare script and the
run's process do: the first version timed the imports too, and the 45 ms it takes to import the
workloads read as a 5-10 % gap on these 0.5-1 s cases.

``python -m workbench.bench.fidelity_parts_probe CASE_JSON ARM``, where ``CASE_JSON`` holds a
reference case's fields (:class:`workbench.bench.reference.Case`).
"""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

Fields = Mapping[str, Any]
Figures = dict[str, int]
"""What an arm measured: ``wall_ns`` always; the engine arms also ``engine_cpu_ns``,
``engine_window_ns`` and ``engine_batches`` (see :func:`_through_engine`)."""


def probe(case: Fields, arm: str) -> int:
    """Wall ns of ``arm`` of ``case`` (see ``fidelity_parts.ARMS``), measured as the child
    measures a run: around the strategy's work, its pool's start and end included, and not
    around the imports and set-up that come before it (the bare script's are outside its
    timer too)."""
    return prepared(case, arm)()["wall_ns"]


def prepared(case: Fields, arm: str) -> Callable[[], Figures]:
    """``arm`` of ``case`` with its imports done and its pieces built: calling it runs the
    work and returns what it measured (the arms of ``fidelity_parts.ARMS``, and
    ``child-inside-off``, which :mod:`workbench.bench.one_process` calls in its process)."""
    if arm in ("engine", "engine-no-states", "engine-inside-off"):
        return _through_engine(
            case, thread_states=arm != "engine-no-states", inside=arm != "engine-inside-off"
        )
    if arm == "launched":
        return _launched(case)
    if arm in ("child", "child-inside-off"):
        return _through_child(case, inside=arm == "child")
    run = (_THREADS if case["strategy"] == "threads" else _POOL)[arm](case)

    def timed() -> Figures:
        started = time.perf_counter_ns()
        run()
        return {"wall_ns": time.perf_counter_ns() - started}

    return timed


def _through_engine(case: Fields, *, thread_states: bool, inside: bool) -> Callable[[], Figures]:
    """The run as ``workbench run`` makes it (less its thread-state sampler if
    ``thread_states`` is False, less its recording inside tasks if ``inside`` is False), and
    the engine's own CPU while it ran.

    The engine watches from outside, and on a machine the run keeps busy its CPU is taken
    from the run: measured between the first and the last batch of the run's events handed
    to observers (the engine's start of the child before, and its summing-up after, are not
    the run's; a line of more than :data:`~workbench.core.run_session.FEED_CHUNK` events is
    handed on in several). A run whose events all came in one batch (a busy machine can hold
    the engine back until the end) has no such window: both read 0, and ``engine_batches``
    says why."""
    from workbench.bench.reference import Case, run_engine_sync
    from workbench.core.observer import Observer

    class Clocks(Observer):
        def __init__(self) -> None:
            self.marks: list[tuple[int, int]] = []

        def task_events(self, strategy: str, repeat_index: int, events: Any) -> None:
            self.marks.append((time.process_time_ns(), time.perf_counter_ns()))

    fields = dict(case, script_args=tuple(case["script_args"]))

    def through_engine() -> Figures:
        clocks = Clocks()
        run = run_engine_sync(
            Case(**fields), observer=clocks, thread_states=thread_states, inside=inside
        )
        wall_ns = run.wall_ns  # the child's timer
        (cpu_first, t_first), (cpu_last, t_last) = clocks.marks[0], clocks.marks[-1]
        return {
            "wall_ns": wall_ns,
            "engine_cpu_ns": cpu_last - cpu_first,
            "engine_window_ns": t_last - t_first,
            "engine_batches": len(clocks.marks),
        }

    return through_engine


def _beats(case: Fields) -> bool:
    """Whether the case's tasks take heartbeats when ``workbench run`` runs them: not where
    each has its thread to itself and its slices are read from outside (Linux)."""
    from workbench.core.strategies import STRATEGIES
    from workbench.core.threadstates.sampler import procfs_available

    return not (STRATEGIES[case["strategy"]].slices_from_states and procfs_available())


def _job(case: Fields) -> Any:
    from workbench.core.workloads import Job

    return Job(case["workload"], dict(case["params"]))


class _NullChannel:
    """Encodes every message, as the child's channel does, and drops it."""

    def __init__(self) -> None:
        from workbench.core import protocol

        self._protocol = protocol
        self.done: Any = None

    def send_nowait(self, message: Any) -> None:
        if isinstance(message, self._protocol.Done):
            self.done = message
        self._protocol.encode(message)

    send = send_nowait


def _request(case: Fields, *, inside: bool = True) -> Any:
    from workbench.core import protocol

    return protocol.RunRequest(
        case["strategy"],
        case["workload"],
        dict(case["params"]),
        case["tasks"],
        case["workers"],
        inside=inside,
        beats=_beats(case),
    )


def _launched(case: Fields) -> Callable[[], Figures]:
    """The run's process started by the engine's own launcher (command line, environment,
    session, request on stdin), its stream read by a plain loop: what the run's own process
    costs, with no engine reading or watching it."""
    import queue

    from workbench.core import protocol
    from workbench.core.engine import CHILD_MODULE
    from workbench.core.processes import HelperProcess

    request = protocol.encode(_request(case))

    def launched() -> Figures:  # the run's own timer, as the engine reads it
        lines: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        child = HelperProcess(CHILD_MODULE, lines.put)
        child.send(request)
        done, why = None, None
        while (line := lines.get()) is not None:
            message = protocol.decode(line)
            if isinstance(message, protocol.Done):
                done = message
            elif isinstance(message, protocol.Failed):
                why = message.error
        child.wait()
        if done is None or not done.ok:
            why = (done.error if done is not None else None) or why or child.last_error_line()
            raise RuntimeError(f"{case['name']}: the launched run failed: {why}")
        return {"wall_ns": int(done.wall_ns)}

    return launched


def _through_child(case: Fields, *, inside: bool) -> Callable[[], Figures]:
    """The run's process's whole work called here (``child-inside-off``: with recording
    inside tasks off, the tasks' loop uncut)."""
    from workbench.core.child import run

    request = _request(case, inside=inside)

    def child_run() -> Figures:  # the child's own timer, around the strategy's run
        channel: Any = _NullChannel()  # the child's Channel, less the pipe
        run(request, channel)
        if channel.done is None or not channel.done.ok:
            raise RuntimeError(f"{case['name']}: the child's run failed")
        return {"wall_ns": int(channel.done.wall_ns)}

    return child_run


def _context(case: Fields) -> Any:
    """What the child gives a strategy, streaming into a channel that encodes and drops."""
    from workbench.core.child import Flusher
    from workbench.core.recording import Recorder
    from workbench.core.strategies.base import RunContext
    from workbench.core.workloads import workload_named

    recorder = Recorder(beats=_beats(case))
    null: Any = _NullChannel()
    stream = Flusher(recorder, null, 0.05, threaded=False).flush
    workload = workload_named(case["workload"])
    return RunContext(workload, _job(case), case["tasks"], case["workers"], recorder, stream)


Work = Callable[[], object]


def _bare_loop(case: Fields) -> Work:
    """The bare script's own work, its code unchanged, in a process that has first imported
    what the run's process imports (the child, the workloads, the strategy).

    Nothing of the workbench runs during the work, so what this arm moves the ratio is the
    process alone: how its memory was left by the imports (where the loop's integers fall in
    the allocator's pools, where its objects sit in the caches). Counted
    (:mod:`workbench.bench.instructions`), the loop here executes the bare script's bytecode to
    the instruction and 1.5 % more instructions in all, every one of them in the allocator."""
    import workbench.core.child  # noqa: F401  (the run's process's modules, workloads too)
    from workbench.bench.bare import cpu
    from workbench.core.strategies import STRATEGIES

    STRATEGIES[case["strategy"]].prepare()  # its module, imported as the child does
    size = int(case["params"]["size"])
    return functools.partial(cpu.STRATEGIES[case["strategy"]], case["tasks"], case["workers"], size)


def _threads_spin(case: Fields) -> Work:
    import threading

    from workbench.core.workloads.compute import spin

    size, tasks = int(case["params"]["size"]), case["tasks"]
    return lambda: _start_and_join(
        [threading.Thread(target=spin, args=(size,)) for _ in range(tasks)]
    )


def _threads_recorded(case: Fields) -> Work:
    import threading

    from workbench.core.recording import Recorder
    from workbench.core.workloads import workload_named

    call, job, tasks = Recorder().call, _job(case), case["tasks"]
    run_sync = workload_named(case["workload"]).run_sync
    return lambda: _start_and_join(
        [threading.Thread(target=call, args=(run_sync, job, i)) for i in range(tasks)]
    )


def _start_and_join(threads: list[Any]) -> None:
    """What the bare script does with its threads: start them all, then wait for each."""
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _threads_strategy(case: Fields) -> Work:
    from workbench.core.strategies.threaded import run_threads

    context = _context(case)
    return functools.partial(run_threads, context)


def _pool_spin(case: Fields) -> Work:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from workbench.core.workloads.compute import spin, spin_task

    sizes = [int(case["params"]["size"])] * case["tasks"]
    task = spin if _beats(case) else spin_task  # uncut, as a task that takes no heartbeats
    context, workers = multiprocessing.get_context(), case["workers"]

    def run() -> None:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for _ in pool.map(task, sizes):
                pass

    return run


READ_TIMEOUT_S = 120.0


def _pool_recorded(case: Fields) -> Work:
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    from workbench.core.event_queue import EventQueue
    from workbench.core.pool_worker import init_worker, pool_task

    context, job, tasks, workers = (
        multiprocessing.get_context(),
        _job(case),
        case["tasks"],
        case["workers"],
    )

    def run() -> None:
        queue = EventQueue(context)  # the strategy's own queue: the next arm adds its relay

        def read_all() -> None:  # blocks in get: an end carries heartbeats, more than a pipe holds
            for _ in range(2 * tasks):
                queue.get()

        reader = threading.Thread(target=read_all, daemon=True)
        reader.start()
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=init_worker,
            initargs=(queue, job, _beats(case)),
        ) as pool:
            for _ in pool.map(functools.partial(pool_task, job), range(tasks)):
                pass
        reader.join(READ_TIMEOUT_S)
        if reader.is_alive():  # a worker's event never came: say so rather than hang
            raise RuntimeError(f"{case['name']}: the workers' events did not all arrive")

    return run


def _pool_strategy(case: Fields) -> Work:
    from workbench.core.strategies.processes import run_process_pool

    context = _context(case)
    return functools.partial(run_process_pool, context)


_THREADS: dict[str, Callable[[Fields], Work]] = {
    "bare-loop": _bare_loop,
    "spin": _threads_spin,
    "recorded": _threads_recorded,
    "strategy": _threads_strategy,
}
_POOL: dict[str, Callable[[Fields], Work]] = {
    "bare-loop": _bare_loop,
    "spin": _pool_spin,
    "recorded": _pool_recorded,
    "strategy": _pool_strategy,
}


if __name__ == "__main__":
    print(json.dumps(prepared(json.loads(sys.argv[1]), sys.argv[2])()))
