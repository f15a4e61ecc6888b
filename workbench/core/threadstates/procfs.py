"""Reading a process tree's threads from Linux's ``/proc``, cheaply, many times a second.

Each thread's files stay open and are re-read with ``os.pread(fd, n, 0)``: measured here,
one read of ``schedstat`` costs 1.3 µs that way against 7.3 µs for open/read/close, one of
``stat`` 4.5 against 13 µs. Per tick a thread costs one or two reads: ``schedstat`` (its two
counters) and, unless those show it asleep and not run since the last tick, ``syscall``
("running", or the number of the call it sleeps in), which stands in for the state letter of
the dearer ``stat``. ``stat`` is read only when ``syscall`` cannot say (asleep outside a
call: a zombie, a stopped thread) or cannot be read (no right to ptrace the thread: then
``stat`` and ``wchan`` take over, for that thread).

A thread whose run counter moved since the last tick may also have its ``stat`` read for the
core it ran on (:attr:`ThreadProbe.cores`, see :meth:`ThreadProbe._note_core`): the engine
gives each running slice of a task its core from these, so the measured code need not ask.

Files are opened relative to the process's ``task`` directory, held open: if the process
dies and its pid is reused, our reads fail instead of reading a stranger.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable

from workbench.core.clock import now_ns
from workbench.core.threadstates.model import (
    ALL_STATES,
    ThreadCores,
    ThreadKey,
    ThreadState,
    ThreadTimeline,
)
from workbench.core.threadstates.slices import Slices, running_slices
from workbench.core.threadstates.split import READY, Reading, ThreadTimelineBuilder
from workbench.core.threadstates.syscalls import (
    SyscallTable,
    state_from_letter,
    state_from_wchan,
    syscall_table,
)

_DEAD_LETTERS = ("Z", "X", "x", "")
CORE_EVERY = 8
"""While a thread keeps running, its core is read at every this many readings."""
_PROCESSOR = 39 - 3
"""Where ``processor`` is among ``stat``'s fields counted from the state letter (the third)."""


def _close(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def _read_once(path: str, dir_fd: int) -> bytes:
    fd = os.open(path, os.O_RDONLY, dir_fd=dir_fd)
    try:
        return os.read(fd, 4096)
    finally:
        os.close(fd)


class ThreadProbe:
    """One thread's open ``/proc`` files and the timeline its readings build."""

    __slots__ = (
        "_children",
        "_read_cores",
        "_running_readings",
        "_schedstat",
        "_stat",
        "_syscall",
        "_table",
        "_tid",
        "_wchan",
        "builder",
        "core_times",
        "cores",
        "name",
        "pid",
        "tid",
    )

    def __init__(
        self,
        pid: int,
        tid: int,
        task_dir: int,
        table: SyscallTable | None,
        *,
        read_cores: bool = False,
    ) -> None:
        self.pid, self.tid = pid, tid
        self._read_cores = read_cores
        self._tid = str(tid)
        self.builder = ThreadTimelineBuilder()
        self.core_times: list[int] = []
        self.cores: list[int] = []
        """The core it ran on last, read at ``core_times`` (see :meth:`_note_core`)."""
        self._running_readings = 0
        self._table = table
        self._schedstat = os.open(f"{tid}/schedstat", os.O_RDONLY, dir_fd=task_dir)
        self._syscall: int | None = None
        self._stat: int | None = None
        self._wchan: int | None = None
        self._children: int | None = None
        try:
            self.name = _read_once(f"{tid}/comm", task_dir).decode(errors="replace").strip()
            if table is not None:
                with contextlib.suppress(PermissionError):
                    self._syscall = os.open(f"{tid}/syscall", os.O_RDONLY, dir_fd=task_dir)
            if self._syscall is None:
                self._stat = os.open(f"{tid}/stat", os.O_RDONLY, dir_fd=task_dir)
                self._wchan = os.open(f"{tid}/wchan", os.O_RDONLY, dir_fd=task_dir)
            with contextlib.suppress(OSError):
                self._children = os.open(f"{tid}/children", os.O_RDONLY, dir_fd=task_dir)
        except BaseException:
            self.close_files()
            raise

    def read(self, *, born_after_ns: int | None = None) -> ThreadState | None:
        """Take one reading and return the state seen (RUNNING: ready); None once the
        thread is gone (its timeline then ends at the last reading that succeeded)."""
        t = now_ns()
        try:
            counters = os.pread(self._schedstat, 64, 0).split()
            run, wait = int(counters[0]), int(counters[1])
            last = self.builder.last
            if last is not None and last[1] is not READY and last[2] == run and last[3] == wait:
                state: ThreadState | None = last[1]  # has not run since: still where it was
            else:
                state = self._state()
            if self._read_cores and state is not None and (last is None or last[2] != run):
                self._note_core(t, state, last)
        except (OSError, ValueError, IndexError):
            return None  # gone (ESRCH), or unreadable: its timeline ends here, not the others'
        if state is not None:
            self.builder.add(t, state, run, wait, born_after_ns=born_after_ns)
        return state

    def _note_core(self, t: int, state: ThreadState, last: Reading | None) -> None:
        """After the thread ran: read its core where a stint began or ended since the last
        reading, and every :data:`CORE_EVERY` readings while it keeps running. A ``stat``
        read costs about what the rest of a reading does: read at every reading after a run,
        four threads taking turns on the GIL were read every 2.1 ms instead of 1.3."""
        self._running_readings += 1
        stint_edge = last is None or last[1] is not READY or state is not READY
        if stint_edge or self._running_readings >= CORE_EVERY:
            self._running_readings = 0
            try:
                core = self._processor()
            except (OSError, ValueError, IndexError):
                return  # a side reading: the thread's state, read already, stands
            self.cores.append(core)
            self.core_times.append(t)

    def _state(self) -> ThreadState | None:
        """The thread's state now (RUNNING: ready), None if it has exited (a zombie)."""
        if self._syscall is not None:
            try:
                text = os.pread(self._syscall, 64, 0)
            except PermissionError:
                self._give_up_syscall()
            else:
                if text.startswith(b"running"):
                    return READY
                number = int(text.split(maxsplit=1)[0])
                if number >= 0 and self._table is not None:
                    known = self._table.get(number)
                    if known is not None:
                        return known
                letter = self._letter()  # unlisted call, or asleep outside one: rare
                return None if letter in _DEAD_LETTERS else state_from_letter(letter)
        letter = self._letter()
        if letter in _DEAD_LETTERS:
            return None
        if letter == "R":
            return READY
        by_name = state_from_wchan(self._read_wchan())
        return by_name if by_name is not ThreadState.OTHER else state_from_letter(letter)

    def _give_up_syscall(self) -> None:
        """No right to ptrace this thread (Yama, another user): ask ``stat`` and ``wchan``."""
        _close(self._syscall)
        self._syscall = None

    def _stat_text(self) -> bytes:
        """``stat`` after the thread's name (which may hold spaces and parentheses): the
        fields from the state letter (the third) on."""
        if self._stat is None:
            self._stat = os.open(f"/proc/{self.pid}/task/{self._tid}/stat", os.O_RDONLY)
        text = os.pread(self._stat, 1024, 0)
        after_name = text.rfind(b")")
        return text[after_name + 2 :] if after_name >= 0 else b""

    def _letter(self) -> str:
        text = self._stat_text()
        return chr(text[0]) if text else ""

    def _processor(self) -> int:
        """The core the thread last ran on (``stat``'s 39th field)."""
        return int(self._stat_text().split(maxsplit=_PROCESSOR + 1)[_PROCESSOR])

    def _read_wchan(self) -> str:
        if self._wchan is None:
            try:
                self._wchan = os.open(f"/proc/{self.pid}/task/{self._tid}/wchan", os.O_RDONLY)
            except PermissionError:
                return "0"
        try:
            return os.pread(self._wchan, 128, 0).decode(errors="replace")
        except PermissionError:
            return "0"

    def children(self) -> list[int]:
        """Processes this thread started that are still alive (``…/children``)."""
        if self._children is None:
            return []
        try:
            return [int(pid) for pid in os.pread(self._children, 65536, 0).split()]
        except OSError:
            return []

    def close_files(self) -> None:
        for fd in (self._schedstat, self._syscall, self._stat, self._wchan, self._children):
            _close(fd)
        self._syscall = self._stat = self._wchan = self._children = None

    def timeline(self) -> ThreadTimeline:
        return ThreadTimeline(self.pid, self.tid, self.name, self.builder.close())

    def core_readings(self) -> ThreadCores:
        return ThreadCores(self.pid, self.tid, tuple(self.core_times), tuple(self.cores))


class _Process:
    """A process of the tree: its ``task`` directory, held open, and the threads seen."""

    __slots__ = ("pid", "seen", "task_dir")

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.task_dir = os.open(f"/proc/{pid}/task", os.O_RDONLY | os.O_DIRECTORY)
        self.seen: set[int] = set()

    def thread_ids(self) -> list[int]:
        try:
            return [int(name) for name in os.listdir(self.task_dir)]
        except OSError:
            return []


class ProcfsSource:
    """Follows a process and its descendants through ``/proc``: the Linux way, every state.

    Used from one thread (the sampler's); :meth:`finish` after that thread has stopped.
    """

    name = "procfs"
    known_states = frozenset(ALL_STATES)

    def __init__(
        self, root_pid: int, table: SyscallTable | None = None, *, read_cores: bool = False
    ) -> None:
        self._root = root_pid
        self._read_cores = read_cores
        """Read the core each thread runs on (see :meth:`ThreadProbe._note_core`)."""
        self._table = table if table is not None else syscall_table()
        self._processes: dict[int, _Process] = {}
        self._seen_pids: set[int] = set()
        self._live: list[ThreadProbe] = []
        self._done: list[ThreadTimeline] = []
        self._done_cores: list[ThreadCores] = []
        self._probes: dict[ThreadKey, ThreadProbe] = {}
        """Every thread seen, by key, live or gone, where cores are read (for
        :meth:`running_slices`)."""
        self._last_look: int | None = None
        self._ready = 0

    @property
    def threads(self) -> int:
        return len(self._live)

    @property
    def ready(self) -> int:
        """Threads that were ready (running, or wanting a core) at the last sample."""
        return self._ready

    def discover(self) -> None:
        """Find new threads of known processes, and new child processes (with theirs).

        A thread missing from the previous look was born after it began, which bounds when
        its counters' first time was spent (see ``born_after_ns``)."""
        began = now_ns()
        born_after = self._last_look
        if self._root not in self._seen_pids:
            self._add_process(self._root, born_after)
        for process in list(self._processes.values()):
            ids = process.thread_ids()
            if not ids:
                self._drop_process(process)
                continue
            self._add_threads(process, ids, born_after)
        for probe in list(self._live):
            for pid in probe.children():
                if pid not in self._seen_pids:
                    self._add_process(pid, born_after)
        self._last_look = began

    def _add_process(self, pid: int, born_after: int | None) -> None:
        self._seen_pids.add(pid)
        try:
            process = _Process(pid)
        except OSError:
            return  # gone already, or not ours to read
        self._processes[pid] = process
        self._add_threads(process, process.thread_ids(), born_after)

    def _add_threads(self, process: _Process, ids: Iterable[int], born_after: int | None) -> None:
        for tid in ids:
            if tid in process.seen:
                continue
            process.seen.add(tid)
            try:
                probe = ThreadProbe(
                    process.pid, tid, process.task_dir, self._table, read_cores=self._read_cores
                )
            except OSError:
                continue  # exited between the listing and the opening
            if self._read_cores:
                self._probes[process.pid, tid] = probe
            if probe.read(born_after_ns=born_after) is not None:
                self._live.append(probe)
            else:
                self._retire(probe)

    def _drop_process(self, process: _Process) -> None:
        _close(process.task_dir)
        del self._processes[process.pid]

    def _retire(self, probe: ThreadProbe) -> None:
        probe.close_files()
        timeline = probe.timeline()
        if timeline.intervals:
            self._done.append(timeline)
        if probe.cores:
            self._done_cores.append(probe.core_readings())

    def sample(self) -> None:
        """One reading of every live thread; the ones that have exited are closed."""
        gone: list[ThreadProbe] | None = None
        ready = 0
        for probe in self._live:
            state = probe.read()
            if state is READY:
                ready += 1
            elif state is None:
                if gone is None:
                    gone = []
                gone.append(probe)
        self._ready = ready
        if gone:
            for probe in gone:
                self._retire(probe)
            self._live = [probe for probe in self._live if probe not in gone]

    def finish(self) -> tuple[ThreadTimeline, ...]:
        """A last reading of every thread still alive, then every timeline; files closed."""
        self.sample()
        for probe in self._live:
            self._retire(probe)
        self._live = []
        for process in list(self._processes.values()):
            self._drop_process(process)
        return tuple(sorted(self._done, key=lambda t: (t.start_ns or 0, t.pid, t.native_id)))

    def running_slices(
        self, key: ThreadKey, start_ns: int, end_ns: int
    ) -> tuple[Slices, tuple[int, ...]] | None:
        """A thread's running slices over [start, end) as labelled so far, with their cores;
        None for a thread not seen (or cores not read). Called between samples (the
        sampler's lock)."""
        probe = self._probes.get(key)
        if probe is None:
            return None
        settled = probe.builder.settled
        return running_slices(settled, probe.core_times, probe.cores, start_ns, end_ns)

    def cores(self) -> tuple[ThreadCores, ...]:
        """Each thread's core readings (after :meth:`finish`)."""
        return tuple(self._done_cores)
