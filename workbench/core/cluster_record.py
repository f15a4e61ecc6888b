"""The engine's side of a ``dask`` run's cluster news: lanes named, CPU re-timed, attempts
marked — kept for the run's record (:class:`~workbench.core.results.Run`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from workbench.core.protocol import ClusterNews
from workbench.core.results import Cluster, ClusterWorker, TaskSpan, WorkerCpuSample
from workbench.core.timeline import SpanAssembler


class ClusterRecord:
    """Everything a run's child said about its cluster, so far."""

    def __init__(self) -> None:
        self._scheduler: str | None = None
        self._local = False
        self._workers: dict[str, ClusterWorker] = {}
        self._cpu: list[tuple[str, int, float]] = []
        """(address, time on the run's axis, %): a worker's lane may be named after its CPU."""
        self._lost: dict[int, int] = {}

    def take(self, news: ClusterNews, assembler: SpanAssembler) -> list[WorkerCpuSample]:
        """Take one message; return its CPU samples on the run's axis (for live views)."""
        self._scheduler, self._local = news.scheduler, news.local
        assembler.name_workers({lane.code: lane.label for lane in news.lanes})
        for lane in news.lanes:
            if lane.address not in self._workers:  # a worker's first thread names it
                self._workers[lane.address] = ClusterWorker(
                    lane.label,
                    lane.address,
                    lane.host,
                    lane.pid,
                    lane.clock_offset_ns,
                    lane.clock_uncertainty_ns,
                    lane.shared_clock,
                )
        self._lost.update(news.lost_attempts)
        t0 = assembler.t0_ns
        fresh = [(address, t - t0, percent) for address, t, percent in news.cpu if t >= t0]
        self._cpu += fresh
        return self._labelled(fresh)

    def _labelled(self, samples: Sequence[tuple[str, int, float]]) -> list[WorkerCpuSample]:
        """The samples of workers that ran a task (the others have no lane to go with)."""
        workers = self._workers
        return [
            WorkerCpuSample(t, workers[address].label, percent)
            for address, t, percent in samples
            if address in workers
        ]

    @property
    def cluster(self) -> Cluster | None:
        if self._scheduler is None:
            return None
        return Cluster(self._scheduler, self._local, tuple(self._workers.values()))

    @property
    def worker_cpu(self) -> tuple[WorkerCpuSample, ...]:
        return tuple(sorted(self._labelled(self._cpu), key=lambda sample: sample.t_ns))

    def mark(self, spans: Sequence[TaskSpan]) -> tuple[TaskSpan, ...]:
        """The spans, each lost attempt marked with the task it was an attempt of."""
        lost = self._lost
        if not lost:
            return tuple(spans)
        return tuple(
            dataclasses.replace(span, attempt_of=lost[span.id]) if span.id in lost else span
            for span in spans
        )
