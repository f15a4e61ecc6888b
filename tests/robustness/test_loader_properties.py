"""Properties of the results loader (hypothesis): whatever JSON it is given — made up from
nothing, or a valid results file with a few values replaced, removed or added — it either
loads results that the window's model and the readings can take, or raises its own
``ResultsFileError``; never another exception, and in bounded time and memory.

Mutations of a valid file reach far deeper than random JSON (which stops at "no schema
field"), so most of the examples are those. The examples are derandomised: the same on every
run, no example database, and the whole file takes well under half a minute.
"""

from __future__ import annotations

import json
import math
import os
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.analysis import analyse
from workbench.core.exports import ResultsFileError, from_json, to_json
from workbench.core.results import (
    READABLE_SCHEMAS,
    Config,
    CpuSample,
    LagSample,
    Machine,
    Results,
    Run,
    RunInterpreter,
    TaskSpan,
    ThreadSampling,
)
from workbench.core.schemas import RESULTS, problem, schema
from workbench.core.threadstates.model import ThreadState, ThreadTimeline
from workbench.gui.model.live_run import LiveExperiment

EXAMPLES = int(os.environ.get("WORKBENCH_LOADER_EXAMPLES", "150"))
"""Examples per property: 150, the same every run, in CI; set more to hunt (then random)."""
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 150,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

MEMORY_PER_BYTE = 60
"""Peak bytes allocated while loading, per byte of text: generous (a real 100 MB file takes
under 7), and far below what a nesting bomb or a huge count would take."""


def _valid() -> Results:
    """A small file with every part the format has: threads, lag, an interpreter."""
    interpreter = RunInterpreter("/usr/bin/python3", "3.11.7", "CPython", False, True, "3.11")
    spans = tuple(
        TaskSpan(i, i * 1_000, i * 1_000 + 500, f"w{i % 2}", i != 3,
                 None if i != 3 else "ValueError: x", ((i * 1_000, i * 1_000 + 500),), (i % 2,))
        for i in range(6)
    )  # fmt: skip
    thread = ThreadTimeline(
        10, 11, "worker", ((0, 2_000, ThreadState.RUNNING), (2_000, 6_000, ThreadState.LOCK))
    )
    run = Run(
        "threads", 0, True, None, 8_000, 4_000, 100, spans,
        tuple(CpuSample(t, (50.0, 10.0)) for t in range(0, 8_000, 2_000)),
        tuple(LagSample(t, 10) for t in range(0, 8_000, 2_000)),
        interpreter=interpreter, threads=(thread,),
        thread_sampling=ThreadSampling("procfs", tuple(ThreadState), 1_000, 1_000),
    )  # fmt: skip
    machine = Machine(2, 2, "Test CPU", "Linux", "3.11.7", "CPython", True, "fork")
    config = Config("sleep", {"duration": 0.1}, 6, 2, 1, ("threads",))
    return Results(machine, config, (run,))


VALID = json.loads(to_json(_valid()))


def _warm_up() -> None:
    """Build every schema validator now: each is built once per process (and cached), and
    must not count as the memory of the example that happens to need it first."""
    problem(RESULTS, {})
    for definition in schema(RESULTS)["$defs"]:
        problem(RESULTS, {}, definition=definition)


_warm_up()

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
"""Any JSON value, NaN and Infinity included (Python's reader takes them)."""

odd_values = st.sampled_from(
    [0, -1, 1, 2, 1.5, -0.5, 2**63, 2**64, 1e308, -1e308, math.inf, -math.inf, math.nan,
     "", "0", "x" * 1000, True, False, None, [], {}, [0.1], [0.2, 0.1], [[0.2, 0.1]],
     10**7, 10**12, 100.5, "\ud800", "<b>x</b>"]
)  # fmt: skip
"""Values near the edges of what the format allows."""


def _places(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _places(value, (*path, index))


PLACES = list(_places(VALID))[1:]


def mutated(data: st.DataObject) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(json.dumps(VALID))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(PLACES))
        parent: Any = document
        try:
            for step in path[:-1]:
                parent = parent[step]
            kind = data.draw(st.sampled_from(["replace", "odd", "remove", "add"]))
            last = path[-1]
            if kind == "replace":
                parent[last] = data.draw(json_values)
            elif kind == "odd":
                parent[last] = data.draw(odd_values)
            elif kind == "remove":
                del parent[last]
            elif isinstance(parent, list):
                parent.insert(last, data.draw(json_values))
            else:
                parent[data.draw(st.text(max_size=8))] = data.draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced the way there
    return document


def _load_or_refuse(text: str) -> Results | None:
    """The loader's answer, measured: its own error (one line) or valid results, quickly, in
    little memory."""
    tracemalloc.start()
    began = time.perf_counter()
    refusal = ""
    try:
        return from_json(text)
    except ResultsFileError as exc:
        refusal = str(exc)
        return None
    finally:
        elapsed = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert "\n" not in refusal
        assert elapsed < 5.0, f"took {elapsed:.1f} s for {len(text):,} characters"
        assert peak < MEMORY_PER_BYTE * len(text) + 2**20, f"{peak:,} bytes at peak"


def _usable(results: Results) -> None:
    """What the window does with opened results, and what the loader promises about them."""
    for run in results.runs:
        for span in run.tasks:
            assert 0 <= span.start_ns <= span.end_ns
            assert all(0 <= a <= b for a, b in span.running)
        for sample in run.cpu_samples:
            assert len(sample.per_core) == results.machine.logical_cpus
            assert all(math.isfinite(p) for p in sample.per_core)
    LiveExperiment.from_results(results)
    analyse(results)
    text = to_json(results)
    text.encode("utf-8")  # writable: the history and File > Save write it as UTF-8
    assert from_json(text) == results


@PROPERTY
@given(json_values)
def test_any_json_loads_or_is_refused_by_the_loader(value: Any) -> None:
    results = _load_or_refuse(json.dumps(value))
    assert results is None  # nothing made up from nothing is a results file


@PROPERTY
@given(
    st.fixed_dictionaries(
        {
            "schema": st.sampled_from(READABLE_SCHEMAS),
            "machine": json_values,
            "config": json_values,
            "runs": st.lists(json_values, max_size=3),
        }
    )
)
def test_any_json_under_a_results_schema_loads_or_is_refused(value: dict[str, Any]) -> None:
    results = _load_or_refuse(json.dumps(value))
    if results is not None:
        _usable(results)


@PROPERTY
@given(st.data())
def test_a_valid_file_with_values_changed_loads_valid_results_or_is_refused(
    data: st.DataObject,
) -> None:
    results = _load_or_refuse(json.dumps(mutated(data)))
    if results is not None:
        _usable(results)


def test_the_valid_file_loads_and_is_usable() -> None:
    results = _load_or_refuse(json.dumps(VALID))
    assert results == _valid()
    _usable(results)
