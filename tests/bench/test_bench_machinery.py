"""`workbench bench --quick` exercises every section; the figures themselves live in the report."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from workbench.bench.reference import CASES, run_bare
from workbench.core.httpserver_client import local_http_server


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_bare_script_runs_and_reports_its_wall_time(case: object) -> None:
    from dataclasses import replace

    from workbench.bench.reference import Case

    assert isinstance(case, Case)
    small = replace(case, tasks=2)

    async def with_server() -> float:
        async with local_http_server() as url:
            return run_bare(small.bare_command(url))

    wall = asyncio.run(with_server()) if small.needs_server else run_bare(small.bare_command(None))
    assert wall > 0


def test_bench_writes_markdown_only_where_asked() -> None:
    from workbench.cli import build_parser

    assert build_parser().parse_args(["bench"]).markdown is None


def test_quick_bench_writes_json_and_markdown_from_outside_a_checkout(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out, markdown = tmp_path / "bench.json", tmp_path / "bench.md"
    committed = (REPO_ROOT / "docs" / "benchmarks.md").read_bytes()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "bench",
            "--quick",
            "--out",
            str(out),
            "--markdown",
            str(markdown),
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert list(elsewhere.iterdir()) == []
    assert (REPO_ROOT / "docs" / "benchmarks.md").read_bytes() == committed
    figures = json.loads(out.read_text())
    (fidelity,) = figures["fidelity"]
    assert fidelity["name"] == "sleep-3x1s-gather"
    assert fidelity["ratio_median"] > 0
    (point,) = figures["overhead"]
    assert point["tasks"] == 1_000
    assert point["pairs"] >= 2
    assert point["us_per_task_ci_low"] <= point["us_per_task"] <= point["us_per_task_ci_high"]
    assert point["bare_cpu_us_per_task"] > 0
    sampler = figures["sampler_share"]
    assert (sampler["tasks"], sampler["pairs"]) == (1_000, 2)
    low, high = sampler["sampler_us_per_task_ci_low"], sampler["sampler_us_per_task_ci_high"]
    assert low <= sampler["sampler_us_per_task"] <= high
    (share,) = figures["collector_share"]
    assert share["bare_asyncio_collector_us_per_task_median"] >= 0
    assert figures["scale"]["ok"] is True
    assert figures["opening"]["bytes_per_file_byte"] > 0
    assert figures["startup"]["child_ms_median"] > 0
    states = figures["thread_states"]
    if "skipped" not in states:
        assert states["engine"][0]["ratio_median"] > 0
        assert states["engine"][0]["sampler_cpu_percent_of_a_core"] > 0
    assert "| sleep-3x1s-gather |" in markdown.read_text()
    assert "outside the collector" in markdown.read_text()
    assert "Of which the thread-state sampler: 1,000 tasks" in markdown.read_text()
    assert "| tasks | µs/task (CPU) | 95 % interval |" in markdown.read_text()


def test_an_overhead_curve_below_its_first_size_is_one_clear_line() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "bench", "--overhead-up-to", "10"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "workbench: error: --overhead-up-to must be at least 1,000 tasks, not 10"
    ]


def test_a_case_given_more_pairs_gets_them_and_the_others_keep_theirs() -> None:
    from workbench.bench.fidelity import measure_fidelity
    from workbench.bench.reference import Case

    size = 20_000
    short, other = (
        Case(name, "cpu", strategy, 2, 2, {"size": size}, "cpu.py", (str(size), strategy))
        for name, strategy in (("short", "threads"), ("other", "sequential"))
    )
    figures = measure_fidelity(2, (short, other), lambda _: None, more_pairs={"short": 3})
    assert {f["name"]: f["repeats"] for f in figures} == {"short": 3, "other": 2}


def test_the_cases_given_more_pairs_are_reference_cases() -> None:
    """Pairs are given by name: a renamed case would quietly fall back to the fewer pairs."""
    from workbench.bench.reference import CASES
    from workbench.bench.runner import CPU_FIDELITY_PAIRS, SHORT_FIDELITY_PAIRS, _more_pairs

    more = _more_pairs()
    assert set(more) <= {case.name for case in CASES}
    assert sorted(more.values()) == [CPU_FIDELITY_PAIRS] * 3 + [SHORT_FIDELITY_PAIRS]


@pytest.mark.parametrize("error", ["server", "bench"])
def test_a_part_that_cannot_be_measured_ends_the_bench_in_one_line(
    error: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No local server, a bare script that fails: one line and exit 1, not a traceback."""
    from workbench.bench import runner
    from workbench.bench.reference import BenchError
    from workbench.cli import main
    from workbench.core.httpserver_client import ServerError

    def fail(*_: object, **__: object) -> int:
        if error == "server":
            raise ServerError("the local HTTP server did not start: no port reported")
        raise BenchError("cpu.py threads failed: MemoryError")

    monkeypatch.setattr(runner, "main", fail)
    assert main(["bench", "--quick"]) == 1
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1
    assert err.startswith("workbench bench: ") and ("did not start" in err or "failed" in err)
