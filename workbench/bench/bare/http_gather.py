"""N aiohttp GETs gathered against a local server (URL in argv), with no connection cap."""

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


async def main(tasks: int, url: str) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await asyncio.gather(*(fetch(session, url) for _ in range(tasks)))


if __name__ == "__main__":
    n, _, delay, base = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    start = time.perf_counter()
    asyncio.run(main(n, f"{base}/wait?delay={delay}"))
    print(json.dumps({"wall_s": time.perf_counter() - start}))
