"""The engine's child process: runs one strategy on the stock asyncio loop and streams events.

Started as ``python -m workbench.core.child`` (see :mod:`workbench.core.launch`). It and
everything it imports use the standard library only (the workloads that need aiohttp or
aiofiles import them lazily), so it can run on any Python ≥ 3.11 on the machine, and it
starts in tens of milliseconds; pool workers that re-import it as ``__mp_main__`` pay the
same small cost. It speaks to the engine only through :mod:`workbench.core.protocol`.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Sequence
from itertools import compress

from workbench.core import protocol
from workbench.core.clock import now_ns
from workbench.core.launch import ask_parent_death_signal, raise_open_file_limit
from workbench.core.process_tree import kill_tree
from workbench.core.protocol import BEGIN, END, FAILED, FAILED_STEP
from workbench.core.protocol.frames import unpack_words
from workbench.core.recording import STEP_WORDS, Recorder, columns, describe_error, step_columns

ORPHANED_EXIT_CODE = 70
_SPAN_KINDS = frozenset((BEGIN, END, FAILED))
"""Events whose start is a task's: not a coroutine's step, which starts mid-task."""
MAX_BATCH = 1024
"""Events per message at most (~2.5 ms of work for the reader on a slow machine)."""


class Channel:
    """The private stream to the parent; writes are serialised across threads.

    :meth:`send` blocks until the pipe has taken everything. :meth:`send_nowait` never waits
    for the parent: what the pipe cannot take yet is kept and goes out with the next send.
    An async strategy's loop streams through it, and a slow reader (a busy window) must not
    stall the loop being measured: measured, blocking sends on the loop put up to 4 µs a task
    on 10,000 gathered sleeps.
    """

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._lock = threading.Lock()
        self._pending = bytearray()

    def send(self, message: protocol.Message) -> None:
        with self._lock:
            self._pending += protocol.encode(message)
            self._write(blocking=True)

    def send_nowait(self, message: protocol.Message) -> None:
        with self._lock:
            self._pending += protocol.encode(message)
            os.set_blocking(self._fd, False)
            try:
                self._write(blocking=False)
            finally:
                os.set_blocking(self._fd, True)

    def _write(self, *, blocking: bool) -> None:
        while self._pending:
            try:
                written = os.write(self._fd, self._pending)
            except BlockingIOError:
                if blocking:
                    raise
                return
            del self._pending[:written]


def claim_stdout() -> Channel:
    """Keep fd 1 for the protocol and point fd 1 (and ``sys.stdout``) at stderr."""
    private = os.dup(1)
    os.dup2(2, 1)
    return Channel(private)


def accept_request() -> tuple[protocol.RunRequest, Channel]:
    """The child's side of the handshake: take fd 1 for the protocol, read the engine's one-line
    request from stdin, and from then on die with the engine. An unreadable request is
    answered with Failed and the process exits: nothing was asked that could be run."""
    parent = os.getppid()
    channel = claim_stdout()
    try:
        request = protocol.decode_request(sys.stdin.buffer.readline())
    except protocol.ProtocolError as exc:
        channel.send(protocol.Failed(f"the engine's request was unreadable: {exc}"))
        os._exit(0)
    watch_parent(parent)
    return request, channel


def _leave_as_orphan(*_: object) -> None:
    """End every process this one started (pool workers), without waiting, and exit."""
    kill_tree(os.getpid(), include_root=False, wait_s=0)
    os._exit(ORPHANED_EXIT_CODE)


def _die_with_parent(parent: int) -> bool:
    """Ask Linux to send SIGTERM when the parent dies; False where that is not available.

    No thread needed: a live thread in the run's process costs the measured code (see
    :func:`run`). Pool workers forked from here inherit the handler, not the request, so
    they get the default back.
    """
    import signal

    if not ask_parent_death_signal(signal.SIGTERM):
        return False
    signal.signal(signal.SIGTERM, _leave_as_orphan)
    os.register_at_fork(after_in_child=lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL))
    if os.getppid() != parent:  # it died before the request was in place
        _leave_as_orphan()
    return True


def watch_parent(parent: int) -> None:
    """Exit, taking pool workers along, as soon as the parent dies.

    On Linux the kernel says so; elsewhere a thread waits for the parent to close our stdin.
    """
    if _die_with_parent(parent):
        return

    def watch() -> None:
        # os.read, not sys.stdin: a blocked buffered read holds a lock that a forked pool
        # worker would deadlock on when multiprocessing closes its stdin.
        while os.read(0, 4096):
            pass
        _leave_as_orphan()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class Flusher:
    """Streams the recorder's events in batches, off the measured path.

    Run by a thread of its own, or, for an async strategy, called by the strategy's event
    loop (see :func:`run`). A batch is sent as a frame, its columns raw 64-bit words (see
    :mod:`workbench.core.protocol.frames`); timestamps stay absolute and the parent
    subtracts ``t0``: every cycle spent here is one the measured strategy may have to wait
    for, so the parent does what it can.
    """

    def __init__(
        self, recorder: Recorder, channel: Channel, interval_s: float, *, threaded: bool = True
    ) -> None:
        self._recorder = recorder
        self._interval = interval_s
        self.first_begin_ns: int | None = None
        """The earliest start of a task's span (begin, end or failure) sent so far; it stays
        None for a run of coroutines' steps, whose batches are then never scanned further."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # On the loop, never wait for the parent (see Channel); a thread may.
        self._post = channel.send if threaded else channel.send_nowait
        if threaded:
            self._thread = threading.Thread(target=self._loop, name="flusher", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self.flush()
        self.flush()

    def flush(self) -> None:
        recorder = self._recorder
        for note in recorder.take_notes():  # first: it names workers the events below use
            self._post(note)
        flat = recorder.take_flat()
        steps = unpack_words(recorder.take_steps())
        thread_pids = recorder.take_thread_pids()  # after take: see Recorder.take_thread_pids
        lag = recorder.take_lag()
        if not flat and not steps and not lag:
            return
        # Several small messages rather than one huge one: the reader handles each in one
        # go on its event loop (the window's), so a message must stay a few ms of work.
        batches = [columns(flat, lo, lo + MAX_BATCH) for lo in range(0, len(flat) // 5, MAX_BATCH)]
        batches += [
            step_columns(steps, lo, lo + MAX_BATCH)
            for lo in range(0, len(steps) // STEP_WORDS, MAX_BATCH)
        ]
        del flat, steps
        if not batches:  # the lag probe's samples alone
            batches = [([], [], [], [], [])]
        if self.first_begin_ns is not None or any(BEGIN in batch[0] for batch in batches):
            for kinds, _, starts, _, _ in batches:  # coroutines' steps have no begin
                self._note_first_start(kinds, starts)
        for batch in batches:
            self._post(self._batch(*batch, lag, thread_pids))
            lag, thread_pids = [], {}

    def _note_first_start(self, kinds: Sequence[int], starts: Sequence[int]) -> None:
        """Keep the earliest start of any task so far, over every batch: a task's begin is not
        always in the first batch that has one. A Dask task whose result came back before
        the news that it began is recorded by its end alone (it carries the start), in a later
        batch than another's begin (seen once: start-up 486.0 ms, first task at 484.5)."""
        marked = map(_SPAN_KINDS.__contains__, kinds)  # C speed: a flush may hold 100,000s
        earliest = min(compress(starts, marked), default=None)
        if earliest is not None and (self.first_begin_ns is None or earliest < self.first_begin_ns):
            self.first_begin_ns = earliest

    def _batch(
        self,
        kinds: Sequence[int],
        ids: Sequence[int],
        starts: Sequence[int],
        ends: Sequence[int],
        workers: Sequence[int],
        lag: list[int],
        thread_pids: dict[int, int],
    ) -> protocol.Events:
        errors, heartbeats = self._recorder.errors, self._recorder.heartbeats
        tracebacks = self._recorder.tracebacks
        return protocol.Events(
            kinds,
            ids,
            starts,
            ends,
            workers,
            errors={
                i: errors.pop(i, "")
                for k, i in zip(kinds, ids, strict=True)
                if k in (FAILED, FAILED_STEP)
            }
            if errors
            else {},
            heartbeats={
                i: beats
                for k, i in zip(kinds, ids, strict=True)
                if k in (END, FAILED) and (beats := heartbeats.pop(i, None)) is not None
            }
            if heartbeats
            else {},
            lag=lag,
            thread_pids=thread_pids,
            tracebacks={
                i: trace
                for k, i in zip(kinds, ids, strict=True)
                if k in (FAILED, FAILED_STEP) and (trace := tracebacks.pop(i, None)) is not None
            }
            if tracebacks
            else {},
        )

    def close(self) -> None:
        """Send what is left (and end the streaming thread, if there is one)."""
        if self._thread is None:
            self.flush()
            return
        self._stop.set()
        self._thread.join()


def cpu_ns() -> int:
    """CPU time of this process, its threads, and its waited-for children (pool workers).

    Its own to the nanosecond (``process_time_ns``): ``os.times`` counts in clock ticks, 10 ms
    on Linux, which is 10 µs a task on a 1,000-task run. Children only come in ticks.
    """
    times = os.times()
    return time.process_time_ns() + round((times.children_user + times.children_system) * 1e9)


def run(request: protocol.RunRequest, channel: Channel) -> None:
    # Imported here, not at the top: pool workers re-import this module as __mp_main__ and
    # must not pay for the strategies (asyncio, concurrent.futures) they never use.
    from workbench.core.strategies import STRATEGIES, RunContext
    from workbench.core.workloads import Job, workload_named

    user_file = request.code.path if request.code is not None else None
    recorder = Recorder(inside=request.inside, beats=request.beats, user_file=user_file)
    pid, main_thread = os.getpid(), threading.main_thread().native_id
    assert main_thread is not None  # set when the interpreter starts
    # The engine makes and removes the scratch folder (see workbench.core.scratch): this
    # process may be killed before it could remove one of its own.
    try:
        if request.strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy {request.strategy!r}")
        strategy = STRATEGIES[request.strategy]
        workload = workload_named(request.workload)
        job = Job(
            workload=workload.name,
            params=dict(request.params),
            url=request.url,
            scratch_dir=request.scratch_dir if workload.needs_scratch_dir else None,
            code=request.code,
        )
        workload.prepare(job)
        strategy.prepare()
    except Exception as exc:
        # The user's code failing to load or in setup() carries its traceback and line.
        trace, line = getattr(exc, "user_traceback", None), getattr(exc, "line", None)
        channel.send(protocol.Failed(describe_error(exc), trace, line))
        return
    # A strategy whose main thread waits streams the events itself (see Flusher): a live
    # thread in this process is not free. Measured: one idle thread blocked in a read
    # makes 500 gathered HTTP requests 3-5 % slower (one that has exited costs nothing).
    on_loop = strategy.streams_itself
    flusher = Flusher(recorder, channel, request.flush_interval_s, threaded=not on_loop)
    context = RunContext(
        workload,
        job,
        request.tasks,
        request.workers,
        recorder,
        flusher.flush if on_loop else None,
        request.flush_interval_s,
        request.scheduler,
    )
    gil_check = getattr(sys, "_is_gil_enabled", None)  # 3.13+
    gil_enabled = True if gil_check is None else bool(gil_check())
    cpu_before, t0 = cpu_ns(), now_ns()
    channel.send(protocol.Started(t0, pid, main_thread, gil_enabled))
    ok, error, workers_started = True, None, None
    try:
        workers_started = strategy.run(context)
    except BaseException as exc:
        ok, error = False, describe_error(exc)
    t_end, cpu_after = now_ns(), cpu_ns()
    flusher.close()
    first_begin = flusher.first_begin_ns
    startup = (
        max(0, first_begin - workers_started)
        if workers_started is not None and first_begin is not None
        else 0
    )
    channel.send(
        protocol.Done(
            ok=ok,
            error=error,
            wall_ns=t_end - t0,
            cpu_ns=cpu_after - cpu_before,
            startup_ns=startup,
        )
    )


def main() -> None:
    raise_open_file_limit()
    request, channel = accept_request()
    run(request, channel)
    sys.stderr.flush()
    os._exit(0)  # don't wait on stray non-daemon threads a failed strategy may have left


if __name__ == "__main__":
    main()
