"""The engine: runs an experiment, one child process per strategy run, and reports as it goes.

The window and the CLI both call :func:`run_experiment`; this is the only code path that runs
an experiment. Each run gets a fresh child (see :mod:`workbench.core.child`) on the stock
asyncio loop, so the caller's own loop (Qt's, under qasync) never touches the measured code,
and a crash, a hung pool or a killed worker costs one run, never the caller.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from workbench.core import protocol
from workbench.core.clock import now_ns
from workbench.core.httpserver_client import local_http_server
from workbench.core.machine import this_machine
from workbench.core.observer import Observer
from workbench.core.processes import HelperProcess, describe_exit
from workbench.core.results import Config, CpuSample, Results, Run
from workbench.core.sampler import CpuSampler, RawSample
from workbench.core.timeline import SpanAssembler
from workbench.core.workloads import workload_named

CHILD_MODULE = "workbench.core.child"
_LINE, _CPU = "line", "cpu"


class _Stopped(Exception):
    """The user asked to stop while a run was in progress."""


async def _next_or_stop(inbox: asyncio.Queue[Any], stop: asyncio.Event | None) -> Any:
    if stop is None:
        return await inbox.get()
    getter = asyncio.ensure_future(inbox.get())
    stopper = asyncio.ensure_future(stop.wait())
    try:
        done, _ = await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in (getter, stopper):
            waiter.cancel()
    if getter in done:
        return getter.result()
    raise _Stopped


async def run_strategy(
    config: Config,
    strategy: str,
    repeat_index: int,
    *,
    observer: Observer,
    url: str | None = None,
    stop: asyncio.Event | None = None,
    sample_interval_s: float = 0.2,
) -> Run:
    """Run one strategy once in a fresh child; raise :class:`_Stopped` if ``stop`` is set."""
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

    def deliver(kind: str) -> Any:
        return lambda item: loop.call_soon_threadsafe(inbox.put_nowait, (kind, item))

    request = protocol.RunRequest(
        strategy, config.workload, dict(config.params), config.tasks, config.workers, url
    )
    sampler = CpuSampler(deliver(_CPU), sample_interval_s)
    sampler.start()
    child = HelperProcess(CHILD_MODULE, deliver(_LINE))
    observer.run_started(strategy, repeat_index)
    assembler = SpanAssembler()
    t0: int | None = None
    done: dict[str, Any] | None = None
    protocol_error: str | None = None
    code = 0
    try:
        child.send(request.encode())
        while True:
            kind, item = await _next_or_stop(inbox, stop)
            if kind == _CPU:
                if t0 is not None and item[0] > t0:
                    observer.cpu_sampled(strategy, repeat_index, CpuSample(item[0] - t0, item[1]))
                continue
            if item is None:  # the child closed its stream: it is exiting
                break
            try:
                message = protocol.decode(item)
            except ValueError:
                protocol_error = "the child sent something unreadable"
                break
            if message["type"] == protocol.EVENTS:
                events = assembler.feed(message["events"])
                observer.task_events(strategy, repeat_index, events)
            elif message["type"] == protocol.STARTED:
                t0 = int(message["t0_ns"])
            elif message["type"] == protocol.DONE:
                done = message
        code = await loop.run_in_executor(None, child.wait)
    finally:
        sampler.stop()
        if child.popen.poll() is None or done is None:
            await loop.run_in_executor(None, child.stop)
    samples = _on_run_axis(sampler.samples, t0)

    if done is not None:
        ok, error = bool(done["ok"]), done["error"]
        wall, cpu, startup = int(done["wall_ns"]), int(done["cpu_ns"]), int(done["startup_ns"])
    else:
        ok, wall, cpu, startup = False, (now_ns() - t0) if t0 else 0, 0, 0
        detail = child.last_error_line()
        error = protocol_error or f"the run's process {describe_exit(code)}" + (
            f" ({detail})" if detail else ""
        )
    spans = assembler.finish(wall, None if ok else error)
    run = Run(strategy, repeat_index, ok, error, wall, cpu, startup, spans, samples)
    observer.run_finished(run)
    return run


def _on_run_axis(raw: list[RawSample], t0: int | None) -> tuple[CpuSample, ...]:
    """Samples that end after the run's start, re-timed relative to it."""
    if t0 is None:
        return ()
    return tuple(CpuSample(t - t0, per_core) for t, per_core in raw if t > t0)


@contextlib.asynccontextmanager
async def _server_for(config: Config) -> AsyncIterator[str | None]:
    if not workload_named(config.workload).needs_server:
        yield None
        return
    async with local_http_server() as url:
        yield url


async def run_experiment(
    config: Config,
    observer: Observer | None = None,
    *,
    stop: asyncio.Event | None = None,
    sample_interval_s: float = 0.2,
) -> Results:
    """Run every strategy ``config.repeat`` times, interleaved (s1 s2 … s1 s2 …) so that drift
    in the machine's load spreads evenly over the strategies.

    Setting ``stop`` ends the current run's process tree at once and returns the runs that
    finished, with ``interrupted=True``. Cancelling the calling task does the same cleanup
    and re-raises.
    """
    observer = observer or Observer()
    observer.experiment_started(config)
    runs: list[Run] = []
    interrupted = False
    async with _server_for(config) as url:
        try:
            for repeat_index in range(config.repeat):
                for strategy in config.strategies:
                    if stop is not None and stop.is_set():
                        raise _Stopped
                    runs.append(
                        await run_strategy(
                            config,
                            strategy,
                            repeat_index,
                            observer=observer,
                            url=url,
                            stop=stop,
                            sample_interval_s=sample_interval_s,
                        )
                    )
        except _Stopped:
            interrupted = True
    return Results(this_machine(), config, tuple(runs), interrupted)
