"""Failures show up in the window in plain language, and the window keeps working."""

from __future__ import annotations

import pytest
import qasync

from tests.gui.scenario import configure, run_to_completion
from workbench.core import session
from workbench.core.workloads import EXTRA_MODULES_ENV
from workbench.gui.main_window import MainWindow

RAISE, EXIT = 1, 2


@pytest.fixture
def fault_workload(monkeypatch: pytest.MonkeyPatch) -> None:
    """The core's test-only ``fault`` workload, known here and in every child."""
    monkeypatch.setenv(EXTRA_MODULES_ENV, "tests.core.fault_workloads")
    import tests.core.fault_workloads  # noqa: F401 - registers the workload


@pytest.mark.usefixtures("fault_workload")
def test_a_failing_task_is_marked_and_counted(window: MainWindow, loop: qasync.QEventLoop) -> None:
    configure(window, "fault", ["sequential"], 3, mode=RAISE, task=1)
    results = run_to_completion(window, loop)

    assert results.runs[0].failed_tasks == 1
    gantt = window.timeline.panels[0].gantt
    assert gantt.bars is not None and gantt.bars.ok.tolist() == [True, False, True]
    assert gantt.drawn_rectangles() == 3 + 1  # the failed bar is also drawn hatched on top
    assert window.comparison.table.cell_texts()[0][-1] == "1"
    assert "1 task failed" in window.explanations.texts()[0]


@pytest.mark.usefixtures("fault_workload")
def test_a_run_whose_process_dies_is_reported_and_the_next_run_works(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    configure(window, "fault", ["sequential", "async-gather"], 3, mode=EXIT, task=1)
    results = run_to_completion(window, loop)

    assert [run.ok for run in results.runs] == [False, False]
    assert "sequential failed" in window.banner.text()
    assert "failed" in window.timeline.panels[0].gantt.plot.titleLabel.text

    configure(window, "sleep", ["sequential"], 2, duration=0.01)
    assert run_to_completion(window, loop).ok
    assert not window.banner.isVisible()


def test_an_engine_failure_is_shown_and_the_window_recovers(
    window: MainWindow, loop: qasync.QEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object, **__: object) -> None:
        raise OSError("Too many open files")

    monkeypatch.setattr(session, "run_experiment", broken)
    configure(window, "sleep", ["sequential"], 2, duration=0.01)
    window.actions.run.trigger()
    loop.run_until_complete(window.presenter.wait_idle())

    assert window.banner.text() == "The experiment could not run: Too many open files"
    assert window.actions.run.isEnabled() and not window.presenter.busy
