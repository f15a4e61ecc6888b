"""One arm of :mod:`workbench.bench.fidelity_parts`, in a fresh interpreter: prints its wall time
in ns.

Kept apart from the measuring side so that an arm imports what its own pieces need and nothing
more: the bare script's work with the workbench's ``spin`` must not also carry the engine's
imports (asyncio, psutil, the protocol), or the first step of the table would price them too.

``python -m workbench.bench.fidelity_parts_probe CASE_JSON ARM``, where ``CASE_JSON`` holds a
reference case's fields (:class:`workbench.bench.reference.Case`).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

Fields = Mapping[str, Any]


def probe(case: Fields, arm: str) -> int:
    """Wall ns of ``arm`` of ``case`` (see ``fidelity_parts.ARMS``), measured as the child
    measures a run: around the strategy's work, its pool's start and end included."""
    if arm == "engine":
        return _engine_wall_ns(case)
    if arm == "child":
        return _child_wall_ns(case)
    run = (_THREADS if case["strategy"] == "threads" else _POOL)[arm]
    started = time.perf_counter_ns()
    run(case)
    return time.perf_counter_ns() - started


def _engine_wall_ns(case: Fields) -> int:
    from workbench.bench.reference import Case, run_engine_sync

    fields = dict(case, script_args=tuple(case["script_args"]))
    return run_engine_sync(Case(**fields)).wall_ns


def _job(case: Fields) -> Any:
    from workbench.core.workloads import Job

    return Job(case["workload"], dict(case["params"]))


class _NullChannel:
    """Encodes every message, as the child's channel does, and drops it."""

    def __init__(self) -> None:
        self.done: Any = None

    def send_nowait(self, message: Any) -> None:
        from workbench.core import protocol

        if isinstance(message, protocol.Done):
            self.done = message
        protocol.encode(message)

    send = send_nowait


def _child_wall_ns(case: Fields) -> int:
    from workbench.core import protocol
    from workbench.core.child import run

    channel: Any = _NullChannel()  # the child's Channel, less the pipe
    request = protocol.RunRequest(
        case["strategy"], case["workload"], dict(case["params"]), case["tasks"], case["workers"]
    )
    run(request, channel)
    if channel.done is None or not channel.done.ok:
        raise RuntimeError(f"{case['name']}: the child's run failed")
    return int(channel.done.wall_ns)


def _context(case: Fields, streamed: bool) -> Any:
    from workbench.core.child import Flusher
    from workbench.core.recording import Recorder
    from workbench.core.strategies.base import RunContext
    from workbench.core.workloads import workload_named

    recorder = Recorder()
    stream = None
    if streamed:
        null: Any = _NullChannel()
        stream = Flusher(recorder, null, 0.05, threaded=False).flush
    workload = workload_named(case["workload"])
    return RunContext(workload, _job(case), case["tasks"], case["workers"], recorder, stream)


def _threads_spin(case: Fields) -> None:
    import threading

    from workbench.core.workloads.compute import spin

    size = int(case["params"]["size"])
    _start_and_join([threading.Thread(target=spin, args=(size,)) for _ in range(case["tasks"])])


def _threads_recorded(case: Fields) -> None:
    import threading

    from workbench.core.recording import Recorder
    from workbench.core.workloads import workload_named

    call, job = Recorder().call, _job(case)
    run_sync = workload_named(case["workload"]).run_sync
    _start_and_join(
        [threading.Thread(target=call, args=(run_sync, job, i)) for i in range(case["tasks"])]
    )


def _start_and_join(threads: list[Any]) -> None:
    """What the bare script does with its threads: start them all, then wait for each."""
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _threads_strategy(case: Fields) -> None:
    from workbench.core.strategies.threaded import run_threads

    run_threads(_context(case, streamed=True))


def _pool_spin(case: Fields) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from workbench.core.workloads.compute import spin

    sizes = [int(case["params"]["size"])] * case["tasks"]
    context = multiprocessing.get_context()
    with ProcessPoolExecutor(max_workers=case["workers"], mp_context=context) as pool:
        for _ in pool.map(spin, sizes):
            pass


READ_TIMEOUT_S = 120.0


def _pool_recorded(case: Fields) -> None:
    import functools
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    from workbench.core.pool_worker import init_worker, pool_task

    context, job, tasks = multiprocessing.get_context(), _job(case), case["tasks"]
    queue = context.SimpleQueue()

    def read_all() -> None:  # blocks in get: an end carries heartbeats, more than a pipe holds
        for _ in range(2 * tasks):
            queue.get()

    reader = threading.Thread(target=read_all, daemon=True)
    reader.start()
    with ProcessPoolExecutor(
        max_workers=case["workers"],
        mp_context=context,
        initializer=init_worker,
        initargs=(queue, job),
    ) as pool:
        for _ in pool.map(functools.partial(pool_task, job), range(tasks)):
            pass
    reader.join(READ_TIMEOUT_S)
    if reader.is_alive():  # a worker's event never came: say so rather than hang
        raise RuntimeError(f"{case['name']}: the workers' events did not all arrive")


def _pool_strategy(case: Fields) -> None:
    from workbench.core.strategies.processes import run_process_pool

    run_process_pool(_context(case, streamed=False))


_THREADS: dict[str, Callable[[Fields], None]] = {
    "spin": _threads_spin,
    "recorded": _threads_recorded,
    "strategy": _threads_strategy,
}
_POOL: dict[str, Callable[[Fields], None]] = {
    "spin": _pool_spin,
    "recorded": _pool_recorded,
    "strategy": _pool_strategy,
}


if __name__ == "__main__":
    print(probe(json.loads(sys.argv[1]), sys.argv[2]))
