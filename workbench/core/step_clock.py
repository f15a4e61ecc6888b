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
is timed and recorded as ``(STEP, id(task), start, end)``, packed into four words at once
(:attr:`~workbench.core.recording.Recorder.steps`: the worker is the loop's, the main
thread); its last step as :data:`LAST_STEP` (or :data:`FAILED_STEP`, with why). The loop
stays the stock one; every other callback runs here as ``Handle._run`` would run it (its
exception to the loop's handler), after a type check. Counted under cachegrind (``python -m
workbench.bench.http_instructions``), an HTTP request of the http workload runs ~11 callbacks,
4 of them its task's steps. Its ``functools.partial`` callback once raised an
``AttributeError`` here to be told apart, and every other one went through ``Handle._run``
as a second frame: the run's process added 23,000-25,000 instructions a request to bare
aiohttp's ~978,000; ~20,000 with the partial told apart by its type; 13,000-18,000 with the
frame gone too. The type checks cost a gathered ``sleep(0)`` task, two steps, ~340
instructions more (6,564 → 6,905 a task at 10,000 → 30,000 tasks, ``python -m
workbench.bench.task_instructions``): 0.04 µs, for 8,000-10,000 an HTTP request.

A step names its task by the task's address, and the parent tells which task that is: the
run's tasks' addresses go to it once, packed (:class:`~workbench.core.protocol.TaskAddresses`),
and a step of any other task (the run's main one, one the code started itself) is left out
there. Telling the tasks apart here cost more than anything else the clock does, and more
the more tasks there were: reading the number out of the ``Task-<n>`` name the loop gives a
task added 0.56 µs a task at 10,000 tasks and 0.78 at 100,000 (measured in-process, 2 cores,
N × ``sleep(0)`` gathered, interleaved with bare asyncio): each name is an object of its own,
one more cache miss a step once the tasks outgrow the caches. (A dict from task to task id
cost more still: its N int values spread the heap the collector walks.) An address is
unique while its task lives, and the ``gather`` the tasks are handed to holds every one of
them until the last is done, as a plain gather does. The clock keeps no list of its own: N
references more for the collector to walk on each full pass cost ~750 instructions a task at
1,000,000 tasks (counted with ``python -m workbench.bench.task_instructions``).

A task that fails does not raise into the gather here (its failure is recorded, as a
wrapped task's is): the gather must be told ``return_exceptions=True``.
"""

from __future__ import annotations

import asyncio
import functools
import sys
import types
from array import array
from collections.abc import Awaitable, Iterable, Sequence
from typing import Any

from workbench.core.clock import now_ns
from workbench.core.protocol import FAILED_STEP, LAST_STEP, STEP, TaskAddresses
from workbench.core.protocol.frames import pack_words, word_packer
from workbench.core.recording import STEP_WORDS, Recorder

ADDRESSES_PER_MESSAGE = 16_384
"""The run's task addresses go in messages of this many: the window reads each one in a go
on its event loop (~1.5 ms), so a million tasks' must not be one."""


class StepClock:
    """Records the steps of every task while it is entered, named by address; :meth:`start`
    makes the run's tasks and tells the parent their addresses."""

    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder

    def start(self, coroutines: Iterable[Awaitable[None]]) -> Sequence[asyncio.Future[None]]:
        """A task for each of ``coroutines`` (task ids 0, 1, … in order), made on the running
        loop as ``gather`` itself would make them; hand them to ``gather`` without keeping
        them: it holds them until the last is done, so no address names two tasks."""
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
        for first in range(0, len(tasks), ADDRESSES_PER_MESSAGE):
            chunk = tasks[first : first + ADDRESSES_PER_MESSAGE]
            # An array, not a list: no int object per task for the collector to walk. Filled
            # from packed bytes: array("q", numbers) parses each number as a call's argument
            # would (~300 instructions a task, where packing takes ~100 and less).
            packed = pack_words(len(chunk), map(id, chunk))
            self._recorder.post(TaskAddresses(first, array("q", packed)))
        return tasks

    def __enter__(self) -> StepClock:
        global _run, _loop, _add_step, _fail
        if asyncio.Handle._run is _timed_run:
            raise RuntimeError("a step clock is already timing this process's event loops")
        _run, _loop, _add_step, _fail = (
            asyncio.Handle._run,
            asyncio.get_running_loop(),
            self._recorder.steps.extend,
            self._recorder.fail,
        )
        asyncio.Handle._run = _timed_run  # type: ignore[method-assign, assignment]
        return self

    def __exit__(self, *_: object) -> None:
        global _loop, _add_step, _fail
        asyncio.Handle._run = _run  # type: ignore[method-assign]
        # The step that left the clock (the run's main task's) is still in _timed_run, and
        # records its end after this: into nothing now (it is not one of the run's tasks).
        _loop, _add_step, _fail = None, _ignored, _ignored


def _ignored(*_: object) -> None:
    pass


# What _timed_run works with, as module globals rather than a closure's cells: the patch is
# the whole process's anyway (one clock at a time), and each cell of a closure is one more
# slot of every call's frame to fill and clear (a closure of seven cost ~270 instructions a
# task more, two steps a task, counted with python -m workbench.bench.task_instructions).
_run: Any = asyncio.Handle._run
"""``Handle._run`` as it was before the clock was entered."""
_loop: Any = None
"""The loop the entered clock times. ``Handle._run`` is the whole process's: a loop the code
runs in another thread (``asyncio.run`` in ``to_thread``) goes through it too, and its steps
are not the run's — nor may that thread add to the recorder's ``bytearray``, which is not
thread-safe on a free-threaded 3.13."""
_add_step: Any = _ignored
"""The entered clock's recorder's ``steps.extend``."""
_fail: Any = _ignored
"""The entered clock's recorder's ``fail``."""
_FUNCTION, _PARTIAL, _TASK, _now = types.FunctionType, functools.partial, asyncio.Task, now_ns
_packed = word_packer(STEP_WORDS)
"""A step packed as it is timed: kind, task address, start, end (see Recorder.steps)."""


def _timed_run(handle: asyncio.Handle) -> None:
    # Inline, not in helper functions: this runs for every callback of the loop.
    callback = handle._callback  # type: ignore[attr-defined]
    # A function or a partial has no __self__, and asking would raise: an exception made
    # for each costs thousands of instructions (aiohttp schedules a partial each request).
    # Other callbacks are read directly: an attribute read, cheaper than getattr's call on
    # every step of a task.
    kind = type(callback)
    if kind is _FUNCTION or kind is _PARTIAL:
        task = None
    else:
        try:
            task = callback.__self__
        except AttributeError:  # a callable object of some other kind: no task's step
            task = None
    if not isinstance(task, _TASK) or handle._loop is not _loop:  # type: ignore[attr-defined]
        # Not a step of the run's tasks: called as Handle._run calls it, here rather than
        # through it (one frame less on every other callback of the loop).
        try:
            handle._context.run(callback, *handle._args)  # type: ignore[attr-defined]
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            _report(handle, exc)
        return
    # The callback is called as Handle._run calls it, but never as run(callback, *args):
    # that builds a list, a tuple and a bound method each time, ~1,000 instructions a step
    # (counted with python -m workbench.bench.task_instructions: 8,517 added a task, 6,475
    # without). A task's step takes no argument, its wakeup one: the future it awaited.
    args = handle._args
    start = _now()
    try:  # (not contextlib.suppress: a context manager per step)
        if not args:
            handle._context.run(callback)  # type: ignore[attr-defined]
        elif len(args) == 1:
            handle._context.run(callback, args[0])  # type: ignore[attr-defined]
        else:
            handle._context.run(callback, *args)  # type: ignore[attr-defined]
    except SystemExit:  # the code called sys.exit(): its task fails, as a thread's would
        pass
    end = _now()
    if not task.done() or task.cancelled():
        _add_step(_packed(STEP, id(task), start, end))
    elif (error := task.exception()) is None:
        _add_step(_packed(LAST_STEP, id(task), start, end))
    else:
        _fail(id(task), error)
        _add_step(_packed(FAILED_STEP, id(task), start, end))


def _report(handle: asyncio.Handle, exc: BaseException) -> None:
    """What ``Handle._run`` does with a callback's exception: the loop's handler hears of it."""
    from asyncio import format_helpers

    callback, args = handle._callback, handle._args  # type: ignore[attr-defined]
    if sys.version_info >= (3, 13):  # the stock one shows the arguments in debug mode only
        debug = handle._loop.get_debug()  # type: ignore[attr-defined]
        source = format_helpers._format_callback_source(callback, args, debug=debug)
    else:
        source = format_helpers._format_callback_source(callback, args)
    context: dict[str, Any] = {
        "message": f"Exception in callback {source}",
        "exception": exc,
        "handle": handle,
    }
    if handle._source_traceback:  # type: ignore[attr-defined]
        context["source_traceback"] = handle._source_traceback  # type: ignore[attr-defined]
    handle._loop.call_exception_handler(context)  # type: ignore[attr-defined]
