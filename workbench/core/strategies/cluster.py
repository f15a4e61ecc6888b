"""The ``dask`` strategy: every task submitted to a ``dask.distributed`` cluster.

By default a ``LocalCluster`` of ``--workers`` single-threaded worker processes is started for
the run — its start counted in the run's start-up, as a pool's is — and closed with it; with a
scheduler address, an existing cluster runs the tasks (a class's machines, say). See
:mod:`workbench.core.cluster` for how the workers' task events reach the run's timeline.
Dask's ``distributed`` is imported before the run's clock starts (:func:`prepare_dask`), as a
script imports it at its top: importing it takes about a second here.
"""

from __future__ import annotations

from workbench.core.clock import now_ns
from workbench.core.cluster import INSTALL
from workbench.core.cluster.connection import connected, import_distributed
from workbench.core.cluster.tracker import Tracker
from workbench.core.strategies.base import RunContext

__all__ = ["INSTALL", "prepare_dask", "run_dask"]


def prepare_dask() -> None:
    import_distributed()


def run_dask(ctx: RunContext) -> int:
    started = now_ns()
    with connected(ctx.scheduler, ctx.workers) as connection:
        Tracker(ctx, connection).run()
    return started
