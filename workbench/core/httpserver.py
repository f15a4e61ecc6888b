"""The local HTTP server the ``http`` workload talks to.

It runs in its own process, started once per experiment by the engine and shared by every
strategy run: it never competes with a timed strategy for the GIL or its event loop, and its
start-up is not charged to any run. It listens on 127.0.0.1 with an ephemeral port and a
large accept backlog (the default 128 drops connects under a burst of 500, and clients then
retry a second later), prints the port on stdout, and cannot outlive the engine that started
it: it exits at once — not after its in-flight requests, which may wait ten minutes — when its
stdin closes (the engine is done with it, or gone, on every platform), and on Linux the kernel
also kills it when the engine dies (a parent-death signal).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading

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
    port_box.append(int(runner.addresses[0][1]))
    ready.set()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def die_with_parent() -> None:
    """Linux: have the kernel kill this process when its parent dies, even by SIGKILL. (The
    signal comes when the parent *thread* ends: the engine starts the server from its event
    loop's thread, which lives as long as the engine.) Elsewhere the stdin watch does it."""
    from workbench.core.launch import ask_parent_death_signal

    parent = os.getppid()
    if ask_parent_death_signal(signal.SIGKILL) and os.getppid() != parent:
        os._exit(0)  # it died before the signal was asked for


def main() -> None:
    from workbench.core.launch import raise_open_file_limit

    die_with_parent()
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
        # Now, not after the requests in flight (aiohttp's clean-up would wait a minute for
        # them): the clients are the engine's runs, and they are being ended too.
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        loop.run_until_complete(task)
    except asyncio.CancelledError:
        pass
    finally:
        loop.close()


if __name__ == "__main__":
    main()
