"""Task spans as CSV: one row per task per run, for spreadsheets and pandas (the last column
names the Python the run ran on, by the label the comparison uses)."""

from __future__ import annotations

import csv
import io

from workbench.core.clock import to_seconds
from workbench.core.results import Results

COLUMNS = (
    "strategy",
    "repeat_index",
    "task_id",
    "worker",
    "start_s",
    "end_s",
    "duration_s",
    "ok",
    "error",
    "interpreter",
)


def to_csv(results: Results) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for run in results.runs:
        for span in run.tasks:
            writer.writerow(
                (
                    run.strategy,
                    run.repeat_index,
                    span.id,
                    span.worker,
                    f"{to_seconds(span.start_ns):.9f}",
                    f"{to_seconds(span.end_ns):.9f}",
                    f"{to_seconds(span.duration_ns):.9f}",
                    "true" if span.ok else "false",
                    span.error or "",
                    run.interpreter_label,
                )
            )
    return out.getvalue()
