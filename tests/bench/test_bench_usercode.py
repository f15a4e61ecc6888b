"""The user-code bench section: its bare script runs every case, the quick run gives figures."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workbench.bench.reference import run_bare
from workbench.bench.usercode import FIDELITY_CASES, CodeCase, measure_user_code, to_markdown


@pytest.mark.parametrize("case", FIDELITY_CASES, ids=lambda c: c.name)
def test_the_bare_script_runs_each_user_function(case: CodeCase) -> None:
    params = {"seconds": 0.01} if "seconds" in case.params or "counts" in case.name else {}
    small = replace(case, tasks=2, params=params)
    assert run_bare(small.bare_command()) > 0


def test_a_quick_run_measures_per_task_cost_and_fidelity() -> None:
    figures = measure_user_code(quick=True, progress=lambda _: None)
    assert [p["strategy"] for p in figures["per_task"]] == ["async-gather", "sequential"]
    for p in figures["per_task"]:
        assert p["builtin_us_per_task_median"] > 0 and p["user_us_per_task_median"] > 0
        assert p["within_target"] in ("yes", "no", "inconclusive")
    (fidelity,) = figures["fidelity"]
    assert fidelity["ratio_median"] > 0
    text = "\n".join(to_markdown(figures))
    assert "| async-gather | 1,000 |" in text
    assert "| code-three-counts-gather |" in text
