"""Concurrency Workbench: see what sequential code, asyncio, threads and processes do."""

__version__ = "0.1.0"
