"""The user's own code as a workload: their functions, loaded by path in every process that runs
tasks (the run's process, and each pool worker as it starts — forked or spawned).

Loading by path, never by module name or by pickling the function, is what makes a function
from any file work in a pool: with ``spawn`` a worker cannot import a module it has never
heard of, and a file with no ``if __name__ == "__main__"`` guard would start pools inside
pools if it ran as ``__main__``. Here the file runs as a module named
:data:`MODULE_NAME` (so its guarded part never runs), from the bytes whose sha256 the engine
recorded: a file that changed since is refused, so the results always hold the code that ran.

``setup()``, if the file has one, runs once per process before that process's first task: in
the run's process before the clock starts, in a pool worker as it starts (part of the pool's
start-up, as a spawned worker re-running a script's imports would be).

Per task, a call costs what the built-in workloads' do: the function, its index and its
keyword arguments are bound once (:func:`_bind`), and a coroutine function's coroutine is
handed to the strategy as it is, with no wrapper to step through.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import sys
import traceback
import types
from collections.abc import Awaitable, Callable
from typing import Any

from workbench.core.protocol import CODE_WORKLOAD, CodeCall, CodeRequest, Scalar
from workbench.core.recording import describe_error, user_traceback
from workbench.core.workloads.base import Job, Workload

MODULE_NAME = "__workbench_user_code__"
"""The name the user's file runs under: not ``__main__``, and no real module's."""


class UserCodeError(Exception):
    """The user's file could not be loaded, or its ``setup()`` raised: one line saying where,
    with the traceback of the user's own frames and the line to mark."""

    def __init__(self, message: str, trace: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.user_traceback = trace
        self.line = line


Call = Callable[[int], Any]

_loaded: tuple[str, str, types.ModuleType] | None = None
"""(path, sha256, module) of the file loaded in this process (a forked worker inherits it)."""


def _missing(form: str) -> Call:
    def call(task_id: int) -> Any:
        raise UserCodeError(f"the user's code gives no {form} for this strategy")

    return call


_plain: Call = _missing("plain function")
_coroutine: Call = _missing("coroutine function")


def _line_in(exc: BaseException, path: str) -> int | None:
    """The line of ``path`` where ``exc`` was last in the user's file."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
    return frames[-1].lineno if frames else None


def _raised(what: str, exc: BaseException, path: str) -> UserCodeError:
    line = _line_in(exc, path)
    where = f"{os.path.basename(path)}:{line}" if line else os.path.basename(path)
    return UserCodeError(
        f"{where}: {what} raised {describe_error(exc)}", user_traceback(exc, path), line
    )


def _load(code: CodeRequest) -> types.ModuleType:
    global _loaded  # noqa: PLW0603 - one user module per process
    if _loaded is not None and _loaded[:2] == (code.path, code.sha256):
        return _loaded[2]  # a forked pool worker: already loaded by the run's process
    name = os.path.basename(code.path)
    try:
        with open(code.path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise UserCodeError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if hashlib.sha256(data).hexdigest() != code.sha256:
        raise UserCodeError(f"{name} changed since the experiment was set up: run it again")
    try:
        compiled = compile(data, code.path, "exec")
    except SyntaxError as exc:
        message = f"{name}:{exc.lineno}: syntax error: {exc.msg}"
        raise UserCodeError(message, None, exc.lineno) from None
    module = types.ModuleType(MODULE_NAME)
    module.__file__ = code.path
    sys.modules[MODULE_NAME] = module  # dataclasses and pickle look their module up here
    folder = os.path.dirname(code.path)
    if folder not in sys.path:
        sys.path.append(folder)  # its sibling modules import, as they would from a script
    try:
        exec(compiled, module.__dict__)
    except (Exception, SystemExit) as exc:
        raise _raised("loading it", exc, code.path) from None
    _loaded = (code.path, code.sha256, module)
    return module


def _bind(module: types.ModuleType, call: CodeCall, kwargs: dict[str, Scalar], path: str) -> Call:
    """``call`` as a one-argument callable taking the task's index: bound once, not per task."""
    name = os.path.basename(path)
    function = getattr(module, call.name, None)
    if not callable(function):
        raise UserCodeError(f"{name}: {call.name} is not a function when the file runs")
    if inspect.iscoroutinefunction(function) != call.is_async:
        actual = "a plain function" if call.is_async else "a coroutine function"
        raise UserCodeError(
            f"{name}: {call.name}() is {actual} when the file runs (a decorator?), not what "
            "its definition says"
        )
    if call.takes_index:
        return functools.partial(function, **kwargs) if kwargs else function
    if kwargs:
        return lambda task_id: function(**kwargs)
    return lambda task_id: function()


def prepare_code(job: Job) -> None:
    """Load the file, run its ``setup()`` and bind its functions; :class:`UserCodeError`."""
    global _plain, _coroutine  # noqa: PLW0603 - bound once per process, called per task
    code = job.code
    if code is None:
        raise UserCodeError("the code workload was started without the user's code")
    module = _load(code)
    if code.setup:
        setup = getattr(module, "setup", None)
        if not callable(setup):
            raise UserCodeError(f"{os.path.basename(code.path)}: setup is not a function")
        try:
            setup()
        except (Exception, SystemExit) as exc:
            raise _raised("setup()", exc, code.path) from None
    kwargs = dict(code.kwargs)
    for call in code.functions:
        bound = _bind(module, call, kwargs, code.path)
        if call.is_async:
            _coroutine = bound
        else:
            _plain = bound


def prepare_code_worker(job: Job) -> None:
    """:func:`prepare_code` in a pool worker; a failure is raised by each of its tasks instead
    (an initializer must not raise: see :func:`workbench.core.pool_worker.init_worker`)."""
    global _plain  # noqa: PLW0603
    try:
        prepare_code(job)
    except UserCodeError as exc:
        error = UserCodeError(f"in pool worker {os.getpid()}: {exc}", exc.user_traceback, exc.line)

        def fail(task_id: int) -> Any:
            raise error

        _plain = fail


def code_sync(job: Job, task_id: int) -> None:
    _plain(task_id)


def code_async(job: Job, resources: Any, task_id: int) -> Awaitable[None]:
    # The user's own coroutine, as it is: the recorder steps it with no wrapper in between.
    coroutine: Awaitable[None] = _coroutine(task_id)
    return coroutine


CODE = Workload(
    name=CODE_WORKLOAD,
    summary="Your own function from a file: a plain function and/or a coroutine function.",
    params=(),
    run_sync=code_sync,
    run_async=code_async,
    prepare=prepare_code,
    prepare_worker=prepare_code_worker,
)
