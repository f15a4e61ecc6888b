"""Timing each step of the gathered tasks from the event loop's side, with no object per task.

The other way — wrapping each task's coroutine in one that times every ``send`` (see
:func:`workbench.core.recording.stepped`) — adds one live object per task, and a gather holds
all N tasks alive at once. CPython's cyclic collector walks that whole heap on each full
pass, so the wrapper's cost per task grew with N: measured in-process on 2 cores, N ×
``sleep(0)`` gathered, it added 2.5 µs of CPU a task at 10,000 tasks and 7.6 µs at 300,000,
5 of them in the collector.

Here the loop's :class:`asyncio.Handle` runs through a wrapper for the length of the run
instead: each handle is one callback of the loop, and a task's step is a handle whose
callback is bound to the task (its ``__step`` or ``__wakeup``). When that task's coroutine is
one of ours, the step is timed and recorded as ``(STEP, task_id, start, end, MAIN_WORKER)``;
its last step as :data:`LAST_STEP` (or :data:`FAILED_STEP`, with why). The only state per task
is one entry of a dict from the coroutine's ``id`` to the task id: plain ints, which the
collector does not track. The loop stays the stock one; every other callback runs as it
would, after one type check.

A task that fails does not raise into the gather here (its failure is recorded, as a
wrapped task's is): the gather must be told ``return_exceptions=True``.
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import Awaitable
from typing import Any

from workbench.core.clock import now_ns
from workbench.core.protocol import FAILED_STEP, LAST_STEP, MAIN_WORKER, STEP
from workbench.core.recording import Recorder


class StepClock:
    """Records the steps of the coroutines given to :meth:`task` while it is entered."""

    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder
        self._ids: dict[int, int] = {}
        self._original: Any = None

    def task(self, coroutine: Awaitable[None], task_id: int) -> Any:
        """``coroutine``, its steps to be recorded as task ``task_id`` once a task runs it."""
        self._ids[id(coroutine)] = task_id
        return coroutine

    def __enter__(self) -> StepClock:
        handle = asyncio.Handle
        self._original = handle._run
        handle._run = self._timed(self._original)  # type: ignore[method-assign]
        return self

    def __exit__(self, *_: object) -> None:
        asyncio.Handle._run = self._original  # type: ignore[method-assign]
        self._ids.clear()

    def _timed(self, run: Any) -> Any:
        ids, extend, fail = self._ids, self._recorder._extend, self._recorder.fail
        function, task_type, now, main = types.FunctionType, asyncio.Task, now_ns, MAIN_WORKER

        def timed_run(handle: asyncio.Handle) -> None:
            callback = handle._callback  # type: ignore[attr-defined]
            if type(callback) is function:  # no __self__: asking would raise, and cost 0.5 µs
                run(handle)
                return
            owner = getattr(callback, "__self__", None)
            if not isinstance(owner, task_type):
                run(handle)
                return
            coroutine_id = id(owner.get_coro())
            task_id = ids.get(coroutine_id)
            if task_id is None:  # a task the code started itself: not one of ours
                run(handle)
                return
            start = now()
            try:  # noqa: SIM105 - contextlib.suppress would cost a context manager per step
                run(handle)
            except SystemExit:  # the code called sys.exit(): its task fails, as a thread's would
                pass
            end = now()
            if not owner.done():
                extend((STEP, task_id, start, end, main))
                return
            del ids[coroutine_id]
            if owner.cancelled():  # ended from outside: the step ran, nothing failed in it
                extend((STEP, task_id, start, end, main))
                return
            error = owner.exception()
            if error is None:
                extend((LAST_STEP, task_id, start, end, main))
                return
            fail(task_id, error)
            extend((FAILED_STEP, task_id, start, end, main))

        return timed_run
