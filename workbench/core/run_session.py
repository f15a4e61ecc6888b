"""The engine's side of one run: it reads the run's process's stream, feeds the observers as
events arrive, and builds the :class:`Run` when the run ends (see :mod:`.engine`, which starts
the process, its watchers and this, and waits)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import replace

from workbench.core import protocol
from workbench.core.clock import now_ns
from workbench.core.cluster_record import ClusterRecord
from workbench.core.observer import Observer
from workbench.core.output_capture import OutputCapture
from workbench.core.processes import describe_exit
from workbench.core.results import CpuSample, LagSample, Run, RunInterpreter
from workbench.core.run_threads import RunThreadWatch
from workbench.core.sampler import RawSample
from workbench.core.timeline import RunningNow, SpanAssembler, with_running_from_states

FEED_CHUNK = 256
"""Events handed on at a time (see :meth:`RunSession.feed_more`). A line carries up to 1,024
(the child's batch); pairing them into spans and the window's taking them costs ~10 µs an
event on the loop's thread, so a whole line is a ~10 ms lump of it, and with a redraw's part
and its paint before a due timer, a stutter the user sees; a quarter of it is ~2.5 ms."""


class RunSession:
    """The parent's side of one run: reads the child's stream, feeds observers, builds a Run."""

    def __init__(
        self,
        strategy: str,
        repeat_index: int,
        observer: Observer,
        interpreter: RunInterpreter | None = None,
        *,
        running_now: RunningNow | None = None,
    ) -> None:
        self.strategy, self.repeat_index, self.observer = strategy, repeat_index, observer
        self.interpreter = interpreter
        self.running_now = running_now
        """Set where the run's sync tasks take no heartbeats: their running slices come from
        their threads' states, read so far for the live view, whole when the run ends."""
        self.heard = False
        """The child said something (anything) since it was started."""
        self.assembler: SpanAssembler | None = None
        self.t0: int | None = None
        self.done: protocol.Done | None = None
        self.failed_to_start: str | None = None
        self.user_traceback: str | None = None
        self.protocol_error: str | None = None
        self.loop_lag: list[LagSample] = []
        self.cluster = ClusterRecord()
        self._unfed: deque[protocol.Events] = deque()
        """The rest of the last line's events, in chunks, for :meth:`feed_more`."""

    @property
    def milestones(self) -> int:
        """How many of the run's start and end the child has announced (0-2)."""
        return int(self.t0 is not None) + int(self.done is not None)

    @property
    def over(self) -> bool:
        """The child said its last word (done, or could not start)."""
        return self.done is not None or self.failed_to_start is not None

    def on_cpu(self, raw: RawSample) -> None:
        if self.t0 is not None and raw[0] > self.t0:
            sample = CpuSample(raw[0] - self.t0, raw[1])
            self.observer.cpu_sampled(self.strategy, self.repeat_index, sample)

    def on_line(self, line: bytes) -> bool:
        """Handle one line from the child; False when the stream can no longer be trusted."""
        self.heard = True
        try:
            message = protocol.decode(line)
        except protocol.ProtocolError as exc:
            self.protocol_error = f"the run's process sent something unreadable ({exc})"
            return False
        if isinstance(message, protocol.Events):
            if self.assembler is None:
                self.protocol_error = "the run's process sent events before starting"
                return False
            self._unfed.extend(_chunks(message, FEED_CHUNK))
            self.feed_more()
        elif isinstance(message, protocol.TaskAddresses):
            if self.assembler is None:
                self.protocol_error = "the run's process sent task addresses before starting"
                return False
            self.assembler.learn_addresses(message)
        elif isinstance(message, protocol.ClusterNews):
            if self.assembler is None:
                self.protocol_error = "the run's process sent cluster news before starting"
                return False
            self.cluster.take(message, self.assembler)
        elif isinstance(message, protocol.Started):
            self.t0 = message.t0_ns
            self.assembler = SpanAssembler(message, self.running_now)
            if self.interpreter is not None and message.gil_enabled is not None:
                self.interpreter = replace(self.interpreter, gil_enabled=message.gil_enabled)
        elif isinstance(message, protocol.Done):
            self.done = message
        elif isinstance(message, protocol.Failed):
            self.failed_to_start = message.error
            self.user_traceback = message.traceback
        else:
            self.protocol_error = f"the run's process sent a {message.TYPE!r} message"
            return False
        return True

    @property
    def unfed(self) -> bool:
        """Events of the last line are still to be handed on (:meth:`feed_more`)."""
        return bool(self._unfed)

    def feed_more(self) -> bool:
        """Hand the next chunk of the last line's events on; False when none was left.

        A line's first chunk is handed on as it arrives; its caller gives the event loop a
        turn before each of the rest, so that whatever shares the loop (a window) keeps its
        pace (see :data:`FEED_CHUNK`). What is left when the run ends is handed on then."""
        if not self._unfed or self.assembler is None:
            return False
        self._on_events(self.assembler, self._unfed.popleft())
        return True

    def _on_events(self, assembler: SpanAssembler, batch: protocol.Events) -> None:
        events = assembler.feed(batch)
        if events:
            self.observer.task_events(self.strategy, self.repeat_index, events)
        lag, t0 = batch.lag, assembler.t0_ns
        if lag:
            samples = [LagSample(lag[i] - t0, lag[i + 1]) for i in range(0, len(lag) - 1, 2)]
            self.loop_lag.extend(samples)
            self.observer.loop_lagged(self.strategy, self.repeat_index, samples)

    def result(
        self,
        exit_code: int,
        stderr_line: str | None,
        samples: list[RawSample],
        output: OutputCapture | None = None,
        threads: RunThreadWatch | None = None,
    ) -> Run:
        """The run as it ended; ``output``: what the user's code printed, kept with it;
        ``threads``: the watch on its threads' states."""
        while self.feed_more():
            pass
        if self.done is not None:
            done = self.done
            ok, error = done.ok, done.error
            wall, cpu, startup = done.wall_ns, done.cpu_ns, done.startup_ns
        else:
            ok, cpu, startup = False, 0, 0
            wall = now_ns() - self.t0 if self.t0 is not None else 0
            detail = f" ({stderr_line})" if stderr_line else ""
            error = (
                self.protocol_error
                or (self.failed_to_start and f"the run could not start: {self.failed_to_start}")
                or f"the run's process {describe_exit(exit_code)}{detail}"
            )
        spans = self.assembler.finish(wall, None if ok else error) if self.assembler else ()
        timelines, sampling = threads.result(self.t0, wall) if threads else ((), None)
        if self.running_now is not None and threads is not None:
            by_thread = {timeline.key: timeline for timeline in timelines}
            shortest = sampling.interval_ns if sampling is not None else 0
            spans = with_running_from_states(spans, by_thread, threads.cores(self.t0), shortest)
        return Run(
            self.strategy,
            self.repeat_index,
            ok,
            error,
            wall,
            cpu,
            startup,
            self.cluster.mark(spans),
            _on_run_axis(samples, self.t0),
            tuple(self.loop_lag),
            cluster=self.cluster.cluster,
            worker_cpu=self.cluster.worker_cpu,
            output=output.text() if output is not None else "",
            output_bytes=output.total_bytes if output is not None else 0,
            output_truncated=output.truncated if output is not None else False,
            traceback=self.user_traceback,
            interpreter=self.interpreter,
            threads=timelines,
            thread_sampling=sampling,
        )


def _on_run_axis(raw: list[RawSample], t0: int | None) -> tuple[CpuSample, ...]:
    """Samples that end after the run's start, re-timed relative to it."""
    if t0 is None:
        return ()
    return tuple(CpuSample(t - t0, per_core) for t, per_core in raw if t > t0)


def _chunks(batch: protocol.Events, size: int) -> Iterator[protocol.Events]:
    """The batch in chunks of ``size`` events, in order; its lag samples go with the first,
    and its tables (errors, heartbeats, ...), looked up by task, with each."""
    n = len(batch.kinds)
    if n <= size:
        yield batch
        return
    for at in range(0, n, size):
        cut = slice(at, at + size)
        yield replace(
            batch,
            kinds=batch.kinds[cut],
            task_ids=batch.task_ids[cut],
            starts=batch.starts[cut],
            ends=batch.ends[cut],
            workers=batch.workers[cut],
            lag=batch.lag if at == 0 else [],
        )
