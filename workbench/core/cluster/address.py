"""A Dask scheduler's address, checked before any work: well formed, then answering.

``dask scheduler`` prints its address as ``tcp://HOST:PORT`` (8786 by default); a bare
``HOST:PORT`` or ``HOST`` means the same. Whether something listens there is one TCP
connect, tried before the run starts so that a mistyped address or a scheduler not started
yet is one line within seconds, not a failed run.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from workbench.core.params import ConfigError

DEFAULT_PORT = 8786
"""``dask scheduler``'s port unless told otherwise."""
SCHEMES = ("tcp", "tls")
REACH_TIMEOUT_S = 3.0


def scheduler_address(text: str) -> str:
    """``text`` as ``scheme://host:port``; :class:`ConfigError` saying what is expected."""
    raw = text.strip()
    expected = "expected tcp://HOST:PORT, as 'dask scheduler' prints it"
    if not raw:
        raise ConfigError(f"the scheduler address is empty; {expected}")
    parts = urlsplit(raw if "://" in raw else f"tcp://{raw}")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise ConfigError(f"scheduler address {text!r}: bad port; {expected}") from None
    if parts.scheme not in SCHEMES or not parts.hostname or parts.path not in ("", "/"):
        raise ConfigError(f"scheduler address {text!r}: {expected}")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}:{port}"


def check_reachable(address: str, timeout_s: float = REACH_TIMEOUT_S) -> None:
    """One TCP connect to the scheduler; :class:`ConfigError` if nothing answers in time."""
    parts = urlsplit(address)
    host, port = parts.hostname or "", parts.port or DEFAULT_PORT
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return
    except TimeoutError:
        reason = f"no answer within {timeout_s:g} s"
    except OSError as exc:
        reason = exc.strerror or str(exc)
    raise ConfigError(
        f"no Dask scheduler answers at {address} ({reason}); start one with 'dask scheduler' "
        "on that machine, or use no scheduler address for a cluster started for the run"
    )
