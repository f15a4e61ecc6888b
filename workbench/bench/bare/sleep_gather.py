"""N × asyncio.sleep(duration), gathered: the seed's count() example, with no workbench code."""

import asyncio
import json
import sys
import time


async def task(duration: float) -> None:
    await asyncio.sleep(duration)


async def main(tasks: int, duration: float) -> None:
    await asyncio.gather(*(task(duration) for _ in range(tasks)))


if __name__ == "__main__":
    n, _, duration = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    start, cpu = time.perf_counter(), time.process_time()
    asyncio.run(main(n, duration))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"wall_s": wall, "cpu_s": cpu}))
