"""A run's process imports only its own strategy's module: the registry names the strategies
without importing them (pool workers are forked from that process, and every run starts
sooner)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

STRATEGY_MODULES = {
    "sequential": "threaded",
    "threads": "threaded",
    "async-gather": "asynchronous",
    "process-pool": "processes",
    "mp-pool": "processes",
}


def _modules_after(code: str) -> set[str]:
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def test_the_registry_imports_no_strategy_module() -> None:
    loaded = _modules_after("from workbench.core.strategies import STRATEGIES")
    strategies = {m for m in loaded if m.startswith("workbench.core.strategies.")}
    assert strategies == {"workbench.core.strategies.base"}
    assert not {m for m in loaded if m.startswith("workbench.core.cluster.")}


@pytest.mark.parametrize("strategy", sorted(STRATEGY_MODULES))
def test_a_strategy_imports_its_own_module_before_the_clock_and_no_other(strategy: str) -> None:
    """The child calls ``prepare`` before it takes the run's ``t0``: the module's import must
    happen there, not inside the timed ``run``."""
    code = (
        "from workbench.core.strategies import STRATEGIES, RunContext\n"
        "from workbench.core.recording import Recorder\n"
        "from workbench.core.workloads import Job, workload_named\n"
        "workload = workload_named('sleep')\n"
        "job = Job(workload='sleep', params={'duration': 0.0})\n"
        f"strategy = STRATEGIES[{strategy!r}]\n"
        "strategy.prepare()\n"
        "prepared = {m for m in sys.modules if m.startswith('workbench.core.strategies.')}\n"
        "strategy.run(RunContext(workload, job, 2, 1, Recorder()))\n"
        "ran = {m for m in sys.modules if m.startswith('workbench.core.strategies.')}\n"
        "print(json.dumps([sorted(prepared), sorted(ran)]))\n"
        "sys.exit()\n"
    )
    script = f"import json, sys\n{code}"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    prepared, ran = json.loads(out.stdout)
    own = f"workbench.core.strategies.{STRATEGY_MODULES[strategy]}"
    assert prepared == sorted({"workbench.core.strategies.base", own})
    assert ran == prepared  # the timed run imported nothing more of the strategies
