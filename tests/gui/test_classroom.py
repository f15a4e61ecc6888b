"""Classroom mode: presets fill the panel and run with a verdict; presentation mode."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.conftest import until, wait
from tests.gui.scenario import RUN_TIMEOUT_S, configure, run_to_completion
from workbench.core.presets import PresetVerdict, preset_named
from workbench.core.session import RunPreset
from workbench.gui import main_window
from workbench.gui.classroom.verdict_view import BADGE_WIDTH
from workbench.gui.main_window import MainWindow
from workbench.gui.theme import COLOUR_BLIND_SAFE, STANDARD


def test_choosing_a_preset_fills_the_config(window: MainWindow) -> None:
    panel = window.config_panel
    window.presets.choose("chess-exhibition")

    assert panel.workload_combo.currentText() == "mixed"
    assert int(panel.tasks.value()) == 24
    assert panel.selected_strategies() == ["sequential", "async-gather"]
    assert panel.param_fields["wait"].value() == pytest.approx(55.0 * 0.0002)  # time-scaled
    assert panel.param_fields["rounds"].value() == 30
    assert "Polgár" in window.presets.about.text()
    window.presets.time_scale.edit.setText("0.001")
    assert panel.param_fields["wait"].value() == 55.0 * 0.001


def test_ctrl_p_focuses_the_picker(window: MainWindow, qtbot: QtBot) -> None:
    window.activateWindow()
    window.actions.pick_preset.trigger()
    assert window.presets.combo.hasFocus()


def test_a_preset_run_shows_claim_measured_and_verdict(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    window.presets.choose("three-counts")
    window.presets.time_scale.edit.setText("0.1")
    window.actions.run.trigger()

    assert window.presenter.busy and window.verdict_view.isVisible()
    assert "measuring" in window.verdict_view.texts()["badge"].lower()
    loop.run_until_complete(asyncio.wait_for(window.presenter.wait_idle(), RUN_TIMEOUT_S))

    verdict = window.presenter.outcome
    assert verdict is not None
    texts = window.verdict_view.texts()
    assert texts["badge"].endswith(verdict.verdict.value.upper())
    assert "1.01 seconds" in texts["claim"]
    for line in verdict.measured:
        assert line.split(" (")[0] in texts["measured"]
    if "HOLDS" in texts["badge"]:  # 3 × 0.1 s sleeps gathered take ~0.1 s
        assert "event loop runs the others" in texts["explanation"]
    else:  # other programs got in the way: the verdict says so, and does not explain a claim
        assert "INCONCLUSIVE" in texts["badge"], texts
        assert "other programs kept" in texts["explanation"], texts
    assert window.results is not None and window.results.config.workload == "sleep"
    assert window.presets.isEnabled()


def test_presentation_mode_toggles_fonts_palette_and_state(
    window: MainWindow, qtbot: QtBot
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    size = app.font().pointSizeF()
    window.activateWindow()

    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.presentation.active
    assert window.windowState() & Qt.WindowState.WindowFullScreen
    assert app.font().pointSizeF() == 1.5 * size
    assert window.theme.palette == COLOUR_BLIND_SAFE
    assert not window.config_panel.strategy_checks["sequential"].isVisibleTo(window)
    assert window.presets.isVisibleTo(window)
    assert window.settings_panel.run_button.isVisibleTo(window)
    stop = window.settings_panel.stop_button
    assert not stop.isEnabled()  # nothing runs, and it shows: not as black as Run
    roles = (QPalette.ColorGroup.Disabled, QPalette.ColorGroup.Active)
    palette = QApplication.palette(stop)  # what presentation mode gives the app's buttons
    disabled, active = (palette.color(g, QPalette.ColorRole.ButtonText) for g in roles)
    assert disabled != active

    qtbot.keyClick(window, Qt.Key.Key_Escape)  # nothing runs: Esc leaves
    assert not window.presentation.active
    assert not window.windowState() & Qt.WindowState.WindowFullScreen
    assert app.font().pointSizeF() == size
    assert window.theme.palette == STANDARD
    assert window.config_panel.strategy_checks["sequential"].isVisibleTo(window)


def test_in_presentation_mode_every_row_of_a_run_gets_the_large_type(
    window: MainWindow, loop: qasync.QEventLoop, qtbot: QtBot
) -> None:
    """The panels built with the window are reused by the first run: restyled although they
    were off the screen when presentation mode began (their rows kept small titles)."""
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    configure(window, "sleep", ["sequential", "async-gather"], 2, duration=0.01)
    run_to_completion(window, loop)
    large = f"{window.theme.chart_points():g}pt"
    titled = [
        axis
        for panel in window.timeline.panels
        for plot in panel.plots()
        if (axis := plot.getAxis("left")).labelText
    ]
    assert {axis.labelText for axis in titled} >= {"task", "tasks", "CPU %", "lag (ms)"}
    assert {axis.labelStyle["font-size"] for axis in titled} == {large}
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.presentation.active


def test_a_sweep_plots_one_point_per_value_and_strategy(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    configure(window, "sleep", ["sequential", "async-gather"], 2, duration=0.02)
    dialog = window.classroom.open_sweep()
    wall = dialog.wall.getPlotItem()
    assert "Run sweep" in dialog.state.text()  # what the empty charts are for, before a point
    assert dialog.minimumSizeHint().width() <= 0.9 * 1024, "Stop stays on a 1024-wide screen"
    assert not wall.getAxis("left").isVisible() and not wall.getAxis("bottom").isVisible()
    dialog.axis.setCurrentText("tasks")
    dialog.values.setText("1, 0")
    assert not dialog.start()
    assert dialog.error.isVisible() and "tasks must be at least 1, got 0" in dialog.error.text()

    dialog.values.setText("1,4")
    assert dialog.start()
    loop.run_until_complete(asyncio.wait_for(window.presenter.wait_idle(), RUN_TIMEOUT_S))

    assert dialog.sweep is not None and dialog.sweep.values == (1, 4)
    assert dialog.plotted("sequential") == 2 and dialog.plotted("async-gather") == 2
    assert "tasks (count)" in wall.getAxis("bottom").labelText
    assert wall.getAxis("left").isVisible() and wall.getAxis("bottom").isVisible()
    assert dialog.state.text().startswith("Done")
    dialog.close()


def test_replay_steps_through_a_finished_run(
    window: MainWindow, loop: qasync.QEventLoop, qtbot: QtBot
) -> None:
    configure(window, "sleep", ["sequential"], 4, duration=0.02)
    results = run_to_completion(window, loop)
    replay = window.replay
    assert window.classroom.start_replay()

    def drawn() -> int:
        bars = window.timeline.panels[0].gantt.bars
        return 0 if bars is None else int(bars.task.size)

    assert replay.isVisible() and replay.at_ns == 0
    qtbot.keyClick(replay, Qt.Key.Key_Right)  # the first task starts
    qtbot.keyClick(replay, Qt.Key.Key_Right)
    qtbot.keyClick(replay, Qt.Key.Key_Right)
    assert 0 < replay.at_ns < results.runs[0].wall_ns
    assert 0 < drawn() < 4
    qtbot.keyClick(replay, Qt.Key.Key_End)
    assert drawn() == 4

    replay.speed.setCurrentIndex(replay.speed.count() - 1)  # 1×: a 80 ms run plays in 80 ms
    qtbot.keyClick(replay, Qt.Key.Key_Space)  # from the end: starts again at 0
    assert replay.playing and replay.at_ns == 0
    loop.run_until_complete(until(lambda: not replay.playing))
    assert replay.at_ns == replay.end_ns and drawn() == 4

    replay.stop()
    assert not replay.isVisible() and window.timeline.experiment is not None


def test_a_damaged_preset_file_is_shown_in_the_panel_and_the_others_stay(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.core import presets
    from workbench.gui.settings.preset_panel import PresetPanel

    for name in ("three-counts", "cpu-gil"):
        data = json.loads(presets.presets_folder().joinpath(f"{name}.json").read_text("utf-8"))
        if name == "cpu-gil":
            data["experiments"][0]["expect"][0]["kind"] = "speedp"
        (tmp_path / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(presets, "presets_folder", lambda: tmp_path)

    panel = PresetPanel()
    qtbot.addWidget(panel)
    listed = [panel.combo.itemData(i) for i in range(1, panel.combo.count())]
    assert listed == ["three-counts"]
    assert panel.problem is not None
    assert "cpu-gil.json: experiments[0].expect[0].kind: unknown rule kind" in panel.problem
    assert panel.about.text() == panel.problem


def _inconclusive() -> PresetVerdict:
    """cpu-gil's verdict on a machine whose other programs took most of the time."""
    from tests.core.test_verdicts import R, results
    from workbench.core.presets import judge
    from workbench.core.verdicts import Verdict

    busy = {"lost": 0.6, "other": 1.5}
    data = results(
        R("sequential", 1.0, **busy),
        R("async-gather", 1.0, **busy),
        R("threads", 1.0, **busy),
        R("process-pool", 0.7, parallel=True, **busy),
        workload="cpu",
    )
    verdict = judge(preset_named("cpu-gil"), (data,), 1.0)
    assert verdict.verdict is Verdict.INCONCLUSIVE
    return verdict


def test_an_inconclusive_verdict_offers_a_rerun_with_more_repeats(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    verdict = _inconclusive()
    preset = verdict.preset
    window.verdict_view.show_verdict(verdict)
    button = window.verdict_view.rerun_button
    assert button.isVisibleTo(window) and f"{verdict.rerun_repeat} repeats" in button.text()

    started: list[object] = []
    monkeypatch.setattr(window.presenter, "start", lambda m: started.append(m) or True)
    button.click()
    (rerun,) = started
    assert rerun == RunPreset(preset, 1.0, verdict.rerun_repeat)


def test_an_inconclusive_verdict_is_shown_whole_in_presentation_mode(
    window: MainWindow, loop: qasync.QEventLoop, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its badge wraps at the large type and the rerun button comes under it: the window
    makes room for both once the verdict replaces the claim, the timeline giving way when
    the screen is short (on a 1024×768 projector both were cut in half). A timeline share
    that leaves nothing over stands in for that screen here."""
    monkeypatch.setattr(main_window, "TIMELINE_SHARE", 0.9)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    view = window.verdict_view
    verdict = _inconclusive()
    view.show_claim(verdict.preset, 1.0)
    view.show_verdict(verdict)

    def whole() -> bool:
        button = view.rerun_button
        bottom = button.mapTo(view, button.rect().bottomLeft()).y()
        badge = view.badge
        return badge.height() >= badge.heightForWidth(BADGE_WIDTH) and bottom < view.height()

    wait(loop, whole, timeout_s=10)
    assert window.timeline.height() > view.height()  # it gave way, it did not give up
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.presentation.active


def test_the_settings_follow_a_presets_experiments_as_they_run(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    """After a preset's last experiment the settings showed its first one's workload beside
    the last one's charts (seen with decision-rule: "cpu, 4 tasks" beside 500 http requests)."""
    counts = preset_named("three-counts")
    first = counts.experiments[0]
    preset = replace(counts, experiments=(first, replace(first, label="five counts", tasks=5)))
    window.config_panel.set_config(first.config(0.1))  # as choosing the preset does
    assert window.presenter.start(RunPreset(preset, 0.1))
    loop.run_until_complete(asyncio.wait_for(window.presenter.wait_idle(), RUN_TIMEOUT_S))

    assert window.results is not None and window.results.config.tasks == 5
    assert window.config_panel.read_config() == window.results.config
    assert "(2 of 2)" in window.header.text()
