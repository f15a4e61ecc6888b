"""``workbench compare``: history ids and files side by side; ``--json`` for scripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.results_factory import make_results
from workbench.cli import main
from workbench.core.exports import save
from workbench.core.history import History


def test_a_history_entry_against_a_file_from_another_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    entry_id = History().record(make_results(), preset="await-in-turn", verdict="holds")
    other = tmp_path / "eight-cores.json"
    save(make_results(("sequential", "async-gather"), (0.3, 0.05), logical_cpus=8,
                      cpu_model="Big Iron 9000"), other)  # fmt: skip

    assert main(["compare", str(entry_id), str(other)]) == 0
    text = capsys.readouterr().out
    assert "A  #1 " in text and "preset await-in-turn: holds" in text
    assert "B  eight-cores.json: sleep (duration=0.1), 3 tasks" in text
    assert "Different machines: cores A 2, B 8; CPU model A Test CPU 2000, B Big Iron 9000." in text

    assert main(["compare", f"#{entry_id}", str(other), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [e["label"] for e in data["experiments"]] == ["#1", "eight-cores.json"]
    assert data["differences"]["machines"]["cores"] == ["2", "8"]
    gather = next(s for s in data["strategies"] if s["strategy"] == "async-gather")
    assert [e["ratio_to_first"] for e in gather["experiments"]] == [1.0, 0.5]
    assert data["notes"][0].startswith("Different machines")
