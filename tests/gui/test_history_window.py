"""The history in the window: each finished run kept (off the loop); the History panel lists,
filters, reopens and deletes; two files from different machines compared, with the note."""

from __future__ import annotations

from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import Qt

from tests.core.results_factory import make_results
from tests.gui.conftest import wait
from tests.gui.scenario import configure, run_to_completion
from workbench.core.exports import save, to_json
from workbench.core.history import History
from workbench.gui.history.panel import WITHOUT_PRESET
from workbench.gui.main_window import MainWindow


@pytest.fixture
def window(history_dir: Path, window: MainWindow) -> MainWindow:
    return window


def test_the_window_keeps_each_finished_run_and_the_open_panel_shows_it(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    panel = window.history.show_panel()
    wait(loop, lambda: window.history.loaded >= 1)
    assert panel.table.shown_ids() == []
    assert "empty" in panel.summary.text()

    configure(window, "sleep", ["sequential", "async-gather"], 3, duration=0.02)
    results = run_to_completion(window, loop)
    wait(loop, lambda: panel.table.shown_ids() == [1])

    (entry,) = History().list()
    assert entry.workload == "sleep" and entry.tasks == 3 and entry.preset is None
    assert History().results_text(entry.id) == to_json(results)
    assert "Kept in the history as #1" in window.status.currentMessage()
    assert window.banner.text() == ""


def test_a_history_that_cannot_be_written_is_one_line_in_the_banner(
    window: MainWindow, loop: qasync.QEventLoop, history_dir: Path
) -> None:
    history_dir.parent.mkdir(parents=True, exist_ok=True)
    history_dir.write_text("a file where the data folder should be")
    configure(window, "sleep", ["sequential"], 2, duration=0.01)
    run_to_completion(window, loop)
    wait(loop, lambda: window.banner.text() != "")
    assert window.banner.text().startswith("Not kept in the history: cannot make the folder")
    assert window.results is not None and not window.presenter.busy  # the run is on screen


def _fill_history() -> list[int]:
    history = History()
    return [
        history.record(make_results(workload="sleep"), preset="await-in-turn", verdict="holds"),
        history.record(make_results(workload="cpu", params={"size": 1000.0})),
        history.record(make_results(workload="sleep", tasks=7)),
    ]


def test_the_panel_lists_sorts_filters_reopens_and_deletes(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    ids = _fill_history()
    panel = window.history.show_panel()
    wait(loop, lambda: window.history.loaded >= 1)
    assert panel.table.shown_ids() == ids[::-1]  # newest first
    panel.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    assert panel.table.cell_texts()[-1][3] == "7"  # tasks, as numbers, ascending

    panel.workload.setCurrentText("sleep")
    assert sorted(panel.table.shown_ids()) == [ids[0], ids[2]]
    panel.preset.setCurrentText(WITHOUT_PRESET)
    assert panel.table.shown_ids() == [ids[2]]
    assert "1 of 3" in panel.summary.text()
    panel.preset.setCurrentText("all")
    panel.workload.setCurrentText("all")

    panel.table.select_ids([ids[2]])
    assert panel.reopen_button.isEnabled() and not panel.compare_button.isEnabled()
    panel.reopen_button.click()
    wait(loop, lambda: window.results is not None)
    assert window.results is not None and window.results.config.tasks == 7
    assert f"history #{ids[2]}" in window.header.text()

    panel.table.select_ids([ids[0], ids[1]])
    panel.delete_button.click()
    assert panel.confirm.isVisible() and f"#{ids[0]}" in panel.confirm.question.text()
    assert len(History()) == 3  # nothing gone before the answer
    panel.confirm.yes.click()
    wait(loop, lambda: panel.table.shown_ids() == [ids[2]])
    assert [e.id for e in History().list()] == [ids[2]]
    assert "Deleted" in panel.message.text()


def test_two_files_from_different_machines_compared_with_the_note_on_one_time_axis(
    window: MainWindow, loop: qasync.QEventLoop, tmp_path: Path
) -> None:
    two, eight = tmp_path / "two-cores.json", tmp_path / "eight-cores.json"
    save(make_results(("sequential", "threads"), (0.4, 0.2)), two)
    save(make_results(("sequential", "threads"), (0.3, 0.05), logical_cpus=8, physical_cpus=8,
                      cpu_model="Big Iron 9000"), eight)  # fmt: skip
    assert window.history.compare_files([two, eight]) is not None
    wait(loop, lambda: bool(window.history.comparisons))
    shown = window.history.comparisons[0]
    assert shown.isVisible()

    assert shown.notes.isVisible()
    assert "Different machines: cores A 2, B 8" in shown.notes.text()
    assert "CPU model A Test CPU 2000, B Big Iron 9000" in shown.notes.text()
    table = shown.table.cell_texts()
    assert table[0][:3] == ["sequential", "A", "0.400"]
    assert table[3][:2] == ["", "B"] and table[3][5] == "0.25×"  # threads: 0.05 / 0.2
    ranges = shown.timelines.x_ranges()
    assert len(ranges) == 2 and ranges[0] == pytest.approx(ranges[1])
    assert ranges[0][1] == pytest.approx(0.4 * 1.02)  # the longest run of both, A's
    shown.timelines.show_strategy("threads")  # the axis fits the longest run shown
    assert shown.timelines.x_ranges() == [pytest.approx((0, 0.2 * 1.02))] * 2


def test_history_entries_compared_from_the_panel(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    ids = _fill_history()
    panel = window.history.show_panel()
    wait(loop, lambda: window.history.loaded >= 1)
    panel.table.select_ids(ids[:2])
    assert panel.compare_button.isEnabled()
    panel.compare_button.click()
    wait(loop, lambda: bool(window.history.comparisons))
    shown = window.history.comparisons[0]
    assert "preset await-in-turn: holds" in shown.descriptions.text()
    assert "Different settings: workload A sleep, B cpu" in shown.notes.text()
    assert "Different machines" not in shown.notes.text()


def test_a_bad_file_is_one_line_and_opens_nothing(
    window: MainWindow, loop: qasync.QEventLoop, tmp_path: Path
) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    save(make_results(), good)
    bad.write_text("{not json")
    window.history.compare_files([good, bad])
    wait(loop, lambda: window.banner.text() != "")
    assert window.banner.text().startswith("Not compared:") and "bad.json" in window.banner.text()
    assert window.history.comparisons == []
