"""`workbench bench --million`'s machinery, at a small size: every part gives its figures and
the report renders them (the figures at 1,000,000 tasks live in docs/benchmarks.md)."""

from __future__ import annotations

from workbench.bench.million import measure_million, to_markdown
from workbench.cli import build_parser


def test_the_million_section_measures_engine_file_and_window_and_renders() -> None:
    said: list[str] = []
    figures = measure_million(said.append, 2_000)
    engine = figures["engine"]
    assert engine["ok"] is True and engine["tasks"] == 2_000
    assert engine["engine_peak_rss_mb"] > 0 and engine["run_process_peak_rss_mb"] > 0
    assert 0 < engine["wbr_bytes_per_task"] < engine["json_bytes_per_task"]
    assert figures["window_live"]["ok"] is True
    assert figures["window_live"]["window_and_engine_peak_mb"] > 0
    assert figures["window_reopened"]["tasks"] == 2_000
    assert figures["window_reopened"]["drawn_rectangles"] > 0
    text = "\n".join(to_markdown(figures))
    assert "## Scale: 2,000 gathered tasks" in text and "| wbr_bytes_per_task |" in text
    assert any("reopens" in line for line in said)


def test_the_million_run_is_asked_for_not_default() -> None:
    assert build_parser().parse_args(["bench"]).million is False
    assert build_parser().parse_args(["bench", "--million"]).million is True
