"""The queue pool workers send their task events through: a ``SimpleQueue`` whose reader can sleep
until an event comes.

``multiprocessing.SimpleQueue`` is a one-way pipe with a lock for its writers, but it hides the
pipe's read end, so a reader that must also notice "stop" can only poll it. A relay polling
every 10 ms wakes 100 times a second in the run's process, on cores the pool's workers want.
This is the same pipe and lock with the read end in reach: :meth:`EventQueue.wait` sleeps
until an event is waiting or another connection (the reader's own "stop") is readable.
(What it saves was too small to see in a two-worker CPU pool's wall time here: the run's
process alone took 1.052 and 1.051 of the bare script's time with and without it, 30
interleaved rounds.)

Workers import this module (spawned ones re-import it to unpickle the queue), so it stays small.
"""

from __future__ import annotations

import pickle
from multiprocessing import connection
from multiprocessing.context import BaseContext, assert_spawning
from typing import Any


class EventQueue:
    """Many writers (the pool's workers, each put under the lock), one reader (the relay)."""

    def __init__(self, context: BaseContext) -> None:
        self._reader, self._writer = context.Pipe(duplex=False)
        self._write_lock = context.Lock()

    def put(self, event: Any) -> None:
        data = pickle.dumps(event)  # outside the lock, as SimpleQueue does: writers wait less
        with self._write_lock:
            self._writer.send_bytes(data)

    def get(self) -> Any:
        """The next event (blocks until there is one); the one reader needs no lock."""
        return pickle.loads(self._reader.recv_bytes())

    def empty(self) -> bool:
        return not self._reader.poll()

    def wait(self, other: connection.Connection, timeout: float | None) -> None:
        """Sleep until an event is waiting, ``other`` is readable, or ``timeout`` passes.

        ``other`` is a multiprocessing connection, not a bare descriptor: on Windows only
        handles can be waited on together."""
        connection.wait([self._reader, other], timeout)

    def __getstate__(self) -> tuple[Any, Any, Any]:
        # Only while a spawned worker's arguments are pickled, as for any multiprocessing
        # queue: the pipe's ends and the lock travel as handles the new process inherits.
        assert_spawning(self)
        return self._reader, self._writer, self._write_lock

    def __setstate__(self, state: tuple[Any, Any, Any]) -> None:
        self._reader, self._writer, self._write_lock = state
