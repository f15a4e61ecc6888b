"""Bad and hostile results files in the window: a file the loader refuses is said in the
banner and leaves what is on screen untouched; a file holding a huge error that looks like
HTML opens quickly and shows it as plain text, elided."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import pytest
import qasync
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from tests.core.results_factory import make_results
from tests.gui.scenario import settle
from tests.robustness.test_loader_properties import mutated
from workbench.core.exports import save, to_json
from workbench.core.results import Results
from workbench.gui.main_window import MainWindow
from workbench.gui.results import file_commands
from workbench.gui.widgets.banner import MESSAGE_LIMIT

HOSTILE = "<b>bold</b><img src='x.png'>" + "x" * 2_000_000
"""A 2 MB error that looks like HTML (as rich text it froze the window for minutes)."""


@pytest.fixture
def window(qapp: QApplication, tmp_path: Path) -> Iterator[tuple[MainWindow, qasync.QEventLoop]]:
    qapp.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    main = MainWindow(settings)
    main.resize(1200, 800)
    main.show()
    try:
        yield main, loop
    finally:
        main.close()
        loop.run_until_complete(asyncio.wait_for(main.serve_until_closed(), 60))
        main.deleteLater()
        qapp.processEvents()
        loop.close()
        asyncio.set_event_loop(None)


def _saved(results: Results, path: Path) -> str:
    save(results, path)
    return str(path)


def _failed_with(error: str) -> Results:
    results = make_results(("sequential", "threads"), (0.2, 0.1))
    failed = dataclasses.replace(results.runs[1], ok=False, error=error)
    return dataclasses.replace(results, runs=(results.runs[0], failed))


BAD_FILES = {
    "a CPU sample with the wrong number of figures": (
        lambda d: d["runs"][0]["cpu_samples"][0].update(per_core=[1.0]),
        "runs[0].cpu_samples[0].per_core: has 1 figures, the machine has 2 logical CPUs",
    ),
    "a task that ends before it starts": (
        lambda d: d["runs"][1]["tasks"][2].update(start_s=0.09, end_s=0.01),
        "runs[1].tasks[2]: ends before it starts",
    ),
    "a time of 1e308 s": (
        lambda d: d["runs"][0].update(wall_s=1e308),
        "runs[0].wall_s: must be at most",
    ),
    "a task id past the run's tasks": (
        lambda d: d["runs"][0]["tasks"][0].update(id=2**62),
        "runs[0].tasks[0].id: must be at most",
    ),
}


@pytest.mark.parametrize(("damage", "message"), BAD_FILES.values(), ids=list(BAD_FILES))
def test_a_bad_file_is_said_and_what_is_on_screen_stays(
    window: tuple[MainWindow, qasync.QEventLoop], tmp_path: Path, damage: object, message: str
) -> None:
    main, loop = window
    good = make_results(("sequential", "threads"), (0.2, 0.1))
    assert main.files.open_file(_saved(good, tmp_path / "good.json"))
    settle(main, loop)
    shown = main.presenter.results
    table = main.comparison.table.cell_texts()
    data = json.loads(to_json(good))
    damage(data)  # type: ignore[operator]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")

    assert not main.files.open_file(str(bad))
    settle(main, loop)
    banner = main.banner.text()
    assert banner.startswith("Could not open bad.json: damaged results file: "), banner
    assert message in banner
    assert "Something went wrong" not in banner
    assert main.presenter.results is shown
    assert main.comparison.table.cell_texts() == table


def _seconds_to_open(main: MainWindow, loop: qasync.QEventLoop, path: str) -> float:
    """How long the window takes to open ``path`` and show it whole."""
    began = time.perf_counter()
    assert main.files.open_file(path)
    settle(main, loop)
    return time.perf_counter() - began


def test_a_huge_error_that_looks_like_html_is_plain_elided_and_quick(
    window: tuple[MainWindow, qasync.QEventLoop], tmp_path: Path
) -> None:
    main, loop = window
    plain = _saved(_failed_with("ValueError: x"), tmp_path / "plain.json")
    hostile = _saved(_failed_with(HOSTILE), tmp_path / "hostile.json")

    baseline_s = _seconds_to_open(main, loop, plain)
    hostile_s = _seconds_to_open(main, loop, hostile)

    assert main.presenter.results is not None
    assert main.presenter.results.runs[1].error == HOSTILE  # the file's text is kept whole
    reading = main.explanations.toPlainText()
    assert "<b>bold</b>" in reading  # escaped: shown as typed, not rendered
    assert len(reading) < 10_000
    titles = [panel.heading.whole for panel in main.timeline.panels]
    assert any("&lt;b&gt;bold" in title for title in titles), titles
    assert all(len(title) < 5_000 for title in titles)
    # Generous: a 2 MB error laid out as rich text took minutes against a second.
    assert hostile_s < 10 * baseline_s + 2, (hostile_s, baseline_s)


def test_the_banner_shows_a_message_as_plain_text_elided(
    window: tuple[MainWindow, qasync.QEventLoop],
) -> None:
    main, _ = window
    main.banner.show_message(f"sequential failed: {HOSTILE}")
    label = main.banner.label
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.text().startswith("sequential failed: <b>bold</b><img")
    assert len(label.text()) < MESSAGE_LIMIT + 100
    assert label.text().endswith("characters in all)")


def test_a_big_file_loads_off_the_event_loop(
    window: tuple[MainWindow, qasync.QEventLoop],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While it loads, the loop (and so the window) goes on: the longest stall is a small
    part of the whole load, where on the loop it was all of it."""
    main, loop = window
    big = make_results(("sequential", "threads"), (0.2, 0.1), tasks=20_000)
    path = _saved(big, tmp_path / "big.json")
    monkeypatch.setattr(file_commands, "BACKGROUND_BYTES", 2**20)
    assert os.path.getsize(path) > 2**20

    async def opened_while_ticking() -> tuple[bool, float, float]:
        assert main.files.open_file(path)
        opening = main.files.opening
        assert opening is not None
        began = last = time.perf_counter()
        longest = 0.0
        while not opening.done():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            longest, last = max(longest, now - last), now
        return opening.result(), longest, time.perf_counter() - began

    shown, longest_stall_s, load_s = loop.run_until_complete(opened_while_ticking())
    settle(main, loop)
    assert shown
    assert main.presenter.results == big
    assert main.files.opening is None
    assert longest_stall_s < load_s / 2, (longest_stall_s, load_s)


def _named_with(name: str) -> Results:
    """Every name a file holds, as ``name``: the CPU model, the workload, a strategy, a worker."""
    results = make_results(("sequential", "threads"), (0.2, 0.1))
    spans = tuple(dataclasses.replace(span, worker=name) for span in results.runs[1].tasks)
    run = dataclasses.replace(results.runs[1], strategy=name, tasks=spans)
    return dataclasses.replace(
        results,
        machine=dataclasses.replace(results.machine, cpu_model=name),
        config=dataclasses.replace(results.config, workload=name, strategies=("sequential", name)),
        runs=(results.runs[0], run),
    )


def test_huge_names_that_look_like_html_are_plain_elided_and_quick(
    window: tuple[MainWindow, qasync.QEventLoop], tmp_path: Path
) -> None:
    main, loop = window
    plain = _saved(_named_with("plain"), tmp_path / "plain.json")
    hostile = _saved(_named_with("<b>bold</b>" + "x" * 200_000), tmp_path / "hostile.json")

    baseline_s = _seconds_to_open(main, loop, plain)
    hostile_s = _seconds_to_open(main, loop, hostile)

    header = main.header.text()
    assert "&lt;b&gt;bold" in header
    assert len(header) < 2_000
    assert len(main.status.machine.text()) < 2_000
    titles = [panel.heading.whole for panel in main.timeline.panels]
    assert any("&lt;b&gt;bold" in title for title in titles), titles
    # Generous: a 200 KB CPU model in the header and status bar took 20 s against a second.
    assert hostile_s < 10 * baseline_s + 2, (hostile_s, baseline_s)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
def test_a_changed_file_opens_whole_or_is_refused_leaving_the_screen_as_it_was(
    window: tuple[MainWindow, qasync.QEventLoop],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    data: st.DataObject,
) -> None:
    """What the loader lets through, the window can show: no exception, no error logged."""
    main, loop = window
    before = main.presenter.results
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(mutated(data)), encoding="utf-8")
    caplog.clear()
    opened = main.files.open_file(str(path))
    settle(main, loop)
    QApplication.processEvents()
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []
    if opened:
        assert main.presenter.results is not before
        assert main.presenter.results is not None
    else:
        assert main.presenter.results is before
        assert main.banner.text().startswith("Could not open changed.json: ")
