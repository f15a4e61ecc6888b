"""Shared by the dask tests: skipping without the extra, an observer that acts on the first
task begun, and a check that no process of a run outlived it."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence

import psutil
import pytest

from tests.processes import command_line
from workbench.core.observer import Observer
from workbench.core.results import Run
from workbench.core.timeline import BEGIN_EVENT, TaskEvent

NEEDS_DASK = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason='needs the dask extra (pip install "concurrency-workbench[dask]")',
)


class OnFirstBegin(Observer):
    """Calls ``action(event)`` once, at the first task that begins; keeps the processes below
    this test (the run's child and its cluster) as they were at that moment."""

    def __init__(self, action: Callable[[TaskEvent], None]) -> None:
        self._action = action
        self.fired: TaskEvent | None = None
        self.family: list[psutil.Process] = []

    def task_events(self, strategy: str, repeat_index: int, events: Sequence[TaskEvent]) -> None:
        begin = next((event for event in events if event.kind == BEGIN_EVENT), None)
        if begin is None or self.fired is not None:
            return
        self.fired = begin
        self.family = psutil.Process().children(recursive=True)
        self._action(begin)


def assert_all_gone(processes: Sequence[psutil.Process], timeout_s: float = 10.0) -> None:
    """Every one of ``processes`` ended (a zombie reaped by nobody yet counts as ended)."""
    _, alive = psutil.wait_procs(list(processes), timeout=timeout_s)
    alive = [p for p in alive if _status(p) not in (psutil.STATUS_ZOMBIE, None)]
    assert alive == [], [(p.pid, command_line(p)[:120]) for p in alive]


def assert_pids_gone(pids: set[int], timeout_s: float = 10.0) -> None:
    """No process with these ids is left (or only zombies)."""
    processes = []
    for pid in pids:
        try:
            processes.append(psutil.Process(pid))
        except psutil.NoSuchProcess:
            continue
    assert_all_gone(processes, timeout_s)


def worker_pids(run: Run) -> set[int]:
    """Every Dask worker process the run met (its lanes' and its cluster's)."""
    pids = {span.pid for span in run.tasks if span.pid is not None}
    if run.cluster is not None:
        pids |= {worker.pid for worker in run.cluster.workers}
    return pids


def _status(process: psutil.Process) -> str | None:
    try:
        return str(process.status())
    except psutil.Error:
        return None
