"""What keeping and collecting results costs: ``python -m workbench.bench.history_probe``.

Runs real experiments (a 100,000-task async-gather, a 10,000-task run of four strategies),
then measures, in a temporary data folder:
- recording the 100,000-task results in the history (the time, of which making the compact
  form; bytes on disk per entry, and what the zlib'd JSON stored before took) and reopening
  it, and how long an event loop is held up at most while the window records it on a worker thread;
- the class collector's throughput over loopback: small files from 20 clients at once, and
  10,000-task files one after another (each validated and recorded in the history).
Prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

from workbench.core.config import build_config
from workbench.core.engine import run_experiment
from workbench.core.exports import to_json
from workbench.core.exports.compact import to_compact
from workbench.core.history import History
from workbench.core.history.background import BackgroundHistory
from workbench.core.history.recorder import HistoryRecorder
from workbench.core.history.store import COMPRESSION_LEVEL
from workbench.core.lab import Collector, Roster
from workbench.core.lab.client import submit
from workbench.core.lab.ratelimit import RateLimit
from workbench.core.results import Results


def _experiment(workload: str, strategies: list[str], tasks: int, **params: float) -> Results:
    config = build_config(workload, strategies, tasks, params=params)
    return asyncio.run(run_experiment(config))


def _seconds(action: Any, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_recording(results: Results, folder: Path) -> dict[str, Any]:
    history = History(folder / "history.sqlite3")
    text = to_json(results)
    blob = to_compact(results)
    record_s = _seconds(lambda: history.record(results))
    ids = [e.id for e in history.list()]
    db_bytes = sum(p.stat().st_size for p in folder.glob("history.sqlite3*"))
    return {
        "tasks": sum(len(r.tasks) for r in results.runs),
        "results_file_mb": round(len(text) / 2**20, 2),
        "record_s": round(record_s, 3),
        "of_which_to_compact_s": round(_seconds(lambda: to_compact(results)), 3),
        "stored_mb_per_entry": round(len(blob) / 2**20, 2),
        "before_zlib_json_mb_per_entry": round(
            len(zlib.compress(text.encode(), COMPRESSION_LEVEL)) / 2**20, 2
        ),
        "database_mb_for_entries": [round(db_bytes / 2**20, 2), len(ids)],
        "reopen_s": round(_seconds(lambda: history.get(ids[0]), repeat=1), 3),
        "loop_stall_while_recording_ms": asyncio.run(_loop_stall(results, folder)),
        "list_s": round(_seconds(history.list), 4),
    }


async def _loop_stall(results: Results, folder: Path) -> float:
    """The longest a 10 ms timer on the loop ran late while the results were recorded the
    window's way (:class:`HistoryRecorder` on the history's worker thread)."""
    background = BackgroundHistory(folder / "stall.sqlite3")
    recorder = HistoryRecorder(background)
    lags: list[float] = []
    recording = recorder.record(results)
    assert recording is not None
    while not recording.done():
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - before - 0.01)
    await background.close()
    return round(max(lags, default=0.0) * 1000, 1)


async def _throughput(folder: Path, small: str, big: str) -> dict[str, Any]:
    roster = Roster(history=History(folder / "history.sqlite3"))
    limit = RateLimit(burst=1000, per_second=1000.0)
    async with Collector(roster, host="127.0.0.1", rate_limit=limit) as collector:
        address, code = f"127.0.0.1:{collector.port}", collector.join_code

        async def one(text: str) -> None:
            reply = await submit(address, code, text, timeout_s=120)
            assert reply.accepted, reply.message

        count = 200
        start = time.perf_counter()
        for _ in range(count // 20):
            await asyncio.gather(*(one(small) for _ in range(20)))
        small_s = time.perf_counter() - start
        big_count = 5
        start = time.perf_counter()
        for _ in range(big_count):
            await one(big)
        big_s = time.perf_counter() - start
    return {
        "small_files": count,
        "small_file_kb": round(len(small) / 1024, 1),
        "small_files_per_s_20_clients": round(count / small_s, 1),
        "big_file_mb": round(len(big) / 2**20, 2),
        "big_file_s_each": round(big_s / big_count, 3),
        "big_mb_per_s": round(big_count * len(big) / 2**20 / big_s, 1),
    }


def main() -> None:
    quick = "--quick" in sys.argv
    large = _experiment("sleep", ["async-gather"], 10_000 if quick else 100_000, duration=0.5)
    ten_k = _experiment(
        "sleep", ["sequential", "async-gather", "thread-pool", "process-pool"],
        1_000 if quick else 10_000, duration=0.0,
    )  # fmt: skip
    small = _experiment("sleep", ["sequential", "async-gather"], 3, duration=0.01)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        os.environ["WORKBENCH_DATA_DIR"] = temp
        figures = {
            "record": measure_recording(large, folder / "record"),
            "collector": asyncio.run(
                _throughput(folder / "collect", to_json(small), to_json(ten_k))
            ),
        }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
