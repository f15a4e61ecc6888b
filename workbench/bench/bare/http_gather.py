"""N aiohttp GETs gathered against a local server (URL in argv), with no connection cap.

The session is the http workload's: no connection cap, and a total timeout of a minute more
than the server's delay. aiohttp's default (five minutes, and 30 s to connect) has more to
arm a request: with it this script executed ~3 % more instructions a request than the
workload's own session (``python -m workbench.bench.http_instructions``), so the fidelity
ratio compared two clients, not the workbench's cost.
"""

import asyncio
import json
import sys
import time

import aiohttp


async def fetch(session: aiohttp.ClientSession, url: str) -> None:
    async with session.get(url) as response:
        await response.read()
        if response.status != 200:
            raise OSError(f"HTTP {response.status}")


async def main(tasks: int, url: str, delay: float) -> None:
    timeout = aiohttp.ClientTimeout(total=60.0 + delay)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(fetch(session, url) for _ in range(tasks)))


if __name__ == "__main__":
    n, _, delay, base = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    start = time.perf_counter()
    asyncio.run(main(n, f"{base}/wait?delay={delay}", delay))
    print(json.dumps({"wall_s": time.perf_counter() - start}))
