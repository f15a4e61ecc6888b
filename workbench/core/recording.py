"""Recording task events inside a strategy run, from any thread or pool worker.

Recording sits on the measured path, so it must cost next to nothing: one event is one
``list.extend`` of a 5-tuple ``(kind, task_id, start_ns, end_ns, worker)`` onto a flat list.
``extend`` runs in C under the GIL, so events from many threads never interleave mid-event and
the list's length is always a multiple of five; the flusher later slices it into columns
(``flat[0::5]`` …) at C speed instead of touching every event in Python. The codes and columns
are the wire's (see :mod:`workbench.core.protocol`):

- ``kind``: :data:`BEGIN`, :data:`END` (ok) or :data:`FAILED` (its error text is in
  :attr:`Recorder.errors`, stored *before* the event so a reader never misses it); a
  coroutine's steps are events of their own (see :func:`stepped`)
- ``start_ns``, ``end_ns``: absolute ``perf_counter_ns``; the parent subtracts the run's ``t0``
- ``worker``: the native id of the thread that ran the task (:data:`MAIN_WORKER` for the main
  thread), so the engine can match the operating system's view of each thread to its tasks

A sync task's heartbeats (:mod:`workbench.core.heartbeat`) travel separately, stored like an
error before its end event. The event-loop lag probe's samples go to :attr:`Recorder.lag`.
The step clock (:mod:`workbench.core.step_clock`) packs its steps as they happen into
:attr:`Recorder.steps` instead (see there why); :func:`step_columns` reads them back.
"""

from __future__ import annotations

import os
import threading
import traceback
import types
from array import array
from collections.abc import Awaitable, Callable, Coroutine, Generator, Sequence
from typing import Any

from workbench.core.clock import now_ns
from workbench.core.heartbeat import start_beats, stop_beats
from workbench.core.protocol import (
    BEGIN,
    END,
    FAILED,
    FAILED_STEP,
    LAST_STEP,
    MAIN_WORKER,
    NOT_ENDED,
    STEP,
    Message,
)
from workbench.core.protocol.frames import unpack_words

Columns = tuple[Sequence[int], Sequence[int], Sequence[int], Sequence[int], Sequence[int]]
"""(kinds, task ids, starts, ends, workers) of a batch of events."""

STEP_WORDS = 4
"""A packed step: kind, task address, start, end (its worker is the loop's: the main thread)."""
_ONE_MAIN_WORKER = array("q", [MAIN_WORKER])


def columns(flat: list[int], first: int = 0, stop: int | None = None) -> Columns:
    """Events ``first`` up to ``stop`` of a flat list as columns, each sliced out at C speed
    (one copy of each number, where columns first and batches of them after made three)."""
    lo, hi = 5 * first, None if stop is None else 5 * stop
    return (
        flat[lo:hi:5],
        flat[lo + 1 : hi : 5],
        flat[lo + 2 : hi : 5],
        flat[lo + 3 : hi : 5],
        flat[lo + 4 : hi : 5],
    )


def describe_error(exc: BaseException) -> str:
    """One line for a failure: the exception type and message, no traceback.

    The workbench's own exceptions already speak plainly; their message stands alone.
    """
    if type(exc).__module__.startswith("workbench.") and str(exc):
        return str(exc)
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text.splitlines()[-1] if text else type(exc).__name__


def user_traceback(exc: BaseException, user_file: str | None) -> str | None:
    """The traceback of ``exc`` through the user's own file only (the workbench's frames, and
    those of the libraries it called, left out), ending in the exception's line; None when
    no frame of that file is in it, or when there is no user file.

    An exception that already carries one (``user_traceback``: the code's loading or its
    ``setup()`` failed earlier) gives that one.
    """
    carried = getattr(exc, "user_traceback", None)
    if isinstance(carried, str) or user_file is None:
        return carried if isinstance(carried, str) else None
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == user_file]
    if not frames:
        return None
    return "".join(
        [
            "Traceback (most recent call last):\n",
            *traceback.format_list(frames),
            *traceback.format_exception_only(type(exc), exc),
        ]
    ).rstrip()


def step_columns(steps: array[int], first: int = 0, stop: int | None = None) -> Columns:
    """Steps ``first`` up to ``stop`` of the step clock's packed steps (unpacked to numbers,
    see :func:`~workbench.core.protocol.frames.unpack_words`) as columns, sliced at C speed."""
    lo, hi = STEP_WORDS * first, None if stop is None else STEP_WORDS * stop
    kinds = steps[lo:hi:STEP_WORDS]
    return (
        kinds,
        steps[lo + 1 : hi : STEP_WORDS],
        steps[lo + 2 : hi : STEP_WORDS],
        steps[lo + 3 : hi : STEP_WORDS],
        _ONE_MAIN_WORKER * len(kinds),
    )


class Recorder:
    """Records task events in the child's process; safe to call from any of its threads."""

    def __init__(
        self, *, inside: bool = True, beats: bool = True, user_file: str | None = None
    ) -> None:
        self.inside = inside
        """Record what happens inside tasks (steps, heartbeats); off only to measure its cost."""
        self.beats = inside and beats
        """Sync tasks take heartbeats: off when the engine reads their running slices from
        outside (their threads' states), so their loops run uncut."""
        self._flat: list[int] = []
        self._extend = self._flat.extend
        self.steps = bytearray()
        """The step clock's steps, packed as they happen (:data:`STEP_WORDS` words each), only
        ever added to by the event loop's thread. Packed rather than five numbers a step on
        the flat list: a gather's first steps all run in one pass of the loop, before the
        flusher can take any, and the collector walked every number of that list on each full
        pass — with the list's growth, the numbers' lives and the tuples, ~1,000 instructions
        a task at 1,000,000 tasks (``python -m workbench.bench.task_instructions``). A
        bytearray holds no objects."""
        self.errors: dict[int, str] = {}
        self.user_file = user_file
        """The user's code file, when it is the workload: a failed task keeps its frames."""
        self.tracebacks: dict[int, str] = {}
        self.heartbeats: dict[int, list[int]] = {}
        """Each ended sync task's heartbeats, flat (time, core), until the flusher takes them."""
        self.lag: list[int] = []
        """Flat (time, lateness) pairs from the event-loop lag probe, both in ns."""
        self._main_native_id = threading.main_thread().native_id
        self._thread = threading.local()
        self._pids: dict[int, int] = {}
        self._new_pids: dict[int, int] = {}
        self._pids_lock = threading.Lock()  # the relay adds while the flusher takes
        self._notes: list[Message] = []

    def post(self, message: Message) -> None:
        """A message other than events (a cluster's news), sent ahead of the next batch."""
        self._notes.append(message)

    def take_notes(self) -> list[Message]:
        notes, self._notes = self._notes, []
        return notes

    def record(
        self,
        kind: int,
        task_id: int,
        start_ns: int,
        end_ns: int,
        worker: int,
        pid: int,
        error: str | None,
        heartbeats: list[int] | None = None,
        trace: str | None = None,
    ) -> None:
        """Add one event from a pool worker (the relay calls this): ``worker`` is a native
        thread id in process ``pid``."""
        with self._pids_lock:  # before the event is added: see take_thread_pids
            if self._pids.get(worker) != pid:
                self._pids[worker] = self._new_pids[worker] = pid
        if error is not None:
            self.errors[task_id] = error
        if trace is not None:
            self.tracebacks[task_id] = trace
        if heartbeats is not None:
            self.heartbeats[task_id] = heartbeats
        self._extend((kind, task_id, start_ns, end_ns, worker))

    def fail(self, task_id: int, exc: BaseException) -> None:
        """Keep why a task failed (before its event is added, so a reader never misses it)."""
        if self.user_file is not None:
            trace = user_traceback(exc, self.user_file)
            if trace is not None:
                self.tracebacks[task_id] = trace
        self.errors[task_id] = describe_error(exc)

    def take_lag(self) -> list[int]:
        lag = self.lag
        n = len(lag) - len(lag) % 2
        chunk = lag[:n]
        del lag[:n]
        return chunk

    def take(self) -> Columns:
        """Remove and return every event recorded so far, as columns of lists: the flat list's
        events, then the step clock's."""
        flat = columns(self.take_flat())
        steps = step_columns(unpack_words(self.take_steps()))
        kinds, ids, starts, ends, workers = (
            [*listed, *packed] for listed, packed in zip(flat, steps, strict=True)
        )
        return kinds, ids, starts, ends, workers

    def take_flat(self) -> list[int]:
        """Remove and return every event recorded so far, flat (five numbers an event): the
        flusher slices its batches' columns straight out of it (see :func:`columns`)."""
        flat = self._flat
        n = len(flat)
        chunk = flat[:n]
        del flat[:n]  # atomic: events added meanwhile stay, after the ones taken
        return chunk

    def take_steps(self) -> bytearray:
        """Remove and return the step clock's packed steps so far."""
        steps = self.steps
        n = len(steps)
        taken = steps[:n]
        del steps[:n]  # atomic: steps added meanwhile stay
        return taken

    def take_thread_pids(self) -> dict[int, int]:
        """The pool workers' threads first seen since the last call, with their pids.

        Called after :meth:`take`: a thread is registered before its first event is added, so
        every event taken has its thread here or in an earlier batch.
        """
        with self._pids_lock:
            new, self._new_pids = self._new_pids, {}
        return new

    def _worker(self) -> int:
        """This thread's worker code, looked up once per thread (a thread-local read costs
        ~40 ns; ``get_native_id`` is a system call, ~180 ns)."""
        native_id = threading.get_native_id()
        worker = MAIN_WORKER if native_id == self._main_native_id else native_id
        self._thread.worker = worker
        return worker

    def call(self, function: Callable[[Any, int], None], job: Any, task_id: int) -> None:
        """Run one sync task in this thread, recording its span and any failure."""
        try:
            worker = self._thread.worker
        except AttributeError:
            worker = self._worker()
        extend = self._extend
        beats = start_beats() if self.beats else None
        begin = now_ns()
        extend((BEGIN, task_id, begin, NOT_ENDED, worker))
        kind = END
        try:
            function(job, task_id)
        except (Exception, SystemExit) as exc:
            self.fail(task_id, exc)
            kind = FAILED
        end = now_ns()
        if beats is not None:
            stop_beats()
            if beats:
                self.heartbeats[task_id] = beats
        extend((kind, task_id, begin, end, worker))

    def call_async(
        self,
        function: Callable[[Any, Any, int], Awaitable[None]],
        job: Any,
        resources: Any,
        task_id: int,
    ) -> Coroutine[Any, Any, None]:
        """A coroutine running one async task, recording each of its steps and any failure.

        It never raises for a failing task: the failure is recorded and it completes.
        """
        coroutine = function(job, resources, task_id)
        if self.inside:
            return stepped(self, coroutine, task_id)
        return whole(self, coroutine, task_id)


async def whole(recorder: Recorder, coroutine: Any, task_id: int) -> None:
    """Like :func:`stepped` but one end event (with its start): no step boundaries."""
    extend = recorder._extend
    begin = now_ns()
    extend((BEGIN, task_id, begin, NOT_ENDED, MAIN_WORKER))
    try:
        await coroutine
    except (Exception, SystemExit) as exc:
        recorder.fail(task_id, exc)
        extend((FAILED, task_id, begin, now_ns(), MAIN_WORKER))
    else:
        extend((END, task_id, begin, now_ns(), MAIN_WORKER))


@types.coroutine
def stepped(recorder: Recorder, coroutine: Any, task_id: int) -> Generator[Any, Any, None]:
    """Drive ``coroutine`` step by step, recording when each step starts and ends.

    A generator-based coroutine, so the event loop resumes it through C (a class with a
    Python ``send`` costs twice as much per step). Each step is one event,
    ``(STEP, task_id, start, end, MAIN_WORKER)`` — every coroutine runs on the main thread —
    so a task needs no separate begin/end events: its first step begins it, its
    :data:`LAST_STEP` (or :data:`FAILED_STEP`) ends it.
    """
    extend, now, main = recorder._extend, now_ns, MAIN_WORKER
    value: Any = None
    thrown: BaseException | None = None
    while True:
        start = now()
        try:
            yielded = coroutine.send(value) if thrown is None else coroutine.throw(thrown)
        except StopIteration:
            extend((LAST_STEP, task_id, start, now(), main))
            return
        except (Exception, SystemExit) as exc:
            recorder.fail(task_id, exc)
            extend((FAILED_STEP, task_id, start, now(), main))
            return
        extend((STEP, task_id, start, now(), main))
        thrown = None
        try:
            value = yield yielded
        except GeneratorExit:
            coroutine.close()
            raise
        except BaseException as exc:  # cancellation: the coroutine decides what it means
            thrown, value = exc, None


class WorkerRecorder:
    """The recorder inside a pool worker process: events travel to the child through a queue.

    A queue put costs microseconds, far more than an ``extend``, but pool tasks are few and
    heavy by nature; the child's relay thread feeds them into its own :class:`Recorder`.
    """

    def __init__(self, queue: Any, user_file: str | None = None, inside: bool = True) -> None:
        self._put = queue.put
        self._user_file = user_file
        self._inside = inside

    def call(self, function: Callable[[Any, int], None], job: Any, task_id: int) -> None:
        put, pid, worker = self._put, os.getpid(), threading.get_native_id()
        beats = start_beats() if self._inside else None
        begin = now_ns()
        put((BEGIN, task_id, begin, NOT_ENDED, worker, pid, None, None, None))
        kind, error, trace = END, None, None
        try:
            function(job, task_id)
        except (Exception, SystemExit) as exc:
            kind, error = FAILED, describe_error(exc)
            trace = user_traceback(exc, self._user_file)
        end = now_ns()
        if beats is not None:
            stop_beats()
        put((kind, task_id, begin, end, worker, pid, error, beats or None, trace))
