from __future__ import annotations

from workbench.core.recording import BEGIN, END, FAILED, LAST_STEP, STEP
from workbench.core.timeline import (
    BEGIN_EVENT,
    END_EVENT,
    SpanAssembler,
    WorkerLabels,
    running_from_beats,
)


def test_worker_codes_become_stable_readable_labels_in_order_of_appearance() -> None:
    labels = WorkerLabels()
    assert [labels(k) for k in (0, 99, -7, 42, 99, -3)] == [
        "main",
        "thread-1",
        "process-1",
        "thread-2",
        "thread-1",
        "process-2",
    ]


def test_begin_and_end_events_pair_into_spans_even_across_batches() -> None:
    assembler = SpanAssembler()
    t0 = 1_000
    first = assembler.feed(t0, [BEGIN, BEGIN], [0, 1], [1_010, 1_012], [11, 22], {})
    assert [(e.kind, e.task_id, e.worker) for e in first] == [
        (BEGIN_EVENT, 0, "thread-1"),
        (BEGIN_EVENT, 1, "thread-2"),
    ]
    second = assembler.feed(
        t0, [FAILED, END], [1, 0], [1_030, 1_040], [22, 11], {1: "ValueError: no"}
    )
    assert [e.kind for e in second] == [END_EVENT, END_EVENT]
    spans = assembler.finish(50, None)
    assert [(s.id, s.start_ns, s.end_ns, s.ok, s.error) for s in spans] == [
        (0, 10, 40, True, None),
        (1, 12, 30, False, "ValueError: no"),
    ]


def test_tasks_still_running_when_a_run_dies_are_closed_as_failed() -> None:
    assembler = SpanAssembler()
    assembler.feed(0, [BEGIN], [0], [5], [-4242], {})
    (span,) = assembler.finish(80, "pool worker died")
    assert (span.end_ns, span.ok) == (80, False)
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
    assembler = SpanAssembler()
    t0 = 100
    begun = assembler.feed(t0, [STEP], [7], [110], [120], {})
    assert [(e.kind, e.task_id, e.t_ns) for e in begun] == [(BEGIN_EVENT, 7, 10)]
    ended = assembler.feed(t0, [LAST_STEP], [7], [300], [305], {})
    assert ended[0].kind == END_EVENT
    (span,) = assembler.finish(500, None)
    assert (span.start_ns, span.end_ns, span.worker) == (10, 205, "main")
    assert span.running == ((10, 20), (200, 205))
