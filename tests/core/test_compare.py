"""Comparing experiments: per strategy, each one's figures, ratios to the first, and what
differs between them (machines, interpreters, settings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.results_factory import make_results
from workbench.cli.compare import comparison_text
from workbench.core.exports import save
from workbench.core.history import History, HistoryError
from workbench.core.history.compare import Experiment, compare, comparison_to_dict
from workbench.core.history.experiments import load_experiment


@pytest.fixture
def two_machines(tmp_path: Path) -> tuple[Path, Path]:
    laptop, server = tmp_path / "laptop.json", tmp_path / "server.json"
    save(make_results(("sequential", "process-pool"), (0.4, 0.25), repeat=3), laptop)
    save(
        make_results(
            ("sequential", "process-pool"),
            (0.3, 0.05),
            repeat=3,
            logical_cpus=8,
            physical_cpus=8,
            cpu_model="Big Iron 9000",
        ),
        server,
    )
    return laptop, server


def test_two_files_from_different_machines_side_by_side_with_the_note(
    two_machines: tuple[Path, Path], tmp_path: Path
) -> None:
    history = History(tmp_path / "h.sqlite3")
    comparison = compare([load_experiment(str(p), history) for p in two_machines])
    pool = {row.strategy: row for row in comparison.rows}["process-pool"]
    laptop, server = pool.figures
    assert laptop is not None and server is not None
    assert laptop.wall_ns_median == 275_000_000  # repeats at 1.0, 1.1, 1.2 × 0.25 s
    assert (laptop.wall_ns_min, laptop.wall_ns_max) == (250_000_000, 300_000_000)
    assert laptop.ratio == pytest.approx(1.0)
    assert server.ratio == pytest.approx(0.2)
    assert server.speedup == pytest.approx(6.0)
    assert [d.what for d in comparison.machines] == ["cores", "physical cores", "CPU model"]
    assert comparison.interpreters == comparison.settings == ()
    [note] = comparison.notes
    assert note == (
        "Different machines: cores A 2, B 8; physical cores A 2, B 8; "
        "CPU model A Test CPU 2000, B Big Iron 9000."
    )

    text = comparison_text(comparison)
    assert "A  laptop.json: sleep (duration=0.1), 3 tasks" in text
    assert "B  server.json: sleep (duration=0.1), 3 tasks" in text
    assert "8 CPUs, Big Iron 9000, CPython 3.11.7" in text
    lines = text.splitlines()
    row = lines.index(next(line for line in lines if line.startswith("process-pool")))
    assert lines[row].split() == ["process-pool", "A", "0.275", "0.250", "0.300", "1.00×",
                                  "1.60×", "0.092", "17", "0"]  # fmt: skip
    assert lines[row + 1].split() == ["B", "0.055", "0.050", "0.060", "0.20×", "6.00×",
                                      "0.018", "4", "0"]  # fmt: skip
    assert note in text


def test_interpreters_and_settings_that_differ_are_named() -> None:
    a = Experiment("a", make_results(tasks=3))
    b = Experiment("b", make_results(tasks=5, python="3.13.1", gil_enabled=False))
    comparison = compare([a, b])
    assert comparison.machines == ()
    assert comparison.notes == (
        "Different interpreters: Python A CPython 3.11.7, B CPython 3.13.1 (GIL off).",
        "Different settings: tasks A 3, B 5.",
    )


def test_history_entries_bring_their_verdict_and_host(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    first = history.record(make_results(), preset="await-in-turn", verdict="holds",
                           hostname="lab-01")  # fmt: skip
    second = history.record(make_results(), hostname="lab-02")
    comparison = compare([load_experiment(f"#{first}", history),
                          load_experiment(str(second), history)])  # fmt: skip
    a, b = comparison.experiments
    assert (a.label, a.preset, a.verdict, a.hostname) == ("#1", "await-in-turn", "holds", "lab-01")
    assert (b.label, b.preset, b.hostname) == ("#2", None, "lab-02")
    assert [d.what for d in comparison.machines] == ["host"]
    data = json.loads(json.dumps(comparison_to_dict(comparison)))
    assert data["experiments"][0]["verdict"] == "holds"
    assert data["differences"]["machines"] == {"host": ["lab-01", "lab-02"]}
    gather = data["strategies"][1]["experiments"][1]
    assert gather["wall_s_median"] == pytest.approx(0.1)
    assert gather["ratio_to_first"] == pytest.approx(1.0)


def test_a_strategy_missing_from_one_experiment_is_left_empty() -> None:
    a = Experiment("a", make_results(("sequential", "threads"), (0.3, 0.2)))
    b = Experiment("b", make_results(("sequential",), (0.3,)))
    rows = {row.strategy: row.figures for row in compare([a, b]).rows}
    assert rows["threads"][1] is None
    assert "did not run" in comparison_text(compare([a, b]))


@pytest.mark.parametrize(
    ("reference", "message"),
    [("nope.json", "no such results file or history id"), ("7", "no history entry 7")],
)
def test_bad_references_are_one_line(reference: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match=message):
        load_experiment(reference, History(tmp_path / "h.sqlite3"))


def test_a_damaged_file_says_why(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "workbench.results/2"}')
    with pytest.raises(HistoryError, match=r"bad.json: damaged results file: missing field"):
        load_experiment(str(bad), History(tmp_path / "h.sqlite3"))


def test_an_experiment_on_several_pythons_keeps_a_row_per_python() -> None:
    """Each Python's figures stay its own (the last Python's overwrote the others')."""
    from dataclasses import replace

    from workbench.core.results import RunInterpreter

    standard = RunInterpreter("/usr/bin/python3.11", "3.11.7", "CPython", False, True, "3.11")
    free = RunInterpreter("/opt/python3.13t", "3.13.5", "CPython", True, False, "3.13t")
    on_311 = make_results(("sequential", "threads"), (0.50, 0.50), workload="cpu")
    on_313t = make_results(("sequential", "threads"), (0.60, 0.30), workload="cpu")
    both = replace(
        on_311,
        config=replace(on_311.config, interpreters=(standard, free)),
        runs=(
            *(replace(r, interpreter=standard) for r in on_311.runs),
            *(replace(r, interpreter=free) for r in on_313t.runs),
        ),
    )
    comparison = compare([Experiment("a.json", both), Experiment("b.json", both)])
    walls = {row.strategy: row.figures[0].wall_ns_median for row in comparison.rows}
    assert walls == {
        "sequential · 3.11": 500_000_000,
        "threads · 3.11": 500_000_000,
        "sequential · 3.13t": 600_000_000,
        "threads · 3.13t": 300_000_000,
    }
