"""The class's lab in the window: a room of 20 machines submitting over loopback to the
window's own collector fills the class view live; Stop frees the port; a student's window
sends its results and is told the answer; a folder is imported without a network."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
import qasync

from tests.core.results_factory import make_results
from tests.core.test_lab import STUDENTS, _port_is_free, _post, _student_results, needs_aliases
from tests.gui.conftest import wait
from workbench.core.exports import save
from workbench.core.history import History
from workbench.core.lab.protocol import Reply
from workbench.gui.lab.send_dialog import ON_SCREEN
from workbench.gui.main_window import MainWindow

LOOPBACK = "127.0.0.1"


pytestmark = pytest.mark.usefixtures("history_dir")  # before the window opens its history


def collect(window: MainWindow, loop: qasync.QEventLoop) -> str:
    """Start the window's collector on loopback; its address as the view shows it."""
    window.lab.show_view()
    loop.run_until_complete(window.lab.collect(host=LOOPBACK))
    assert window.lab.view.collecting, window.lab.view.hint.text()
    collector = window.lab.collector
    assert collector is not None
    return f"{LOOPBACK}:{collector.port}"


@needs_aliases
def test_a_room_of_twenty_fills_the_class_view_live_and_stop_frees_the_port(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    address = collect(window, loop)
    view = window.lab.view
    assert window.lab.collector is not None
    chart = view.chart.plot.getPlotItem()
    assert not chart.getAxis("left").isVisible()  # no empty frame before the first results
    assert "appears here" in view.chart.legend.text()
    code = window.lab.collector.join_code
    assert view.code.text() == f"Join code: {code}" and view.code.isVisible()
    assert address in view.address.text()
    assert view.code.font().pointSizeF() >= 36  # large enough for a projector

    answers: list[tuple[int, Reply, dict[str, str]]] = []

    def room() -> None:  # the students' machines: another thread, another event loop
        async def everyone() -> None:
            url = f"http://{address}/submit"
            posts = [
                _post(
                    url,
                    _student_results(n).encode(),
                    code=code,
                    source=f"127.0.0.{n + 2}",
                    hostname=f"lab-{n:02d}",
                )
                for n in range(STUDENTS)
            ]
            posts.append(_post(url, b"{}", code="WRONG1", source="127.0.1.1"))
            answers.extend(await asyncio.gather(*posts))

        asyncio.run(everyone())

    students = threading.Thread(target=room)
    students.start()
    wait(loop, lambda: not students.is_alive() and len(view.entries) == STUDENTS)
    students.join()

    assert [status for status, _, _ in answers] == [201] * STUDENTS + [403]
    assert len(view.table.shown_ids()) == STUDENTS
    titles = [column.title for column in view.table.source.columns]
    row = next(r for r in view.table.cell_texts() if r[1] == "lab-05")
    lab_05 = dict(zip(titles, row, strict=True))
    assert (lab_05["cores"], lab_05["CPU model"], lab_05["process-pool"]) == (
        "7",
        "Lab 5",  # "CPU" is noise in a model name (the whole one is in the tooltip)
        "1.50×",
    )
    assert view.chart.point_count() == STUDENTS  # process-pool's (sequential is the baseline)
    assert chart.getAxis("left").isVisible() and "ideal" in view.chart.legend.text()
    assert view.summary.text().startswith("20 machine(s) · 2–21 cores · 20 CPU model(s)")
    wait(loop, lambda: view.refused == 1)
    assert view.refusals.text() == "1 refused — the last from 127.0.1.1 (403): wrong join code"
    assert len(History()) == STUDENTS  # kept in the teacher's history

    port = int(address.rsplit(":", 1)[1])
    view.stop_button.click()
    wait(loop, lambda: not view.collecting and window.lab.collector is None)
    assert "port is closed" in view.hint.text() and not view.code.isVisible()
    assert _port_is_free(port)
    assert len(view.entries) == STUDENTS  # what was collected stays on screen


def test_a_student_sends_the_results_on_screen_and_is_told_the_answer(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    address = collect(window, loop)
    assert window.lab.collector is not None
    code = window.lab.collector.join_code
    window.presenter.show_results(make_results(("sequential", "threads"), (0.2, 0.1)), "test")
    dialog = window.lab.open_send()
    assert dialog.source.currentData() == ON_SCREEN

    dialog.address.setText(address)
    dialog.code.setText(code.lower())
    dialog.send_button.click()
    wait(loop, lambda: dialog.result.text().startswith("Sent"))
    assert "accepted as #1" in dialog.result.text()
    wait(loop, lambda: len(window.lab.view.entries) == 1)

    dialog.code.setText("WRONG1")
    dialog.send_button.click()
    wait(loop, lambda: dialog.result.text().startswith("Refused"))
    assert dialog.result.text() == "Refused (403): wrong join code"

    loop.run_until_complete(window.lab.stop())
    dialog.send_button.click()  # nobody listens there any more
    wait(loop, lambda: dialog.result.text().startswith("Not sent"))
    assert "cannot reach the collector" in dialog.result.text()

    dialog.address.setText("not an address")
    dialog.send_button.click()
    wait(loop, lambda: "HOST:PORT" in dialog.result.text())


def test_a_history_entry_is_offered_and_sent_with_its_preset_and_verdict(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    entry_id = History().record(make_results(), preset="await-in-turn", verdict="holds")
    address = collect(window, loop)
    assert window.lab.collector is not None
    dialog = window.lab.open_send()
    wait(loop, lambda: dialog.source.findData(entry_id) >= 0)
    dialog.source.setCurrentIndex(dialog.source.findData(entry_id))
    dialog.address.setText(address)
    dialog.code.setText(window.lab.collector.join_code)
    dialog.send_button.click()
    wait(loop, lambda: len(window.lab.view.entries) == 1)
    (entry,) = window.lab.view.entries
    assert (entry.preset, entry.verdict) == ("await-in-turn", "holds")
    titles = [column.title for column in window.lab.view.table.source.columns]
    row = dict(zip(titles, window.lab.view.table.cell_texts()[0], strict=True))
    assert (row["verdict"], row["experiment"]) == ("holds", "await-in-turn (sleep, 3 tasks)")


def test_a_folder_is_imported_and_a_bad_file_skipped_with_its_reason(
    window: MainWindow, loop: qasync.QEventLoop, tmp_path: Path
) -> None:
    folder = tmp_path / "usb-stick"
    folder.mkdir()
    for n in range(3):
        save(make_results(logical_cpus=2 + 2 * n, cpu_model=f"CPU {n}"), folder / f"pc{n}.json")
    (folder / "notes.json").write_text("[1, 2")
    future = window.lab.import_folder(folder)
    loop.run_until_complete(future)
    wait(loop, lambda: "Imported" in window.lab.view.message.text())
    view = window.lab.view
    assert sorted(row[1] for row in view.table.cell_texts()) == ["pc0", "pc1", "pc2"]
    assert "Imported 3 file(s) from usb-stick; skipped 1: notes.json" in view.message.text()
    assert not view.collecting  # no port was opened

    view.clear_button.click()
    assert view.table.shown_ids() == []


def test_closing_the_class_view_stops_collecting(
    window: MainWindow, loop: qasync.QEventLoop
) -> None:
    address = collect(window, loop)
    window.lab.view.close()
    wait(loop, lambda: window.lab.collector is None and not window.lab._tasks)
    assert _port_is_free(int(address.rsplit(":", 1)[1]))
