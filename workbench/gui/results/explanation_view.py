"""The plain-language reading of a run: one line per strategy, built from the measured numbers
by :func:`workbench.core.explain.explain`, and the recommendation (the window only lays them
out: :func:`workbench.core.analysis.analyse` computes them off the event loop)."""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser, QWidget

from workbench.core.analysis import Analysis
from workbench.core.explain import Reading
from workbench.core.results import Results
from workbench.gui.model.untrusted_text import as_html

READING_LIMIT = 1_000
"""Characters of a reading shown: one may quote a run's error, of any length in a file (the
whole text laid out as HTML froze the window for as long as minutes)."""
PLACEHOLDER = "Run an experiment (F5) to see what each strategy did, and why."


class ExplanationView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.readings: tuple[Reading, ...] = ()
        self.clear_readings()

    def show_analysis(self, results: Results, analysis: Analysis) -> None:
        """The recommendation first (the engineer's answer), then a reading per strategy."""
        self.readings = analysis.readings
        self.recommendation = analysis.recommendation
        items = []
        for reading in self.readings:
            name, _, rest = reading.text.partition(":")
            items.append(f"<li><b>{as_html(name)}</b>:{as_html(rest, READING_LIMIT)}</li>")
        note = "<p><i>Stopped before every run finished.</i></p>" if results.interrupted else ""
        head = (
            f"<p><b>→ {as_html(self.recommendation, READING_LIMIT)}</b></p>"
            if self.recommendation
            else ""
        )
        self._show(f"{head}<ul style='margin-left:0'>{''.join(items)}</ul>{note}")

    def clear_readings(self) -> None:
        self.readings = ()
        self.recommendation = ""
        self._show(f"<p><i>{PLACEHOLDER}</i></p>")

    def _show(self, html: str) -> None:
        """New text, read from its first line. Set while the pane is folded away (the
        comparison folds below the timeline until F8), the view scrolled to keep its cursor
        in a view of no height, and opened with the recommendation's first line out of sight."""
        self.setHtml(html)
        self.verticalScrollBar().setValue(0)

    def texts(self) -> list[str]:
        return [reading.text for reading in self.readings]
