"""The check before any run: the file loads and its setup() returns, in a process of its own."""

from __future__ import annotations

import asyncio
from pathlib import Path

import psutil
import pytest

from tests.core.usercode_files import PAIR, write
from tests.waiting import wait_until
from workbench.core.usercode.preflight import CheckStopped, CodeProblem, check_code
from workbench.core.usercode.spec import resolve_code


def _check(path: Path) -> CodeProblem | None:
    return asyncio.run(check_code(resolve_code(str(path), ["sequential"])))


def test_a_file_that_loads_and_sets_up_passes(tmp_path: Path) -> None:
    assert _check(write(tmp_path, PAIR + "\ndef setup():\n    print('ready')\n")) is None


def test_setup_raising_says_file_line_and_keeps_the_users_frames(tmp_path: Path) -> None:
    path = write(tmp_path, "def setup():\n    {}['missing']\n\ndef task():\n    pass\n")
    problem = _check(path)
    assert problem is not None
    assert problem.message == "demo.py:2: setup() raised KeyError: 'missing'"
    assert problem.line == 2
    assert problem.traceback is not None and "line 2, in setup" in problem.traceback


def test_an_import_that_fails_is_said_at_its_line(tmp_path: Path) -> None:
    problem = _check(write(tmp_path, "import os\nimport no_such_module_here\n\ndef task(): pass\n"))
    assert problem is not None
    assert problem.message.startswith("demo.py:2: loading it raised ModuleNotFoundError")
    assert problem.line == 2


def test_top_level_code_that_exits_is_said(tmp_path: Path) -> None:
    problem = _check(write(tmp_path, "import os\nos._exit(4)\n\ndef task(): pass\n"))
    assert problem is not None
    assert "the process loading it exited with code 4" in problem.message


def test_stopping_a_setup_that_never_returns_leaves_no_process(tmp_path: Path) -> None:
    path = write(
        tmp_path, "import time\n\ndef setup():\n    time.sleep(3600)\n\ndef task(): pass\n"
    )
    code = resolve_code(str(path), ["sequential"])
    me = psutil.Process()

    async def scenario() -> None:
        stop = asyncio.Event()
        check = asyncio.ensure_future(check_code(code, stop=stop))
        await asyncio.get_running_loop().run_in_executor(
            None, lambda: wait_until(lambda: bool(me.children()), what="the check to start")
        )
        stop.set()
        await check

    with pytest.raises(CheckStopped):
        asyncio.run(scenario())
    assert [c for c in me.children() if c.status() != psutil.STATUS_ZOMBIE] == []
