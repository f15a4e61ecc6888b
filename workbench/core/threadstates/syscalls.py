"""Why a Linux thread is not running: from its state letter, its syscall, or its wait channel.

``/proc/<pid>/task/<tid>/syscall`` names the system call a blocked thread sleeps in, by
number; numbers differ between architectures, so each one we know has its table (x86-64
and the generic table that aarch64 and riscv64 use). A futex is a lock — CPython's GIL is a
condition variable on one, and so are ``threading.Lock``, ``Event``, ``join`` — and the
read/write/poll/sleep family is IO or a timer. Reading ``syscall`` needs the right to ptrace
the thread; where that is refused, ``wchan`` (the kernel function the thread sleeps in) tells
nearly as much by name, and where it says nothing the thread is *other*.
"""

from __future__ import annotations

import platform
from collections.abc import Mapping

from workbench.core.threadstates.model import ThreadState

_LOCK, _IO = ThreadState.LOCK, ThreadState.IO

_FUTEX2 = {"futex_waitv": 449, "futex_wait": 455}
"""Numbers above 403 are shared by every architecture."""

_X86_64_LOCK = {"futex": 202, "flock": 73, "semop": 65, "semtimedop": 220, **_FUTEX2}
_X86_64_IO = {
    "read": 0, "write": 1, "open": 2, "poll": 7, "pread64": 17, "pwrite64": 18, "readv": 19,
    "writev": 20, "select": 23, "nanosleep": 35, "sendfile": 40, "connect": 42, "accept": 43,
    "sendto": 44, "recvfrom": 45, "sendmsg": 46, "recvmsg": 47, "fsync": 74, "fdatasync": 75,
    "io_getevents": 208, "clock_nanosleep": 230, "epoll_wait": 232, "openat": 257,
    "pselect6": 270, "ppoll": 271, "splice": 275, "tee": 276, "sync_file_range": 277,
    "epoll_pwait": 281, "accept4": 288, "preadv": 295, "pwritev": 296, "recvmmsg": 299,
    "sendmmsg": 307, "preadv2": 327, "pwritev2": 328, "io_pgetevents": 333,
    "io_uring_enter": 426, "epoll_pwait2": 441,
}  # fmt: skip

_GENERIC_LOCK = {"futex": 98, "flock": 32, "semtimedop": 192, "semop": 193, **_FUTEX2}
_GENERIC_IO = {
    "io_getevents": 4, "epoll_pwait": 22, "openat": 56, "read": 63, "write": 64, "readv": 65,
    "writev": 66, "pread64": 67, "pwrite64": 68, "preadv": 69, "pwritev": 70, "sendfile": 71,
    "pselect6": 72, "ppoll": 73, "splice": 76, "tee": 77, "fsync": 82, "fdatasync": 83,
    "sync_file_range": 84, "nanosleep": 101, "clock_nanosleep": 115, "accept": 202,
    "connect": 203, "sendto": 206, "recvfrom": 207, "sendmsg": 211, "recvmsg": 212,
    "accept4": 242, "recvmmsg": 243, "sendmmsg": 269, "preadv2": 286, "pwritev2": 287,
    "io_pgetevents": 292, "io_uring_enter": 426, "epoll_pwait2": 441,
}  # fmt: skip
"""asm-generic/unistd.h: aarch64, riscv64, loongarch64 (no poll/select/epoll_wait there)."""


def _table(lock: Mapping[str, int], io: Mapping[str, int]) -> dict[int, ThreadState]:
    return {**dict.fromkeys(io.values(), _IO), **dict.fromkeys(lock.values(), _LOCK)}


_TABLES: dict[str, dict[int, ThreadState]] = {
    "x86_64": _table(_X86_64_LOCK, _X86_64_IO),
    "generic": _table(_GENERIC_LOCK, _GENERIC_IO),
}
_MACHINES = {
    "x86_64": "x86_64",
    "amd64": "x86_64",
    "aarch64": "generic",
    "arm64": "generic",
    "riscv64": "generic",
    "loongarch64": "generic",
}

SyscallTable = Mapping[int, ThreadState]


def syscall_table(machine: str | None = None) -> SyscallTable | None:
    """The syscall numbers that mean *lock* or *io* here; None on an architecture we do not
    know (the sampler then asks ``wchan`` instead)."""
    name = _MACHINES.get((machine if machine is not None else platform.machine()).lower())
    return _TABLES[name] if name else None


_WCHAN_LOCK = ("futex",)
_WCHAN_IO = (
    "sleep", "poll", "select", "pipe", "read", "write", "recv", "send", "sock", "tcp", "udp",
    "unix", "inet", "sk_wait", "accept", "connect", "io_schedule", "folio_wait",
    "wait_on_page", "tty", "wait_woken", "io_uring", "nfs", "ext4", "xfs", "btrfs", "blk",
    "fsync", "jbd2",
)  # fmt: skip


def state_from_wchan(wchan: str) -> ThreadState:
    """A kernel wait channel's name (``futex_wait_queue``, ``hrtimer_nanosleep``,
    ``ep_poll``, ``pipe_read`` …) → lock, io or other; "0" (unknown, or not ours to see) →
    other."""
    name = wchan.strip().lower()
    if not name or name == "0":
        return ThreadState.OTHER
    if any(part in name for part in _WCHAN_LOCK):
        return _LOCK
    if any(part in name for part in _WCHAN_IO):
        return _IO
    return ThreadState.OTHER


def state_from_letter(letter: str) -> ThreadState:
    """The state letter alone: R is ready (running or runnable: the scheduler's counters
    split it), D is almost always disk or network IO, the rest (S, T, "" for not read)
    cannot be told apart."""
    if letter == "R":
        return ThreadState.RUNNING
    if letter == "D":
        return _IO
    return ThreadState.OTHER


def classify(
    letter: str,
    syscall: str | None = None,
    wchan: str | None = None,
    table: SyscallTable | None = None,
) -> ThreadState:
    """One reading of a thread → its state. RUNNING stands for *ready* (state letter R, or
    ``syscall`` reading "running"): whether it was on a core or waiting for one comes from
    the scheduler's counters between two readings (:mod:`.split`).

    ``syscall`` is the text of ``…/syscall`` (None when unreadable), ``wchan`` the text of
    ``…/wchan`` (None when not read), ``table`` this machine's :func:`syscall_table`.
    """
    if letter == "R" or (syscall is not None and syscall.startswith("running")):
        return ThreadState.RUNNING
    if syscall is not None and table is not None:
        number = syscall_number(syscall)
        if number is not None and number >= 0 and number in table:
            return table[number]
    if wchan is not None:
        by_name = state_from_wchan(wchan)
        if by_name is not ThreadState.OTHER:
            return by_name
    return state_from_letter(letter)


def syscall_number(text: str) -> int | None:
    """``"202 0x7f… …"`` → 202; ``"-1 …"`` (asleep outside a syscall) → -1; "running" or
    junk → None."""
    head = text.split(maxsplit=1)[0] if text.strip() else ""
    try:
        return int(head)
    except ValueError:
        return None
