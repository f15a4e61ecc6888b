from __future__ import annotations

from workbench.core.recording import BEGIN, END, FAILED
from workbench.core.timeline import BEGIN_EVENT, END_EVENT, SpanAssembler, WorkerLabels


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
