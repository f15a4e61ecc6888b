"""The window's recorder: every finished experiment kept, a preset's with its verdict, off the
event loop, and a history that cannot be written costs one line — never the measurement."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from tests.core.results_factory import make_results
from workbench.core.config import build_config
from workbench.core.history import History
from workbench.core.history.background import BackgroundHistory
from workbench.core.history.recorder import HistoryRecorder
from workbench.core.presets import preset_named
from workbench.core.results import Results
from workbench.core.session import RunExperiment, RunPreset, RunSweep, Session


class Listener:
    def __init__(self) -> None:
        self.ids: list[int] = []
        self.failures: list[str] = []
        self.threads: set[str] = set()

    def recorded(self, entry_id: int, results: Results) -> None:
        self.threads.add(threading.current_thread().name)
        self.ids.append(entry_id)

    def not_recorded(self, message: str) -> None:
        self.failures.append(message)


def measure(loop: asyncio.AbstractEventLoop, path: Path, measurement: object) -> Listener:
    listener = Listener()

    async def main() -> None:
        background = BackgroundHistory(path)
        session = Session(HistoryRecorder(background, listener))
        await session.run(measurement)  # type: ignore[arg-type]
        await background.close()

    loop.run_until_complete(asyncio.wait_for(main(), 120))
    return listener


def test_an_experiment_is_kept_and_the_listener_told_on_the_loop(
    loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    path = tmp_path / "history.sqlite3"
    config = build_config("sleep", ("sequential", "async-gather"), 2, params={"duration": 0.01})
    listener = measure(loop, path, RunExperiment(config))

    entries = History(path).list()
    assert [e.id for e in entries] == listener.ids == [1]
    assert entries[0].workload == "sleep" and entries[0].preset is None
    assert listener.threads == {threading.main_thread().name}
    assert listener.failures == []


def test_a_preset_is_kept_with_its_name_and_verdict(
    loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    path = tmp_path / "history.sqlite3"
    preset = preset_named("hello-hello")
    listener = measure(loop, path, RunPreset(preset, 0.05))

    entries = History(path).list()
    assert len(entries) == len(preset.experiments) == len(listener.ids)
    assert {e.preset for e in entries} == {"hello-hello"}
    verdicts = {e.verdict for e in entries}
    assert len(verdicts) == 1 and verdicts != {None}


def test_each_point_of_a_sweep_is_kept(loop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    base = build_config("sleep", ("sequential",), 2, params={"duration": 0.01})
    measure(loop, path, RunSweep(base, "tasks", (1, 2)))

    assert sorted(e.tasks for e in History(path).list()) == [1, 2]


def test_a_history_that_cannot_be_written_is_one_line_and_the_run_goes_on(
    loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    listener = Listener()

    async def main() -> None:
        background = BackgroundHistory(blocker / "history.sqlite3")
        recorder = HistoryRecorder(background, listener)
        future = recorder.record(make_results())
        assert future is not None
        await background.close()

    loop.run_until_complete(main())
    assert listener.ids == []
    assert len(listener.failures) == 1
    assert listener.failures[0].startswith("Not kept in the history: cannot make the folder")
    assert "\n" not in listener.failures[0]


def test_nothing_is_kept_when_no_run_finished(
    loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def main() -> None:
        background = BackgroundHistory(tmp_path / "history.sqlite3")
        recorder = HistoryRecorder(background)
        assert recorder.record(make_results((), (), interrupted=True)) is None
        await background.close()

    loop.run_until_complete(main())
    assert not (tmp_path / "history.sqlite3").exists()


def test_recording_runs_on_the_worker_thread_in_order(
    loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    seen: list[str] = []

    async def main() -> list[int]:
        background = BackgroundHistory(tmp_path / "history.sqlite3")
        recorder = HistoryRecorder(background)
        futures = [recorder.record(make_results(tasks=n)) for n in (1, 2, 3)]
        listed = background.run(lambda: [e.tasks for e in background.history.list()])
        background.run(lambda: seen.append(threading.current_thread().name))
        ids = [await f for f in futures if f is not None]
        assert await listed == [3, 2, 1]  # asked after the records: sees all three
        await background.close()
        return ids

    assert loop.run_until_complete(main()) == [1, 2, 3]
    assert seen and seen[0].startswith("workbench-history")
