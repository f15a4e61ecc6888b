"""The architecture's boundaries, checked by tools on every test run (so CI enforces them):
import-linter's contracts (pyproject.toml: the core and the window's model are Qt-free, the
core never imports the window or the CLI, the run's child is standard-library only, no view
imports the main window) and ``mypy --strict`` on the core and the window's model."""

from __future__ import annotations

import contextlib
import io

import pytest

from tests.conftest import REPO_ROOT


def test_import_contracts_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlinter.cli import lint_imports

    monkeypatch.chdir(REPO_ROOT)
    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        code = lint_imports(config_filename=str(REPO_ROOT / "pyproject.toml"), no_cache=True)
    assert code == 0, report.getvalue()


@pytest.mark.slow
def test_core_and_the_window_model_pass_mypy_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    from mypy import api

    monkeypatch.chdir(REPO_ROOT)
    stdout, stderr, code = api.run(["--config-file", str(REPO_ROOT / "pyproject.toml")])
    assert code == 0, stdout + stderr
