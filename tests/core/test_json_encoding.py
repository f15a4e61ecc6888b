"""The results file written in short steps (so a worker thread recording a 100,000-task run
never holds the GIL for long) is the very text one call to the encoder would write."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tests.core.results_factory import make_results
from workbench.core.exports import json_io, results_writer
from workbench.core.results import LagSample


@pytest.mark.parametrize(
    "tasks", [1, results_writer.ENCODE_CHUNK, results_writer.ENCODE_CHUNK + 1, 2_345]
)
def test_chunked_encoding_is_the_one_call_encoding(tasks: int) -> None:
    results = make_results(("sequential", "async-gather", "threads"), (0.3, 0.1, 0.2),
                           tasks=tasks, repeat=7)  # fmt: skip
    lagged = tuple(
        replace(run, loop_lag=tuple(LagSample(i, 2 * i) for i in range(tasks)))
        for run in results.runs
    )
    results = replace(results, runs=lagged)  # 21 runs, long lag lists too
    whole = json.dumps(json_io.to_dict(results), separators=(",", ":"))
    assert json_io.to_json(results) == whole
    assert json_io.from_json(whole) == json_io.from_json(json_io.to_json(results))
