"""A history writer in a process of its own, for the crash and concurrency tests.

``python -m tests.core.history_writer DB TASKS COUNT [GO_FILE]`` records COUNT results of
TASKS tasks each into the history at DB, saying ``recording`` before and ``recorded ID``
after each one. With GO_FILE it first waits for that file to exist, so several writers
start together.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from tests.core.results_factory import make_results
from workbench.core.history import History


def main(db: str, tasks: int, count: int, go_file: str | None = None) -> None:
    results = make_results(tasks=tasks)
    history = History(Path(db))
    if go_file is not None:
        tick = threading.Event()
        while not Path(go_file).exists():
            tick.wait(0.005)
    for _ in range(count):
        print("recording", flush=True)
        print(f"recorded {history.record(results)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *sys.argv[4:5])
