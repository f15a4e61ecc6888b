"""A results document cut to what jsonschema checks up front: everything but each run's long
lists, plus their first few items (see :func:`~workbench.core.exports.results_reader.from_json`).
"""

from __future__ import annotations

from typing import Any

from workbench.core.exports.threads_io import outline_threads

_BULK = ("tasks", "cpu_samples", "loop_lag", "worker_cpu", "threads")
SAMPLED = 3
"""Items of each run's long lists checked against the schema up front (see :func:`from_json`)."""


def outline(data: dict[str, Any]) -> dict[str, Any]:
    """The document with its long lists cut to their first few items (shallow copies): the
    runs, each run's bulk, the summary (ignored on loading: recomputed). What is cut is
    checked by :mod:`~workbench.core.exports.results_values` as it is converted, so a file of
    a million summary rows or runs cannot keep jsonschema busy for minutes."""
    outlined = {**data}
    if isinstance(data.get("summary"), list):
        outlined["summary"] = data["summary"][:SAMPLED]
    runs = data.get("runs")
    if isinstance(runs, list):
        outlined["runs"] = [
            outline_threads(
                {
                    k: value[:SAMPLED] if k in _BULK and isinstance(value, list) else value
                    for k, value in r.items()
                },
                SAMPLED,
            )
            if isinstance(r, dict)
            else r
            for r in runs[:SAMPLED]
        ]
    return outlined
