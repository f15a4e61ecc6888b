"""N pure-Python CPU tasks run sequentially, one thread each, or on a process pool."""

import json
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat


def spin(iterations: int) -> int:
    x = y = 0
    for _ in repeat(None, iterations):
        x = (x * 3 + 1) % 83
        y = (y + x) % 101
    return x * 101 + y


def sequential(tasks: int, workers: int, size: int) -> None:
    for _ in range(tasks):
        spin(size)


def threads(tasks: int, workers: int, size: int) -> None:
    pool = [threading.Thread(target=spin, args=(size,)) for _ in range(tasks)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def process_pool(tasks: int, workers: int, size: int) -> None:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(spin, [size] * tasks):
            pass


STRATEGIES = {"sequential": sequential, "threads": threads, "process-pool": process_pool}

if __name__ == "__main__":
    n, workers, size, strategy = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    start = time.perf_counter()
    STRATEGIES[strategy](n, workers, size)
    print(json.dumps({"wall_s": time.perf_counter() - start}))
