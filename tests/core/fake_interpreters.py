"""Fake Python interpreters for tests — small executable shell scripts standing in for one —
and the real free-threaded build, where there is one."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="fakes are POSIX shell scripts")


def make_fake(folder: Path, name: str, body: str) -> Path:
    """An executable shell script ``folder/name`` running ``body`` (with a plain PATH)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text(f"#!/bin/sh\nPATH=/usr/bin:/bin\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def answer(**facts: object) -> str:
    """A shell line printing what the probe prints, with ``facts`` over a plain 3.12."""
    said = {
        "version": "3.12.4",
        "implementation": "CPython",
        "free_threaded": False,
        "gil_enabled": True,
        "executable": "",
        "virtual_env": False,
    }
    said.update(facts)
    return f"echo 'workbench-probe:{json.dumps(said)}'"


def free_threaded_build() -> Path | None:
    """The free-threaded CPython named by ``WORKBENCH_FREE_THREADED_PYTHON``, or the one
    ``.ci/free-threaded-python`` builds into the cache folder; None if there is neither."""
    named = os.environ.get("WORKBENCH_FREE_THREADED_PYTHON")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    built = Path(named) if named else cache / "concurrency-workbench/python3.13t/bin/python3.13t"
    return built if built.is_file() else None


NO_FREE_THREADED = (
    "no free-threaded build: set WORKBENCH_FREE_THREADED_PYTHON or run .ci/free-threaded-python"
)
