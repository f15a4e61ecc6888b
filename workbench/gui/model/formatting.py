"""How numbers read in the window: seconds with sensible precision, machines in one line.

Qt-free and pure, so labels, tooltips, tables and tests all agree on the same text.
"""

from __future__ import annotations

from collections.abc import Mapping

from workbench.core.clock import format_seconds as seconds
from workbench.core.clock import to_seconds
from workbench.core.results import Config, Machine
from workbench.core.workloads import WORKLOADS
from workbench.gui.model.untrusted_text import elided

NAME = 80
"""Characters of a name from a results file in a one-line summary (a file may hold more)."""


def ns_as_seconds(ns: int | None) -> str:
    return seconds(None if ns is None else to_seconds(ns))


def machine_line(machine: Machine) -> str:
    """Everything needed to read a figure honestly, in one status-bar line."""
    physical = f" ({machine.physical_cpus} physical)" if machine.physical_cpus else ""
    gil = "GIL on" if machine.gil_enabled else "GIL off (free-threaded)"
    return (
        f"{machine.logical_cpus} cores{physical} · {elided(machine.cpu_model, NAME)} · "
        f"{elided(machine.implementation, NAME)} {elided(machine.python, NAME)} · {gil}"
    )


def param_value(value: float, integer: bool) -> str:
    """A parameter value as a person would type it back (no float noise, thousands grouped)."""
    return f"{int(value):,}" if integer else f"{value:g}"


def params_line(workload_name: str, params: Mapping[str, float]) -> str:
    """A workload's parameters with their units: ``size 1,500,000 iterations, jitter 0``."""
    workload = WORKLOADS.get(workload_name)
    declared = {p.name: p for p in workload.params} if workload else {}
    parts = []
    for name, value in params.items():
        param = declared.get(name)
        text = param_value(value, param.integer) if param else f"{value:g}"
        if param is not None and param.unit == name:
            parts.append(f"{text} {name}")  # "30 rounds", not "rounds 30 rounds"
        else:
            parts.append(f"{name} {text} {param.unit}" if param else f"{name} {text}")
    return ", ".join(parts)


def config_line(config: Config) -> str:
    """The experiment in one line: workload, parameters with units, tasks, workers, repeat, and
    the Pythons it runs on when they were chosen."""
    params = params_line(config.workload, config.params)
    params = f" ({params})" if params else ""
    repeat = f" · repeat {config.repeat}" if config.repeat > 1 else ""
    what = config.code.title() if config.code is not None else f"{config.workload}{params}"
    what = elided(what, NAME * 4)
    pythons = elided(", ".join(i.label for i in config.interpreters), NAME * 4)
    on = f" · Python {pythons}" if pythons else ""
    return f"{what} · {config.tasks:,} tasks · {config.workers} workers{repeat}{on}"
