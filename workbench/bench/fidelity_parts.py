"""Where a CPU case's fidelity gap goes: the bare script, then the workbench's pieces added one
at a time, up to the run through the engine.

Four CPU threads and a pool of two processes came out 4-8 % slower through the workbench than
as bare scripts, while the same work run sequentially matched. Each arm here is the bare
script's work with one more of the workbench's pieces: its ``spin`` (which checks for a
heartbeat every 5,000 iterations), then the recorder around each task, then the strategy as
the child calls it, then the child's whole run (streaming into a channel that encodes every
message and drops it), then the engine. Each arm runs in a fresh interpreter, in a shuffled
order every round; an arm's figure is its median wall time over the bare script's, in the
same rounds, with a bootstrapped 95 % interval. A step between two arms is what the piece
costs, when it is larger than the intervals.

Part of ``workbench bench``; alone, ``python -m workbench.bench.fidelity_parts [--rounds N]``
prints its table.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from workbench.bench.reference import CASES, BenchError, Case, run_bare, run_engine_sync
from workbench.bench.stats import median_ratio_interval

ARMS: dict[str, tuple[tuple[str, str], ...]] = {
    "threads": (
        ("spin", "the workbench's spin in bare threads"),
        ("recorded", "+ the recorder around each task: its span and heartbeats"),
        ("strategy", "+ the threads strategy: its main thread wakes every 50 ms to stream"),
        ("child", "+ the rest of the run's process (its stream encoded, then dropped)"),
        ("engine", "+ the engine: the run as `workbench run` makes it"),
    ),
    "process-pool": (
        ("spin", "the workbench's spin on a bare process pool"),
        ("recorded", "+ each task recorded in its worker, events queued to a reader"),
        ("strategy", "+ the process-pool strategy: its relay polls the queue every 10 ms"),
        ("child", "+ the rest of the run's process (its stream encoded, then dropped)"),
        ("engine", "+ the engine: the run as `workbench run` makes it"),
    ),
}
CPU_CASES = tuple(case for case in CASES if case.name in ("cpu-4-threads", "cpu-4-process-pool-2"))
ROUNDS = 24
PROBE = [sys.executable, "-m", "workbench.bench.fidelity_parts", "--probe"]


def measure_fidelity_parts(
    rounds: int = ROUNDS,
    cases: Sequence[Case] = CPU_CASES,
    progress: Callable[[str], None] = print,
) -> list[dict[str, Any]]:
    """One row per case and arm: its median wall time over the bare script's, with interval."""
    rng = random.Random(20)
    rows: list[dict[str, Any]] = []
    for case in cases:
        arms = ARMS[case.strategy]
        walls: dict[str, list[float]] = {name: [] for name in ("bare", *(a for a, _ in arms))}
        for round_ in range(rounds):
            progress(f"fidelity parts {round_ + 1}/{rounds}: {case.name}")
            order = list(walls)
            rng.shuffle(order)
            for arm in order:
                walls[arm].append(_wall_s(case, arm))
        for arm, what in arms:
            ratio = median_ratio_interval(walls[arm], walls["bare"])
            rows.append(
                {
                    "case": case.name,
                    "arm": arm,
                    "what": what,
                    **ratio.as_dict("ratio", 3),
                    "wall_s_median": round(sorted(walls[arm])[len(walls[arm]) // 2], 3),
                    "bare_wall_s_median": round(sorted(walls["bare"])[rounds // 2], 3),
                    "rounds": rounds,
                }
            )
    return rows


def _wall_s(case: Case, arm: str) -> float:
    if arm == "bare":
        return run_bare(case.bare_command(None))
    command = [*PROBE, json.dumps(asdict(case)), arm]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BenchError(f"{case.name} ({arm}) failed: {proc.stderr.strip()[-300:]}")
    return int(proc.stdout.strip().splitlines()[-1]) / 1e9


# The probe: one arm, in this fresh interpreter; prints its wall time in ns.


def _probe(case: Case, arm: str) -> int:
    from workbench.core.clock import now_ns

    if arm == "engine":
        return run_engine_sync(case).wall_ns
    if arm == "child":
        return _child_wall_ns(case)
    run = _THREADS[arm] if case.strategy == "threads" else _POOL[arm]
    started = now_ns()
    run(case)
    return now_ns() - started


def _job(case: Case) -> Any:
    from workbench.core.workloads import Job

    return Job(case.workload, dict(case.params))


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


def _child_wall_ns(case: Case) -> int:
    from workbench.core import protocol
    from workbench.core.child import run

    channel: Any = _NullChannel()
    request = protocol.RunRequest(
        case.strategy, case.workload, dict(case.params), case.tasks, case.workers
    )
    run(request, channel)
    if channel.done is None or not channel.done.ok:
        raise BenchError(f"{case.name}: the child's run failed")
    return int(channel.done.wall_ns)


def _context(case: Case, streamed: bool) -> Any:
    from workbench.core.child import Flusher
    from workbench.core.recording import Recorder
    from workbench.core.strategies.base import RunContext
    from workbench.core.workloads import workload_named

    recorder = Recorder()
    stream = None
    if streamed:
        null: Any = _NullChannel()  # the child's Channel, less the pipe
        stream = Flusher(recorder, null, 0.05, threaded=False).flush
    workload = workload_named(case.workload)
    return RunContext(workload, _job(case), case.tasks, case.workers, recorder, stream)


def _threads_spin(case: Case) -> None:
    import threading

    from workbench.core.workloads.compute import spin

    size = int(case.params["size"])
    threads = [threading.Thread(target=spin, args=(size,)) for _ in range(case.tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _threads_recorded(case: Case) -> None:
    import threading

    context = _context(case, streamed=False)
    call, run_sync, job = context.recorder.call, context.workload.run_sync, context.job
    threads = [threading.Thread(target=call, args=(run_sync, job, i)) for i in range(case.tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _threads_strategy(case: Case) -> None:
    from workbench.core.strategies.threaded import run_threads

    run_threads(_context(case, streamed=True))


def _pool_spin(case: Case) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from workbench.core.workloads.compute import spin

    sizes = [int(case.params["size"])] * case.tasks
    context = multiprocessing.get_context()
    with ProcessPoolExecutor(max_workers=case.workers, mp_context=context) as pool:
        for _ in pool.map(spin, sizes):
            pass


def _pool_recorded(case: Case) -> None:
    import functools
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    from workbench.core.pool_worker import init_worker, pool_task

    context, job = multiprocessing.get_context(), _job(case)
    queue = context.SimpleQueue()

    def read_all() -> None:  # blocks in get: an end carries heartbeats, more than a pipe holds
        for _ in range(2 * case.tasks):
            queue.get()

    reader = threading.Thread(target=read_all)
    reader.start()
    with ProcessPoolExecutor(
        max_workers=case.workers, mp_context=context, initializer=init_worker, initargs=(queue, job)
    ) as pool:
        for _ in pool.map(functools.partial(pool_task, job), range(case.tasks)):
            pass
    reader.join()


def _pool_strategy(case: Case) -> None:
    from workbench.core.strategies.processes import run_process_pool

    run_process_pool(_context(case, streamed=False))


_THREADS: dict[str, Callable[[Case], None]] = {
    "spin": _threads_spin,
    "recorded": _threads_recorded,
    "strategy": _threads_strategy,
}
_POOL: dict[str, Callable[[Case], None]] = {
    "spin": _pool_spin,
    "recorded": _pool_recorded,
    "strategy": _pool_strategy,
}


def _case_from_json(text: str) -> Case:
    fields = json.loads(text)
    fields["script_args"] = tuple(fields["script_args"])
    return Case(**fields)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbench.bench.fidelity_parts")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds of every arm")
    parser.add_argument("--probe", nargs=2, metavar=("CASE", "ARM"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        print(_probe(_case_from_json(args.probe[0]), args.probe[1]))
        return 0
    if args.rounds < 2:
        parser.error("--rounds must be at least 2: an interval needs two pairs")
    from workbench.bench.report import fidelity_parts_markdown

    rows = measure_fidelity_parts(args.rounds, progress=lambda m: print(m, file=sys.stderr))
    print("\n".join(fidelity_parts_markdown(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
