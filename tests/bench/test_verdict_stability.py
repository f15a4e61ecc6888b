"""The stability bench's report, from saved runs judged again (no engine runs)."""

from __future__ import annotations

from pathlib import Path

from tests.core.results_factory import make_results
from workbench.bench.verdict_stability import judge_saved, report
from workbench.core.exports import save
from workbench.core.verdicts import Verdict


def test_saved_runs_are_judged_again_and_counted_per_preset_and_load(tmp_path: Path) -> None:
    # three-counts: async-sequential 3 × 1 s in turn, async-gather 1 s, three repeats.
    results = make_results(("async-sequential", "async-gather"), (3.0, 1.0), repeat=3)
    for index in (1, 2):
        save(results, tmp_path / f"three-counts-as-{index}-1.json")
        save(results, tmp_path / f"three-counts-hogs-{index}-1.json")
    (tmp_path / "notes.json").write_text("{}")  # not a saved run: ignored
    tallies = judge_saved(tmp_path)
    assert set(tallies) == {("three-counts", "as is"), ("three-counts", "hogs")}
    for tally in tallies.values():
        assert sum(tally.verdicts.values()) == 2
        assert tally.verdicts[Verdict.FAILS] == 0
    lines = report(tallies).splitlines()
    assert lines[0].split()[:6] == ["preset", "machine", "holds", "fails", "depends", "inconcl."]
    assert len(lines) == 4
