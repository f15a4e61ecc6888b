"""The class's lab collector: a small HTTP server that accepts students' results files.

It listens only between :meth:`Collector.start` and :meth:`Collector.stop` (stop closes the
port). Every submission passes, in order, a per-client rate limit (429), the join code (403),
a size limit — by ``Content-Length`` and again while reading, so no more than the limit is
ever buffered (413) — and validation as a results file by the same reader that opens files
(400 with its one-line reason). Only then is it kept and announced; a refused submission
changes nothing. A client is its IP address: on a lab's LAN, one per machine.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import secrets
import socket

import psutil
from aiohttp import web

from workbench.core.exports.json_io import ResultsFileError, from_json
from workbench.core.lab.protocol import (
    HOST_HEADER,
    JOIN_CODE_HEADER,
    MAX_BYTES,
    PRESET_HEADER,
    SUBMIT_PATH,
    VERDICT_HEADER,
    Reply,
    new_join_code,
    normalise_join_code,
    safe_name,
)
from workbench.core.lab.ratelimit import RateLimit
from workbench.core.lab.roster import ClassEntry, Refusal, Roster
from workbench.core.verdicts import Verdict

ALL_INTERFACES = "0.0.0.0"
CHUNK = 64 * 1024
SHUTDOWN_S = 2.0
LINGER_S = 5.0
"""How long the server drains (and discards) the rest of a refused upload, so the client
reads the refusal instead of a reset connection."""


class Refused(Exception):
    def __init__(self, status: int, reason: str, retry_after_s: float = 0.0) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.retry_after_s = retry_after_s


def interface_addresses(host: str) -> list[str]:
    """The addresses students can use to reach ``host``: every interface's when bound to all
    of them (LAN ones first, loopback last), else ``host`` itself."""
    if host not in (ALL_INTERFACES, "::", ""):
        return [host]
    family = socket.AF_INET6 if host == "::" else socket.AF_INET
    found = []
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family == family:
                found.append(address.address.split("%")[0])
    return sorted(set(found), key=lambda a: (ipaddress.ip_address(a).is_loopback, a))


def url_for(address: str, port: int) -> str:
    host = f"[{address}]" if ":" in address else address
    return f"http://{host}:{port}"


class Collector:
    """Accepts results files into ``roster`` while running."""

    def __init__(
        self,
        roster: Roster,
        *,
        host: str = ALL_INTERFACES,
        port: int = 0,
        join_code: str | None = None,
        max_bytes: int = MAX_BYTES,
        rate_limit: RateLimit | None = None,
        parallel: int = 2,
    ) -> None:
        self.roster = roster
        self.host = host
        self.join_code = normalise_join_code(join_code) if join_code else new_join_code()
        self.max_bytes = max_bytes
        self._requested_port = port
        self._limit = rate_limit or RateLimit()
        self._slots = asyncio.Semaphore(parallel)
        """Uploads read and validated at once: bounds memory to ``parallel`` × the limit."""
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def urls(self) -> list[str]:
        return [url_for(a, self.port) for a in interface_addresses(self.host)]

    async def start(self) -> None:
        """Listen; :class:`OSError` if the address cannot be bound."""
        app = web.Application()
        app.router.add_post(SUBMIT_PATH, self._submit)
        runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_S,
            lingering_time=LINGER_S,
        )  # fmt: skip
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._requested_port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        server = site._server
        assert isinstance(server, asyncio.Server) and server.sockets
        self.port = server.sockets[0].getsockname()[1]
        self._runner = runner

    async def stop(self) -> None:
        """Close the port and every connection; what was collected stays in the roster."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Collector:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _submit(self, request: web.Request) -> web.Response:
        client = request.remote or "unknown"
        try:
            entry = await self._accept(request, client)
        except Refused as refusal:
            self.roster.refuse(Refusal(client, refusal.status, refusal.reason))
            headers = {}
            if refusal.retry_after_s:
                headers["Retry-After"] = str(math.ceil(refusal.retry_after_s))
            reply = Reply(False, refusal.status, refusal.reason)
            return web.Response(
                status=refusal.status, text=reply.to_json(), content_type="application/json",
                headers=headers,
            )  # fmt: skip
        self.roster.publish(entry)
        message = f"accepted as #{entry.number} ({entry.hostname})"
        reply = Reply(True, 201, message, entry.number)
        return web.Response(status=201, text=reply.to_json(), content_type="application/json")

    async def _accept(self, request: web.Request, client: str) -> ClassEntry:
        wait_s = self._limit.allow(client)
        if wait_s:
            raise Refused(
                429, f"too many submissions from {client}; try again in {wait_s:.0f} s", wait_s
            )
        code = request.headers.get(JOIN_CODE_HEADER, "").strip().upper().encode()
        if not secrets.compare_digest(code, self.join_code.encode()):
            raise Refused(403, "wrong join code" if code else "no join code")
        declared = request.content_length
        if declared is not None and declared > self.max_bytes:
            raise Refused(413, self._too_large(f"{declared:,} bytes"))
        hostname = safe_name(request.headers.get(HOST_HEADER, "")) or client
        preset = safe_name(request.headers.get(PRESET_HEADER, ""), 64) or None
        verdict = request.headers.get(VERDICT_HEADER) or None
        if verdict is not None and verdict not in {v.value for v in Verdict}:
            raise Refused(400, f"unknown verdict {verdict[:40]!r}")
        async with self._slots:
            body = await self._read(request)
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise Refused(400, "not a results file: not UTF-8 text") from None
            del body
            return await asyncio.to_thread(self._keep, text, hostname, client, preset, verdict)

    def _too_large(self, size: str) -> str:
        limit = f"{self.max_bytes:,} bytes ({self.max_bytes / 2**20:g} MB)"
        return f"results file too large: {size}; the limit is {limit}"

    async def _read(self, request: web.Request) -> bytes:
        """The body, refused as soon as it passes the limit (never buffered beyond it)."""
        chunks, size = [], 0
        async for chunk in request.content.iter_chunked(CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise Refused(
                    413, self._too_large(f"over {self.max_bytes:,} bytes (stopped reading)")
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _keep(
        self, text: str, hostname: str, client: str, preset: str | None, verdict: str | None
    ) -> ClassEntry:
        """In a worker thread: parsing a big file must not stall the loop (or the window)."""
        try:
            results = from_json(text)
        except ResultsFileError as exc:
            raise Refused(400, f"not a results file: {exc}") from None
        except (RecursionError, ValueError, TypeError) as exc:  # e.g. nested 100,000 deep
            raise Refused(400, f"not a results file: unreadable ({type(exc).__name__})") from None
        try:
            return self.roster.keep(
                results, text, hostname=hostname, client=client, preset=preset, verdict=verdict
            )
        except OSError as exc:
            raise Refused(500, f"the collector could not keep it: {exc}") from None
