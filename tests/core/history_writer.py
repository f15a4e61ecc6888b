"""A history writer in a process of its own, for the crash and concurrency tests.

``python -m tests.core.history_writer DB TASKS COUNT [GO_FILE]`` records COUNT results of
TASKS tasks each into the history at DB, saying ``recording`` before and ``recorded ID``
after each one.

The results are serialised once, up front: serialising is most of a real record's time, and
a kill that lands there proves nothing about the database; without it, a kill at a random
moment of a record lands in compressing, writing or committing.

With GO_FILE (several writers at once), each writer waits for that file to exist before its
first record, and halfway through waits until another writer has recorded something: so
however the processes are scheduled, neither can finish before the other has started.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path

from tests.core.results_factory import make_results
from workbench.core.exports import to_json
from workbench.core.history import History, store

TIMEOUT_S = 60.0


def _wait(condition: Callable[[], bool]) -> None:
    tick = threading.Event()
    for _ in range(int(TIMEOUT_S / 0.005)):
        if condition():
            return
        tick.wait(0.005)
    raise TimeoutError("the other writer never wrote")


def main(db: str, tasks: int, count: int, go_file: str | None = None) -> None:
    results = make_results(tasks=tasks)
    text = to_json(results)
    store.to_json = lambda _: text  # type: ignore[assignment]
    history = History(Path(db))
    if go_file is not None:
        _wait(Path(go_file).exists)
    for index in range(count):
        if go_file is not None and index == count // 2:
            _wait(lambda mine=index: len(history) > mine)
        print("recording", flush=True)
        print(f"recorded {history.record(results)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *sys.argv[4:5])
