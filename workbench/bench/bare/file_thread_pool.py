"""N file write-then-read tasks on a thread pool, in a private temp dir."""

import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor


def write_then_read(directory: str, task_id: int, data: bytes) -> None:
    path = os.path.join(directory, f"task-{task_id}.bin")
    with open(path, "wb") as handle:
        handle.write(data)
    with open(path, "rb") as handle:
        if len(handle.read()) != len(data):
            raise OSError("short read")
    os.remove(path)


if __name__ == "__main__":
    n, workers, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    data = b"w" * size
    with tempfile.TemporaryDirectory() as directory:
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for _ in pool.map(lambda i: write_then_read(directory, i, data), range(n)):
                pass
        print(json.dumps({"wall_s": time.perf_counter() - start}))
