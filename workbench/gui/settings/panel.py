"""The settings side panel: the preset picker and Run/Stop on top of the experiment's own
settings — Run near the top, so it is reachable without scrolling on a 720p projector.

In presentation mode it shrinks to the picker and Run/Stop (:meth:`set_compact`): the class
needs the preset and the buttons, not the workload's knobs.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from workbench.gui.settings.config_panel import ConfigPanel
from workbench.gui.settings.preset_panel import PresetPanel


class SettingsPanel(QWidget):
    """Emits ``run_requested`` / ``stop_requested`` from its buttons."""

    run_requested = Signal()
    stop_requested = Signal()

    def __init__(
        self, presets: PresetPanel, config: ConfigPanel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.presets = presets
        self.config = config
        self.run_button = QPushButton("Run  (F5)")
        self.run_button.setToolTip("Run the chosen preset, or these settings (F5)")
        self.stop_button = QPushButton("Stop  (Esc)")
        self.stop_button.setToolTip("Stop the run; finished runs are kept (Esc)")
        self.stop_button.setEnabled(False)
        self.run_button.clicked.connect(self.run_requested)
        self.stop_button.clicked.connect(self.stop_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(presets)
        layout.addLayout(buttons)
        layout.addWidget(config, 1)

    def set_compact(self, compact: bool) -> None:
        """Only the preset picker and Run/Stop (presentation mode), or everything."""
        for box in self.config.findChildren(QGroupBox):
            box.setVisible(not compact)

    def set_running(self, running: bool) -> None:
        """Lock the inputs during a run (they describe the run on screen)."""
        self.config.set_running(running)
        self.presets.setEnabled(not running)
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
