"""Running ``workbench`` as a user would, in a process of its own: its exit code, what it
printed, and the files it left."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from workbench.cli import main

QUICK_RUN = ("run", "-w", "sleep", "-n", "2", "-s", "sequential", "-p", "duration=0.01", "-q")
"""A run that takes a fraction of a second and still writes every output."""


def workbench(
    *args: str,
    data_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
    before: Callable[[], object] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m workbench ARGS``; ``data_dir`` is its data folder (history, fallbacks),
    ``before`` runs in the child before it starts (a umask)."""
    environment = {**os.environ, **(env or {})}
    if data_dir is not None:
        environment["WORKBENCH_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        text=True,
        env=environment,
        preexec_fn=before,  # a umask, set before exec
        check=False,
        timeout=300,
    )


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    """Its standard error, checked to be one line and no traceback."""
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    return proc.stderr


def refused(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``workbench ARGV`` in this process exits 2 with one line naming ``message``."""
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("workbench: error: "), err
    assert message in err, err
