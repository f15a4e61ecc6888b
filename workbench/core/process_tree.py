"""Ending a process and everything it started: the one tree killer, for the engine and the child.

The engine ends a run's process and its pool workers on Stop; the run's process ends its own
pool workers when the engine dies. The child may run on an interpreter with nothing but the
standard library, so this module needs nothing else where it matters most: on Linux the tree
is read from ``/proc``. Elsewhere psutil is used when it can be imported; without it, a POSIX
system asks ``ps``, and a process can still end its own pool workers through
:mod:`multiprocessing`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time

KILL_WAIT_S = 2.0
_POLL_S = 0.01
_KILL = getattr(signal, "SIGKILL", signal.SIGTERM)  # Windows: SIGTERM is TerminateProcess


def kill_tree(
    pid: int, *, include_root: bool = True, group: bool = False, wait_s: float = KILL_WAIT_S
) -> None:
    """Kill every descendant of ``pid`` (and ``pid`` itself, unless ``include_root`` is
    false), then wait up to ``wait_s`` until they are gone (a zombie counts as gone: its
    parent reaps it).

    ``group``: ``pid`` leads a process group of its own (started in a new session), which is
    killed too; that also reaches pool workers orphaned by a parent that already died.
    """
    family = descendants(pid)
    if include_root:
        _kill(pid)  # first, so that it cannot replace the workers killed next
    for member in family:
        _kill(member)
    if not include_root:  # the root lives on: a pool may have replaced a worker meanwhile
        late = [member for member in descendants(pid) if member not in family]
        for member in late:
            _kill(member)
        family += late
    if group and sys.platform != "win32":
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
    if include_root:
        family.append(pid)
    deadline = time.monotonic() + wait_s
    while any(not _gone(member) for member in family) and time.monotonic() < deadline:
        time.sleep(_POLL_S)


def descendants(pid: int) -> list[int]:
    """Every living process below ``pid``: children first, then theirs."""
    parents = _parent_of_each()
    if parents is None:
        return _own_pool_workers() if pid == os.getpid() else []
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found: list[int] = []
    frontier = [pid]
    while frontier:
        below = [child for parent in frontier for child in children.get(parent, ())]
        found += below
        frontier = below
    return found


def _parent_of_each() -> dict[int, int] | None:
    """pid → parent pid of every process on the machine; None where that cannot be read."""
    if sys.platform == "linux":
        return _parents_from_proc()
    try:
        import psutil
    except ImportError:
        return _parents_from_ps() if os.name == "posix" else None
    return {p.pid: p.info["ppid"] for p in psutil.process_iter(["ppid"]) if p.info["ppid"]}


def _parents_from_proc() -> dict[int, int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat_fields(int(entry))) is not None:
            parents[int(entry)] = int(stat[1])
    return parents


def _parents_from_ps() -> dict[int, int] | None:
    import subprocess  # here: 2-3 ms the run's process would pay at start for nothing

    try:
        listing = subprocess.run(
            ["ps", "-A", "-o", "pid=", "-o", "ppid="],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    pairs = (line.split() for line in listing.splitlines() if line.strip())
    return {int(pid): int(ppid) for pid, ppid in pairs}


def _own_pool_workers() -> list[int]:
    """This process's multiprocessing children: all that can be found without a process list."""
    multiprocessing = sys.modules.get("multiprocessing")  # not imported: no pool was started
    if multiprocessing is None:
        return []
    return [child.pid for child in multiprocessing.active_children() if child.pid is not None]


def _stat_fields(pid: int) -> list[str] | None:
    """``/proc/<pid>/stat`` after the command name (state, ppid, …); None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            text = stat.read().decode(errors="replace")
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()  # the name may hold spaces and parentheses


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, _KILL)


def _gone(pid: int) -> bool:
    if sys.platform == "linux":
        stat = _stat_fields(pid)
        return stat is None or stat[0] in ("Z", "X")
    try:
        import psutil
    except ImportError:
        return True  # nothing to tell a zombie from a live process by: don't wait
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.Error:
        return True
