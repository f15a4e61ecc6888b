"""Starting, watching and reliably ending the engine's helper processes."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from typing import TypedDict

from workbench.core.launch import Interpreter, child_environment, python_command
from workbench.core.output_capture import OutputCapture
from workbench.core.process_tree import kill_tree
from workbench.core.protocol.frames import read_messages

_CHUNK = 65536


class SessionOptions(TypedDict, total=False):
    creationflags: int
    start_new_session: bool


def new_session_options() -> SessionOptions:
    """``Popen`` options that make a helper lead its own process group, for :func:`kill_tree`."""
    # A session of its own: a Ctrl-C in the terminal reaches only the engine, which then ends
    # the child's whole tree itself, in order, instead of a race between pool workers.
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


class HelperProcess:
    """A ``workbench.core.*`` module running in a child, with stdout read line by line (a
    protocol frame whole) on a thread and stderr kept up to a cap (:attr:`output`: what the
    run's code printed, and the tail for error messages); ``interpreter`` starts it under
    another Python than this one, ``environment`` in another environment than
    :func:`~workbench.core.launch.child_environment`."""

    def __init__(
        self,
        module: str,
        on_line: Callable[[bytes | None], None],
        interpreter: Interpreter | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self.popen = subprocess.Popen(
            python_command(module, interpreter),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_environment() if environment is None else dict(environment),
            **new_session_options(),
        )
        self.output = OutputCapture()
        self._readers = [
            threading.Thread(target=self._read_stdout, args=(on_line,), daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read_stdout(self, on_line: Callable[[bytes | None], None]) -> None:
        assert self.popen.stdout is not None
        for line in read_messages(self.popen.stdout):  # a frame comes whole, as one "line"
            on_line(line)
        on_line(None)

    def _read_stderr(self) -> None:
        assert self.popen.stderr is not None
        fd, feed = self.popen.stderr.fileno(), self.output.feed
        while chunk := os.read(fd, _CHUNK):  # chunks, never lines: a flood may have no newline
            feed(chunk)

    def send(self, data: bytes) -> None:
        assert self.popen.stdin is not None
        self.popen.stdin.write(data)
        self.popen.stdin.flush()

    def last_error_line(self) -> str | None:
        """The last meaningful line the child wrote to stderr, for a failure message."""
        return self.output.last_line()

    def wait(self) -> int:
        code: int = self.popen.wait()
        for reader in self._readers:
            reader.join(timeout=1)
        return code

    def stop(self) -> None:
        """Close stdin (the child's cue to leave), then kill the whole tree."""
        with contextlib.suppress(OSError):
            if self.popen.stdin is not None:
                self.popen.stdin.close()
        kill_tree(self.popen.pid, group=True)
        self.wait()


def describe_exit(code: int) -> str:
    if code < 0:
        import signal

        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"
