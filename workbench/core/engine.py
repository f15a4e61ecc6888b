"""The engine: runs an experiment, one child process per strategy run, and reports as it goes.

The window and the CLI both call :func:`run_experiment`; this is the only code path that runs
an experiment. Each run gets a fresh child (see :mod:`workbench.core.child`) on the stock
asyncio loop, so the caller's own loop (Qt's, under qasync) never touches the measured code,
and a crash, a hung pool or a killed worker costs one run, never the caller.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from typing import Any

from workbench.core import protocol
from workbench.core.httpserver_client import local_http_server
from workbench.core.interpreter_launch import ChildLaunch, launch_for
from workbench.core.launch import Interpreter
from workbench.core.machine import this_machine
from workbench.core.observer import Observer
from workbench.core.processes import HelperProcess
from workbench.core.results import Config, Results, Run, RunInterpreter
from workbench.core.run_session import RunSession
from workbench.core.run_threads import RunThreadWatch
from workbench.core.sampler import CpuSampler
from workbench.core.scratch import remove_abandoned_once, run_scratch
from workbench.core.strategies import STRATEGIES
from workbench.core.treewatch import TreeWatcher
from workbench.core.usercode.model import code_request
from workbench.core.workloads import workload_named

CHILD_MODULE = "workbench.core.child"
_LINE, _CPU = "line", "cpu"
START_TIMEOUT_S = 60.0
"""A run's process that has said nothing this long after it was started is given up on: an
interpreter that hangs at start must cost one run, not the experiment."""
START_TURN_S = 0.001
"""A run's start is three pieces — its process started, the thread-state sampler started, the
CPU sampler and tree watcher started — with a turn of the loop after each. On a window's loop,
a redraw or timer due meanwhile then waits for one piece, not for all: measured with the
window probe, the three took 6-26 ms together on the window's thread (starting the process
and its output readers alone 2-18 ms, as the window's other threads held the GIL or not). A
real timer, not a zero delay: Qt serves due timers and paints between timers, not before
posted events. The pieces end before the request is sent, so none of it is in the run's
measured time."""


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
    inside: bool = True,
    interpreter: Interpreter | None = None,
    environment: Mapping[str, str] | None = None,
    record: RunInterpreter | None = None,
    start_timeout_s: float = START_TIMEOUT_S,
    thread_states: bool = True,
) -> Run:
    """Run one strategy once in a fresh child; raise :class:`_Stopped` if ``stop`` is set.

    ``inside=False`` skips recording inside tasks, ``thread_states=False`` reading the
    threads' states (see :mod:`workbench.core.run_threads`); the benchmark uses them to
    price each. ``interpreter`` starts the child under another Python than this one, in
    ``environment`` (default: this one's); ``record`` is the interpreter the run records
    (with the GIL state its process reports). A child silent for ``start_timeout_s`` after
    its start is ended and its run failed."""
    # The engine's own scratch folder, removed when the run ends however it ends (the
    # run's process may be killed before it could remove one of its own).
    with run_scratch(_writes_files(config.workload)) as scratch:
        loop = asyncio.get_running_loop()
        inbox: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

        def deliver(kind: str) -> Any:
            return lambda item: loop.call_soon_threadsafe(inbox.put_nowait, (kind, item))

        child = HelperProcess(CHILD_MODULE, deliver(_LINE), interpreter, environment)
        threads = RunThreadWatch(
            child.popen.pid,
            enabled=thread_states,
            read_cores=inside and _slices_from_states(strategy),
        )
        from_states = threads.reads_running
        request = _request(config, strategy, url, scratch, inside=inside, beats=not from_states)
        session = RunSession(
            strategy,
            repeat_index,
            observer,
            record,
            running_now=threads.running_now if from_states else None,
        )
        watcher = TreeWatcher()
        sampler = CpuSampler(deliver(_CPU), sample_interval_s, also=watcher.tick)
        exit_code = 0
        try:
            # The start in three pieces, a turn of the loop after each (see START_TURN_S).
            await asyncio.sleep(START_TURN_S)
            threads.start()  # before the request: reading already when the child takes t0
            await asyncio.sleep(START_TURN_S)
            watcher.follow(child.popen.pid)
            sampler.start()
            await asyncio.sleep(START_TURN_S)
            observer.run_started(strategy, repeat_index, interpreter=record.label if record else "")
            deadline = loop.time() + start_timeout_s
            with contextlib.suppress(BrokenPipeError):  # it died at once: its exit says why
                child.send(protocol.encode(request))
            await _follow(session, inbox, stop, sampler, deadline, start_timeout_s)
            if session.protocol_error is not None:  # nothing it says can be trusted: end it now
                await loop.run_in_executor(None, child.stop)
            exit_code = await loop.run_in_executor(None, child.wait)
        finally:
            sampler.stop()
            watcher.close()
            if child.popen.poll() is None or not session.over:
                await loop.run_in_executor(None, child.stop)
            await threads.stop()
        output = child.output if config.code is not None else None  # what the user's code printed
        run = _with_tree_figures(
            session.result(exit_code, child.last_error_line(), sampler.samples, output, threads),
            watcher,
            session.t0,
        )
        observer.run_finished(run)
        return run


async def _follow(
    session: RunSession,
    inbox: asyncio.Queue[tuple[str, Any]],
    stop: asyncio.Event | None,
    sampler: CpuSampler,
    deadline: float,
    start_timeout_s: float,
) -> None:
    """Hand the child's lines and the CPU samples to ``session`` until the child's stream
    ends, cannot be trusted, or said nothing by ``deadline`` (loop time); raise
    :class:`_Stopped` if ``stop`` is set."""
    loop = asyncio.get_running_loop()
    samples_taken = 0
    while True:
        kind, item = await _next_or_stop(inbox, stop)
        if kind == _CPU:
            session.on_cpu(item)
            if not session.heard and loop.time() > deadline:
                session.protocol_error = (
                    f"the run's process said nothing for {start_timeout_s:g} s after "
                    "it was started, and was ended (a Python that hangs at start?)"
                )
                return
            continue
        if item is None or not session.on_line(item):
            return  # the child closed its stream (it is exiting) or garbled it
        while session.unfed:  # the line's other chunks, a turn of the loop first
            await asyncio.sleep(0)
            session.feed_more()
        if session.milestones > samples_taken:
            # At the run's start and its end, while its tree can still be read: its
            # interference is then measured over the run itself, not its process's start.
            samples_taken += 1
            sampler.take_now()


def _slices_from_states(strategy: str) -> bool:
    """Whether the strategy's sync tasks get their running slices from their threads' states
    (:attr:`Strategy.slices_from_states`) and take no heartbeats: then nothing of the
    workbench's runs inside their loops."""
    known = STRATEGIES.get(strategy)
    return known is not None and known.slices_from_states


def _request(
    config: Config,
    strategy: str,
    url: str | None,
    scratch: str | None,
    *,
    inside: bool,
    beats: bool,
) -> protocol.RunRequest:
    """What the run's process is asked to do."""
    return protocol.RunRequest(
        strategy,
        config.workload,
        dict(config.params),
        config.tasks,
        config.workers,
        url,
        inside=inside,
        beats=beats,
        scheduler=config.scheduler,
        code=code_request(config.code) if config.code is not None else None,
        scratch_dir=scratch,
    )


def _writes_files(workload: str) -> bool:
    try:
        return workload_named(workload).needs_scratch_dir
    except KeyError:  # the run's process says so, as the run's error
        return False


def _with_tree_figures(run: Run, watcher: TreeWatcher, t0: int | None) -> Run:
    """The run with what its process tree's watcher saw: interference and peak memory."""
    if t0 is None:
        return run
    interference = watcher.interference(
        run.cpu_samples, t0, run.wall_ns, this_machine().logical_cpus
    )
    return replace(run, interference=interference, peak_memory=watcher.memory_peak())


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
    interpreter: Interpreter | None = None,
    start_timeout_s: float = START_TIMEOUT_S,
) -> Results:
    """Run every strategy ``config.repeat`` times on each of ``config.interpreters``,
    interleaved (i1: s1 s2, i2: s1 s2, then again …) so that drift in the machine's load
    spreads evenly over the strategies and the interpreters.

    Setting ``stop`` ends the current run's process tree at once and returns the runs that
    finished, with ``interrupted=True``. Cancelling the calling task does the same cleanup
    and re-raises. ``interpreter`` changes the command line of the children that run on this
    Python (tests start it with ``-S``).
    """
    observer = observer or Observer()
    remove_abandoned_once()  # scratch folders of engines killed before they could
    observer.experiment_started(config)
    runs: list[Run] = []
    interrupted = False
    launches: list[ChildLaunch] = [
        launch_for(target, interpreter) for target in (config.interpreters or (None,))
    ]
    async with _server_for(config) as url:
        try:
            for repeat_index in range(config.repeat):
                for launch in launches:
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
                                interpreter=launch.interpreter,
                                environment=launch.environment,
                                record=launch.record,
                                start_timeout_s=start_timeout_s,
                            )
                        )
        except _Stopped:
            interrupted = True
    results = Results(this_machine(), config, tuple(runs), interrupted)
    observer.experiment_finished(results)
    return results
