"""The local HTTP server the ``http`` workload talks to.

It runs in its own process, started once per experiment by the engine and shared by every
strategy run: it never competes with a timed strategy for the GIL or its event loop, and its
start-up is not charged to any run. It listens on 127.0.0.1 with an ephemeral port and a
large accept backlog (the default 128 drops connects under a burst of 500, and clients then
retry a second later), prints the port on stdout, and exits when its stdin closes, so it
cannot outlive the engine that started it.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from typing import cast

BACKLOG = 4096


async def _serve(ready: asyncio.Event, port_box: list[int]) -> None:
    from aiohttp import web

    async def wait_then_answer(request: web.Request) -> web.Response:
        try:
            delay = float(request.query.get("delay", "0"))
        except ValueError:
            return web.Response(status=400, text="delay must be a number")
        await asyncio.sleep(max(0.0, delay))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/wait", wait_then_answer)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=BACKLOG, reuse_address=True)
    await site.start()
    server = cast(asyncio.Server | None, site._server)
    assert server is not None and server.sockets
    port_box.append(server.sockets[0].getsockname()[1])
    ready.set()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main() -> None:
    from workbench.core.launch import raise_open_file_limit

    raise_open_file_limit()
    loop = asyncio.new_event_loop()
    ready, port_box = asyncio.Event(), list[int]()
    task = loop.create_task(_serve(ready, port_box))

    def on_ready() -> None:
        sys.stdout.write(f"{port_box[0]}\n")
        sys.stdout.flush()

    loop.run_until_complete(ready.wait())
    on_ready()

    def watch_stdin() -> None:
        sys.stdin.buffer.read()  # returns at EOF: the engine is gone or done with us
        loop.call_soon_threadsafe(task.cancel)

    threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        loop.run_until_complete(task)
    except asyncio.CancelledError:
        pass
    finally:
        loop.close()


if __name__ == "__main__":
    main()
