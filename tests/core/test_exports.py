from __future__ import annotations

import csv
import io
import json
import os
import stat
import threading
from pathlib import Path

import pytest

from workbench.core.exports import (
    ResultsFileError,
    from_json,
    load,
    save,
    to_chrome_trace,
    to_csv,
    to_json,
)
from workbench.core.results import (
    Config,
    CpuSample,
    Interference,
    LagSample,
    Machine,
    MemoryPeak,
    Results,
    Run,
    TaskSpan,
)

MACHINE = Machine(2, 1, "Test CPU", "Linux", "3.11.7", "CPython", True)


def _results() -> Results:
    config = Config("sleep", {"duration": 0.5}, 2, 2, 1, ("sequential", "threads"))
    runs = (
        Run(
            "sequential",
            0,
            True,
            None,
            1_000_000_000,
            10_000_000,
            0,
            (
                TaskSpan(0, 1_000, 500_001_000, "main"),
                TaskSpan(1, 500_002_000, 999_000_000, "main"),
            ),
            (CpuSample(200_000_000, (3.0, 0.5)),),
        ),
        Run(
            "threads",
            0,
            True,
            None,
            500_000_000,
            12_000_000,
            1_000_000,
            (
                TaskSpan(0, 1_000_000, 501_000_000, "thread-1"),
                TaskSpan(
                    1,
                    1_100_000,
                    499_000_000,
                    "thread-2",
                    False,
                    "ValueError: x",
                    ((1_100_000, 200_000_000), (300_000_000, 499_000_000)),
                    (0, 1),
                ),
            ),
            (CpuSample(200_000_000, (1.0, 2.0)),),
            (LagSample(100_000_000, 2_000_000),),
            interference=Interference(other_cores=0.25, runqueue_share=0.125, samples=2),
            peak_memory=MemoryPeak(26_651_648, "pss"),
        ),
    )
    return Results(MACHINE, config, runs)


def test_json_round_trip_is_exact() -> None:
    results = _results()
    assert from_json(to_json(results)) == results


def test_json_carries_the_documented_fields_and_summary() -> None:
    data = json.loads(to_json(_results()))
    assert data["schema"] == "workbench.results/3"
    assert set(data["machine"]) >= {
        "logical_cpus",
        "physical_cpus",
        "cpu_model",
        "os",
        "python",
        "implementation",
        "gil_enabled",
    }
    assert data["config"]["strategies"] == ["sequential", "threads"]
    run = data["runs"][1]
    assert run["tasks"][1] == {
        "id": 1,
        "start_s": 0.0011,
        "end_s": 0.499,
        "worker": "thread-2",
        "ok": False,
        "error": "ValueError: x",
        "running": [[0.0011, 0.2], [0.3, 0.499]],
        "cores": [0, 1],
    }
    assert run["cpu_samples"][0] == {"t_s": 0.2, "per_core": [1.0, 2.0]}
    assert run["loop_lag"] == [{"t_s": 0.1, "lag_s": 0.002}]
    assert run["interference"] == {"other_cores": 0.25, "runqueue_share": 0.125, "samples": 2}
    assert run["peak_memory"] == {"bytes": 26_651_648, "measure": "pss"}
    assert "interference" not in data["runs"][0]  # not measured: absent, not null
    assert [s["speedup"] for s in data["summary"]] == [1.0, 2.0]


def test_save_then_load_gives_back_the_same_results(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    save(_results(), path)
    assert load(path) == _results()
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]  # no temp file left


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not a JSON file"),
        ("[1, 2]", "not a workbench results file"),
        ('{"schema": "other/9"}', "unsupported results schema 'other/9'"),
        ('{"schema": "workbench.results/1", "machine": {}}', "damaged results file"),
    ],
)
def test_bad_files_are_refused_in_one_sentence(text: str, message: str) -> None:
    with pytest.raises(ResultsFileError, match=message):
        from_json(text)


def test_loading_a_missing_or_binary_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(ResultsFileError, match="No such file"):
        load(tmp_path / "missing.json")
    binary = tmp_path / "x.json"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(ResultsFileError):
        load(binary)


def test_csv_has_one_row_per_task_per_run() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(_results()))))
    assert len(rows) == 4
    assert rows[3]["strategy"] == "threads"
    assert rows[3]["ok"] == "false"
    assert rows[3]["error"] == "ValueError: x"
    assert float(rows[0]["duration_s"]) == pytest.approx(0.5)


def test_chrome_trace_has_a_lane_per_worker_complete_events_and_cpu_counters() -> None:
    events = json.loads(to_chrome_trace(_results()))["traceEvents"]
    lanes = {(e["pid"], e["args"]["name"]) for e in events if e.get("name") == "thread_name"}
    assert lanes == {(1, "run"), (1, "main"), (2, "run"), (2, "thread-1"), (2, "thread-2")}
    tasks = [e for e in events if e["ph"] == "X" and e["cat"] == "task"]
    assert len(tasks) == 4
    assert all(e["dur"] >= 0 for e in tasks)
    counters = [e for e in events if e["ph"] == "C"]
    assert {(e["name"], *e["args"]) for e in counters} == {
        ("CPU 0", "busy %"),
        ("CPU 1", "busy %"),
        ("Loop lag", "ms"),
    }
    # The second run starts after the first one ended: runs never overlap in the trace.
    first_run_end = max(e["ts"] + e["dur"] for e in tasks if e["pid"] == 1)
    assert min(e["ts"] for e in tasks if e["pid"] == 2) > first_run_end


def test_version_2_files_still_open_without_interference_or_memory() -> None:
    data = json.loads(to_json(_results()))
    data["schema"] = "workbench.results/2"
    for run in data["runs"]:
        run.pop("interference", None)
        run.pop("peak_memory", None)
    results = from_json(json.dumps(data))
    assert results.runs[1].interference is None
    assert results.runs[1].peak_memory is None


def test_a_damaged_interference_is_named_in_one_line() -> None:
    data = json.loads(to_json(_results()))
    data["runs"][1]["interference"]["runqueue_share"] = 3
    with pytest.raises(ResultsFileError, match=r"runs\[1\]\.interference\.runqueue_share"):
        from_json(json.dumps(data))


def test_version_1_files_still_open() -> None:
    data = json.loads(to_json(_results()))
    data["schema"] = "workbench.results/1"
    for run in data["runs"]:
        del run["loop_lag"]
        for task in run["tasks"]:
            del task["running"]
    results = from_json(json.dumps(data))
    assert results.runs[0].tasks[0].running == ()
    assert results.runs[0].loop_lag == ()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_saving_to_a_pipe_or_device_writes_through_it_and_never_replaces_it(
    tmp_path: Path,
) -> None:
    """``--out /dev/null`` must not replace the device (as root it could) — tested on a pipe."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(
        target=lambda: received.append(pipe.read_text(encoding="utf-8")), daemon=True
    )
    reader.start()
    save(_results(), pipe)
    reader.join(timeout=30)
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert from_json(received[0]) == _results()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temp file beside it
