"""Results built in code, for tests that need a results file but not a real run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from workbench.core.clock import NS_PER_S
from workbench.core.results import Config, CpuSample, Machine, Results, Run, TaskSpan

MACHINE = Machine(
    logical_cpus=2,
    physical_cpus=2,
    cpu_model="Test CPU 2000",
    os="Linux-6.1-x86_64-with-glibc2.36",
    python="3.11.7",
    implementation="CPython",
    gil_enabled=True,
    mp_start_method="fork",
)


def make_results(
    strategies: Sequence[str] = ("sequential", "async-gather"),
    walls_s: Sequence[float] = (0.3, 0.1),
    *,
    tasks: int = 3,
    repeat: int = 1,
    workload: str = "sleep",
    params: dict[str, float] | None = None,
    interrupted: bool = False,
    **machine: object,
) -> Results:
    """One run per strategy and repeat; task spans evenly spread over each run's wall time.

    ``machine`` overrides fields of a 2-CPU test machine (``logical_cpus=8``, ...); a repeat
    ``r`` takes ``1 + r / 10`` times the strategy's wall time, so min and max differ.
    """
    runs = []
    cpus = int(machine.get("logical_cpus", MACHINE.logical_cpus))  # type: ignore[call-overload]
    per_core = (50.0, *(25.0,) * (cpus - 1))  # a figure per CPU, as a results file must have
    for index, (strategy, wall_s) in enumerate(zip(strategies, walls_s, strict=True)):
        for r in range(repeat):
            wall = round(wall_s * (1 + r / 10) * NS_PER_S)
            step = wall // max(1, tasks)
            spans = tuple(
                TaskSpan(t, t * step, (t + 1) * step, "main", running=((t * step, t * step + 1),))
                for t in range(tasks)
            )
            runs.append(
                Run(
                    strategy=strategy,
                    repeat_index=r,
                    ok=True,
                    error=None,
                    wall_ns=wall,
                    cpu_ns=wall // (index + 2),
                    startup_ns=0,
                    tasks=spans,
                    cpu_samples=(CpuSample(wall, per_core),),
                )
            )
    return Results(
        machine=replace(MACHINE, **machine),  # type: ignore[arg-type]
        config=Config(
            workload=workload,
            params=params if params is not None else {"duration": 0.1},
            tasks=tasks,
            workers=2,
            repeat=repeat,
            strategies=tuple(strategies),
        ),
        runs=tuple(runs),
        interrupted=interrupted,
    )
