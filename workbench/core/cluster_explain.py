"""What a Dask run adds to its plain-language reading: what the scheduler cost per task, and
what the cluster was (a machine elsewhere, a worker lost).

The scheduler's cost is read off the timeline, as the workers felt it: the time a worker
waited between the end of one task and the start of its next — the result going to the
scheduler, the scheduler choosing, the next task coming back — while tasks were still
waiting for it. The median over every worker, so that one slow hand-off does not speak for
the run. Pure, like :mod:`workbench.core.explain`, which calls :func:`cluster_notes`.
"""

from __future__ import annotations

import itertools
import statistics

from workbench.core.clock import format_seconds, to_seconds
from workbench.core.results import Run


def between_tasks_ns(run: Run) -> int | None:
    """The median wait of a worker between two of its tasks; None without two on one lane."""
    spans = sorted(
        (span for span in run.tasks if span.attempt_of is None), key=lambda span: span.start_ns
    )
    last_start = max((span.start_ns for span in spans), default=0)
    gaps: list[int] = []
    for worker in {span.worker for span in spans}:
        lane = [span for span in spans if span.worker == worker]
        gaps += [
            b.start_ns - a.end_ns
            for a, b in itertools.pairwise(lane)
            if b.start_ns <= last_start and b.start_ns >= a.end_ns
        ]
    return round(statistics.median(gaps)) if gaps else None


def workers_busy(run: Run) -> float | None:
    """Cores the workers kept busy on average, from the scheduler's metrics (each worker's
    samples averaged, then summed); None without any."""
    per_worker: dict[str, list[float]] = {}
    for sample in run.worker_cpu:
        per_worker.setdefault(sample.worker, []).append(sample.percent)
    if not per_worker:
        return None
    return sum(statistics.fmean(values) for values in per_worker.values()) / 100


def cluster_notes(run: Run | None) -> list[str]:
    """Clauses for a Dask run's reading (none for other runs)."""
    if run is None or run.cluster is None:
        return []
    cluster, notes = run.cluster, []
    if not cluster.local:
        notes.append(f"on the cluster at {cluster.scheduler}, {len(cluster.workers)} workers")
        busy = workers_busy(run)
        if busy is not None:  # the CPU time above is this machine's run process alone
            notes.append(f"its workers kept about {busy:.1f} cores busy, as its scheduler saw")
    gap = between_tasks_ns(run)
    if gap is not None:
        notes.append(
            f"Dask took about {format_seconds(to_seconds(gap))} between a worker's tasks "
            "(the scheduler's round trip)"
        )
    elsewhere = [w for w in cluster.workers if not w.shared_clock]
    if elsewhere:
        worst = max(w.clock_uncertainty_ns for w in elsewhere)
        whose = (
            "the clock of its worker on another machine was"
            if len(elsewhere) == 1
            else f"the clocks of its {len(elsewhere)} workers on other machines were"
        )
        notes.append(f"{whose} aligned to within ±{format_seconds(to_seconds(worst))}")
    if run.lost_attempts:
        plural = "attempt" if run.lost_attempts == 1 else "attempts"
        notes.append(f"{run.lost_attempts} {plural} lost with dying workers and run again")
    return notes
