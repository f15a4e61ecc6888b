"""What a helper process writes to stderr, kept up to a cap: a flood cannot fill memory.

A run's process points its fd 1 at stderr (the protocol has its own copy of stdout), so what
the user's code prints — from the run's process and from its pool workers, which inherit the
descriptors — arrives here in order, through a pipe read in chunks (never line by line: a
gigabyte without a newline would be one line). The first :data:`OUTPUT_CAP_BYTES` are kept,
the rest is counted; the last few kilobytes are kept apart for the failure message.
"""

from __future__ import annotations

from collections import deque

OUTPUT_CAP_BYTES = 256 * 1024
"""Per run: ~10,000 lines. Every run of an experiment keeps its own, in the results file."""
_TAIL_BYTES = 4096


class OutputCapture:
    """Bytes fed from one reader thread; read by others once the process has ended."""

    def __init__(self, cap_bytes: int = OUTPUT_CAP_BYTES) -> None:
        self.cap_bytes = cap_bytes
        self._kept = bytearray()
        self._tail: deque[bytes] = deque()
        self._tail_size = 0
        self.total_bytes = 0

    def feed(self, chunk: bytes) -> None:
        self.total_bytes += len(chunk)
        room = self.cap_bytes - len(self._kept)
        if room > 0:
            self._kept += chunk[:room]
        self._tail.append(chunk[-_TAIL_BYTES:])
        self._tail_size += len(self._tail[-1])
        while self._tail_size - len(self._tail[0]) >= _TAIL_BYTES:
            self._tail_size -= len(self._tail.popleft())

    @property
    def truncated(self) -> bool:
        return self.total_bytes > len(self._kept)

    def text(self) -> str:
        """What was kept, as text (a character cut at the cap, or bad UTF-8, shows as �)."""
        return self._kept.decode("utf-8", errors="replace")

    def last_line(self) -> str | None:
        """The last line with something on it, for a failure message."""
        tail = b"".join(self._tail).decode("utf-8", errors="replace")
        for line in reversed(tail.splitlines()):
            if line.strip():
                return line.strip()
        return None


def truncation_note(total_bytes: int, kept_bytes: int) -> str:
    """How the CLI and the window say that output was cut."""
    return f"output truncated after {kept_bytes:,} bytes ({total_bytes:,} printed)"
