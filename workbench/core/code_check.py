"""Load the user's code and run its ``setup()`` in a fresh process, before any run is measured.

Started like the run's child (``python -m workbench.core.code_check``, under the same
interpreter) and standard library only like it: the engine and the window never import the
user's file, yet a ``setup()`` that raises should stop an experiment before its first run and
be shown at its line. It reads one :class:`~workbench.core.protocol.RunRequest` and answers
:class:`~workbench.core.protocol.Done` (the code loads and its setup returns) or
:class:`~workbench.core.protocol.Failed` (why, with the user's traceback and line).
"""

from __future__ import annotations

import os
import sys

from workbench.core import protocol
from workbench.core.child import accept_request
from workbench.core.clock import now_ns
from workbench.core.recording import describe_error
from workbench.core.workloads import CODE_WORKLOAD, Job, workload_named


def main() -> None:
    request, channel = accept_request()
    started = now_ns()
    try:
        workload_named(CODE_WORKLOAD).prepare(Job(CODE_WORKLOAD, {}, code=request.code))
    except Exception as exc:
        trace, line = getattr(exc, "user_traceback", None), getattr(exc, "line", None)
        channel.send(protocol.Failed(describe_error(exc), trace, line))
    else:
        channel.send(protocol.Done(True, None, now_ns() - started, 0, 0))
    sys.stderr.flush()
    os._exit(0)  # the user's threads and atexit hooks are not ours to wait for


if __name__ == "__main__":
    main()
