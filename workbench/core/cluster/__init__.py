"""Running a run's tasks on a Dask cluster, with every task on the run's own time axis.

The ``dask`` strategy (:mod:`workbench.core.strategies.cluster`) submits the tasks to a
``dask.distributed`` client: a ``LocalCluster`` started for the run, or an existing scheduler.
This package is its machinery, child-side and standard-library only at import time (Dask's
``distributed`` is imported inside the functions that use it, so the child still starts on
any Python):

- :mod:`.worker`: what runs inside a Dask worker (the pool workers' entry point, and a probe
  that reads the worker's clocks);
- :mod:`.clocks`: placing a worker's timestamps on the run's clock (shared on one machine,
  estimated across machines);
- :mod:`.lanes`: the workers as the run meets them, one lane per worker thread;
- :mod:`.attempts`: which attempt of each task runs where, and the ones a dying worker lost;
- :mod:`.connection`: starting or reaching the cluster, and leaving nothing behind;
- :mod:`.tracker`: the run's wait loop, turning what the workers report into task events;
- :mod:`.address`: checking a scheduler address before any work.
"""

INSTALL = 'pip install "concurrency-workbench[dask]"'
"""The one line that installs the ``dask`` strategy's extra (here, not in :mod:`.connection`:
the strategies' registry names it without importing the cluster's machinery)."""
