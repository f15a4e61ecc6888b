"""``workbench run -s dask`` from the command line: listed (or unavailable, with the line that
installs it), bad scheduler addresses refused before any work, interrupts and a killed engine
leaving no process behind."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import psutil
import pytest

from tests.core.dask_helpers import NEEDS_DASK
from tests.processes import command_line, descendants, end_all
from tests.waiting import wait_until
from workbench.cli import main

INSTALL = 'pip install "concurrency-workbench[dask]"'


@pytest.fixture
def without_distributed(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the dask extra were not installed: ``distributed`` cannot be found."""
    monkeypatch.setitem(sys.modules, "distributed", None)


@pytest.mark.usefixtures("without_distributed")
def test_without_the_extra_dask_is_listed_as_unavailable_with_the_line_that_installs_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert f"unavailable here: dask needs the distributed package: {INSTALL}" in out


@pytest.mark.usefixtures("without_distributed")
def test_without_the_extra_a_dask_run_is_refused_before_any_work(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run", "-s", "sequential,dask", "-n", "1"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"workbench: error: dask needs the distributed package: {INSTALL}\n"


@NEEDS_DASK
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-s", "sequential", "--scheduler", "tcp://127.0.0.1:8786"], "for the dask strategy"),
        (["-s", "dask", "--scheduler", "http://host:80"], "expected tcp://HOST:PORT"),
        (["-s", "dask", "--scheduler", "host:port"], "bad port"),
    ],
)
def test_a_bad_scheduler_address_is_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "-n", "1", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("workbench: error: ") and message in err


def _closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{probe.getsockname()[1]}"


@NEEDS_DASK
@pytest.mark.parametrize(
    "address", [_closed_port(), "tcp://192.0.2.1:8786"], ids=["refused", "no-route"]
)
def test_an_unreachable_scheduler_exits_2_within_5_s_saying_so(
    address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    assert main(["run", "-s", "dask", "-n", "1", "--no-history", "--scheduler", address]) == 2
    assert time.monotonic() - started < 5
    err = capsys.readouterr().err
    assert err.startswith(f"workbench: error: no Dask scheduler answers at {address} (")
    assert err.count("\n") == 1


COMMAND = [sys.executable, "-m", "workbench", "run", "-q", "--no-history", "-w", "sleep",
           "-n", "4", "-k", "2", "-p", "duration=600", "-s", "dask"]  # fmt: skip


def _workers(proc: subprocess.Popen[bytes]) -> list[psutil.Process]:
    return [p for p in descendants(proc) if "spawn_main" in command_line(p)]


@NEEDS_DASK
@pytest.mark.slow
@pytest.mark.parametrize("ending", ["ctrl-c", "sigkill"])
def test_an_interrupt_or_a_killed_engine_leaves_no_cluster_process(ending: str) -> None:
    proc = subprocess.Popen(COMMAND, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    family: list[psutil.Process] = []
    try:
        # The run's child and its two worker processes (spawned by the cluster's nannies).
        wait_until(lambda: len(_workers(proc)) == 2, timeout_s=60, what="the cluster to start")
        family = descendants(proc)
        if ending == "ctrl-c":
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=15) == 130
        else:
            proc.kill()  # no chance to clean up: the child learns from the kernel
            proc.wait(timeout=10)
        _, alive = psutil.wait_procs(family, timeout=10)
        assert alive == []
    finally:
        end_all(proc, family)
