"""The "Your code…" pane: edit, open or paste Python, choose its functions, and run it.

The file is never imported here: its functions are read with ``ast`` as it is typed (plain or
async, marked in the choosers), and loading it and running its ``setup()`` happen in a child
process (:func:`~workbench.core.usercode.preflight.check_code`) before the first run of each
version. A syntax error, a missing function or a ``setup()`` that raises is shown under the
editor with its line tinted; nothing runs, and the window keeps working.

What runs is always a file: one opened from disk is saved back to itself; typed or pasted
code, or a changed example (package data is never written), goes to ``code/`` in the user's
data folder.
"""

from __future__ import annotations

import ast
import asyncio
import hashlib
import importlib.util
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.atomic import write_atomically
from workbench.core.datadir import data_dir
from workbench.core.usercode.analysis import Outline, SourceError, outline
from workbench.core.usercode.examples import EXAMPLE_PREFIX, example_names, example_path
from workbench.core.usercode.model import CodeError, Scalar, UserCode
from workbench.core.usercode.preflight import CodeProblem, check_code
from workbench.core.usercode.spec import parse_value
from workbench.gui.settings.code_editor import CodeEditor
from workbench.gui.settings.code_output import CodeOutput
from workbench.gui.theme import FAILED_COLOUR

NONE = "— none —"
PICK_EXAMPLE = "Open an example…"
TEMPLATE = """import asyncio
import time


def task(i):
    time.sleep(0.2)


async def async_task(i):
    await asyncio.sleep(0.2)
"""
SCRATCH = "scratch.py"
"""New code's file in the data folder's code folder, written when it runs."""
MIN_WIDTH = 300
"""Wide enough for a short snippet from an article, ~40 columns (scrolled sideways beyond);
at 400 the settings, the code and the charts asked a 1024-px projector for 1,252 px."""
SKIPPED = ("setup", "main")
"""Never offered first: ``setup()`` runs before the tasks, ``main()`` is usually the driver."""


def code_folder(*, create: bool = False) -> Path:
    """Where typed, pasted and changed example code is saved (the user's data folder); made
    only when something is saved there."""
    folder = data_dir(create=create) / "code"
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def keyword_arguments(text: str) -> dict[str, Scalar]:
    """``seconds=0.2, name='x'`` (as in a call) → values; an unquoted word stays text."""
    if not text.strip():
        return {}
    source = f"f({text})"
    try:
        call = ast.parse(source, mode="eval").body
    except SyntaxError:
        message = f"arguments: write them as in a call, seconds=0.2, name='x' (not {text!r})"
        raise CodeError(message) from None
    assert isinstance(call, ast.Call)
    if call.args or any(k.arg is None for k in call.keywords):
        raise CodeError("arguments: give each one a name, as in seconds=0.2")
    return {
        str(k.arg): parse_value(ast.get_source_segment(source, k.value) or "")
        for k in call.keywords
    }


class CodePane(QWidget):
    """``run_requested``: its Run button; ``checked``: the code passed the check a run asked
    for; ``edited``: the code, the functions chosen or the arguments changed."""

    run_requested = Signal()
    checked = Signal()
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = CodeEditor()
        self.examples = QComboBox()
        self.examples.addItems([PICK_EXAMPLE, *example_names()])
        self.open_button = QPushButton("Open file…")
        self.new_button = QPushButton("New")
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.plain = QComboBox()
        self.coroutine = QComboBox()
        self.arguments = QLineEdit()
        self.arguments.setPlaceholderText("keyword arguments, as in a call: seconds=0.2")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.setStyleSheet(f"color: {FAILED_COLOUR}; font-weight: bold;")
        self.problem.setVisible(False)
        self.state = QLabel()
        self.output = CodeOutput()
        self.setMinimumWidth(MIN_WIDTH)
        self.run_button = QPushButton("Run  (F5)")
        self.file: Path | None = None
        """The file that runs (None: new code, not saved yet)."""
        self.example: str | None = None
        self._saved = ""
        self._passed: tuple[str, str] | None = None
        self.check: asyncio.Future[CodeProblem | None] | None = None
        self._outline = QTimer(self, singleShot=True, interval=250)
        self._build()
        self._outline.timeout.connect(self.refresh_functions)
        self.editor.textChanged.connect(self._text_changed)
        self.examples.activated.connect(self._example_picked)
        self.open_button.clicked.connect(self._ask_file)
        self.new_button.clicked.connect(lambda: self.new_code(TEMPLATE))
        self.run_button.clicked.connect(self.run_requested)
        for combo in (self.plain, self.coroutine):
            combo.currentIndexChanged.connect(self.edited)
        self.arguments.textChanged.connect(self.edited)
        self.new_code(TEMPLATE)

    def _build(self) -> None:
        # The examples on a row of their own, and each function's label over its box where
        # the pane is narrow: side by side, they alone held it 400 px wide.
        files = QHBoxLayout()
        files.addWidget(self.open_button)
        files.addWidget(self.new_button)
        files.addStretch(1)
        choose = QFormLayout()
        choose.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        choose.addRow("Plain function", self.plain)
        choose.addRow("Coroutine function", self.coroutine)
        choose.addRow("Arguments", self.arguments)
        bottom = QHBoxLayout()
        bottom.addWidget(self.state, 1)
        bottom.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.examples)
        layout.addLayout(files)
        layout.addWidget(self.where)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.problem)
        layout.addLayout(choose)
        layout.addLayout(bottom)
        layout.addWidget(self.output)

    # -- what is in the editor -----------------------------------------------------------

    def _show(self, text: str, file: Path | None, example: str | None) -> None:
        self.file, self.example, self._saved = file, example, text
        self.editor.setPlainText(text)
        self.refresh_functions()
        self._where()

    def new_code(self, text: str) -> None:
        """Typed or pasted code: saved to the data folder when it runs."""
        self._show(text, None, None)
        self._saved = ""

    def open_file(self, path: Path) -> None:
        data = path.read_bytes()
        self._show(importlib.util.decode_source(data), path, None)

    def open_example(self, name: str) -> None:
        self._show(example_path(name).read_text(encoding="utf-8"), example_path(name), name)

    def load(self, code: UserCode) -> None:
        """Show a snapshot's code: its file if it is still the same, else its recorded text."""
        path = Path(code.path)
        same = path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == code.sha256
        if same and code.label.startswith(EXAMPLE_PREFIX):
            self.open_example(code.label.removeprefix(EXAMPLE_PREFIX).partition(":")[0])
        elif same:
            self.open_file(path)
        else:
            self.new_code(code.source)
        self.choose(
            code.plain.name if code.plain else None, code.coroutine.name if code.coroutine else None
        )
        self.arguments.setText(", ".join(f"{k}={v!r}" for k, v in code.kwargs.items()))

    def _where(self) -> None:
        if self.example is not None and not self.dirty:
            text = (
                f"{EXAMPLE_PREFIX}{self.example} (changes are saved as a copy in your data folder)"
            )
        elif self.file is not None:
            text = self.file.name + (" — changed: saved when it runs" if self.dirty else "")
        else:
            text = f"New code: saved as {SCRATCH} in your data folder when it runs"
        # The file's name, its folder in the tooltip: the whole path took five lines of the
        # editor's height in presentation mode.
        self.where.setText(text)
        runs = self.file if self.file is not None and not self.dirty else self._target()
        self.where.setToolTip(str(runs))

    @property
    def dirty(self) -> bool:
        return self.editor.toPlainText() != self._saved

    def _text_changed(self) -> None:
        self._where()
        self._outline.start()  # then edited, once typing pauses

    def _example_picked(self, index: int) -> None:
        if index > 0:
            self.open_example(self.examples.itemText(index))
        self.examples.setCurrentIndex(0)

    def _ask_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open Python code", "", "Python (*.py)")
        if name:
            try:
                self.open_file(Path(name))
            except (OSError, SyntaxError, UnicodeDecodeError) as exc:
                self.show_problem(f"{name}: cannot be read ({exc})", None)

    # -- its functions -------------------------------------------------------------------

    def refresh_functions(self) -> None:
        """Offer the functions the text defines now (ast), keeping the choice where it can."""
        try:
            found = outline(self.editor.toPlainText())
        except SourceError as exc:
            where = f"line {exc.line}: " if exc.line else ""
            self.show_problem(f"{where}syntax error: {exc.message}", exc.line)
            return
        self.clear_problem()
        self._fill(found)

    def _fill(self, found: Outline) -> None:
        for combo, is_async, default in (
            (self.plain, False, "task"),
            (self.coroutine, True, "async_task"),
        ):
            wanted = combo.currentText() if combo.count() else default
            names = [f.name for f in found.functions.values() if f.is_async == is_async]
            offered = [n for n in names if n not in SKIPPED]
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([NONE, *names])
            fallback = offered[0] if len(offered) == 1 else (default if default in names else NONE)
            combo.setCurrentText(wanted if wanted in names else fallback)
            combo.blockSignals(False)
        self.edited.emit()

    def choose(self, plain: str | None, coroutine: str | None) -> None:
        self.plain.setCurrentText(plain or NONE)
        self.coroutine.setCurrentText(coroutine or NONE)

    def names(self) -> list[str]:
        return [
            c.currentText()
            for c in (self.plain, self.coroutine)
            if c.currentText() not in ("", NONE)
        ]

    # -- what runs -----------------------------------------------------------------------

    def _target(self) -> Path:
        """Where the editor's text is written when it runs: back to a file opened, a changed
        example as a copy in the data folder, new code as the scratch file there."""
        if self.file is not None and self.example is None:
            return self.file
        return code_folder() / (f"{self.example}.py" if self.example else SCRATCH)

    def save(self) -> Path:
        """The file that runs, written first if the editor holds something else."""
        if self.file is not None and not self.dirty:
            return self.file
        target = self._target()
        if target != self.file:
            code_folder(create=True)
        text = self.editor.toPlainText()
        write_atomically(target, text)
        self.file, self.example, self._saved = target, None, text
        self._where()
        return target

    def reference(self, *, save: bool) -> str:
        """``PATH.py:NAME[,NAME]`` (``example:NAME:…`` for an unchanged example)."""
        names = self.names()
        if not names:
            raise CodeError("choose the function to run: a plain one, a coroutine one, or both")
        if self.example is not None and not self.dirty:
            return f"{EXAMPLE_PREFIX}{self.example}:{','.join(names)}"
        path = self.save() if save else self.file
        if path is None:
            raise CodeError("the code is not saved yet")
        return f"{path}:{','.join(names)}"

    def keyword_arguments(self) -> dict[str, Scalar]:
        return keyword_arguments(self.arguments.text())

    # -- problems and the check before the first run ----------------------------------------

    def show_problem(self, message: str, line: int | None, traceback: str | None = None) -> None:
        self.problem.setText(message)
        self.problem.setToolTip(traceback or "")
        self.problem.setVisible(True)
        self.state.clear()
        self.editor.mark_line(line)

    def clear_problem(self) -> None:
        self.problem.setVisible(False)
        self.editor.mark_line(None)

    def passed(self, code: UserCode) -> bool:
        return self._passed == (code.path, code.sha256)

    def start_check(self, code: UserCode) -> None:
        """Load the code and run its ``setup()`` in a child; ``checked`` once it passes."""
        if self.check is not None and not self.check.done():
            return
        self.state.setText("Checking: loading it and running its setup()…")
        self.check = asyncio.ensure_future(check_code(code))
        self.check.add_done_callback(lambda done: self._checked(code, done))

    def _checked(self, code: UserCode, done: asyncio.Future[CodeProblem | None]) -> None:
        if done.cancelled():
            self.state.clear()
            return
        try:
            problem = done.result()
        except Exception as exc:  # the check itself could not run (no process, stopped)
            problem = CodeProblem(f"the check could not run: {exc}")
        if problem is not None:
            self.show_problem(f"Not run: {problem.message}", problem.line, problem.traceback)
            return
        self._passed = (code.path, code.sha256)
        self.state.setText("✓ It loads, and its setup() returns.")
        self.checked.emit()

    def set_running(self, running: bool) -> None:
        self.editor.setReadOnly(running)
        for widget in (
            self.examples,
            self.open_button,
            self.new_button,
            self.plain,
            self.coroutine,
            self.arguments,
            self.run_button,
        ):
            widget.setEnabled(not running)
