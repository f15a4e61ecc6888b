"""The cluster's workers as a run meets them: who each is, its clock, one lane per thread.

A worker is probed the first time the run hears of it (at the start, and when a nanny
restarts a dead one under a new address): one broadcast reads every new worker's clock, which
settles the ones on this machine (they share the run's clock); a worker elsewhere gets a few
more round trips of its own, the quickest of which sets its offset (:mod:`.clocks`).

Each thread that runs tasks is a lane, labelled ``host:pid`` (``host:pid/2``… for a worker's
second and later threads). Its worker code — what the task events carry — is the thread's
native id when the worker is on this machine (as for a process pool's workers, so the
operating system's view of the thread can be matched to its tasks) and a number far above
any thread id otherwise: a thread id of another machine could be one of this machine's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from workbench.core.clock import now_ns
from workbench.core.cluster import INSTALL
from workbench.core.cluster.clocks import Probe, Reading, WorkerClock, estimate, read_boot_id
from workbench.core.cluster.connection import ClusterError
from workbench.core.cluster.worker import read_clock, short_host_name
from workbench.core.protocol import ClusterLane

REMOTE_CODES = 1 << 48
"""Worker codes of threads on other machines start here."""
PROBES = 5
"""Round trips for a worker on another machine; the quickest one sets its clock's offset."""


@dataclass
class Worker:
    """One worker process of the cluster, as the run knows it."""

    address: str
    host: str
    pid: int
    clock: WorkerClock
    codes: dict[int, int] = field(default_factory=dict)
    """Native thread id → worker code, for the threads that ran tasks."""

    @property
    def label(self) -> str:
        return f"{self.host}:{self.pid}"


class Lanes:
    """The workers met so far, and the lanes not yet announced to the engine."""

    def __init__(self, client: Any, on_new_worker: Callable[[str], None]) -> None:
        self._client = client
        self._on_new_worker = on_new_worker
        self._boot_id, self._host = read_boot_id(), short_host_name()
        self._workers: dict[str, Worker] = {}
        self._remote_codes = REMOTE_CODES
        self._new: list[ClusterLane] = []
        self._labels: dict[int, str] = {}

    def get(self, address: str) -> Worker | None:
        return self._workers.get(address)

    def meet(self, addresses: Iterable[str]) -> None:
        """Probe the workers at ``addresses`` not met yet (one that is gone is left out)."""
        new = [address for address in dict.fromkeys(addresses) if address not in self._workers]
        if not new:
            return
        first = self._probe(new)
        for address, probe in first.items():
            probes = [probe]
            if not estimate(probes, self._boot_id, self._host).shared:
                probes += [
                    p for _ in range(PROBES - 1) if (p := self._probe([address]).get(address))
                ]
            reading = probe.reading
            clock = estimate(probes, self._boot_id, self._host)
            self._workers[address] = Worker(address, reading.host, reading.pid, clock)
            self._on_new_worker(address)

    def departed(self, address: str, host: str, pid: int) -> Worker:
        """A worker Dask names that the run never heard from (it died first): a lane for it,
        without a clock (nothing of it is placed in time but the moment the run learned it)."""
        known = self._workers.get(address)
        if known is not None:
            return known
        here = host in ("127.0.0.1", "::1", "localhost")
        clock = WorkerClock(0, 0, here, 0)
        worker = self._workers[address] = Worker(address, self._host if here else host, pid, clock)
        return worker

    def code(self, worker: Worker, thread: int) -> int:
        """The worker code of ``thread`` of ``worker``, announcing a new lane the first time."""
        code = worker.codes.get(thread)
        if code is not None:
            return code
        if worker.clock.shared:
            code = thread
        else:
            code = self._remote_codes
            self._remote_codes += 1
        label = worker.label if not worker.codes else f"{worker.label}/{len(worker.codes) + 1}"
        worker.codes[thread] = code
        self._labels[code] = label
        clock = worker.clock
        self._new.append(
            ClusterLane(
                code,
                label,
                worker.address,
                worker.host,
                worker.pid,
                clock.offset_ns,
                clock.uncertainty_ns,
                clock.shared,
            )
        )
        return code

    def label(self, code: int) -> str:
        """The label of the lane ``code`` (a worker's second thread is "host:pid/2"): what a
        reason names, so that it names the lane its marker is drawn on."""
        return self._labels[code]

    def take_new(self) -> list[ClusterLane]:
        new, self._new = self._new, []
        return new

    def _probe(self, addresses: list[str]) -> dict[str, Probe]:
        """One round trip to these workers: each one's clock reading, bracketed by ours."""
        sent = now_ns()
        try:
            answers = self._client.run(read_clock, workers=addresses, on_error="return")
        except (OSError, TimeoutError, KeyError, ValueError):  # gone before it answered
            return {}
        received = now_ns()
        probes: dict[str, Probe] = {}
        for address, answer in answers.items():
            if isinstance(answer, Reading):
                probes[address] = Probe(sent, received, answer)
            elif isinstance(answer, ImportError):
                raise ClusterError(
                    f"the Dask worker at {address} cannot import the workbench ({answer}): "
                    f"install it on that machine: {INSTALL}"
                )
        return probes
