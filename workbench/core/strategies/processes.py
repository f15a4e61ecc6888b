"""Process strategies: ``concurrent.futures.ProcessPoolExecutor`` and ``multiprocessing.Pool``.

Pools use the start method the user's own script would get by default on this Python and
platform (fork on Linux before 3.14, spawn on Windows and macOS): a pool's start-up cost is
part of what the workbench shows, so it must be the real one. The child is built to be
fork-safe (its helper threads hold no Python-level locks a forked worker could need). Workers
report their task events through a queue to a relay thread in the child, so
their spans land on the same clock and stream live like everyone else's; the relay streams
them on itself.
"""

from __future__ import annotations

import functools
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from typing import Any

from workbench.core.clock import now_ns
from workbench.core.event_queue import EventQueue
from workbench.core.pool_worker import init_worker, pool_task
from workbench.core.protocol import BEGIN
from workbench.core.recording import Recorder
from workbench.core.strategies.base import RunContext


class WorkerDied(RuntimeError):
    """A pool worker process ended abruptly; the run cannot be trusted."""


class _Relay:
    """Moves worker events from the queue into the child's recorder, streams them on, and
    tracks the tasks in flight.

    It sleeps until an event comes (or it is told to stop): the run's process has no thread
    that wakes for nothing while the pool's workers want every core. Being the only thread
    that records while the pool runs, it also streams what it relayed, at most every
    ``stream_interval_s``, so the child needs no streaming thread of its own.
    """

    def __init__(
        self,
        queue: EventQueue,
        recorder: Recorder,
        stream: Callable[[], None] | None = None,
        stream_interval_s: float = 0.05,
    ) -> None:
        self._queue = queue
        self._recorder = recorder
        self._stream = stream
        self._stream_interval_ns = round(stream_interval_s * 1e9)
        self._in_flight: dict[int, int] = {}
        self._closing = False
        self._wake_read, self._wake_write = multiprocessing.Pipe(duplex=False)
        self._thread = threading.Thread(target=self._pump, name="pool-relay", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        # Told to stop through a pipe of its own, not a sentinel on the queue: a pool worker
        # killed mid-``put`` leaves the queue's process-shared write lock taken, and a sentinel
        # ``put`` would then block the run forever. What is queued is drained first.
        queue, stream, last_streamed = self._queue, self._stream, 0
        due: int | None = None  # when what was relayed and not yet streamed must go out
        while True:
            queue.wait(self._wake_read, None if due is None else max(0, due - now_ns()) / 1e9)
            while not queue.empty():
                self._relay(queue.get())
                if due is None and stream is not None:
                    due = max(now_ns(), last_streamed + self._stream_interval_ns)
            if self._closing:
                if queue.empty():
                    return  # the child streams what is left once the strategy returns
                continue
            if stream is not None and due is not None and now_ns() >= due:
                stream()
                last_streamed, due = now_ns(), None

    def _relay(self, event: tuple[Any, ...]) -> None:
        kind, task_id, start, end, worker, pid, error, heartbeats, trace = event
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
        if self._closing:
            return
        self._closing = True
        self._wake_write.send_bytes(b"stop")
        self._thread.join(timeout=5)
        if not self._thread.is_alive():  # else it is stuck in a dead worker's half-sent event
            self._wake_read.close()
            self._wake_write.close()


def _died(pid: int | None) -> WorkerDied:
    who = f"pool worker (pid {pid})" if pid else "a pool worker"
    return WorkerDied(f"{who} died abruptly while running a task")


def _start_relay(ctx: RunContext, context: BaseContext) -> tuple[_Relay, tuple[Any, ...]]:
    """The relay reading the queue the pool's workers send their events through, and the
    arguments of the workers' initializer (that queue, the job, whether to take heartbeats)."""
    queue = EventQueue(context)
    relay = _Relay(queue, ctx.recorder, ctx.stream, ctx.stream_interval_s)
    return relay, (queue, ctx.job, ctx.recorder.beats)


def run_process_pool(ctx: RunContext) -> int:
    context = multiprocessing.get_context()
    relay, initargs = _start_relay(ctx, context)
    started = now_ns()
    try:
        with ProcessPoolExecutor(
            max_workers=ctx.workers,
            mp_context=context,
            initializer=init_worker,
            initargs=initargs,
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
    relay, initargs = _start_relay(ctx, context)
    started = now_ns()
    pool = context.Pool(ctx.workers, initializer=init_worker, initargs=initargs)
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
