"""One run on a Dask cluster: submit every task, then turn what the workers report into the
run's task events, streamed while the run goes on.

What arrives, and on which thread (Dask's client runs its own event loop in a thread):

- a task's begin and end, from the worker's event log (:mod:`.worker`): the client's loop
  thread queues them;
- a finished task's future: Dask's callback thread queues it; its result — the end event
  with the task's heartbeats — is fetched in one batch per stream interval (a result lost
  with its worker before that is run again by Dask: the future waits once more, and the
  attempt whose result was lost is recorded from its end in the event log);
- a worker leaving the cluster (the scheduler's ``remove-worker`` event on that worker's
  topic): queued with the moment it arrived.

The run's main thread only waits, and every stream interval (or at once when the last task
finishes) turns the queues into events on the run's clock — the worker's clock corrected by
its offset — and streams them (the strategy :attr:`~Strategy.streams_itself`). A removal is
handled one interval after it arrived: Dask reports a task it gives up on (``KilledWorker``)
just after the removal that decided it, and that task's open attempt is its failure, not an
attempt lost and retried. Every half second the scheduler's latest metrics give each
worker's CPU.
"""

from __future__ import annotations

import contextlib
import itertools
import secrets
import threading
from collections import deque
from typing import Any

from workbench.core.clock import now_ns
from workbench.core.cluster.attempts import Attempt, Attempts, Event
from workbench.core.cluster.connection import ClusterError, Connection
from workbench.core.cluster.lanes import Lanes
from workbench.core.cluster.worker import TaskResult, dask_task
from workbench.core.protocol import ClusterNews
from workbench.core.recording import describe_error
from workbench.core.strategies.base import RunContext

CPU_POLL_NS = 500_000_000
"""How often the scheduler is asked for its workers' metrics (its workers report every 0.5 s
on a small cluster)."""


class Tracker:
    """Runs one experiment run's tasks on a connected cluster, recording them as they go."""

    def __init__(self, ctx: RunContext, connection: Connection) -> None:
        self._ctx, self._client = ctx, connection.client
        self._connection = connection
        self._token = secrets.token_hex(6)
        self._topic = f"workbench-{self._token}"
        self._news: deque[list[Any]] = deque()
        """Begins and ends from the workers' event log (an end has one field more)."""
        self._finished: deque[Any] = deque()
        self._removed: deque[tuple[str, int]] = deque()
        self._count = itertools.count(1)
        self._expected = ctx.tasks
        self._wake = threading.Event()
        self._topics: list[str] = []
        self._lanes = Lanes(self._client, self._watch)
        self._attempts = Attempts(ctx.tasks)
        self._lost_told = 0
        self._pending: dict[str, tuple[int, Any]] = {}
        self._collected: set[int] = set()
        self._cpu: list[tuple[str, int, float]] = []
        self._cpu_seen: dict[str, float] = {}

    def run(self) -> None:
        client, ctx = self._client, self._ctx
        self._lanes.meet(client.scheduler_info()["workers"])
        self._subscribe(self._topic, lambda event: self._news.append(event[1]))
        keys = [f"{self._topic}-{task}" for task in range(ctx.tasks)]
        n = ctx.tasks
        futures = client.map(dask_task, [ctx.job] * n, range(n), [self._topic] * n, key=keys)
        self._pending = {future.key: (task, future) for task, future in enumerate(futures)}
        del futures
        for _, future in list(self._pending.values()):
            future.add_done_callback(self._done)
        try:
            self._wait()
        finally:
            with contextlib.suppress(Exception):  # the client may be the very thing that broke
                if self._pending:  # stopped by an error: nothing of the run may keep going
                    client.cancel([future for _, future in self._pending.values()])
                for topic in self._topics:
                    client.unsubscribe_topic(topic)

    def _done(self, future: Any) -> None:
        self._finished.append(future)
        if next(self._count) >= self._expected:  # the last one: no need to wait any longer
            self._wake.set()

    def _watch(self, address: str) -> None:
        """Listen for the scheduler's word that this worker left."""

        def on_event(event: tuple[float, Any]) -> None:
            message = event[1]
            if isinstance(message, dict) and message.get("action") == "remove-worker":
                self._removed.append((address, now_ns()))

        self._subscribe(address, on_event)

    def _subscribe(self, topic: str, handler: Any) -> None:
        self._client.subscribe_topic(topic, handler)
        self._topics.append(topic)

    def _wait(self) -> None:
        ctx = self._ctx
        next_cpu = now_ns()
        removals: list[tuple[str, int]] = []
        while self._pending:
            self._wake.wait(ctx.stream_interval_s)
            self._wake.clear()  # before draining: a future queued after it wakes the next wait
            earlier, removals = removals, _take(self._removed)
            self._drain(earlier)
            if now_ns() >= next_cpu and self._pending:  # none after the last task: wall time
                self._poll_cpu()
                next_cpu = now_ns() + CPU_POLL_NS
            self._tell()
            if ctx.stream is not None:
                ctx.stream()
        self._drain(removals + _take(self._removed))
        self._tell()

    def _drain(self, removals: list[tuple[str, int]]) -> None:
        news, finished = _take(self._news), _take(self._finished)
        self._lanes.meet(message[4] for message in news)
        for task, start, thread, pid, address, *end in news:
            worker = self._lanes.get(address)
            if worker is None or task in self._collected:
                # Unknown: gone before it could be probed (its clock is unknown). Collected:
                # Dask recomputing a result the run already has (its worker died before the
                # release reached the scheduler) — nobody's work, not the run's.
                continue
            if end:
                self._attempts.finished(task, worker.clock.to_run(end[0]))
                continue
            code = self._lanes.code(worker, thread)
            label = self._lanes.label(code)
            attempt = Attempt(worker.clock.to_run(start), code, pid, address, label)
            self._record(self._attempts.began(task, attempt))
        if finished:
            self._collect(finished)
        for address, at in removals:
            self._record(self._attempts.worker_lost(address, at))

    def _collect(self, finished: list[Any]) -> None:
        """Record the finished tasks: their end events, fetched in one go, or their failure."""
        done = [future for future in finished if future.status == "finished"]
        results: list[TaskResult] = self._client.gather(done) if done else []
        self._lanes.meet(result[9] for result in results)
        recorder = self._ctx.recorder
        for kind, task, start, end, thread, pid, error, beats, trace, address in results:
            worker = self._lanes.get(address)
            if worker is None:  # gone before it could be probed: its clock is unknown
                continue
            self._attempts.ended(task)
            self._collected.add(task)
            clock, code = worker.clock, self._lanes.code(worker, thread)
            recorder.record(
                kind,
                task,
                clock.to_run(start),
                clock.to_run(end),
                code,
                pid,
                error,
                _on_run_clock(beats, clock.offset_ns),
                trace,
            )
        for future in finished:
            if future.status in ("finished", "error", "cancelled"):
                task, _ = self._pending.pop(future.key)
                if future.status != "finished":
                    self._failed(task, future)
            else:  # its result was lost with its worker: Dask runs it again
                self._expected += 1
                future.add_done_callback(self._done)

    def _failed(self, task: int, future: Any) -> None:
        """A task Dask gave up on: after workers died under it, a failure of that task;
        anything else means the cluster cannot run the workbench's tasks at all."""
        if future.status == "cancelled":
            raise ClusterError("Dask cancelled the run's tasks (the scheduler restarted or left)")
        error = future.exception()
        if type(error).__name__ != "KilledWorker":
            raise ClusterError(f"Dask could not run task {task}: {describe_error(error)}")
        last = error.last_worker
        worker = self._lanes.departed(last.address, last.host, last.pid or 0)
        code, now = self._lanes.code(worker, worker.pid), now_ns()
        label = self._lanes.label(code)  # the lane its marker is on
        why = (
            f"KilledWorker: {error.allowed_failures + 1} workers died running it, and Dask "
            f"gave up (the last: {label})"
        )
        at = Attempt(now, code, worker.pid, worker.address, label)
        self._record(self._attempts.failed(task, now, why, at))

    def _record(self, events: list[Event]) -> None:
        record = self._ctx.recorder.record
        for kind, task, start, end, code, pid, error in events:
            record(kind, task, start, end, code, pid, error)

    def _poll_cpu(self) -> None:
        """Each worker's CPU, from the scheduler's latest metrics (one round trip)."""
        workers = self._client.scheduler_info()["workers"]
        self._lanes.meet(workers)
        for address, info in workers.items():
            metrics = info.get("metrics", {})
            worker, at, busy = self._lanes.get(address), metrics.get("time"), metrics.get("cpu")
            if worker is None or at is None or busy is None or self._cpu_seen.get(address) == at:
                continue
            self._cpu_seen[address] = at
            self._cpu.append((address, worker.clock.wall_to_run(round(at * 1e9)), float(busy)))

    def _tell(self) -> None:
        """Post what the engine has not heard yet (ahead of the events that need it)."""
        lanes, cpu = self._lanes.take_new(), self._cpu
        lost = dict(itertools.islice(self._attempts.lost.items(), self._lost_told, None))
        if not (lanes or cpu or lost):
            return
        self._cpu, self._lost_told = [], len(self._attempts.lost)
        scheduler, local = self._connection.scheduler, self._connection.local
        self._ctx.recorder.post(ClusterNews(scheduler, local, lanes, cpu, lost))


def _on_run_clock(beats: list[int] | None, offset_ns: int) -> list[int] | None:
    """Heartbeats (flat time, core) from a worker's clock onto the run's."""
    if not beats or not offset_ns:
        return beats
    return [t - offset_ns if i % 2 == 0 else t for i, t in enumerate(beats)]


def _take(queue: deque[Any]) -> list[Any]:
    """Everything queued so far (items added meanwhile by another thread stay queued)."""
    return [queue.popleft() for _ in range(len(queue))]
