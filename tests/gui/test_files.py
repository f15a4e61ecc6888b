"""Results files round-trip through the window; exports and errors are handled in-window."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from tests.gui.scenario import configure, reopened, run_to_completion
from workbench.gui.main_window import MainWindow


def snapshot(window: MainWindow) -> dict[str, object]:
    """What a viewer sees, as data: every panel's bars and title, the table, the readings."""
    panels = {}
    for panel in window.timeline.panels:
        bars = panel.gantt.bars
        assert bars is not None
        panels[panel.strategy] = {
            "title": panel.heading.whole,
            "bars": [bars.task.tolist(), bars.start_s.tolist(), bars.end_s.tolist()],
            "workers": bars.worker.tolist(),
            "x_range": list(panel.gantt.plot.vb.viewRange()[0]),
        }
    return {
        "panels": panels,
        "table": window.comparison.table.cell_texts(),
        "bar_labels": window.comparison.chart.label_texts(),
        "readings": window.explanations.texts(),
    }


def expected(before: dict[str, object]) -> dict[str, object]:
    """A snapshot to compare a reopened window with: every view range within a nanosecond.

    The range is arithmetic on the times, so after a round trip it may differ in the last bit,
    which rounding to a digit would still show when the value sits on a rounding boundary.
    """
    panels = before["panels"]
    assert isinstance(panels, dict)
    return {
        **before,
        "panels": {
            name: {**panel, "x_range": pytest.approx(panel["x_range"], abs=1e-9)}
            for name, panel in panels.items()
        },
    }


def test_a_saved_file_reopens_identically(
    window: MainWindow, loop: qasync.QEventLoop, settings: QSettings, tmp_path: Path
) -> None:
    configure(window, "sleep", ["sequential", "threads"], 3, repeat=2, duration=0.03)
    run_to_completion(window, loop)
    before = snapshot(window)
    path = tmp_path / "run.json"
    assert window.files.save_to(str(path))

    with reopened(window, path, settings, loop) as other:
        QApplication.processEvents()  # let the new panels take their size, as on screen
        assert snapshot(other) == expected(before)
        assert other.config_panel.read_config() == window.config_panel.read_config()
        assert str(path.resolve()) in other.files.recent.paths()


def test_an_unreadable_file_is_reported_in_the_window(window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "notes.json"
    bad.write_text("this is not a results file", encoding="utf-8")

    assert not window.files.open_file(str(bad))
    assert "Could not open notes.json" in window.banner.text()
    assert "not a JSON file" in window.banner.text()
    assert not window.files.open_file(str(tmp_path / "missing.json"))
    assert "No such file" in window.banner.text()


def test_exports_write_csv_trace_and_pngs(
    window: MainWindow, loop: qasync.QEventLoop, tmp_path: Path
) -> None:
    configure(window, "sleep", ["sequential", "async-gather"], 4, duration=0.02)
    run_to_completion(window, loop)

    csv_path, trace_path = tmp_path / "spans.csv", tmp_path / "trace.json"
    assert window.files.export_data_to("csv", str(csv_path))
    assert window.files.export_data_to("trace", str(trace_path))
    assert len(csv_path.read_text(encoding="utf-8").splitlines()) == 1 + 2 * 4
    assert json.loads(trace_path.read_text(encoding="utf-8"))
    for name, widget in (("timeline", window.timeline), ("comparison", window.comparison)):
        png = tmp_path / f"{name}.png"
        assert window.files.export_png_to(widget, str(png))
        image = QImage(str(png))
        assert not image.isNull() and image.width() == widget.width()


def test_a_write_failure_is_reported_not_raised(
    window: MainWindow, loop: qasync.QEventLoop, tmp_path: Path
) -> None:
    configure(window, "sleep", ["sequential"], 1, duration=0.01)
    run_to_completion(window, loop)

    assert not window.files.save_to(str(tmp_path / "no-such-folder" / "run.json"))
    assert "Could not write" in window.banner.text()


def test_a_compact_file_reopens_identically(
    window: MainWindow, loop: qasync.QEventLoop, settings: QSettings, tmp_path: Path
) -> None:
    configure(window, "sleep", ["async-gather"], 300, duration=0.02)
    run_to_completion(window, loop)
    before = snapshot(window)
    path = tmp_path / "run.wbr"
    assert window.files.save_to(str(path))
    assert path.read_bytes()[:4] == b"\x89WBR"

    with reopened(window, path, settings, loop) as other:
        QApplication.processEvents()
        assert snapshot(other) == expected(before)
        assert other.results == window.results


def test_save_offers_the_compact_form_first_for_a_big_run() -> None:
    from tests.core.results_factory import make_results
    from workbench.gui.results.files import COMPACT_FROM_TASKS, save_suffix

    assert save_suffix(None) == ".json"
    assert save_suffix(make_results(tasks=3)) == ".json"
    big = make_results(("async-gather",), (0.1,), tasks=COMPACT_FROM_TASKS)
    assert save_suffix(big) == ".wbr"
