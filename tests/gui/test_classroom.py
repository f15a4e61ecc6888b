"""Classroom mode: presets fill the panel and run with a verdict; presentation mode."""

from __future__ import annotations

import asyncio

import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.scenario import RUN_TIMEOUT_S, configure
from workbench.gui import style
from workbench.gui.main_window import MainWindow
from workbench.gui.presentation import OKABE_ITO


def test_choosing_a_preset_fills_the_config(window: MainWindow) -> None:
    panel = window.config_panel
    window.classroom.presets.choose("chess-exhibition")

    assert panel.workload_combo.currentText() == "mixed"
    assert int(panel.tasks.value()) == 24
    assert panel.selected_strategies() == ["sequential", "async-gather"]
    assert panel.param_fields["wait"].value() == 55.0 * 0.0005  # durations time-scaled
    assert panel.param_fields["rounds"].value() == 30
    assert "Polgár" in window.classroom.presets.about.text()
    window.classroom.presets.time_scale.edit.setText("0.001")
    assert panel.param_fields["wait"].value() == 55.0 * 0.001


def test_ctrl_p_focuses_the_picker(window: MainWindow, qtbot: QtBot) -> None:
    window.activateWindow()
    window.classroom.pick_action.trigger()
    assert window.classroom.presets.combo.hasFocus()


def test_a_preset_run_shows_claim_measured_and_verdict(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    classroom = window.classroom
    classroom.presets.choose("three-counts")
    classroom.presets.time_scale.edit.setText("0.1")
    window.actions.run.trigger()

    assert classroom.runner.running and classroom.verdict_view.isVisible()
    assert "measuring" in classroom.verdict_view.texts()["badge"].lower()
    loop.run_until_complete(asyncio.wait_for(classroom.wait_idle(), RUN_TIMEOUT_S))

    verdict = classroom.runner.verdict
    assert verdict is not None
    texts = classroom.verdict_view.texts()
    assert texts["badge"].endswith(verdict.verdict.value.upper())
    assert "HOLDS" in texts["badge"], texts  # 3 × 0.1 s sleeps gathered take ~0.1 s
    assert "1.01 seconds" in texts["claim"]
    for line in verdict.measured:
        assert line.split(" (")[0] in texts["measured"]
    assert "event loop runs the others" in texts["explanation"]
    assert window.results is not None and window.results.config.workload == "sleep"
    assert classroom.presets.isEnabled()


def test_presentation_mode_toggles_fonts_palette_and_state(
    window: MainWindow, qtbot: QtBot
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    size = app.font().pointSizeF()
    colours = list(style.WORKER_COLOURS)
    window.activateWindow()

    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.classroom.presentation.active
    assert window.windowState() & Qt.WindowState.WindowFullScreen
    assert app.font().pointSizeF() == 1.5 * size
    assert style.WORKER_COLOURS[: len(OKABE_ITO)] == OKABE_ITO
    assert not window.config_panel.strategy_checks["sequential"].isVisibleTo(window)
    assert window.classroom.presets.isVisibleTo(window)
    assert window.config_panel.run_button.isVisibleTo(window)

    qtbot.keyClick(window, Qt.Key.Key_Escape)  # nothing runs: Esc leaves
    assert not window.classroom.presentation.active
    assert not window.windowState() & Qt.WindowState.WindowFullScreen
    assert app.font().pointSizeF() == size
    assert list(style.WORKER_COLOURS) == colours
    assert window.config_panel.strategy_checks["sequential"].isVisibleTo(window)


def test_a_sweep_plots_one_point_per_value_and_strategy(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    configure(window, "sleep", ["sequential", "async-gather"], 2, duration=0.02)
    dialog = window.classroom.open_sweep()
    dialog.axis.setCurrentText("tasks")
    dialog.values.setText("1, 0")
    assert not dialog.start()
    assert dialog.error.isVisible() and "tasks must be at least 1, got 0" in dialog.error.text()

    dialog.values.setText("1,4")
    assert dialog.start()
    loop.run_until_complete(asyncio.wait_for(dialog.wait_idle(), RUN_TIMEOUT_S))

    assert dialog.sweep is not None and dialog.sweep.values == (1, 4)
    assert dialog.plotted("sequential") == 2 and dialog.plotted("async-gather") == 2
    assert "tasks (count)" in dialog.wall.getPlotItem().getAxis("bottom").labelText
    dialog.close()
