"""Sending a results file to the class's collector (``workbench class submit``, and later the
window's Class → Send my results)."""

from __future__ import annotations

import re
import socket

import aiohttp

from workbench.core.lab.protocol import (
    HOST_HEADER,
    JOIN_CODE_HEADER,
    PRESET_HEADER,
    SUBMIT_PATH,
    VERDICT_HEADER,
    Reply,
)

TIMEOUT_S = 10.0
_ADDRESS = re.compile(r"(?:http://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?/?")


class SubmitError(Exception):
    """The collector could not be reached, or did not answer like one (one line)."""


def submit_url(address: str) -> str:
    """``192.168.1.5:8765``, ``http://192.168.1.5:8765/`` or ``[fe80::1]:8765`` → the submit
    URL; :class:`ValueError` for anything else."""
    match = _ADDRESS.fullmatch(address.strip())
    if not match or not match.group(2) or not 0 < int(match.group(2)) < 65536:
        raise ValueError(f"a collector address is HOST:PORT (as the collector shows it), got "
                         f"{address!r}")  # fmt: skip
    return f"http://{match.group(1)}:{int(match.group(2))}{SUBMIT_PATH}"


async def submit(
    address: str,
    join_code: str,
    text: str,
    *,
    hostname: str | None = None,
    preset: str | None = None,
    verdict: str | None = None,
    timeout_s: float = TIMEOUT_S,
) -> Reply:
    """Send one results file; the collector's :class:`Reply` (accepted or its reason), or
    :class:`SubmitError` if no collector answered within ``timeout_s``."""
    url = submit_url(address)
    headers = {
        JOIN_CODE_HEADER: join_code,
        HOST_HEADER: hostname or socket.gethostname(),
        "Content-Type": "application/json",
    }
    if preset:
        headers[PRESET_HEADER] = preset
    if verdict:
        headers[VERDICT_HEADER] = verdict
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(url, data=text.encode("utf-8"), headers=headers) as response,
        ):
            body = await response.text(errors="replace")
            return Reply.from_http(response.status, body)
    except TimeoutError:
        raise SubmitError(f"no answer from the collector at {url} within {timeout_s:g} s") from None
    except aiohttp.ClientError as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise SubmitError(f"cannot reach the collector at {url}: {reason}") from None
