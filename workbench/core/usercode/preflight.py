"""Before any run: load the user's file and run its ``setup()`` in a child, and say what failed.

The engine never imports the user's code, so what ``ast`` cannot see — an import that fails,
a ``setup()`` that raises, top-level code that exits — is found by running the file once in a
process of its own (:mod:`workbench.core.code_check`), as the run's process would. The CLI
refuses the experiment (exit 2) and the window marks the line, before anything is measured;
without this check the same failure would fail each run, with the same traceback.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from workbench.core import protocol
from workbench.core.launch import Interpreter
from workbench.core.processes import HelperProcess, describe_exit
from workbench.core.usercode.model import CODE_WORKLOAD, UserCode, code_request

CHECK_MODULE = "workbench.core.code_check"


@dataclass(frozen=True)
class CodeProblem:
    """Why the code cannot run: one line, the line of the file to mark, the user's frames."""

    message: str
    line: int | None = None
    traceback: str | None = None


class CheckStopped(Exception):
    """The check was stopped (Ctrl-C, Stop) before it could say."""


async def check_code(
    code: UserCode,
    *,
    interpreter: Interpreter | None = None,
    stop: asyncio.Event | None = None,
) -> CodeProblem | None:
    """None when the file loads and its ``setup()`` returns; else what went wrong.

    Setting ``stop`` ends the check's process at once and raises :class:`CheckStopped`.
    """
    loop = asyncio.get_running_loop()
    first: asyncio.Future[bytes | None] = loop.create_future()

    def on_line(line: bytes | None) -> None:
        def settle() -> None:
            if not first.done():
                first.set_result(line)

        loop.call_soon_threadsafe(settle)

    child = HelperProcess(CHECK_MODULE, on_line, interpreter)
    request = protocol.RunRequest("check", CODE_WORKLOAD, {}, 1, 1, code=code_request(code))
    try:
        child.send(protocol.encode(request))
        waiters: set[asyncio.Future[Any]] = {first}
        stopper = asyncio.ensure_future(stop.wait()) if stop is not None else None
        if stopper is not None:
            waiters.add(stopper)
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        if stopper is not None:
            stopper.cancel()
        if not first.done():
            raise CheckStopped
        line = first.result()
    finally:
        await loop.run_in_executor(None, child.stop)
    if line is None:
        exit_code = child.popen.returncode
        detail = child.last_error_line()
        why = f"the process loading it {describe_exit(exit_code)}"
        return CodeProblem(f"{code.label}: {why}" + (f" ({detail})" if detail else ""))
    message = protocol.decode(line)
    if isinstance(message, protocol.Failed):
        return CodeProblem(message.error, message.line, message.traceback)
    return None
