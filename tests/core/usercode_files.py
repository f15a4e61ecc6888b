"""User code files for the tests: written into a temp folder, run like a user's own."""

from __future__ import annotations

import textwrap
from pathlib import Path

PAIR = """
import asyncio, time

def task(i, seconds=0.01):
    time.sleep(seconds)

async def async_task(i, seconds=0.01):
    await asyncio.sleep(seconds)
"""

FAILING = """
import asyncio

def check(i):
    if i == 1:
        raise ValueError(f"task {i} was told to fail")

def task(i):
    check(i)

async def async_task(i):
    await asyncio.sleep(0)
    check(i)
"""

SETUP_AND_PRINTS = """
import os, sys, time

READY = []

def setup():
    READY.append(os.getpid())
    sys.stdout.write(f"setup {os.getpid()}\\n")  # one write: processes share the pipe
    time.sleep(0.5)

def task(i):
    assert READY[-1] == os.getpid(), "setup did not run in this process"
    print("task", i, os.getpid())
    print("warning", i, file=sys.stderr)
"""


EXITS = """
import multiprocessing, os, threading, time

def task(i, where="main"):
    time.sleep(0.2)
    in_worker = multiprocessing.parent_process() is not None
    in_main = threading.current_thread() is threading.main_thread() and not in_worker
    if i == 2 and (in_worker if where == "worker" else in_main):
        os._exit(3)
"""


def write(folder: Path, source: str, name: str = "demo.py") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path
