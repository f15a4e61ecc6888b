"""Shared test set-up: helper processes must be able to import the test-only workloads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

# Children inherit the environment: make `tests.*` importable wherever a task runs.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
)


@pytest.fixture(autouse=True, scope="session")
def private_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Never touch the user's real data folder (history, interpreters, saved code)."""
    folder = tmp_path_factory.mktemp("workbench-data")
    os.environ["WORKBENCH_DATA_DIR"] = str(folder)
    return folder
