"""The core must never pull in Qt: children would pay for it, and the CLI must run headless."""

from __future__ import annotations

import subprocess
import sys
import textwrap

GUI_MODULES = ("PySide6", "pyqtgraph", "qasync")


def test_importing_the_core_and_running_an_experiment_loads_no_gui_module() -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        import workbench.core.engine, workbench.core.exports, workbench.cli, workbench.console
        from workbench.core.config import build_config
        from workbench.core.engine import run_experiment
        config = build_config(
            "sleep", ["sequential", "async-gather"], 2, params={{"duration": 0.01}}
        )
        results = asyncio.run(run_experiment(config))
        assert results.ok, results
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in {GUI_MODULES!r})
        print(loaded)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_child_entry_module_imports_neither_qt_nor_numpy() -> None:
    script = (
        "import sys, workbench.core.child; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'pyqtgraph', 'qasync', 'numpy')))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
