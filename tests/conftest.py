"""Shared test set-up: helper processes must be able to import the test-only workloads."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

# Children inherit the environment: make `tests.*` importable wherever a task runs.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
)
