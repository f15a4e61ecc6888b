"""The window's Python box: the window's own ticked by default, a free-threaded build offered with
the GIL off and forced on, "Add interpreter…" probing and remembering; and a run on two Pythons
drawn as one panel per interpreter and strategy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import qasync

from tests.core.fake_interpreters import answer, make_fake, posix_only
from tests.gui.conftest import until
from tests.gui.scenario import configure, run_to_completion
from workbench.core.interpreter_launch import running_interpreter
from workbench.core.interpreter_search import remembered_paths
from workbench.core.interpreters import Interpreter
from workbench.core.params import ConfigError
from workbench.gui.main_window import MainWindow
from workbench.gui.settings.interpreters_box import InterpretersBox

FREE = Interpreter("/opt/py/bin/python3.13t", "3.13.5", "CPython", True, False)
OTHER = Interpreter("/opt/py/bin/python3.12", "3.12.4", "CPython", False, True)


@pytest.mark.usefixtures("loop")
def test_the_windows_own_python_is_ticked_and_a_free_threaded_one_offered_both_ways() -> None:
    box = InterpretersBox(search=False)
    assert [c.text() for c in box.checks] == [f"{running_interpreter().label} — this one"]
    assert box.chosen() == ()  # the default config: the window's own Python
    box.show_found((FREE, OTHER, FREE))
    assert [c.text() for c in box.checks][1:] == ["3.13t (GIL off)", "3.13t gil=1", "3.12"]
    box.checks[0].setChecked(False)
    with pytest.raises(ConfigError, match="tick at least one Python"):
        box.chosen()
    box.checks[1].setChecked(True)
    box.checks[2].setChecked(True)
    chosen = box.chosen()
    assert [(i.label, i.gil_enabled) for i in chosen] == [
        ("3.13t (GIL off)", False),
        ("3.13t gil=1", True),
    ]
    box.set_chosen(())
    assert [c.isChecked() for c in box.checks] == [True, False, False, False]
    box.set_chosen(chosen)
    assert [c.isChecked() for c in box.checks] == [False, True, True, False]
    box.deleteLater()


@posix_only
@pytest.mark.usefixtures("loop")
def test_add_interpreter_probes_remembers_and_ticks_it(tmp_path: Path) -> None:
    box = InterpretersBox(search=False)
    assert not box.add_path(str(tmp_path / "nope"))
    assert box.error.isVisibleTo(box) and "no such file" in box.error.text()
    fake = make_fake(tmp_path, "python3.12", answer(version="3.12.9"))
    assert box.add_path(str(fake))
    assert box.checks[-1].text() == "3.12" and box.checks[-1].isChecked()
    assert not box.error.isVisibleTo(box)
    assert str(fake) in remembered_paths()
    box.deleteLater()


def test_the_box_lists_what_is_found_on_this_machine(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    box = window.config_panel.interpreters_box
    assert box.searching is not None
    loop.run_until_complete(
        until(lambda: box.searching is not None and not box.searching.is_alive())
    )
    loop.run_until_complete(until(lambda: len(box.checks) > 1 or not box.searching.is_alive()))
    assert box.checks[0].isChecked() and box.chosen() == ()


def test_a_run_on_two_pythons_has_a_panel_per_python_and_strategy(
    window: MainWindow, loop: qasync.QEventLoop, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    configure(window, "sleep", ["sequential", "threads"], 2, duration=0.05)
    box = window.config_panel.interpreters_box
    assert box.add_path(str(venv / "bin" / "python"))
    results = run_to_completion(window, loop)
    labels = [i.label for i in results.config.interpreters]
    assert len(labels) == 2 and all(run.ok for run in results.runs)
    titles = [panel.title for panel in window.timeline.panels]
    assert titles == [f"{s} on {label}" for label in labels for s in ("sequential", "threads")]
    experiment = window.timeline.experiment
    assert experiment is not None
    assert set(experiment.tracks) == {
        f"{s} · {label}" for label in labels for s in ("sequential", "threads")
    }
    assert all(
        f"<b>{panel.title}</b>" in panel.gantt.plot.titleLabel.text
        for panel in window.timeline.panels
    )
    window.timeline.show_only(4)  # one panel full size: the venv's threads
    assert [panel.title for panel in window.timeline.panels] == [f"threads on {labels[1]}"]
