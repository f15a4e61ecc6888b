"""Timing each step of the gathered tasks from the event loop's side, with no object per task.

The other way — wrapping each task's coroutine in one that times every ``send`` (see
:func:`workbench.core.recording.stepped`) — adds one live object per task, and a gather holds
all N tasks alive at once. CPython's cyclic collector walks that whole heap on each full
pass, so the wrapper's cost per task grew with N: measured in-process on 2 cores, N ×
``sleep(0)`` gathered, it added 2.5 µs of CPU a task at 10,000 tasks and 7.6 µs at 300,000,
5 of them in the collector.

Here the loop's :class:`asyncio.Handle` runs through a wrapper for the length of the run
instead: each handle is one callback of the loop, and a task's step is a handle whose
callback is bound to the task (its ``__step`` or ``__wakeup``). When it is a task's, the step
is timed and recorded as ``(STEP, id(task), start, end, MAIN_WORKER)``; its last step as
:data:`LAST_STEP` (or :data:`FAILED_STEP`, with why). The loop stays the stock one; every
other callback runs as it would, after a type check.

A step names its task by the task's address, and the parent tells which task that is: the
run's tasks' addresses go to it once, packed (:class:`~workbench.core.protocol.TaskAddresses`),
and a step of any other task (the run's main one, one the code started itself) is left out
there. Telling the tasks apart here cost more than anything else the clock does, and more
the more tasks there were: reading the number out of the ``Task-<n>`` name the loop gives a
task added 0.56 µs a task at 10,000 tasks and 0.78 at 100,000 (measured in-process, 2 cores,
N × ``sleep(0)`` gathered, interleaved with bare asyncio): each name is an object of its own,
one more cache miss a step once the tasks outgrow the caches. (A dict from task to task id
cost more still: its N int values spread the heap the collector walks.) An address is
unique while its task lives, and the clock holds the run's tasks until it is left.

A task that fails does not raise into the gather here (its failure is recorded, as a
wrapped task's is): the gather must be told ``return_exceptions=True``.
"""

from __future__ import annotations

import asyncio
import types
from array import array
from collections.abc import Awaitable, Iterable, Sequence
from typing import Any

from workbench.core.clock import now_ns
from workbench.core.protocol import FAILED_STEP, LAST_STEP, MAIN_WORKER, STEP, TaskAddresses
from workbench.core.recording import Recorder

ADDRESSES_PER_MESSAGE = 16_384
"""The run's task addresses go in messages of this many: the window reads each one in a go
on its event loop (~1.5 ms), so a million tasks' must not be one."""


class StepClock:
    """Records the steps of every task while it is entered, named by address; :meth:`start`
    makes the run's tasks and tells the parent their addresses."""

    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder
        self._tasks: Sequence[asyncio.Future[None]] = ()
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
        # Held until the clock is left: an address names one task only while it lives.
        self._tasks = tasks
        for first in range(0, len(tasks), ADDRESSES_PER_MESSAGE):
            chunk = tasks[first : first + ADDRESSES_PER_MESSAGE]
            # An array, not a list: no int object per task for the collector to walk.
            self._recorder.post(TaskAddresses(first, array("q", map(id, chunk))))
        return tasks

    def __enter__(self) -> StepClock:
        self._original = asyncio.Handle._run
        asyncio.Handle._run = self._timed(self._original)  # type: ignore[method-assign]
        return self

    def __exit__(self, *_: object) -> None:
        asyncio.Handle._run = self._original  # type: ignore[method-assign]
        self._tasks = ()

    def _timed(self, run: Any) -> Any:
        extend, fail = self._recorder._extend, self._recorder.fail
        function, task_type, now, main = types.FunctionType, asyncio.Task, now_ns, MAIN_WORKER

        def timed_run(handle: asyncio.Handle) -> None:
            # Inline, not in helper functions: this runs for every callback of the loop.
            callback = handle._callback  # type: ignore[attr-defined]
            if type(callback) is function:  # no __self__: asking would raise, and cost 0.5 µs
                run(handle)
                return
            task = getattr(callback, "__self__", None)
            if not isinstance(task, task_type):
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
            if not task.done() or task.cancelled():  # cancelled: ended from outside, the
                extend((STEP, id(task), start, end, main))  # step ran, nothing failed in it
            elif (error := task.exception()) is None:
                extend((LAST_STEP, id(task), start, end, main))
            else:
                fail(id(task), error)
                extend((FAILED_STEP, id(task), start, end, main))

        return timed_run
