"""Small programs whose threads sit in known states, for the thread-state sampler's tests.

Standard library only, run as a script: ``python threadstate_scenarios.py SCENARIO SECONDS``.
Each prints ``ready <pid>:<native id>:<role> …`` once every thread it watches is at its
work, and ``done <key>=<value> …`` just before it exits by itself: the CPU time each busy
thread or process used by its own account (to check the sampler's *running* against), or
the pids of the pool's workers and when each one's task began and ended.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import sys
import threading
import time
from collections.abc import Callable


def _spin_until(deadline: float) -> None:
    x = 0
    while time.perf_counter() < deadline:
        for i in range(2_000):  # pure Python: holds the GIL
            x += i * i


def _say(word: str, items: dict[str, int]) -> None:
    print(word + " " + " ".join(f"{key}={value}" for key, value in items.items()), flush=True)


def _started(targets: dict[str, Callable[[], None]]) -> dict[str, threading.Thread]:
    threads = {role: threading.Thread(target=job, name=role) for role, job in targets.items()}
    for thread in threads.values():
        thread.start()
    return threads


def _ready(threads: dict[str, threading.Thread]) -> None:
    pid = os.getpid()
    print(
        "ready " + " ".join(f"{pid}:{t.native_id}:{role}" for role, t in threads.items()),
        flush=True,
    )


def gil(seconds: float) -> None:
    """Two threads of pure-Python arithmetic: only the one holding the GIL runs."""
    both = threading.Barrier(3)
    deadline = time.perf_counter() + seconds
    cpu: dict[str, int] = {}

    def work(role: str) -> Callable[[], None]:
        def spin() -> None:
            both.wait()
            _spin_until(deadline)
            cpu[role] = time.thread_time_ns()

        return spin

    threads = _started({"cpu-1": work("cpu-1"), "cpu-2": work("cpu-2")})
    both.wait()
    _ready(threads)
    for thread in threads.values():
        thread.join()
    _say("done", cpu)


def _burn(seconds: float, started: object, report: object) -> None:
    started.release()  # type: ignore[attr-defined]
    _spin_until(time.perf_counter() + seconds)
    report.put((os.getpid(), time.process_time_ns()))  # type: ignore[attr-defined]


def burn(seconds: float, processes: int) -> None:
    """``processes`` processes burning CPU: more than the cores, so they queue for one."""
    context = multiprocessing.get_context("fork")
    started, report = context.Semaphore(0), context.SimpleQueue()
    workers = [
        context.Process(target=_burn, args=(seconds, started, report)) for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    for _ in workers:
        started.acquire()
    print("ready " + " ".join(f"{w.pid}:{w.pid}:burn-{w.pid}" for w in workers), flush=True)
    cpu = dict(report.get() for _ in workers)
    for worker in workers:
        worker.join()
    _say("done", {f"burn-{pid}": ns for pid, ns in cpu.items()})


def blocked(seconds: float) -> None:
    """A sleeper, a thread waiting on a lock held by a (sleeping) owner, a pipe reader and a
    thread in select on the pipe: each blocked, for its own reason, for ``seconds``."""
    lock = threading.Lock()
    held = threading.Event()
    read_end, write_end = os.pipe()

    def owner() -> None:
        with lock:
            held.set()
            time.sleep(seconds)

    def waiter() -> None:
        held.wait()
        with lock:
            pass

    threads = _started(
        {
            "sleeper": lambda: time.sleep(seconds),
            "owner": owner,
            "waiter": waiter,
            "reader": lambda: os.read(read_end, 1) and None,
            "selector": lambda: select.select([read_end], [], [], seconds * 2) and None,
        }
    )
    held.wait()
    _ready(threads)
    time.sleep(seconds)
    os.write(write_end, b"xx")
    for thread in threads.values():
        thread.join()
    _say("done", {})


def busy_and_idle(seconds: float) -> None:
    """One thread spinning (alone: no other thread wants the GIL), one sleeping."""
    cpu: dict[str, int] = {}
    deadline = time.perf_counter() + seconds

    def busy() -> None:
        _spin_until(deadline)
        cpu["busy"] = time.thread_time_ns()

    threads = _started({"busy": busy, "idle": lambda: time.sleep(seconds)})
    _ready(threads)
    for thread in threads.values():
        thread.join()
    _say("done", cpu)


def _square(x: int) -> tuple[int, int, int]:
    """Computes 30 ms; says which worker, and when its task began and ended (the clock the
    sampler reads, system-wide on Linux)."""
    began = time.perf_counter_ns()
    _spin_until(time.perf_counter() + 0.03)
    return os.getpid(), began, time.perf_counter_ns()


def pool(seconds: float) -> None:
    """A pool whose workers exit after one task each: processes come and go while sampled."""
    context = multiprocessing.get_context("fork")
    print(f"ready {os.getpid()}:{threading.get_native_id()}:main", flush=True)
    with context.Pool(2, maxtasksperchild=1) as workers:
        tasks = workers.map(_square, range(max(4, int(seconds / 0.03))), chunksize=1)
    said = {}
    for i, (pid, began, ended) in enumerate(tasks):
        said |= {f"worker-{i}": pid, f"began-{i}": began, f"ended-{i}": ended}
    _say("done", said)


if __name__ == "__main__":
    scenario, duration = sys.argv[1], float(sys.argv[2])
    if scenario == "burn":
        burn(duration, int(sys.argv[3]))
    else:
        scenarios = {"gil": gil, "blocked": blocked, "busy_and_idle": busy_and_idle, "pool": pool}
        scenarios[scenario](duration)
