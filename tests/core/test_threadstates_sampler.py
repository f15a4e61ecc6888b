"""The thread-state sampler on real processes: small standard-library scripts whose threads
sit in known states (tests/core/threadstate_scenarios.py), sampled from this process.

The assertions hold on a busy machine: other load can only add *runnable* time (a thread
that wants a core and has none), never make a sleeping thread run or a lock free itself;
and *running* is checked against the CPU time each thread reports for itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.waiting import wait_until
from workbench.core.threadstates import (
    ThreadState,
    ThreadStateSampler,
    ThreadTimeline,
    share,
    states_between,
    together_ns,
)
from workbench.core.threadstates.procfs import ProcfsSource
from workbench.core.threadstates.sampler import procfs_available

SCRIPT = Path(__file__).with_name("threadstate_scenarios.py")
RUNNING, RUNNABLE = ThreadState.RUNNING, ThreadState.RUNNABLE
LOCK, IO, OTHER = ThreadState.LOCK, ThreadState.IO, ThreadState.OTHER

linux_only = pytest.mark.skipif(not procfs_available(), reason="needs Linux's /proc")


@dataclass
class Sampled:
    roles: dict[str, tuple[int, int]]
    """role → (pid, native id), from the script's ``ready`` line."""
    done: dict[str, int]
    timelines: tuple[ThreadTimeline, ...]
    sampler: ThreadStateSampler
    exited_ns: int
    """When the scenario's process was seen to have exited (the sampler stopped after)."""

    def of(self, role: str) -> ThreadTimeline:
        key = self.roles[role]
        return next(t for t in self.timelines if t.key == key)

    def states(self, role: str) -> dict[ThreadState, int]:
        timeline = self.of(role)
        assert timeline.start_ns is not None and timeline.end_ns is not None
        return states_between(timeline.intervals, timeline.start_ns, timeline.end_ns)


def _words(line: str, word: str) -> list[str]:
    assert line.startswith(word), f"the scenario said {line!r}, not {word!r}"
    return line.split()[1:]


def sample(*args: str, source: str = "auto") -> Sampled:
    """Run a scenario to its end with the sampler following it from its start."""
    with subprocess.Popen(
        [sys.executable, str(SCRIPT), *args], stdout=subprocess.PIPE, text=True
    ) as proc:
        sampler = ThreadStateSampler(proc.pid, source=source)  # type: ignore[arg-type]
        sampler.start()
        try:
            assert proc.stdout is not None
            ready = _words(proc.stdout.readline(), "ready")
            done = _words(proc.stdout.readline(), "done")
            assert proc.wait(timeout=120) == 0
            exited_ns = time.perf_counter_ns()
        finally:
            proc.kill()
            timelines = sampler.stop()
    assert sampler.error is None
    roles = {}
    for item in ready:
        pid, tid, role = item.split(":")
        roles[role] = (int(pid), int(tid))
    values = {key: int(value) for key, value in (item.split("=") for item in done)}
    return Sampled(roles, values, timelines, sampler, exited_ns)


def assert_running_matches_cpu_time(running_ns: int, cpu_ns: int) -> None:
    """The sampler's running time against the CPU time the thread counted for itself
    (ticks and the first and last readings blur it by a few ms)."""
    assert abs(running_ns - cpu_ns) <= 0.1 * cpu_ns + 30_000_000, (running_ns, cpu_ns)


@pytest.fixture
def no_fd_leak() -> Iterator[None]:
    before = len(os.listdir("/proc/self/fd"))
    yield
    assert len(os.listdir("/proc/self/fd")) <= before


gil_interpreter = pytest.mark.skipif(
    not getattr(sys, "_is_gil_enabled", lambda: True)(), reason="needs the GIL"
)


@linux_only
@gil_interpreter
@pytest.mark.slow
def test_two_cpu_bound_threads_take_turns_on_the_gil(no_fd_leak: None) -> None:
    """Each thread waits for the GIL while the other holds it. On a busy machine part of
    that wait turns into waiting for a core (woken to take the GIL, or preempted while
    holding it): so the lock's share is taken of the time a core was there to be had."""
    run = sample("gil", "1.5")
    threads = [run.of("cpu-1"), run.of("cpu-2")]
    for role in ("cpu-1", "cpu-2"):
        states = run.states(role)
        had_a_core = sum(states.values()) - states.get(RUNNABLE, 0)
        assert share(states, LOCK, of_ns=had_a_core) >= 0.30, {s.value: states[s] for s in states}
        assert_running_matches_cpu_time(states.get(RUNNING, 0), run.done[role])
    start = max(t.start_ns or 0 for t in threads)
    end = min(t.end_ns or 0 for t in threads)
    both = together_ns(threads, RUNNING, start_ns=start, end_ns=end)
    # Seen running at once only as long as the readings blur each hand-off: the GIL changes
    # hands some 400 times a second, and each edge is known to a reading (~1.2 ms) — quiet,
    # 6-7 % of the time; 10.6 % once in CI on a loaded VM. Without a GIL both run ~100 %.
    turns = sum(
        1
        for t in threads
        for a, z, state in t.intervals
        if state is RUNNING and start < z and a < end
    )
    blur = turns * run.sampler.cost.mean_interval_ns / 2
    assert both < max(0.10 * (end - start), blur), (both / (end - start), turns, blur)


@linux_only
@pytest.mark.slow
def test_more_cpu_bound_processes_than_cores_wait_for_one() -> None:
    processes = max(4, 2 * (os.cpu_count() or 1))
    run = sample("burn", "1.5", str(processes))
    assert len(run.roles) == processes
    waited = running = 0
    for role in run.roles:
        states = run.states(role)
        waited, running = waited + states.get(RUNNABLE, 0), running + states.get(RUNNING, 0)
        assert_running_matches_cpu_time(states.get(RUNNING, 0), run.done[role])
    assert waited >= 0.20 * (waited + running)


@linux_only
@pytest.mark.slow
def test_blocked_threads_show_why_they_are_blocked(no_fd_leak: None) -> None:
    run = sample("blocked", "1")
    expected = {"sleeper": IO, "owner": IO, "waiter": LOCK, "reader": IO, "selector": IO}
    for role, state in expected.items():
        states = run.states(role)
        assert share(states, state) >= 0.90, (role, {s.value: ns for s, ns in states.items()})


@linux_only
@pytest.mark.slow
def test_without_the_right_to_read_syscall_the_wait_channel_tells(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Yama or another user's process: reading ``syscall`` is refused; ``wchan`` names the
    same waits (a futex, a sleep, a pipe)."""
    real_pread = os.pread

    def refusing(fd: int, size: int, offset: int) -> bytes:
        if os.readlink(f"/proc/self/fd/{fd}").endswith("/syscall"):
            raise PermissionError(1, "Operation not permitted")
        return real_pread(fd, size, offset)

    with subprocess.Popen(
        [sys.executable, str(SCRIPT), "blocked", "30"], stdout=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            ready = _words(proc.stdout.readline(), "ready")
            monkeypatch.setattr(os, "pread", refusing)
            source = ProcfsSource(proc.pid)
            source.discover()
            readings = 0

            def read_a_while() -> bool:
                nonlocal readings
                source.sample()
                readings += 1
                return readings >= 20

            wait_until(read_a_while, timeout_s=10, what="20 readings")
            monkeypatch.undo()
            timelines = {t.key: t for t in source.finish()}
        finally:
            proc.kill()
    roles = {
        item.split(":")[2]: (int(item.split(":")[0]), int(item.split(":")[1])) for item in ready
    }
    for role, state in {"sleeper": IO, "waiter": LOCK, "reader": IO}.items():
        intervals = timelines[roles[role]].intervals
        assert {seen for _, _, seen in intervals} == {state}, role


@linux_only
@pytest.mark.slow
def test_pool_workers_that_come_and_go_are_followed_and_closed(
    no_fd_leak: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    looks: list[tuple[int, int]] = []
    discover = ProcfsSource.discover

    def timed_discover(self: ProcfsSource) -> None:
        began = time.perf_counter_ns()
        discover(self)
        looks.append((began, time.perf_counter_ns()))

    monkeypatch.setattr(ProcfsSource, "discover", timed_discover)
    run = sample("pool", "0.6")
    root = run.roles["main"][0]
    count = sum(key.startswith("worker-") for key in run.done)
    tasks = [
        (run.done[f"worker-{i}"], run.done[f"began-{i}"], run.done[f"ended-{i}"])
        for i in range(count)
    ]
    workers = {pid for pid, _, _ in tasks}
    seen = {t.pid for t in run.timelines if t.pid != root}
    # The sampler looks for new processes every 5 ms, or every third tick while the run keeps
    # every core busy (ticks then ~10 ms apart), and later still when the machine keeps it
    # waiting: a 30 ms worker may fall between two looks. One alive through a whole look
    # must have been found by it.
    looked_at = {
        pid for pid, began, ended in tasks if any(began <= b and a <= ended for b, a in looks)
    }
    assert looked_at <= seen, (sorted(looked_at - seen), len(looks))
    # every worker exited (and was reaped) before the pool's process did, and the sampler
    # stopped after that: a timeline reaching past it would have been closed at stop
    assert all((t.end_ns or 0) < run.exited_ns for t in run.timelines)
    cost = run.sampler.cost
    assert cost.ticks > 0 and cost.cpu_ns > 0 and cost.threads_max >= 2
    print(f"{len(seen & workers)} of {len(workers)} workers seen, {len(looked_at)} through a look")


@pytest.mark.slow
def test_the_portable_fallback_tells_running_from_not_running() -> None:
    run = sample("busy_and_idle", "1", source="psutil")
    assert run.sampler.known_states == {RUNNING, OTHER}
    busy, idle = run.states("busy"), run.states("idle")
    assert set(busy) | set(idle) <= {RUNNING, OTHER}
    assert_running_matches_cpu_time(busy.get(RUNNING, 0), run.done["busy"])
    assert share(idle, RUNNING) < 0.05
