""" "Your code…" in the window: paste, choose the functions, run; problems shown at their line."""

from __future__ import annotations

import json
import sys
import textwrap

import qasync
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import until
from tests.gui.scenario import RUN_TIMEOUT_S, configure
from workbench.core.datadir import data_dir
from workbench.core.presets import user_presets_folder
from workbench.core.workloads.usercode import MODULE_NAME
from workbench.gui.main_window import MainWindow
from workbench.gui.settings.config_panel import YOUR_CODE

PASTED = textwrap.dedent(
    """
    import asyncio
    import time


    def work(i, seconds=0.05):
        print("plain", i)
        time.sleep(seconds)


    async def async_work(i, seconds=0.05):
        print("async", i)
        await asyncio.sleep(seconds)
        if i == 2:
            raise ValueError("task 2 was told to fail")
    """
)


def _use_code(window: MainWindow, loop: qasync.QEventLoop, strategies: list[str]) -> None:
    configure(window, "sleep", strategies, 3)
    window.config_panel.workload_combo.setCurrentText(YOUR_CODE)


def _paste(window: MainWindow, loop: qasync.QEventLoop, text: str) -> None:
    pane = window.config_panel.code_pane
    QApplication.clipboard().setText(text)
    pane.editor.selectAll()
    pane.editor.paste()
    loop.run_until_complete(until(lambda: not pane._outline.isActive()))


def test_pasted_code_runs_and_its_tasks_are_drawn_with_what_it_printed(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    panel, pane = window.config_panel, window.config_panel.code_pane
    _use_code(window, loop, ["sequential", "async-gather"])
    assert panel.code_dock.isVisible()
    _paste(window, loop, PASTED)
    assert [pane.plain.itemText(i) for i in range(pane.plain.count())][1:] == ["work"]
    assert pane.names() == ["work", "async_work"]  # the only one of each kind, chosen
    pane.arguments.setText("seconds=0.02")

    window.actions.run.trigger()  # first the check (loading it, setup), then the run
    assert "Checking your code" in window.status.state.text() or window.presenter.busy
    loop.run_until_complete(until(lambda: window.presenter.busy, RUN_TIMEOUT_S))
    loop.run_until_complete(window.presenter.wait_idle())
    results = window.results
    assert results is not None and results.config.code is not None
    assert [r.strategy for r in results.runs] == ["sequential", "async-gather"]
    for run in results.runs:
        assert sorted(span.id for span in run.tasks) == [0, 1, 2]
        gantt = next(p for p in window.timeline.panels if p.strategy == run.strategy).gantt
        assert gantt.bars is not None and sorted(gantt.bars.task) == [0, 1, 2]
    gather = results.runs[1]
    assert [span.ok for span in gather.tasks] == [True, True, False]
    saved = data_dir() / "code" / "scratch.py"
    assert saved.read_text() == PASTED  # typed code is kept in the user's data folder
    assert results.config.code.kwargs == {"seconds": 0.02}
    shown = pane.output.toPlainText()
    assert "── sequential: printed 3 lines ──\nplain 0\nplain 1\nplain 2" in shown
    assert "── async-gather: task 2 failed ──" in shown
    assert "ValueError: task 2 was told to fail" in shown
    assert "work" in window.header.text()
    assert MODULE_NAME not in sys.modules  # the window never imported the user's file


def test_a_syntax_error_is_shown_at_its_line_and_nothing_runs(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    pane = window.config_panel.code_pane
    _use_code(window, loop, ["sequential"])
    _paste(window, loop, "import time\n\ndef task(i)\n    time.sleep(0.1)\n")
    assert pane.problem.isVisible()
    assert pane.problem.text() == "line 3: syntax error: expected ':'"
    assert pane.editor.marked_line == 3
    window.actions.run.trigger()
    assert not window.presenter.busy
    assert "syntax error" in pane.problem.text()
    assert window.results is None
    _paste(window, loop, "import time\n\ndef task(i):\n    time.sleep(0.01)\n")  # fixed
    assert not pane.problem.isVisible() and pane.editor.marked_line is None


def test_setup_raising_is_shown_at_its_line_and_the_window_keeps_working(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    pane = window.config_panel.code_pane
    _use_code(window, loop, ["sequential"])
    _paste(window, loop, "def setup():\n    {}['data']\n\ndef task(i):\n    pass\n")
    window.actions.run.trigger()
    loop.run_until_complete(until(pane.problem.isVisible))
    assert pane.problem.text() == "Not run: scratch.py:2: setup() raised KeyError: 'data'"
    assert pane.editor.marked_line == 2
    assert "line 2, in setup" in pane.problem.toolTip()
    assert not window.presenter.busy and window.results is None
    configure(window, "sleep", ["sequential"], 2, duration=0.01)  # still works
    window.actions.run.trigger()
    loop.run_until_complete(window.presenter.wait_idle())
    assert window.results is not None and window.results.ok


def test_a_missing_function_is_said_and_marks_nothing(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    pane = window.config_panel.code_pane
    _use_code(window, loop, ["async-gather"])
    _paste(window, loop, "def task(i):\n    pass\n")
    window.actions.run.trigger()
    assert not window.presenter.busy
    assert "async-gather awaits a coroutine function" in pane.problem.text()


def test_a_preset_with_code_shows_the_code_before_it_runs(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    folder = user_presets_folder()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "demo.py").write_text("async def async_task():\n    pass\n")
    preset = {
        "name": "my-demo",
        "title": "My demo",
        "source": "the teacher",
        "claim": "Gathered is not slower.",
        "why_holds": "Nothing waits.",
        "why_fails": "Something waited.",
        "experiments": [
            {
                "code": "demo.py",
                "tasks": 2,
                "strategies": ["async-sequential", "async-gather"],
                "expect": [{"kind": "fastest", "strategy": "async-gather"}],
            }
        ],
    }
    (folder / "my-demo.json").write_text(json.dumps(preset))
    try:
        shown = MainWindow()
        try:
            shown.show()
            shown.presets.choose("my-demo")
            panel = shown.config_panel
            assert panel.code_dock.isVisible()
            assert panel.code_pane.editor.toPlainText() == "async def async_task():\n    pass\n"
            assert panel.code_pane.names() == ["async_task"]
        finally:
            shown.close()
            loop.run_until_complete(shown.serve_until_closed())
            shown.deleteLater()
    finally:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


def test_a_config_with_code_opens_the_dock_only_when_asked(window: MainWindow) -> None:
    """While a preset's experiments run, the settings follow each one without the code's dock
    covering the charts and taking the keys at every experiment with code."""
    from workbench.core.config import build_config

    panel = window.config_panel
    config = build_config("sleep", ["sequential"], 2, code="example:await-in-turn")
    panel.set_config(config, reveal=False)
    assert panel.workload_combo.currentText() == YOUR_CODE
    assert not panel.code_dock.isVisible()
    panel.set_config(config)  # a preset chosen, a file opened: the code is seen
    assert panel.code_dock.isVisible()


def test_the_code_grows_with_presentation_modes_type(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    """The editor had the system's fixed font set whole, so its size stayed small on a
    projector while the rest of the window grew."""
    editor = window.config_panel.code_pane.editor
    before = editor.font().pointSizeF()
    window.actions.presentation.setChecked(True)
    try:  # the new size reaches a widget in an event of its own
        loop.run_until_complete(until(lambda: editor.font().pointSizeF() > before * 1.2))
        assert QFontInfo(editor.font()).fixedPitch()  # the font drawn, not the one asked for
    finally:
        window.actions.presentation.setChecked(False)
    loop.run_until_complete(until(lambda: editor.font().pointSizeF() == before))


def test_the_tooltip_names_the_file_that_will_run(window: MainWindow) -> None:
    """A changed example is saved as a copy in the data folder: the tooltip had named the
    shipped example, which is never written."""
    pane = window.config_panel.code_pane
    pane.open_example("three-counts")
    shipped = pane.where.toolTip()
    assert shipped.endswith("three-counts.py") and not shipped.startswith(str(data_dir()))

    pane.editor.appendPlainText("# changed")
    assert pane.where.toolTip() == str(data_dir() / "code" / "three-counts.py")
    assert pane.save() == data_dir() / "code" / "three-counts.py"  # where it was said to go
