"""What a student's workbench and the teacher's collector say to each other over HTTP.

One request, ``POST /submit``: the body is a results file (JSON, never code, never pickle);
headers carry the join code and what the file does not say (the student's host name, the
preset and its verdict). One answer, a small JSON object: accepted with a number, or refused
with a one-line reason and the HTTP status that says why (403 join code, 413 too large,
400 not a results file, 429 too many). Both sides encode and decode through this module.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

SUBMIT_PATH = "/submit"
JOIN_CODE_HEADER = "X-Workbench-Join-Code"
HOST_HEADER = "X-Workbench-Host"
PRESET_HEADER = "X-Workbench-Preset"
VERDICT_HEADER = "X-Workbench-Verdict"

MAX_BYTES = 32 * 1024 * 1024
"""The largest results file a collector accepts: a 10,000-task run weighs ~1.2 MB (measured:
4 strategies × 10,000 sleep tasks, 4.8 MB), so this fits 10,000 tasks × ~25 runs, or two
100,000-task runs (15.7 MB each) — and no more than that is ever held in memory per upload."""

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""No 0/O, 1/I/L: a code read off a projector is typed right the first time."""
JOIN_CODE_LENGTH = 6
_JOIN_CODE = re.compile(r"[A-Za-z0-9]{4,32}")
_NAME = re.compile(r"[^A-Za-z0-9._-]")


def new_join_code() -> str:
    """Six characters (31⁶ ≈ 887 million codes), from the OS's secure random source."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(text: str) -> str:
    """Codes are case-insensitive; :class:`ValueError` for one that could never match."""
    code = text.strip()
    if not _JOIN_CODE.fullmatch(code):
        raise ValueError(f"a join code is 4 to 32 letters or digits, got {text!r}")
    return code.upper()


def safe_name(text: str, limit: int = 63) -> str:
    """A host or preset name as sent by a client, reduced to characters safe in a file name
    and on screen (it is untrusted input)."""
    return _NAME.sub("", text)[:limit]


@dataclass(frozen=True)
class Reply:
    """The collector's answer to one submission."""

    accepted: bool
    status: int
    message: str
    """For an accepted file, what it became; for a refused one, the reason (one line)."""
    number: int | None = None

    def to_json(self) -> str:
        body: dict[str, Any] = {"accepted": self.accepted, "message": self.message}
        if self.number is not None:
            body["number"] = self.number
        return json.dumps(body)

    @classmethod
    def from_http(cls, status: int, body: str) -> Reply:
        """Decode an answer; anything that is not ours is reported as such, not trusted."""
        try:
            data = json.loads(body)
            message = str(data["message"]).splitlines()[0][:300]
            number = data.get("number")
            return cls(
                accepted=bool(data["accepted"]) and status == 201,
                status=status,
                message=message,
                number=number if isinstance(number, int) else None,
            )
        except (ValueError, KeyError, TypeError, IndexError):
            return cls(False, status, f"not a workbench collector (HTTP {status})")
