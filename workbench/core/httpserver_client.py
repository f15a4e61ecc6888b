"""Starting and stopping the local HTTP server process from the engine."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from workbench.core.processes import HelperProcess

SERVER_MODULE = "workbench.core.httpserver"
START_TIMEOUT_S = 30.0


class ServerError(RuntimeError):
    """The local HTTP server could not be started."""


@contextlib.asynccontextmanager
async def local_http_server() -> AsyncIterator[str]:
    """Yield the base URL of a fresh local server; it is gone when the block exits."""
    loop = asyncio.get_running_loop()
    first_line: asyncio.Future[bytes | None] = loop.create_future()

    def settle(line: bytes | None) -> None:
        if not first_line.done():
            first_line.set_result(line)

    def on_line(line: bytes | None) -> None:
        if not first_line.done():
            loop.call_soon_threadsafe(settle, line)

    server = HelperProcess(SERVER_MODULE, on_line)
    try:
        try:
            line = await asyncio.wait_for(first_line, START_TIMEOUT_S)
        except TimeoutError:  # started, but silent: as much a server that did not start
            detail = f"no port reported within {START_TIMEOUT_S:g} s"
            raise ServerError(f"the local HTTP server did not start: {detail}") from None
        if not line or not line.strip().isdigit():
            detail = server.last_error_line() or "no port reported"
            raise ServerError(f"the local HTTP server did not start: {detail}")
        yield f"http://127.0.0.1:{int(line)}"
    finally:
        await loop.run_in_executor(None, server.stop)
