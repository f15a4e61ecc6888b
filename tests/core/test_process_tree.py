"""The one process-tree killer: a whole tree ends, or everything below a process that lives on."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import psutil

from tests.waiting import wait_until
from workbench.core.process_tree import descendants, kill_tree

TREE = textwrap.dedent(
    """
    import subprocess, sys
    sleeper = [sys.executable, "-c", "import time; time.sleep(600)"]
    middle = f"import subprocess, time; subprocess.Popen({sleeper!r}); time.sleep(600)"
    subprocess.Popen([sys.executable, "-c", middle])
    subprocess.Popen(sleeper)
    sys.stdin.read()
    """
)
"""A root with two children, one of which has a child of its own; all wait for ever."""


def _gone_or_zombie(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _start_tree() -> tuple[subprocess.Popen[bytes], list[int]]:
    root = subprocess.Popen(
        [sys.executable, "-c", TREE], stdin=subprocess.PIPE, start_new_session=True
    )
    wait_until(lambda: len(descendants(root.pid)) == 3, what="the tree to start")
    return root, descendants(root.pid)


def test_descendants_are_the_ones_psutil_sees() -> None:
    root, below = _start_tree()
    try:
        expected = {child.pid for child in psutil.Process(root.pid).children(recursive=True)}
        assert set(below) == expected
    finally:
        kill_tree(root.pid, group=True)
        root.wait()


def test_a_tree_ends_whole() -> None:
    root, below = _start_tree()
    kill_tree(root.pid, group=True)
    assert root.wait(timeout=10) < 0  # killed, then reaped by its parent: us
    assert all(_gone_or_zombie(pid) for pid in below)


def test_a_process_can_end_everything_below_itself_and_live_on() -> None:
    script = textwrap.dedent(
        f"""
        import os, subprocess, sys, time
        from workbench.core.process_tree import descendants, kill_tree
        root = subprocess.Popen([sys.executable, "-c", {TREE!r}], stdin=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while len(descendants(os.getpid())) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        below = descendants(os.getpid())
        kill_tree(os.getpid(), include_root=False)
        root.wait()
        print(len(below), descendants(os.getpid()))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["4", "[]"]
