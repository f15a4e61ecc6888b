"""The local HTTP server never outlives the engine: it stops at once when the engine is done
with it or gone — not after its in-flight requests, which may wait ten minutes — and on Linux
the kernel kills it with its parent even when nothing else would tell it."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import urllib.request

import psutil
import pytest

from tests.processes import command_line, descendants, end_all
from tests.waiting import wait_until
from workbench.core.httpserver_client import SERVER_MODULE

GONE_WITHIN_S = 10.0
"""Far below what an in-flight request held it before (aiohttp waits up to 60 s for them)."""

SLOW = 600
"""The slowest delay the http workload allows, in seconds."""


def _servers(processes: list[psutil.Process]) -> list[psutil.Process]:
    return [p for p in processes if SERVER_MODULE in command_line(p)]


def _serving(server: psutil.Process) -> bool:
    """A request is in flight: a connection to the server is open."""
    try:
        return any(c.status == psutil.CONN_ESTABLISHED for c in server.net_connections("tcp"))
    except psutil.Error:
        return False


def _request_in_background(port: int) -> None:
    def ask() -> None:
        with contextlib.suppress(OSError):  # the server is gone: what the test wants
            urllib.request.urlopen(f"http://127.0.0.1:{port}/wait?delay={SLOW}", timeout=SLOW)

    threading.Thread(target=ask, daemon=True).start()


def test_a_killed_engine_takes_the_server_along_at_once() -> None:
    command = [
        sys.executable, "-m", "workbench", "run", "-w", "http", "-n", "2", "-s",
        "async-gather", "-p", f"delay={SLOW}", "-q", "--no-history",
    ]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    family: list[psutil.Process] = []
    try:
        wait_until(
            lambda: any(_serving(s) for s in _servers(descendants(proc))),
            what="requests in flight",
        )
        family = descendants(proc)
        proc.kill()  # SIGKILL: the engine cleans nothing up
        proc.wait(timeout=10)
        _, alive = psutil.wait_procs(_servers(family), timeout=GONE_WITHIN_S)
        assert alive == []
    finally:
        end_all(proc, family)


def test_the_server_stops_without_waiting_for_requests_in_flight() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", SERVER_MODULE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert server.stdout is not None and server.stdin is not None
        port = int(server.stdout.readline())
        _request_in_background(port)
        wait_until(lambda: _serving(psutil.Process(server.pid)), what="a request in flight")
        server.stdin.close()  # what the engine does when it is done with it
        assert server.wait(timeout=GONE_WITHIN_S) == 0
    finally:
        if server.poll() is None:
            server.kill()
        server.wait()


PARENT = """\
import subprocess, sys
server = subprocess.Popen([sys.executable, "-m", sys.argv[1]], stdout=subprocess.PIPE)
print(server.pid, server.stdout.readline().decode().strip(), flush=True)
server.wait()
"""
"""A stand-in engine whose server shares its stdin: the test holds that pipe open, so the
server never sees it close — only the parent-death signal can end it."""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_on_linux_the_server_dies_with_its_parent_even_with_stdin_open() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, SERVER_MODULE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    server: list[psutil.Process] = []
    try:
        assert parent.stdout is not None
        pid, port = (int(word) for word in parent.stdout.readline().split())
        server.append(psutil.Process(pid))
        _request_in_background(port)
        wait_until(lambda: _serving(server[0]), what="a request in flight")
        parent.kill()
        parent.wait(timeout=10)
        _, alive = psutil.wait_procs(server, timeout=GONE_WITHIN_S)
        assert alive == []
    finally:
        end_all(parent, server)


class _SilentServer:
    """A server process that started but never says its port."""

    stopped = False

    def __init__(self, module: str, on_line: object) -> None:
        self.module = module

    def last_error_line(self) -> str | None:
        return None

    def stop(self) -> None:
        _SilentServer.stopped = True


def test_a_server_that_never_says_its_port_is_a_server_error_and_is_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A timeout is a server that did not start: the bench keeps why in one line, and the
    process is stopped, not left behind."""
    import asyncio

    from workbench.core import httpserver_client

    monkeypatch.setattr(_SilentServer, "stopped", False)
    monkeypatch.setattr(httpserver_client, "HelperProcess", _SilentServer)
    monkeypatch.setattr(httpserver_client, "START_TIMEOUT_S", 0.05)

    async def start() -> None:
        async with httpserver_client.local_http_server():
            pass

    with pytest.raises(httpserver_client.ServerError, match=r"no port reported within 0\.05 s"):
        asyncio.run(start())
    assert _SilentServer.stopped
