"""The run's process imports the engine's own ``workbench``, wherever the user stands: ``-m``
puts the current folder first on a child's path, and a ``workbench`` folder there — another
checkout, a project of that name — was imported instead (the run failed, or worse, ran another
version's child)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.robustness.commands import QUICK_RUN
from workbench.cli import main


def test_a_workbench_folder_in_the_current_folder_is_not_what_the_run_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    trap = tmp_path / "workbench"
    trap.mkdir()
    (trap / "__init__.py").write_text('raise ImportError("the wrong workbench")\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    assert main([*QUICK_RUN, "-s", "async-gather"]) == 0, capsys.readouterr()
    assert "the wrong workbench" not in "".join(capsys.readouterr())
