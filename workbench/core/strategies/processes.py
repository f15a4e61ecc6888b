"""Process strategies: ``concurrent.futures.ProcessPoolExecutor`` and ``multiprocessing.Pool``.

Pools use the start method the user's own script would get by default on this Python and
platform (fork on Linux before 3.14, spawn on Windows and macOS): a pool's start-up cost is
part of what the workbench shows, so it must be the real one. The child is built to be
fork-safe (its helper threads hold no Python-level locks a forked worker could need). Workers
report their task events through a queue to a relay thread in the child, so
their spans land on the same clock and stream live like everyone else's.
"""

from __future__ import annotations

import functools
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from workbench.core.clock import now_ns
from workbench.core.pool_worker import init_worker, pool_task
from workbench.core.protocol import BEGIN
from workbench.core.recording import Recorder
from workbench.core.strategies.base import RunContext

POLL_S = 0.01
"""How often the relay looks for worker events when none are waiting."""


class WorkerDied(RuntimeError):
    """A pool worker process ended abruptly; the run cannot be trusted."""


class _Relay:
    """Moves worker events from the queue into the child's recorder; tracks tasks in flight."""

    def __init__(self, queue: Any, recorder: Recorder) -> None:
        self._queue = queue
        self._recorder = recorder
        self._in_flight: dict[int, int] = {}
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._pump, name="pool-relay", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        # Polls rather than waiting for a sentinel: a pool worker killed mid-``put`` leaves the
        # queue's process-shared write lock taken, and a sentinel ``put`` would then block
        # the run forever. Closing sets a flag instead; what is queued is drained first.
        queue = self._queue
        while True:
            if queue.empty():
                if self._closing.is_set():
                    return
                self._closing.wait(POLL_S)
                continue
            kind, task_id, start, end, worker, pid, error, heartbeats, trace = queue.get()
            if kind == BEGIN:
                self._in_flight[task_id] = pid
            else:
                self._in_flight.pop(task_id, None)
            self._recorder.record(kind, task_id, start, end, worker, pid, error, heartbeats, trace)

    def dead_worker(self) -> int | None:
        """The pid of a worker that died while running a task, if any.

        ``active_children`` is multiprocessing's own list of the workers still alive (it
        reaps those that ended, as the pools would), so no process table is needed.
        """
        alive = {child.pid for child in multiprocessing.active_children()}
        return next((pid for pid in set(self._in_flight.values()) if pid not in alive), None)

    def close(self) -> None:
        """Stop after relaying everything queued so far (safe to call twice)."""
        self._closing.set()
        self._thread.join(timeout=5)


def _died(pid: int | None) -> WorkerDied:
    who = f"pool worker (pid {pid})" if pid else "a pool worker"
    return WorkerDied(f"{who} died abruptly while running a task")


def run_process_pool(ctx: RunContext) -> int:
    context = multiprocessing.get_context()
    queue = context.SimpleQueue()
    relay = _Relay(queue, ctx.recorder)
    started = now_ns()
    try:
        with ProcessPoolExecutor(
            max_workers=ctx.workers,
            mp_context=context,
            initializer=init_worker,
            initargs=(queue, ctx.job),
        ) as pool:
            for _ in pool.map(functools.partial(pool_task, ctx.job), range(ctx.tasks)):
                pass
    except BrokenProcessPool:
        relay.close()  # drains what the workers sent, so the dead one's task is known
        raise _died(relay.dead_worker()) from None
    finally:
        relay.close()
    return started


def run_mp_pool(ctx: RunContext) -> int:
    context = multiprocessing.get_context()
    queue = context.SimpleQueue()
    relay = _Relay(queue, ctx.recorder)
    started = now_ns()
    pool = context.Pool(ctx.workers, initializer=init_worker, initargs=(queue, ctx.job))
    try:
        result = pool.map_async(functools.partial(pool_task, ctx.job), range(ctx.tasks))
        # multiprocessing.Pool silently replaces a dead worker and waits forever for its task.
        while not result.ready():
            result.wait(0.1)
            if not result.ready() and (pid := relay.dead_worker()) is not None:
                raise _died(pid)
        result.get()
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        relay.close()
    return started
