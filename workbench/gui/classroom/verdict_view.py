"""Claim / Measured / Verdict for a preset's run: what the article says, what this machine
measured, and whether the claim holds here, with the paragraph that explains why.

A passive view over the core's :class:`~workbench.core.presets.PresetVerdict`; every line it
shows is the core's own text (the same as ``workbench run --preset``), never canned.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from workbench.core.presets import Preset, PresetVerdict
from workbench.core.session import RunPreset
from workbench.core.verdicts import Outcome, Verdict

VERDICT_COLOURS = {
    Verdict.HOLDS: "#006B4F",  # Okabe–Ito bluish green, darkened for white text
    Verdict.FAILS: "#A33F00",  # Okabe–Ito vermillion, darkened
    Verdict.DEPENDS: "#005A8C",  # Okabe–Ito blue, darkened
    Verdict.INCONCLUSIVE: "#555555",  # grey: nothing decided
}
"""Colour-blind-safe hues; the badge also says the verdict in words and with a mark."""
VERDICT_MARKS = {verdict: verdict.mark for verdict in Verdict}
PENDING_COLOUR = "#555555"

BADGE_WIDTH = 260
"""Wide enough for "✔ HOLDS" on one line at presentation size; longer verdicts wrap."""
BADGE_SCALE = 1.6
BADGE_PADDING = 14
"""The badge's type relative to the window's font: readable from the back of the room."""
ONE_LINE_SCALE = 0.75
"""The smallest type, relative to the window's, at which a verdict is kept on one line."""


def badge_text(verdict: Verdict) -> str:
    return f"{VERDICT_MARKS[verdict]}  {verdict.value.upper()}"


def _outcome_html(line: str, outcome: Outcome) -> str:
    colour = VERDICT_COLOURS[outcome.verdict]
    mark, _, text = line.partition(" ")
    return f"<span style='color:{colour}; font-weight:bold'>{mark}</span>&nbsp;{html.escape(text)}"


class VerdictView(QFrame):
    """Hidden until a preset runs; then the claim, and once measured the verdict.

    ``visibility_changed`` lets the window give the room back to the timeline when it hides;
    ``content_changed`` lets it find the room for a verdict that needs more than the claim did.
    """

    visibility_changed = Signal(bool)
    content_changed = Signal()  # the height it wants may differ: the window shares it out anew
    rerun_requested = Signal(object)  # RunPreset: more repeats, to decide an inconclusive one

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdict-view")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#verdict-view { border: 2px solid #202020; border-radius: 4px; }")
        self.verdict: Verdict | None = None
        self._claimed = False
        self.badge = QLabel()
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A long verdict wraps onto a second line rather than being cut at the badge's edge.
        self.badge.setWordWrap(True)
        self.badge.setFixedWidth(BADGE_WIDTH)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.claim = QLabel()
        self.claim.setWordWrap(True)
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.measured = QLabel()
        self.measured.setWordWrap(True)
        self.measured.setTextFormat(Qt.TextFormat.RichText)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        for label in (self.claim, self.measured, self.explanation):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # One column of text beside the badge, scrolling within whatever height the window
        # gives it: on a 720p projector the timeline needs most of the height.
        self.text = text = QWidget()
        column = QVBoxLayout(text)
        column.setContentsMargins(0, 0, 0, 0)
        # What a class reads first comes first: the claim, what was measured, why; the
        # preset's title is in the window's header already, so it goes last with the source.
        for label in (self.claim, self.measured, self.explanation, self.title, self.source):
            column.addWidget(label)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(text)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.rerun_button = QPushButton()
        self.rerun_button.setToolTip(
            "Too noisy to decide: the same preset again with more repeats, interleaved — each "
            "narrows the range the undisturbed times lie in (quieter moments help most)"
        )
        self.rerun_button.setVisible(False)
        self.rerun_button.clicked.connect(self._ask_rerun)
        self._rerun: RunPreset | None = None
        badge = QVBoxLayout()
        badge.addWidget(self.badge)
        badge.addWidget(self.rerun_button)
        badge.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(badge)
        layout.addWidget(scroll, 1)
        self.setVisible(False)

    def _set_badge(self, text: str, colour: str) -> None:
        size = self._badge_points(text)
        self.badge.setText(text)
        self.badge.setStyleSheet(
            f"background: {colour}; color: white; font-weight: bold; font-size: {size:g}pt;"
            f" padding: {BADGE_PADDING}px; border-radius: 6px;"
        )

    def _badge_points(self, text: str) -> float:
        """The badge's type size: the largest that keeps it on one line, down to
        ONE_LINE_SCALE of the window's type (on a short projector screen every line the badge
        takes is a line the timeline loses); else the largest whose longest word fits."""
        base = self.font().pointSizeF()
        font = QFont(self.font())
        font.setBold(True)
        room = BADGE_WIDTH - 2 * BADGE_PADDING - 8

        def fits(size: float, parts: list[str]) -> bool:
            font.setPointSizeF(size)
            metrics = QFontMetrics(font)
            return max(metrics.horizontalAdvance(part) for part in parts) <= room

        for least, parts in ((base * ONE_LINE_SCALE, [text]), (base, text.split())):
            size = base * BADGE_SCALE
            while size >= least:
                if fits(size, parts):
                    return size
                size *= 0.9
        return base

    def wanted_height(self, width: int) -> int:
        """The height that shows everything at ``width`` (the window caps it)."""
        text_width = max(100, width - self.badge.sizeHint().width() - 40)
        layout = self.text.layout()
        text = layout.heightForWidth(text_width) if layout is not None else 0
        return max(text, self._badge_column_height()) + self._margins()

    def least_height(self) -> int:
        """Below this the badge or the rerun button would be cut (the text column scrolls)."""
        return self._badge_column_height() + self._margins()

    def _margins(self) -> int:
        return self.contentsMargins().top() + self.contentsMargins().bottom() + 24

    def _badge_column_height(self) -> int:
        """The badge as wrapped at its width, and the rerun button under it when shown: an
        inconclusive verdict wraps onto two lines *and* offers the button, and a height that
        counted only the badge's one-line hint cut both."""
        badge = self.badge.heightForWidth(BADGE_WIDTH)
        height = max(badge, self.badge.sizeHint().height())
        if not self.rerun_button.isHidden():
            height += self.rerun_button.sizeHint().height() + 6
        return height

    @property
    def claimed(self) -> bool:
        """True while it has a preset's claim to show (hidden or not)."""
        return self._claimed

    def _ask_rerun(self) -> None:
        if self._rerun is not None:
            self.rerun_requested.emit(self._rerun)

    def show_claim(self, preset: Preset, time_scale: float, note: str = "measuring…") -> None:
        """Before and during the run: the claim, with the verdict still to come."""
        self._claimed = True
        self._rerun = None
        self.rerun_button.setVisible(False)
        scale = "" if time_scale == 1 else f" · durations ×{time_scale:g}"
        self.verdict = None
        self.title.setText(
            f"<i>{html.escape(preset.title)}{scale} — {preset.purpose.described}</i>"
        )
        self.claim.setText(f"<b>Claim:</b> {html.escape(preset.claim)}")
        self.source.setText(f"<i>— {html.escape(preset.source)}</i>")
        self.measured.setText(f"<b>Measured:</b> {html.escape(note)}")
        self.explanation.setText("")
        self.explanation.setVisible(False)
        self._set_badge(f"… {note.upper()}", PENDING_COLOUR)
        self.setVisible(True)

    def show_verdict(self, verdict: PresetVerdict) -> None:
        self.show_claim(verdict.preset, verdict.time_scale)
        self.verdict = verdict.verdict
        outcomes = [o for group in verdict.outcomes for o in group]
        lines = "".join(
            f"<li>{_outcome_html(line, o)}</li>"
            for line, o in zip(verdict.lines, outcomes, strict=True)
        )
        self.measured.setText(f"<b>Measured on this machine:</b><ul style='margin:0'>{lines}</ul>")
        self.explanation.setText(f"<b>Why:</b> {html.escape(verdict.why)}")
        self.explanation.setVisible(True)
        self._set_badge(badge_text(verdict.verdict), VERDICT_COLOURS[verdict.verdict])
        self._rerun = (
            RunPreset(verdict.preset, verdict.time_scale, verdict.rerun_repeat)
            if verdict.rerun_advised
            else None
        )
        if self._rerun is not None:
            self.rerun_button.setText(f"Run again with {verdict.rerun_repeat} repeats")
        self.rerun_button.setVisible(self._rerun is not None)
        self.content_changed.emit()

    def show_stopped(self, preset: Preset, time_scale: float, reason: str) -> None:
        self.show_claim(preset, time_scale, reason)

    def setVisible(self, visible: bool) -> None:
        changed = visible != self.isVisible() or visible == self.isHidden()
        super().setVisible(visible)
        if changed:
            self.visibility_changed.emit(visible)

    def clear(self) -> None:
        """Nothing to claim: a plain experiment, or another preset chosen (no stale verdict)."""
        self.verdict = None
        self._claimed = False
        self.setVisible(False)

    def texts(self) -> dict[str, str]:
        """What a class reads, as plain text (for tests)."""
        return {
            "badge": self.badge.text(),
            "claim": self.claim.text(),
            "measured": self.measured.text(),
            "explanation": self.explanation.text(),
        }
