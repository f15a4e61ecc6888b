"""How ``workbench run`` ends: the exit code, and the last line saying why it is not 0."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from workbench.cli.common import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_NOT_WRITTEN, EXIT_OK
from workbench.cli.outputs import WriteFailure, unwritten_message

if TYPE_CHECKING:
    from workbench.core.results import Results


def run_ending(
    all_results: tuple[Results, ...] | list[Results],
    failures: list[WriteFailure],
    kept: list[int | None],
) -> int:
    """The exit code, after the last line saying why: an interrupt, then a file not written,
    then a failed run or a strategy none of whose tasks succeeded."""
    if failures:
        ids = [entry for entry in kept if entry is not None]
        whole = len(ids) == len(all_results)
        print(unwritten_message(failures, ids if whole else [], all_results), file=sys.stderr)
    if any(results.interrupted for results in all_results):
        finished = sum(len(results.runs) for results in all_results)
        print(f"workbench: interrupted; {finished} finished run(s) kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    if failures:
        return EXIT_NOT_WRITTEN
    if not all(results.ok for results in all_results):
        return EXIT_FAILED
    for results in all_results:
        if (reason := every_task_failed(results)) is not None:
            print(f"workbench: {reason}", file=sys.stderr)
            return EXIT_FAILED
    return EXIT_OK


def every_task_failed(results: Results) -> str | None:
    """Why the first run none of whose tasks succeeded is no measurement, with the first
    task's reason (``every task of threads failed: …``); None if every run did something."""
    for run in results.runs:
        tasks = [span for span in run.tasks if span.attempt_of is None]
        if tasks and all(not span.ok for span in tasks):
            first = min(tasks, key=lambda span: span.start_ns).error or ""
            reason = first.strip().splitlines()[0] if first.strip() else "no reason given"
            return f"every task of {run.strategy} failed: {reason}"
    return None
