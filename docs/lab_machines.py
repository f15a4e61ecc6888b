"""Twenty fabricated lab machines and their results, for the class view's screenshot only.

These are **made up** — not measured: plausible laptops, desktops and VMs of a teaching lab
(1 to 32 logical CPUs, Intel, AMD and Apple CPUs, Linux, Windows and macOS, CPython 3.11 to
3.13, two free-threaded) running the ``cpu-gil`` preset (4 CPU-bound tasks under sequential,
async-gather, threads and a process pool). Wall times follow a simple model: a task takes the
machine's ``task_s``; threads gain nothing under the GIL and run in parallel without it; a
process pool runs up to min(cores, 4) tasks at once after its start-up (spawn is slower than
fork), with hyper-threaded siblings worth less than a core; a little noise on top. The
verdict is the preset's own judgement of those results.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from workbench.core.clock import NS_PER_S
from workbench.core.presets import judge, preset_named
from workbench.core.results import CpuSample, Machine, Results, Run, TaskSpan

PRESET = "cpu-gil"


@dataclass(frozen=True)
class LabMachine:
    hostname: str
    logical: int
    physical: int
    cpu: str
    os: str
    python: str
    task_s: float
    gil: bool = True

    @property
    def start_method(self) -> str:
        return "fork" if self.os.startswith("Linux") else "spawn"


WIN10, WIN11 = "Windows-10-10.0.19045-SP0", "Windows-11-10.0.22631-SP0"
UBUNTU, DEBIAN = (
    "Linux-6.8.0-31-generic-x86_64-with-glibc2.39",
    "Linux-6.1.0-18-amd64-x86_64-with-glibc2.36",
)
MAC = "macOS-14.5-arm64-arm-64bit"

LAB_MACHINES = (
    LabMachine("lab-01", 4, 2, "Intel(R) Core(TM) i5-7200U CPU @ 2.50GHz", WIN10, "3.11.9", 0.42),
    LabMachine("lab-02", 8, 4, "Intel(R) Core(TM) i7-8550U CPU @ 1.80GHz", WIN11, "3.12.3", 0.36),
    LabMachine("lab-03", 8, 8, "Apple M1", MAC, "3.12.2", 0.22),
    LabMachine("lab-04", 12, 6, "AMD Ryzen 5 5600X 6-Core Processor", UBUNTU, "3.11.7", 0.20),
    LabMachine("lab-05", 2, 2, "Intel(R) Celeron(R) N4020 CPU @ 1.10GHz", DEBIAN, "3.11.2", 0.90),
    LabMachine(
        "lab-06", 16, 8, "AMD Ryzen 7 7840U w/ Radeon 780M Graphics", UBUNTU, "3.12.3", 0.18
    ),
    LabMachine("lab-07", 10, 10, "Apple M2 Pro", MAC, "3.13.1", 0.17, gil=False),
    LabMachine("lab-08", 4, 4, "Intel(R) Core(TM) i5-6500 CPU @ 3.20GHz", WIN10, "3.11.9", 0.30),
    LabMachine("lab-09", 20, 14, "12th Gen Intel(R) Core(TM) i7-12700H", WIN11, "3.12.4", 0.17),
    LabMachine("lab-10", 1, 1, "Intel Xeon Processor (Skylake, IBRS)", DEBIAN, "3.11.2", 0.35),
    LabMachine(
        "lab-11", 8, 4, "11th Gen Intel(R) Core(TM) i5-1135G7 @ 2.40GHz", DEBIAN, "3.11.2", 0.25
    ),
    LabMachine("lab-12", 8, 8, "Apple M1", "macOS-13.6.7-arm64-arm-64bit", "3.11.6", 0.22),
    LabMachine(
        "lab-13", 32, 16, "AMD Ryzen 9 7950X 16-Core Processor", UBUNTU, "3.13.1", 0.14, gil=False
    ),
    LabMachine("lab-14", 6, 6, "Intel(R) Core(TM) i5-9400F CPU @ 2.90GHz", WIN10, "3.12.1", 0.24),
    LabMachine("lab-15", 4, 2, "Intel(R) Core(TM) i3-10110U CPU @ 2.10GHz", WIN11, "3.11.5", 0.40),
    LabMachine("lab-16", 12, 12, "Apple M3 Pro", MAC, "3.12.2", 0.15),
    LabMachine(
        "lab-17", 32, 16, "Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz", UBUNTU, "3.11.7", 0.28
    ),
    LabMachine(
        "lab-18", 2, 2, "AMD A6-9225 RADEON R4, 5 COMPUTE CORES 2C+3G", WIN10, "3.11.0", 0.80
    ),
    LabMachine("lab-19", 8, 4, "Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz", UBUNTU, "3.11.9", 0.30),
    LabMachine("lab-20", 24, 16, "13th Gen Intel(R) Core(TM) i7-13700K", WIN11, "3.12.3", 0.12),
)


def _parallel_s(machine: LabMachine, tasks: int, rng: random.Random) -> float:
    """``tasks`` equal CPU-bound tasks on as many cores as there are, hyper-threads worth 0.6."""
    lanes = min(tasks, machine.logical)
    full = min(lanes, machine.physical)
    capacity = full + 0.6 * (lanes - full)
    return machine.task_s * tasks / capacity * rng.uniform(1.03, 1.12)


def _run(strategy: str, wall_s: float, tasks: int, parallel: int, cores: int) -> Run:
    wall = round(wall_s * NS_PER_S)
    lanes = max(1, min(parallel, tasks))
    per = wall // math.ceil(tasks / lanes)
    spans = tuple(
        TaskSpan(t, (t // lanes) * per, (t // lanes + 1) * per, f"worker-{t % lanes + 1}")
        for t in range(tasks)
    )
    busy = min(100.0, 100.0 * lanes / cores)
    sample = CpuSample(wall, tuple(busy if c < lanes else 2.0 for c in range(cores)))
    return Run(strategy, 0, True, None, wall, round(wall * lanes * 0.98), 0, spans, (sample,))


def lab_results(machine: LabMachine, seed: int) -> tuple[Results, str, str]:
    """The machine's made-up results for the preset, its name, and the preset's verdict."""
    rng = random.Random(seed)
    preset = preset_named(PRESET)
    config = preset.experiments[0].config(preset.time_scale)
    tasks = config.tasks
    sequential = machine.task_s * tasks * rng.uniform(0.98, 1.03)
    start = 0.06 if machine.start_method == "fork" else 0.28
    threads = (
        _parallel_s(machine, tasks, rng) if not machine.gil else sequential * rng.uniform(1.0, 1.08)
    )
    walls = {
        "sequential": (sequential, 1),
        "async-gather": (sequential * rng.uniform(0.99, 1.04), 1),
        "threads": (threads, 1 if machine.gil else tasks),
        "process-pool": (start + _parallel_s(machine, tasks, rng), tasks),
    }
    runs = tuple(
        _run(s, *walls[s], tasks, machine.logical) for s in config.strategies if s in walls
    )
    results = Results(
        machine=Machine(
            logical_cpus=machine.logical,
            physical_cpus=machine.physical,
            cpu_model=machine.cpu,
            os=machine.os,
            python=machine.python,
            implementation="CPython",
            gil_enabled=machine.gil,
            mp_start_method=machine.start_method,
        ),
        config=config,
        runs=runs,
    )
    verdict = judge(preset, (results,), preset.time_scale).verdict.value
    return results, preset.name, verdict
