"""Reaching a Dask cluster for one run — started here, or an existing one — and leaving
nothing behind.

A ``LocalCluster`` is what a user's script would start: ``--workers`` worker processes with
one thread each (so each worker is one lane, as a process pool's worker is), behind nannies
that restart a worker that dies, on 127.0.0.1, without the web dashboard (nobody looks at it
during a run, and it would take a port). Its processes are this process's descendants: the
child's orphan handling and the engine's Stop end them with the rest of the run's tree, and
closing here ends whatever outlived Dask's own shutdown.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from workbench.core.cluster import INSTALL
from workbench.core.cluster.address import check_reachable
from workbench.core.params import ConfigError
from workbench.core.process_tree import kill_tree

CONNECT_TIMEOUT_S = 5.0
"""How long to try reaching an existing scheduler before saying it does not answer."""
WORKERS_TIMEOUT_S = 30.0
"""How long an existing scheduler may take to have a worker at all."""
CLOSE_TIMEOUT_S = 10.0


class ClusterError(RuntimeError):
    """The cluster could not be reached or used: said in one line, with what to do."""


@dataclass(frozen=True)
class Connection:
    """A client, and what it is connected to."""

    client: Any
    """A ``distributed.Client`` (typed loosely: ``distributed`` is imported only here)."""
    scheduler: str
    local: bool


def import_distributed() -> Any:
    """Dask's ``distributed``, or :class:`ClusterError` with the line that installs it."""
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"dask needs the distributed package: {INSTALL}") from None
    return distributed


@contextlib.contextmanager
def connected(scheduler: str | None, workers: int) -> Iterator[Connection]:
    """A client of a ``LocalCluster`` of ``workers`` processes started for the run, or of
    the scheduler at ``scheduler``; closed (and the local cluster's processes gone) after."""
    distributed = import_distributed()
    logging.getLogger("distributed").setLevel(logging.ERROR)  # the run's stderr: failures only
    cluster = client = None
    try:
        if scheduler is None:
            cluster = distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = distributed.Client(cluster)
        else:
            client = _client_of(distributed, scheduler)
        yield Connection(client, str(client.scheduler.address), scheduler is None)
    finally:
        _close(client, cluster)


def _client_of(distributed: Any, scheduler: str) -> Any:
    try:  # Dask retries a refused connection until its timeout: one plain connect says it now
        check_reachable(scheduler)
    except ConfigError as exc:
        raise ClusterError(str(exc)) from None
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(
            f"no Dask scheduler answers at {scheduler} within {CONNECT_TIMEOUT_S:g} s ({exc})"
        ) from None
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
    except (OSError, TimeoutError):
        client.close()
        raise ClusterError(
            f"the Dask scheduler at {scheduler} has no workers: start 'dask worker "
            f"{scheduler} --nthreads 1' on each machine that should work"
        ) from None
    return client


def _close(client: Any, cluster: Any) -> None:
    """Close the client and the local cluster; then end whatever of the cluster is left.

    Only a local cluster's processes are this process's children: an existing scheduler's
    workers belong to whoever started them (closing the client releases the run's tasks).
    """
    with contextlib.suppress(Exception):  # a cluster half-started or already gone
        if client is not None:
            client.close(timeout=CLOSE_TIMEOUT_S)
    with contextlib.suppress(Exception):
        if cluster is not None:
            cluster.close(timeout=CLOSE_TIMEOUT_S)
    if cluster is not None:
        kill_tree(os.getpid(), include_root=False)
