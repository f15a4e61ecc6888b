"""What the presenter needs from each view: small protocols, so views stay passive and the
presenter can be tested against mocks (``MagicMock(spec=TimelineLike)``) with no display.

The Qt widgets implement these by having the methods; nothing here imports Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from workbench.core.analysis import Analysis
from workbench.core.presets import Preset, PresetVerdict
from workbench.core.results import Config, Results
from workbench.core.session import RunSweep
from workbench.core.sweep import Sweep
from workbench.gui.model.live_run import LiveExperiment, Progress


class TimelineLike(Protocol):
    last_redraw_s: float
    """What the last redraw cost: the presenter paces live redraws by it."""

    def show_experiment(self, experiment: LiveExperiment) -> None: ...
    def refresh(self, clock_ns: int | None = None) -> None: ...
    def refresh_live(self) -> None: ...
    def refresh_if_changed(self) -> None: ...


class ComparisonLike(Protocol):
    def show_analysis(self, results: Results, analysis: Analysis) -> None: ...
    def clear(self) -> None: ...


class StatusLike(Protocol):
    def show_progress(self, progress: Progress | None) -> None: ...
    def show_idle(self, text: str) -> None: ...


class BannerLike(Protocol):
    def show_message(self, text: str, level: str = "error") -> None: ...
    def hide(self) -> None: ...


class VerdictLike(Protocol):
    def show_claim(self, preset: Preset, time_scale: float, note: str = "measuring…") -> None: ...
    def show_verdict(self, verdict: PresetVerdict) -> None: ...
    def show_stopped(self, preset: Preset, time_scale: float, reason: str) -> None: ...
    def clear(self) -> None: ...


class SweepLike(Protocol):
    def sweep_started(self, sweep: RunSweep) -> None: ...
    def point_added(self, index: int, results: Results) -> None: ...
    def sweep_finished(self, sweep: Sweep) -> None: ...
    def sweep_failed(self, message: str) -> None: ...


class ReplayLike(Protocol):
    def abandon(self) -> None: ...


class ShellLike(Protocol):
    """The window's own parts: its header line, the settings, and what Run/Stop enable."""

    def set_running(self, running: bool) -> None: ...
    def show_header(self, text: str) -> None: ...
    def show_config(self, config: Config, *, reveal: bool = True) -> None: ...


@dataclass(frozen=True)
class Views:
    """Every view the presenter drives, handed to it whole."""

    shell: ShellLike
    timeline: TimelineLike
    comparison: ComparisonLike
    status: StatusLike
    banner: BannerLike
    verdict: VerdictLike
    sweep: SweepLike
    replay: ReplayLike
