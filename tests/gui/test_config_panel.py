"""The config panel is built from what the core declares, and refuses bad values visibly."""

from __future__ import annotations

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from workbench.core.strategies import STRATEGIES
from workbench.core.workloads import WORKLOADS
from workbench.gui.main_window import MainWindow
from workbench.gui.settings.config_panel import ConfigPanel


@pytest.mark.usefixtures("loop")
def test_the_form_follows_each_workloads_declared_parameters() -> None:
    panel = ConfigPanel()
    for name, workload in WORKLOADS.items():
        panel.workload_combo.setCurrentText(name)
        assert list(panel.param_fields) == [p.name for p in workload.params]
        for param in workload.params:
            field = panel.param_fields[param.name]
            assert param.help in field.edit.toolTip()
            assert field.unit.text() == param.unit
            assert field.problem() is None  # every default is valid
    for name, check in panel.strategy_checks.items():
        if STRATEGIES[name].unavailable is None:
            assert STRATEGIES[name].summary.split("--workers")[0] in check.toolTip()
    panel.deleteLater()


@pytest.mark.usefixtures("loop")
def test_a_strategy_whose_extra_is_missing_is_offered_disabled_with_the_install_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from workbench.core.strategies import base

    monkeypatch.setattr(base, "_importable", lambda module: False)
    panel = ConfigPanel()
    dask = panel.strategy_checks["dask"]
    assert not dask.isEnabled() and 'pip install "concurrency-workbench[dask]"' in dask.toolTip()
    panel.set_running(True)
    panel.set_running(False)
    assert not dask.isEnabled()  # a run's end does not bring it back
    panel.deleteLater()


@pytest.mark.usefixtures("loop")
def test_the_scheduler_field_reaches_the_config_and_is_checked() -> None:
    panel = ConfigPanel()
    panel.workload_combo.setCurrentText("sleep")
    for name, check in panel.strategy_checks.items():
        check.setChecked(name == "sequential")
    panel.scheduler.setText("tcp://127.0.0.1:8786")
    assert panel.read_config() is None  # a scheduler without the dask strategy
    assert "dask" in panel.error.text()
    panel.strategy_checks["dask"].setChecked(True)
    config = panel.read_config()
    assert config is not None and config.scheduler == "tcp://127.0.0.1:8786"
    panel.deleteLater()


def test_an_out_of_range_value_is_refused_with_a_visible_message(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    panel = window.config_panel
    panel.tasks.edit.setText("0")

    assert panel.tasks.error.isVisible()  # flagged as typed, before running
    assert "tasks must be between 1" in panel.tasks.error.text()
    window.actions.run.trigger()
    assert not window.presenter.busy
    assert panel.error.isVisible() and "Not run" in panel.error.text()
    assert "Not run" in window.status.state.text()

    panel.tasks.edit.setText("2")
    assert not panel.tasks.error.isVisible() and not panel.error.isVisible()


def test_a_parameter_outside_its_bounds_is_flagged_inline(window: MainWindow) -> None:
    panel = window.config_panel
    panel.workload_combo.setCurrentText("sleep")
    QApplication.processEvents()  # the rebuilt form is shown on the next event pass
    field = panel.param_fields["duration"]

    field.edit.setText("-1")
    assert field.error.isVisible() and "between 0 and 3600 s" in field.error.text()
    field.edit.setText("soon")
    assert "must be a number" in field.error.text()
    assert panel.read_config() is None


def test_a_limit_across_fields_is_explained(window: MainWindow) -> None:
    panel = window.config_panel
    panel.tasks.edit.setText("6,000")
    for name, check in panel.strategy_checks.items():
        check.setChecked(name == "threads")

    assert panel.read_config() is None
    assert "threads allows at most 5,000 tasks" in panel.error.text()


def test_switching_workloads_keeps_what_was_typed(window: MainWindow) -> None:
    panel = window.config_panel
    panel.workload_combo.setCurrentText("sleep")
    panel.param_fields["duration"].edit.setText("0.75")
    panel.workload_combo.setCurrentText("cpu")
    panel.workload_combo.setCurrentText("sleep")
    assert panel.param_fields["duration"].text() == "0.75"
