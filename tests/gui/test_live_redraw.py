"""A live redraw is spread over turns of the loop, and a stale turn never draws."""

from __future__ import annotations

import qasync

from tests.gui.conftest import until
from tests.gui.scenario import configure, run_to_completion
from workbench.gui.main_window import MainWindow
from workbench.gui.model.live_run import LiveExperiment


def test_a_live_redraw_finishes_in_later_turns_of_the_loop(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    configure(window, "sleep", ["async-gather"], 3, duration=0.01)
    run_to_completion(window, loop)
    timeline = window.timeline
    experiment = timeline.experiment
    assert experiment is not None
    experiment.version += 1  # something changed since the last redraw

    timeline.refresh_live()

    assert not _drawn_all(timeline)  # the rows under the chart wait for a later turn
    loop.run_until_complete(until(lambda: _drawn_all(timeline)))


def test_turns_left_over_from_an_experiment_no_longer_shown_do_nothing(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    configure(window, "sleep", ["async-gather"], 3, duration=0.01)
    results = run_to_completion(window, loop)
    timeline = window.timeline
    timeline.refresh_live()
    replacement = LiveExperiment.from_results(results)
    timeline.show_experiment(replacement)  # drawn in full, synchronously
    drawn = timeline.drawn_version
    replacement.version += 1  # a leftover turn drawing now would claim to have drawn this

    loop.run_until_complete(until(lambda: not timeline.turns_pending))

    assert timeline.experiment is replacement and timeline.drawn_version == drawn


def _drawn_all(timeline: object) -> bool:
    experiment = timeline.experiment  # type: ignore[attr-defined]
    return timeline.drawn_version == experiment.version  # type: ignore[attr-defined]
