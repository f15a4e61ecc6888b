"""What the CLI prints: the window's comparison rows and text, fitted to a terminal or plain for a
log; a progress bar that redraws only on a terminal."""

from __future__ import annotations

import io

import pytest

from tests.table_text import table_cells, tables
from workbench.console import ProgressBar, comparison_table, progress, verdict_report
from workbench.core.comparison import COLUMNS, comparison_rows
from workbench.core.comparison import table_cells as window_cells
from workbench.core.results import Config, LagSample, Machine, Results, Run, TaskSpan
from workbench.core.timeline import END_EVENT, TaskEvent

MACHINE = Machine(2, 2, "Test CPU", "Linux", "3.11.7", "CPython", True, "fork")
MS = 1_000_000
STRATEGIES = ("sequential", "async-gather", "threads", "process-pool", "mp-pool")


def run(strategy: str, repeat: int, wall_ms: int, *, ok: bool = True, lag: bool = False) -> Run:
    workers = {"threads": "thread-", "process-pool": "process-"}.get(strategy)
    spans = tuple(
        TaskSpan(i, 0, wall_ms * MS, f"{workers}{i % 2 + 1}" if workers else "main", ok=i != 3)
        for i in range(4)
    )
    return Run(
        strategy,
        repeat,
        ok,
        None if ok else "pool worker (pid 7) died",
        wall_ms * MS,
        wall_ms * MS // 3,
        7 * MS if strategy == "process-pool" else 0,
        spans if ok else (),
        (),
        tuple(LagSample(t * 10 * MS, (t % 5) * MS // 10) for t in range(50)) if lag else (),
    )


def results() -> Results:
    """Repeats (min–max), failed tasks and a failed run, lag for the async strategy, a pool's
    start-up, and a strategy that never ran (stopped): every kind of cell."""
    runs = (
        run("sequential", 0, 400),
        run("async-gather", 0, 101, lag=True),
        run("threads", 0, 120),
        run("process-pool", 0, 230),
        run("sequential", 1, 410),
        run("async-gather", 1, 99, lag=True),
        run("threads", 1, 118),
        run("process-pool", 1, 0, ok=False),
    )
    config = Config("sleep", {"duration": 0.1}, 4, 2, 2, STRATEGIES)
    return Results(MACHINE, config, runs, interrupted=True)


def test_the_cli_table_is_the_windows_rows_cell_for_cell() -> None:
    data = results()
    expected = [list(window_cells(row)) for row in comparison_rows(data)]
    assert [row[0] for row in expected] == list(STRATEGIES[:4])  # mp-pool never ran
    text = comparison_table(data)
    (table,) = tables(text)
    assert table.splitlines()[0].split() == " ".join(COLUMNS).split()
    assert table_cells(table) == expected
    assert "…" not in text and "\x1b" not in text


@pytest.mark.parametrize("width", [40, 60, 80, 100, 160])
def test_a_narrow_terminal_splits_the_table_and_cuts_no_figure(width: int) -> None:
    data = results()
    text = comparison_table(data, width)
    assert all(len(line) <= width for line in text.splitlines()[1:]), text
    assert "…" not in text
    merged: dict[str, list[str]] = {}
    for table in tables(text):
        for cells in table_cells(table):
            merged.setdefault(cells[0], [cells[0]]).extend(cells[1:])
    assert list(merged.values()) == [list(window_cells(row)) for row in comparison_rows(data)]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def feed(bar: ProgressBar, finished: list[Run]) -> None:
    config = Config("sleep", {"duration": 0.1}, 4, 2, 1, tuple(r.strategy for r in finished))
    bar.experiment_started(config)
    for done in finished:
        bar.run_started(done.strategy, 0)
        bar.task_events(
            done.strategy,
            0,
            [TaskEvent(kind=END_EVENT, task_id=i, t_ns=0, worker="main") for i in range(2)],
        )
        bar.run_finished(done)


def test_off_a_terminal_the_progress_is_one_plain_line_per_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # set in many CI jobs: must not bring redraws back
    log = io.StringIO()
    with progress(log) as bar:
        assert isinstance(bar, ProgressBar)
        feed(bar, [run("sequential", 0, 400), run("process-pool", 0, 0, ok=False)])
    assert log.getvalue() == (
        "[1/2] sequential: 4/4 tasks, 0.400 s, 1 task(s) failed\n"
        "[2/2] process-pool: 0/4 tasks, FAILED: pool worker (pid 7) died\n"
    )


def test_on_a_terminal_the_bar_redraws_and_gives_the_cursor_back() -> None:
    screen = Terminal()
    with progress(screen) as bar:
        assert isinstance(bar, ProgressBar)
        feed(bar, [run("sequential", 0, 400)])
        bar.run_started("threads", 0)  # stopped mid-run: the context still takes the bar off
    shown = screen.getvalue()
    assert "\x1b[?25l" in shown  # the cursor hidden while the bar is live…
    assert shown.rfind("\x1b[?25h") > shown.rfind("\x1b[?25l")  # …and shown again at the end
    assert "[1/1] sequential: 4/4 tasks, 0.400 s, 1 task(s) failed\n" in shown
    assert "0/4" in shown and "tasks" in shown


def test_quiet_progress_prints_nothing() -> None:
    with progress(io.StringIO(), quiet=True) as observer:
        assert not isinstance(observer, ProgressBar)


def test_the_verdict_report_marks_each_rule_explains_this_verdict_and_offers_a_rerun() -> None:
    from workbench.core.presets import judge, preset_named
    from workbench.core.results import Interference
    from workbench.core.verdicts import Verdict

    preset = preset_named("cpu-gil")
    walls = {"sequential": 1.5, "async-gather": 1.02, "threads": 1.0, "process-pool": 1.1}
    runs = tuple(
        Run(
            name, r, True, None, round(wall * 1e9), round(1e9 * min(wall, 1.0)), 0,
            tuple(TaskSpan(i, i * MS, (i + 1) * MS, "main") for i in range(4)),
            interference=Interference(1.5, 0.33, 5),
        )
        for r in range(3)
        for name, wall in walls.items()
    )  # fmt: skip
    config = Config("sleep", {}, 4, 2, 3, tuple(walls))
    verdict = judge(preset, (Results(MACHINE, config, runs),), 1.0)
    assert verdict.verdict is Verdict.INCONCLUSIVE
    text = verdict_report(verdict, rerun="workbench run --preset cpu-gil --repeat 5")
    lines = text.splitlines()
    assert lines[0] == "CPU work and the GIL — a test: this machine may prove the article wrong"
    measured = [line for line in lines if line.startswith("  ? ")]
    assert len(measured) == 3  # each rule marked, with why it could not be decided
    assert "Verdict:  ? INCONCLUSIVE" in lines
    assert "other programs kept 1.5 of 2 cores busy" in " ".join(lines)
    assert lines[-1] == "Rerun:    workbench run --preset cpu-gil --repeat 5"
    why = text.split("Verdict:")[1]
    assert "This run cannot decide the claim" in why  # not the claim explained as true
    assert preset.why_holds[:40] not in why.replace("\n", " ")


@pytest.mark.parametrize("width", [30, 41, 57, 64, 80])
def test_a_reading_never_breaks_a_figure_from_its_unit(width: int) -> None:
    from workbench.console import _fill

    text = "the event loop's thread was waiting on IO 98 % of the time, 3.0 s on 2 cores " * 3
    for line in _fill(text, width, subsequent_indent="    ").splitlines():
        assert not line.lstrip().startswith(("%", "s ", "cores")), line
        assert "\u00a0" not in line
