"""User code for the bench (loaded by path): the built-in sleep workload's work, written by a
user — so the difference between the two is what running user code costs per task."""

import asyncio
import time


def task(seconds=0.0):
    time.sleep(seconds)


async def async_task(seconds=0.0):
    await asyncio.sleep(seconds)
