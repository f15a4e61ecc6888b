"""HTTP requests to the workbench's own local server, which answers after ``delay`` seconds.

The server runs in a separate process (see :mod:`workbench.core.httpserver`), so it never
competes with the timed strategy for the GIL or for its event loop.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from workbench.core.params import Param
from workbench.core.workloads.base import Job, Workload

_TIMEOUT_S = 60.0


def _target(job: Job) -> tuple[str, int, str]:
    if job.url is None:
        raise RuntimeError("the http workload needs its local server's URL")
    parts = urlsplit(job.url)
    return parts.hostname or "127.0.0.1", parts.port or 80, f"/wait?delay={job.params['delay']}"


def import_clients(job: Job) -> None:
    import http.client  # noqa: F401 - imported before the clock starts, as a script would

    import aiohttp  # noqa: F401


def http_sync(job: Job, task_id: int) -> None:
    import http.client  # lazily: most runs never make a request

    host, port, path = _target(job)
    connection = http.client.HTTPConnection(host, port, timeout=_TIMEOUT_S + job.params["delay"])
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise OSError(f"HTTP {response.status}")
    finally:
        connection.close()


@dataclass(frozen=True)
class Client:
    """What every async task of a run shares: the session, and the one URL they all get."""

    session: Any
    url: str


@contextlib.asynccontextmanager
async def client_session(job: Job) -> AsyncIterator[Client]:
    """One session for all tasks, with no connection cap, and the URL made once.

    aiohttp's default connector allows 100 connections per session, which would silently turn
    500 gathered requests into 5 waves; ``limit=0`` lets the strategy alone decide concurrency.
    The URL is made here, once a run, as a script makes it once: made in each task, splitting
    the server's address and formatting the delay cost ~2,400 instructions a request (~0.2 %
    of one, counted under cachegrind) that the bare script does not pay.
    """
    import aiohttp  # imported here: only async http runs need it

    host, port, path = _target(job)
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=_TIMEOUT_S + job.params["delay"])
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        yield Client(session, f"http://{host}:{port}{path}")


async def http_async(job: Job, client: Client, task_id: int) -> None:
    async with client.session.get(client.url) as response:
        await response.read()
        if response.status != 200:
            raise OSError(f"HTTP {response.status}")


HTTP = Workload(
    name="http",
    summary="GET from a local aiohttp server that answers after a delay (real sockets).",
    params=(Param("delay", "s", 0.2, 0.0, 600.0, "How long the server waits before answering."),),
    run_sync=http_sync,
    run_async=http_async,
    open_async=client_session,
    needs_server=True,
    prepare=import_clients,
    needs_modules=("aiohttp",),
)
