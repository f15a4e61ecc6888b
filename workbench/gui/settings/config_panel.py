"""The experiment's settings: workload and its declared parameters, tasks, workers, repeat, and
which strategies to compare; plus Run and Stop.

Every input is built from what the core declares (``Param`` bounds, units and help; each
strategy's one-line summary), so the window can never offer a value the engine would refuse
without saying so, and never drifts from the CLI.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.config import MAX_REPEAT, build_config, default_workers
from workbench.core.params import ConfigError, Param
from workbench.core.results import Config
from workbench.core.strategies import STRATEGIES, Family
from workbench.core.strategies.base import MAX_TASKS
from workbench.core.usercode.model import CodeError
from workbench.core.workloads import WORKLOADS
from workbench.gui.settings.code_pane import CodePane
from workbench.gui.settings.interpreters_box import InterpretersBox
from workbench.gui.settings.number_field import NumberField
from workbench.gui.theme import FAILED_COLOUR

YOUR_CODE = "Your code…"
"""The workload picker's last entry: the user's own functions (see :mod:`.code_pane`)."""
DEFAULT_WORKLOAD = "cpu"
DEFAULT_STRATEGIES = ("sequential", "threads", "process-pool")
DEFAULT_TASKS = 8
DEFAULT_PARAMS = {"cpu": {"size": 2_500_000}}
"""The first thing people run (F5 straight after start): pure-Python work under a plain loop,
threads and a process pool shows the GIL and the way around it in about three seconds."""

FAMILY_TITLES = {
    Family.SEQUENTIAL: "Sequential",
    Family.ASYNC: "asyncio",
    Family.THREADS: "Threads",
    Family.PROCESSES: "Processes",
}


def _count(name: str, unit: str, default: float, maximum: float, help_text: str) -> Param:
    return Param(name, unit, default, 1, maximum, help_text, integer=True)


class ConfigPanel(QWidget):
    """The experiment's inputs; :meth:`read_config` validates them on demand.

    ``edited`` fires on any change, so the window can say when what is on screen no longer
    matches the settings. With "Your code…" picked, the code is edited in :attr:`code_dock`
    (the window docks it); ``run_requested`` fires from its Run button, and again once a run
    that waited for the code's check may go ahead (:attr:`pending` says it is waiting)."""

    edited = Signal()
    run_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workload_combo = QComboBox()
        for name, workload in WORKLOADS.items():
            self.workload_combo.addItem(name)
            self.workload_combo.setItemData(
                self.workload_combo.count() - 1, workload.summary, Qt.ItemDataRole.ToolTipRole
            )
        self.workload_combo.insertSeparator(self.workload_combo.count())
        self.workload_combo.addItem(YOUR_CODE)
        self.workload_summary = QLabel()
        self.workload_summary.setWordWrap(True)
        self.code_pane = CodePane()
        self.code_output = self.code_pane.output
        """What the code printed after a run: a session listener (the window registers it)."""
        self.code_dock = QDockWidget("Your code")
        self.code_dock.setObjectName("code-dock")
        self.code_dock.setWidget(self.code_pane)
        self.code_dock.setVisible(False)
        self.edit_code = QPushButton("Edit code…")
        self.edit_code.setVisible(False)
        self.edit_code.clicked.connect(self.show_code)
        self._reveal_code = True
        self.pending: str | None = None
        """Why the last Run did not start yet (the code is being checked), or None."""
        self.param_form = QFormLayout()
        self.param_fields: dict[str, NumberField] = {}
        self._remembered: dict[str, dict[str, str]] = {}
        self.tasks = NumberField(
            _count("tasks", "tasks", DEFAULT_TASKS, MAX_TASKS, "How many tasks to run.")
        )
        self.workers = NumberField(
            _count(
                "workers",
                "workers",
                default_workers(),
                MAX_TASKS,
                "Pool size or concurrency bound, used only by the strategies that say so "
                "(thread-pool, process-pool, mp-pool, async-bounded).",
            )
        )
        self.repeat = NumberField(
            _count("repeat", "runs", 1, MAX_REPEAT, "Runs per strategy; the median is compared.")
        )
        self.scheduler = QLineEdit()
        self.scheduler.setPlaceholderText("dask: a cluster per run")
        self.scheduler.setToolTip(
            "For the dask strategy only: an existing Dask scheduler (tcp://HOST:8786, e.g. "
            "the teacher's machine); empty starts a local cluster of Workers processes per run"
        )
        self.strategy_checks: dict[str, QCheckBox] = {}
        self.interpreters_box = InterpretersBox()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {FAILED_COLOUR}; font-weight: bold;")
        self.error.setVisible(False)
        self._build()
        self.workload_combo.currentTextChanged.connect(self._workload_changed)
        self.code_pane.edited.connect(self._code_edited)
        self.code_pane.run_requested.connect(self.run_requested)
        self.code_pane.checked.connect(self.run_requested)
        self.workload_combo.setCurrentText(DEFAULT_WORKLOAD)
        self._workload_changed(DEFAULT_WORKLOAD)
        for name, value in DEFAULT_PARAMS.get(DEFAULT_WORKLOAD, {}).items():
            self.param_fields[name].set_value(value)
        for name in DEFAULT_STRATEGIES:
            self.strategy_checks[name].setChecked(True)

    def _build(self) -> None:
        workload_box = QGroupBox("Workload")
        workload_layout = QVBoxLayout(workload_box)
        workload_layout.addWidget(self.workload_combo)
        workload_layout.addWidget(self.workload_summary)
        workload_layout.addWidget(self.edit_code)
        workload_layout.addLayout(self.param_form)
        run_box = QGroupBox("Tasks")
        run_form = QFormLayout(run_box)
        run_form.addRow("Tasks", self.tasks)
        run_form.addRow("Workers", self.workers)
        run_form.addRow("Repeat", self.repeat)
        run_form.addRow("Scheduler", self.scheduler)
        self.scheduler.textChanged.connect(self._clear_form_error)
        strategies_box = QGroupBox("Strategies")
        strategies_layout = QVBoxLayout(strategies_box)
        strategies_layout.setSpacing(2)
        for family, title in FAMILY_TITLES.items():
            heading = QLabel(title)
            heading.setStyleSheet("font-weight: bold; margin-top: 4px;")
            strategies_layout.addWidget(heading)
            for name, strategy in STRATEGIES.items():
                if strategy.family is not family:
                    continue
                check = QCheckBox(name)
                tip = strategy.summary.replace("--workers", "Workers")
                check.setToolTip(tip + (" (uses Workers)" if strategy.uses_workers else ""))
                if (missing := strategy.unavailable) is not None:  # an extra not installed
                    check.setEnabled(False)
                    check.setToolTip(missing)
                check.toggled.connect(self._clear_form_error)
                strategies_layout.addWidget(check)
                self.strategy_checks[name] = check
        layout = QVBoxLayout(self)
        layout.addWidget(workload_box)
        layout.addWidget(run_box)
        layout.addWidget(strategies_box)
        layout.addWidget(self.interpreters_box)
        layout.addWidget(self.error)
        layout.addStretch(1)
        for field in (self.tasks, self.workers, self.repeat):
            field.changed.connect(self._clear_form_error)
        self.interpreters_box.edited.connect(self._clear_form_error)

    # -- the workload's own parameters ---------------------------------------------------

    def _workload_changed(self, name: str) -> None:
        """Rebuild the parameter form from the workload's declared params, keeping what was
        typed for the previous workload so switching back restores it."""
        previous = getattr(self, "_shown_workload", None)
        if previous is not None:
            self._remembered[previous] = {n: f.text() for n, f in self.param_fields.items()}
        while self.param_form.rowCount():
            self.param_form.removeRow(0)
        self.param_fields = {}
        self.edit_code.setVisible(name == YOUR_CODE)
        if previous == YOUR_CODE and name != YOUR_CODE:
            self.code_dock.setVisible(False)  # the editor goes with the choice of code
        if name == YOUR_CODE:
            self._shown_workload = name
            self._code_edited()
            if self._reveal_code:  # picked by hand, or a config to be seen (set_config)
                self.show_code()
            return
        workload = WORKLOADS[name]
        self.workload_summary.setText(workload.summary)
        self.workload_combo.setToolTip(workload.summary)
        remembered = self._remembered.get(name, {})
        for param in workload.params:
            field = NumberField(param)
            if param.name in remembered:
                field.edit.setText(remembered[param.name])
            field.changed.connect(self._clear_form_error)
            label = QLabel(param.name.capitalize())
            label.setToolTip(param.help)
            self.param_form.addRow(label, field)
            self.param_fields[param.name] = field
        self._shown_workload = name
        self._clear_form_error()

    # -- reading and showing a config ----------------------------------------------------

    # -- your code ------------------------------------------------------------------------

    @property
    def code_mode(self) -> bool:
        return self.workload_combo.currentText() == YOUR_CODE

    def show_code(self) -> None:
        """Bring the code editor up (docked in the window)."""
        self.code_dock.setVisible(True)
        self.code_dock.raise_()
        self.code_pane.editor.setFocus()

    def _code_edited(self) -> None:
        if not self.code_mode:
            return
        pane = self.code_pane
        where = (
            f"example:{pane.example}"
            if pane.example
            else (pane.file.name if pane.file else "new code")
        )
        calls = ", ".join(pane.names()) or "no function chosen yet"
        self.workload_summary.setText(f"{where}: {calls}")
        self.pending = None
        self._clear_form_error()

    def fields(self) -> list[NumberField]:
        return [*self.param_fields.values(), self.tasks, self.workers, self.repeat]

    def selected_strategies(self) -> list[str]:
        return [name for name, check in self.strategy_checks.items() if check.isChecked()]

    def read_config(self, *, for_run: bool = False) -> Config | None:
        """The validated config, or None with every problem shown where it is.

        ``for_run``: with your code, first load it and run its ``setup()`` in a child (once
        per version of the file): None meanwhile (:attr:`pending`), then ``run_requested``.
        """
        self.pending = None
        bad = [field for field in self.fields() if not field.validate()]
        if bad:
            self.show_error(f"Not run: {bad[0].problem()}")
            bad[0].edit.setFocus()
            return None
        try:
            config = self._config_from_fields(save=True)
        except CodeError as exc:
            self.code_pane.show_problem(f"Not run: {exc}", exc.line)
            self.show_error(f"Not run: {exc}")
            self.show_code()
            return None
        except ConfigError as exc:
            self.show_error(f"Not run: {exc}")
            return None
        self._clear_form_error()
        if for_run and config.code is not None and not self.code_pane.passed(config.code):
            self.code_pane.clear_problem()
            self.code_pane.start_check(config.code)
            self.pending = "Checking your code: loading it and running its setup()…"
            return None
        return config

    def current_config(self) -> Config | None:
        """The config as the settings stand, or None if they are not valid — quietly."""
        if any(field.problem() for field in self.fields()):
            return None
        try:
            return self._config_from_fields()
        except ConfigError:
            return None

    def _config_from_fields(self, *, save: bool = False) -> Config:
        common = {
            "scheduler": self.scheduler.text().strip() or None,
            "interpreters": self.interpreters_box.chosen(),
        }
        if self.code_mode:
            return build_config(
                "",
                self.selected_strategies(),
                int(self.tasks.value()),
                int(self.workers.value()),
                self.code_pane.keyword_arguments(),
                int(self.repeat.value()),
                code=self.code_pane.reference(save=save),
                **common,
            )
        return build_config(
            self.workload_combo.currentText(),
            self.selected_strategies(),
            int(self.tasks.value()),
            int(self.workers.value()),
            {name: field.value() for name, field in self.param_fields.items()},
            int(self.repeat.value()),
            **common,
        )

    def set_config(self, config: Config, *, reveal: bool = True) -> None:
        """Show a config (for instance one read from a results file, or a preset's).

        ``reveal``: a config with code opens the code's dock and gives it the keys (a
        preset's code is seen before it runs); not while a preset's experiments run, where
        the dock would cover the charts at each one."""
        self._reveal_code = reveal
        try:
            if config.code is not None:
                self.code_pane.load(config.code)
                self.workload_combo.setCurrentText(YOUR_CODE)
                if reveal:
                    self.show_code()
            elif config.workload in WORKLOADS:
                self.workload_combo.setCurrentText(config.workload)
        finally:
            self._reveal_code = True
        for name, value in config.params.items():
            if name in self.param_fields:
                self.param_fields[name].set_value(value)
        self.tasks.set_value(config.tasks)
        self.workers.set_value(config.workers)
        self.repeat.set_value(config.repeat)
        self.scheduler.setText(config.scheduler or "")
        for name, check in self.strategy_checks.items():
            check.setChecked(name in config.strategies)
        self.interpreters_box.set_chosen(config.interpreters)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(True)

    def _clear_form_error(self) -> None:
        self.error.setVisible(False)
        self.edited.emit()

    def set_running(self, running: bool) -> None:
        """Lock the inputs during a run (they describe the run on screen)."""
        for widget in (
            self.workload_combo,
            *self.fields(),
            *self.strategy_checks.values(),
            self.edit_code,
            self.scheduler,
        ):
            widget.setEnabled(not running)
        for name, check in self.strategy_checks.items():  # an extra not installed stays off
            if STRATEGIES[name].unavailable is not None:
                check.setEnabled(False)
        self.code_pane.set_running(running)
        self.interpreters_box.set_running(running)
