"""Timing each step of the gathered tasks from the event loop's side, with no object per task.

The other way — wrapping each task's coroutine in one that times every ``send`` (see
:func:`workbench.core.recording.stepped`) — adds one live object per task, and a gather holds
all N tasks alive at once. CPython's cyclic collector walks that whole heap on each full
pass, so the wrapper's cost per task grew with N: measured in-process on 2 cores, N ×
``sleep(0)`` gathered, it added 2.5 µs of CPU a task at 10,000 tasks and 7.6 µs at 300,000,
5 of them in the collector.

Here the loop's :class:`asyncio.Handle` runs through a wrapper for the length of the run
instead: each handle is one callback of the loop, and a task's step is a handle whose
callback is bound to the task (its ``__step`` or ``__wakeup``). When that task is one of the
run's, the step is timed and recorded as ``(STEP, task_id, start, end, MAIN_WORKER)``; its
last step as :data:`LAST_STEP` (or :data:`FAILED_STEP`, with why). The loop stays the stock
one; every other callback runs as it would, after a type check.

Which task is which needs no state per task either: the loop names a task it creates
``Task-<n>`` from one counter, so the run's N tasks, created in one go, are numbered
``first … first + N - 1`` in task-id order, and a step's task id is its task's number minus
``first``. (Keeping an ``id(task) → task id`` dict instead cost 1 µs a task at 300,000 tasks,
most of it the collector walking a heap that the dict's int keys had spread out.) Should the
numbers not be consecutive — another thread's loop creating tasks meanwhile — that dict is
the fallback.

A task that fails does not raise into the gather here (its failure is recorded, as a
wrapped task's is): the gather must be told ``return_exceptions=True``.
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import Awaitable, Iterable, Sequence
from typing import Any

from workbench.core.clock import now_ns
from workbench.core.protocol import FAILED_STEP, LAST_STEP, MAIN_WORKER, STEP
from workbench.core.recording import Recorder

_DEFAULT_NAME = "Task-"


def task_number(task: asyncio.Task[Any]) -> int | None:
    """The number in the name the loop gave ``task``; None if it has another name."""
    name = task.get_name()
    if not name.startswith(_DEFAULT_NAME):
        return None
    try:
        return int(name[len(_DEFAULT_NAME) :])
    except ValueError:
        return None


class StepClock:
    """Records the steps of the tasks made by :meth:`start` while it is entered."""

    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder
        self._first: int | None = None
        self._count = 0
        self._ids: dict[int, int] = {}
        self._original: Any = None

    def start(self, coroutines: Iterable[Awaitable[None]]) -> Sequence[asyncio.Future[None]]:
        """A task for each of ``coroutines`` (task ids 0, 1, … in order), made on the running
        loop as ``gather`` itself would make them; hand them to ``gather``."""
        loop = asyncio.get_running_loop()
        # All the coroutines first, then the tasks, as gather(*coroutines) makes them: made
        # in turns (coroutine, task, coroutine, …) the same objects cost the collector 2-3 µs
        # a task more at 300,000 tasks (measured in-process, 2 cores).
        coroutines = tuple(coroutines)
        # For a coroutine, ensure_future calls loop.create_task after checks that cost
        # ~0.15 µs a task; gather then takes the tasks as they are. Other awaitables (a
        # user's generator-based coroutine, a future) take the long way.
        create, native = loop.create_task, types.CoroutineType
        tasks = [
            create(c) if type(c) is native else asyncio.ensure_future(c, loop=loop)
            for c in coroutines
        ]
        if not tasks:
            return tasks
        first, last = self._number(tasks[0]), self._number(tasks[-1])
        if first is not None and last is not None and last - first == len(tasks) - 1:
            self._first, self._count = first, len(tasks)
        else:
            self._ids = {id(task): task_id for task_id, task in enumerate(tasks)}
        return tasks

    @staticmethod
    def _number(task: asyncio.Future[None]) -> int | None:
        return task_number(task) if isinstance(task, asyncio.Task) else None

    def __enter__(self) -> StepClock:
        self._original = asyncio.Handle._run
        asyncio.Handle._run = self._timed(self._original)  # type: ignore[method-assign]
        return self

    def __exit__(self, *_: object) -> None:
        asyncio.Handle._run = self._original  # type: ignore[method-assign]
        self._ids = {}

    def _timed(self, run: Any) -> Any:
        extend, fail = self._recorder._extend, self._recorder.fail
        function, task_type, now, main = types.FunctionType, asyncio.Task, now_ns, MAIN_WORKER
        prefix, skip = _DEFAULT_NAME, len(_DEFAULT_NAME)

        def timed_run(handle: asyncio.Handle) -> None:
            # Inline, not in helper functions: this runs for every callback of the loop.
            callback = handle._callback  # type: ignore[attr-defined]
            if type(callback) is function:  # no __self__: asking would raise, and cost 0.5 µs
                run(handle)
                return
            owner = getattr(callback, "__self__", None)
            if not isinstance(owner, task_type):
                run(handle)
                return
            first = self._first
            if first is None:
                task_id = self._ids.get(id(owner), -1)
            else:
                name = owner.get_name()
                try:
                    task_id = int(name[skip:]) - first if name.startswith(prefix) else -1
                except ValueError:  # named by the code itself
                    task_id = -1
                if task_id >= self._count:  # started by the code itself
                    task_id = -1
            if task_id < 0:
                run(handle)
                return
            # What Handle._run does, inline: a task's step lets only SystemExit and
            # KeyboardInterrupt out (it keeps any other exception as the task's), so the rest
            # of Handle._run (reporting an exception from a callback) never applies to it,
            # and calling it would add a Python frame to every step (~0.1 µs).
            context, arguments = handle._context, handle._args  # type: ignore[attr-defined]
            start = now()
            try:  # noqa: SIM105 - contextlib.suppress would cost a context manager per step
                context.run(callback, *arguments)
            except SystemExit:  # the code called sys.exit(): its task fails, as a thread's would
                pass
            end = now()
            if not owner.done() or owner.cancelled():  # cancelled: ended from outside, the
                extend((STEP, task_id, start, end, main))  # step ran, nothing failed in it
            elif (error := owner.exception()) is None:
                extend((LAST_STEP, task_id, start, end, main))
            else:
                fail(task_id, error)
                extend((FAILED_STEP, task_id, start, end, main))

        return timed_run
