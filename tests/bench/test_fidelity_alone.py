"""``python -m workbench.bench.fidelity``: the fidelity table for the cases named, alone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from workbench.bench import fidelity
from workbench.bench.reference import Case


def _row(name: str, ratio: float) -> dict[str, Any]:
    return {
        "name": name,
        "ratio_median": ratio,
        "ratio_min": ratio - 0.05,
        "ratio_max": ratio + 0.05,
        "ratio_of_medians": ratio,
        "ratio_of_medians_ci_low": ratio - 0.02,
        "ratio_of_medians_ci_high": ratio + 0.02,
        "bare_wall_s_median": 1.0,
        "workbench_wall_s_median": ratio,
        "repeats": 3,
        "within_target": ratio <= fidelity.TARGET_RATIO,
        "machine": {"busy_share": 0.5, "steal_share": 0.01, "load_1min": 1.2},
    }


def test_the_cases_named_are_measured_together_and_tabled(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[tuple[int, tuple[str, ...]]] = []

    def measure(
        repeats: int, cases: Sequence[Case], progress: Callable[[str], None]
    ) -> list[dict[str, Any]]:
        asked.append((repeats, tuple(case.name for case in cases)))
        return [_row("cpu-4-sequential", 0.99), _row("cpu-4-threads", 1.05)]

    monkeypatch.setattr(fidelity, "measure_fidelity", measure)
    named = ["--case", "cpu-4-threads", "--case", "cpu-4-sequential"]
    assert fidelity.main([*named, "--pairs", "3"]) == 0
    assert asked == [(3, ("cpu-4-sequential", "cpu-4-threads"))]  # in the reference order
    table = capsys.readouterr().out
    assert "| cpu-4-sequential | 0.990 | 0.970 … 1.010 |" in table
    assert "| cpu-4-threads | 1.050 | 1.030 … 1.070 |" in table
    assert table.rstrip().endswith("load average 1.20.")
    assert table.count("| yes |") == 1 and table.count("| **no** |") == 1
    assert "VizTracer" not in table  # measured only by the whole benchmark: no empty column


def test_fewer_than_two_pairs_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as leaving:
        fidelity.main(["--pairs", "1"])
    assert leaving.value.code == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.endswith("--pairs must be at least 2: an interval needs two pairs")


def test_an_unknown_case_is_refused_with_the_cases_there_are(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as leaving:
        fidelity.main(["--case", "cpu-9-nothing"])
    assert leaving.value.code == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert "invalid choice: 'cpu-9-nothing'" in last and "cpu-4-threads" in last


def test_the_reports_table_keeps_the_tracers_column() -> None:
    from workbench.bench.report import fidelity_markdown

    tracer = [{"name": "cpu-4-threads", "tracer_ratio_median": 1.51}]
    table = "\n".join(fidelity_markdown([_row("cpu-4-threads", 1.05)], tracer))
    assert "| workbench s | VizTracer ratio | within target |" in table
    assert "| 1.050 | 1.510 | **no** |" in table
    empty = "\n".join(fidelity_markdown([_row("cpu-4-threads", 1.05)], []))
    assert "| 1.050 | — | **no** |" in empty  # the report without VizTracer installed
