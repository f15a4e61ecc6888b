from __future__ import annotations

from collections.abc import Mapping, Sequence

from workbench.core.protocol import (
    BEGIN,
    END,
    FAILED,
    FAILED_STEP,
    LAST_STEP,
    MAIN_WORKER,
    NOT_ENDED,
    STEP,
    Events,
    Started,
    TaskAddresses,
)
from workbench.core.timeline import (
    BEGIN_EVENT,
    END_EVENT,
    SpanAssembler,
    Workers,
    running_from_beats,
)

RUN_PID, MAIN_THREAD = 500, 501


def started(t0: int) -> Started:
    return Started(t0, RUN_PID, MAIN_THREAD)


def batch(
    *events: tuple[int, int, int, int, int],
    errors: Mapping[int, str] | None = None,
    thread_pids: Mapping[int, int] | None = None,
) -> Events:
    """Events from (kind, task, start, end, worker) rows."""
    columns: list[Sequence[int]] = [list(column) for column in zip(*events, strict=True)]
    return Events(*columns, errors=errors or {}, thread_pids=thread_pids or {})


def test_worker_codes_become_stable_readable_labels_in_order_of_appearance() -> None:
    workers = Workers(started(0))
    workers.learn({-7: 4242, -3: 4343})
    assert [workers(k).label for k in (0, 99, -7, 42, 99, -3)] == [
        "main",
        "thread-1",
        "process-1",
        "thread-2",
        "thread-1",
        "process-2",
    ]


def test_each_worker_names_its_process_and_native_thread() -> None:
    workers = Workers(started(0))
    workers.learn({7001: 7000})
    assert (workers(MAIN_WORKER).pid, workers(MAIN_WORKER).native_id) == (RUN_PID, MAIN_THREAD)
    assert (workers(612).pid, workers(612).native_id) == (RUN_PID, 612)
    assert (workers(7001).pid, workers(7001).native_id) == (7000, 7001)


def test_begin_and_end_events_pair_into_spans_even_across_batches() -> None:
    assembler = SpanAssembler(started(1_000))
    first = assembler.feed(
        batch((BEGIN, 0, 1_010, NOT_ENDED, 11), (BEGIN, 1, 1_012, NOT_ENDED, 22))
    )
    assert [(e.kind, e.task_id, e.worker, e.native_id) for e in first] == [
        (BEGIN_EVENT, 0, "thread-1", 11),
        (BEGIN_EVENT, 1, "thread-2", 22),
    ]
    second = assembler.feed(
        batch((FAILED, 1, 1_012, 1_030, 22), (END, 0, 1_010, 1_040, 11), errors={1: "no"})
    )
    assert [e.kind for e in second] == [END_EVENT, END_EVENT]
    spans = assembler.finish(50, None)
    assert [(s.id, s.start_ns, s.end_ns, s.ok, s.error, s.pid, s.native_id) for s in spans] == [
        (0, 10, 40, True, None, RUN_PID, 11),
        (1, 12, 30, False, "no", RUN_PID, 22),
    ]


def test_an_end_event_whose_begin_was_lost_still_makes_the_whole_span() -> None:
    assembler = SpanAssembler(started(0))
    assembler.feed(batch((END, 3, 100, 900, 4242), thread_pids={4242: 4242}))
    (span,) = assembler.finish(1_000, None)
    assert (span.start_ns, span.end_ns, span.worker, span.pid) == (100, 900, "process-1", 4242)


def test_tasks_still_running_when_a_run_dies_are_closed_as_failed() -> None:
    assembler = SpanAssembler(started(0))
    assembler.feed(batch((BEGIN, 0, 5, NOT_ENDED, 4242), thread_pids={4242: 4242}))
    (span,) = assembler.finish(80, "pool worker died")
    assert (span.end_ns, span.ok, span.pid) == (80, False, 4242)
    assert span.error == "did not finish: pool worker died"


def test_heartbeats_close_together_make_one_running_interval_gaps_split_it() -> None:
    ms = 1_000_000
    # begin 0; beats every 0.25 ms to 2 ms; a 5 ms wait (the GIL); beats 7–8 ms; end 8.2 ms.
    beats = [t for b in (250_000, 500_000, 1 * ms, 2 * ms, 7 * ms, 8 * ms) for t in (b, 1)]
    running, cores = running_from_beats(0, 8_200_000, beats, gap_ns=ms)
    assert running == ((0, 2 * ms), (7 * ms, 8_200_000))
    assert cores == (1, 1)


def test_a_task_with_no_heartbeats_after_a_long_wait_runs_only_at_its_edges() -> None:
    running, _ = running_from_beats(0, 10_000_000, [], gap_ns=1_000_000)
    assert running == ()


def test_coroutine_steps_become_running_intervals_first_begins_last_ends() -> None:
    assembler = SpanAssembler(started(100))
    begun = assembler.feed(batch((STEP, 7, 110, 120, MAIN_WORKER)))
    assert [(e.kind, e.task_id, e.t_ns) for e in begun] == [(BEGIN_EVENT, 7, 10)]
    ended = assembler.feed(batch((LAST_STEP, 7, 300, 305, MAIN_WORKER)))
    assert ended[0].kind == END_EVENT
    (span,) = assembler.finish(500, None)
    assert (span.start_ns, span.end_ns, span.worker) == (10, 205, "main")
    assert (span.pid, span.native_id) == (RUN_PID, MAIN_THREAD)
    assert span.running == ((10, 20), (200, 205))


def test_steps_named_by_address_are_their_tasks_and_other_tasks_steps_are_left_out() -> None:
    first, second, stranger = 0x7F3A_0000_1000, 0x7F3A_0000_2000, 0x7F3A_0000_3000
    assembler = SpanAssembler(started(100))
    assembler.learn_addresses(TaskAddresses(4, [first, second]))
    events = assembler.feed(
        batch(
            (STEP, second, 110, 120, MAIN_WORKER),
            (STEP, stranger, 120, 125, MAIN_WORKER),  # a task the code started itself
            (FAILED_STEP, second, 130, 140, MAIN_WORKER),
            (LAST_STEP, first, 150, 160, MAIN_WORKER),
            errors={second: "ValueError: no luck", stranger: "not ours"},
        )
    )
    assert [(e.kind, e.task_id) for e in events] == [
        (BEGIN_EVENT, 5),
        (END_EVENT, 5),
        (BEGIN_EVENT, 4),
        (END_EVENT, 4),
    ]
    spans = assembler.finish(500, None)
    assert [(s.id, s.ok, s.error) for s in spans] == [
        (4, True, None),
        (5, False, "ValueError: no luck"),
    ]
    assert spans[1].running == ((10, 20), (30, 40))


def test_steps_are_task_ids_as_they_are_when_no_addresses_were_sent() -> None:
    assembler = SpanAssembler(started(0))
    assembler.feed(batch((LAST_STEP, 3, 10, 20, MAIN_WORKER)))
    assert [span.id for span in assembler.finish(50, None)] == [3]
