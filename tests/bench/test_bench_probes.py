"""A probe's peak memory is its own, not that of the process that started it."""

from __future__ import annotations

import subprocess
import sys

import pytest

PARENT_MB = 400

_CHILD = "from workbench.bench.probes import peak_bytes; print(peak_bytes())"
_PARENT = f"""
import subprocess, sys
held = bytearray({PARENT_MB} * 2**20)
for i in range(0, len(held), 4096):
    held[i] = 1  # resident, not just reserved
print(subprocess.run([sys.executable, "-c", {_CHILD!r}], capture_output=True, text=True,
                     check=True).stdout.strip())
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the inherited peak is Linux's")
def test_a_probe_started_by_a_big_process_reports_its_own_peak() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _PARENT], capture_output=True, text=True, check=True
    )
    peak_mb = int(proc.stdout.strip()) / 2**20
    # A bare interpreter that imports the probes module peaks at a few tens of MB; the
    # parent's 400 MB is what ru_maxrss would have said.
    assert 1 < peak_mb < PARENT_MB / 4
