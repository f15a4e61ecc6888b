"""A Dask cluster started the way a class starts one — ``dask scheduler`` and ``dask worker``
as separate processes — here on loopback, for the tests that use ``--scheduler``."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psutil

from workbench.core.process_tree import kill_tree

ADDRESS = re.compile(r"Scheduler at:\s+(tcp://\S+)")


@dataclass
class LoopbackCluster:
    address: str
    client: Any
    """The test's own client (to ask the scheduler what it holds)."""
    processes: list[subprocess.Popen[str]]

    def worker_pids(self) -> set[int]:
        """The worker processes (each ``dask worker`` is a nanny; its worker is its child)."""
        return set(self.client.run(os.getpid).values())

    def all_pids(self) -> set[int]:
        """The scheduler, the nannies and everything they started."""
        pids = {process.pid for process in self.processes}
        for process in self.processes:
            pids |= {child.pid for child in psutil.Process(process.pid).children(recursive=True)}
        return pids

    def held_keys(self, prefix: str = "workbench-") -> list[str]:
        """The scheduler's tasks whose keys start with ``prefix`` (the runs' tasks)."""
        keys: list[str] = self.client.run_on_scheduler(
            lambda dask_scheduler: [str(k) for k in dask_scheduler.tasks]
        )
        return [key for key in keys if key.startswith(prefix)]


def _start(arguments: list[str], **options: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "dask", *arguments],
        text=True,
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        **options,
    )


def _scheduler_address(scheduler: subprocess.Popen[str], timeout_s: float) -> str:
    """Read the address the scheduler prints; keep draining its log afterwards."""
    lines: queue.Queue[str | None] = queue.Queue()

    def drain() -> None:
        assert scheduler.stderr is not None
        for line in scheduler.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=drain, daemon=True).start()
    while True:
        line = lines.get(timeout=timeout_s)
        if line is None:
            raise RuntimeError("dask scheduler exited before printing its address")
        if match := ADDRESS.search(line):
            return match.group(1)


def loopback_cluster(workers: int = 2, timeout_s: float = 60.0) -> Iterator[LoopbackCluster]:
    """``dask scheduler --host 127.0.0.1 --port 0`` and ``workers`` × ``dask worker ADDRESS
    --nthreads 1``, until the generator is closed; then every process of theirs is ended."""
    import distributed

    processes: list[subprocess.Popen[str]] = []
    client = None
    try:
        scheduler = _start(
            ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        processes.append(scheduler)
        address = _scheduler_address(scheduler, timeout_s)
        for _ in range(workers):
            processes.append(
                _start(
                    ["worker", address, "--nthreads", "1", "--no-dashboard"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        client = distributed.Client(address, timeout=timeout_s)
        client.wait_for_workers(workers, timeout=timeout_s)
        yield LoopbackCluster(address, client, processes)
    finally:
        if client is not None:
            client.close()
        for process in reversed(processes):
            kill_tree(process.pid, group=True)
            process.wait(timeout=10)
