"""The CPU cases' fidelity gap in instructions: counted, not timed.

Wall time cannot settle a 2 % question on a shared VM: two sets of the same comparison minutes
apart put the workbench's spin in bare threads at 1.08 [1.065, 1.113] and at 1.01 [0.98, 1.06]
of the bare script, and the guest sees no hardware counters. Valgrind's
cachegrind counts every instruction a process executes, by function, and the count repeats
exactly from run to run. Each in-process arm of :mod:`workbench.bench.fidelity_parts` and the
bare script run under it at two sizes of the case's work; the difference over the iterations
added is what one iteration of the work costs in that arm, with start-up, imports and a pool's
start cancelled out (a pool's workers are forked, and counted with their parent). Split by
where the instructions ran:

- **the interpreter's loop** (``_PyEval_EvalFrameDefault``): the task's bytecode, so what the
  workbench's own code adds to every iteration (its spin's chunks, the heartbeats, recording);
- **the memory allocator** (CPython's ``obmalloc``): every integer the loop makes is allocated
  and freed, and what that costs depends on where the few blocks it cycles through sit in
  their pool: at a pool's edge, frees keep moving the pool between lists. That is set by what
  the process allocated before the loop and by what the loop keeps alive beside its own
  integers. The floor rows show both: each spin alone in a process, after 0 to 11 integers.
  Both cost up to 255 allocator instructions an iteration after some histories and settle
  after most: the bare script's loop at 198, the workbench's at 210 (its loop runs in chunks
  of 5,000 iterations, a heartbeat after each, whose bounds are integers alive beside the
  loop's own). The ``bare-loop`` arm runs the bare script's own code, unchanged, in a process
  that first made the run's process's imports: its loop's count is the bare script's to the
  instruction, its allocator's is the run's process's (210 here), so that part of a gap is
  the process the work runs in, not the workbench's code;
- everything else.

The sequential case is counted too, its bare script and the run's process's whole work only
(``child``): the same child that runs the threads case, and the case whose timed ratio to its
bare script comes out *under* 1. Its count says why: what its loop's integers cost the
allocator in each process, not the workbench's code.

The arms that add processes (``launched``, the engine's) are not here: their cost is not
instructions in the run's process but the CPU they take beside it, which the parts table
gives. The GIL's forced switches are off in these runs (a switch interval of 1,000 s) and
string hashing is fixed (``PYTHONHASHSEED=0``), so that a count repeats: under valgrind the
threads would otherwise switch on its slowed clock, at points that differ run to run.

Part of ``workbench bench`` when valgrind is installed; alone, ``python -m
workbench.bench.instructions [--case NAME]`` prints its tables (a few minutes).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from workbench.bench.fidelity_parts import ARMS, CPU_CASES
from workbench.bench.reference import CASES, BenchError, Case

SIZES = (200_000, 800_000)
"""Iterations per task in the two runs of an arm: their difference is 600,000 per task."""
IN_PROCESS_ARMS = ("bare-loop", "spin", "recorded", "strategy", "child")
SEQUENTIAL = next(case for case in CASES if case.name == "cpu-4-sequential")
COUNTED_CASES = (SEQUENTIAL, *CPU_CASES)
"""The sequential case first, then the two the parts table takes apart."""
_SEQUENTIAL_ARMS = (
    ("child", "the run's process's whole work: the sequential strategy, its stream"),
)
"""What the sequential case is counted in besides its bare script: the other arms' pieces
(spin in bare threads, a pool) are the threads' and the pool's."""
FLOOR_OBJECTS = tuple(range(12))
"""How many integers the floor's probe allocates before its spin starts."""
INTERPRETER = "interpreter"
ALLOCATOR = "allocator"
OTHER = "other"
GROUPS = (INTERPRETER, ALLOCATOR, OTHER)
_EVAL_LOOP = "_PyEval_EvalFrameDefault"
_ALLOCATOR_FILE = "obmalloc.c"
_ALLOCATOR_NAMES = frozenset(
    {
        "_PyObject_Malloc",
        "_PyObject_Free",
        "_PyObject_Calloc",
        "_PyObject_Realloc",
        "PyObject_Malloc",
        "PyObject_Free",
        "PyObject_Calloc",
        "PyObject_Realloc",
    }
)
"""The allocator's entry points by name, for an interpreter built without line tables."""

_LAUNCH = (
    "import runpy, sys; sys.setswitchinterval(1000.0); module = sys.argv[1]; "
    "sys.argv = sys.argv[1:]; runpy.run_module(module, run_name='__main__', alter_sys=True)"
)
"""Runs a module as ``python -m`` would, with the GIL's forced switches off."""
_FLOOR = (
    "import importlib, sys; sys.setswitchinterval(1000.0); "
    "module, size, extra = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]); "
    "spin = importlib.import_module(module).spin; "
    "kept = [1_000_000 + i for i in range(extra)]; spin(size)"
)
"""A module's ``spin`` in one thread, ``extra`` integers allocated just before it."""
FLOOR_SPINS = {
    "bare": "workbench.bench.bare.cpu",
    "workbench": "workbench.core.workloads.compute",
}
"""Whose spin the floor runs: the bare script's, and the workbench's (in chunks of 5,000)."""

Counts = Mapping[tuple[str, str], int]
"""Instructions by (source file, function)."""


@dataclass(frozen=True)
class PerIteration:
    """Instructions one iteration of the work executes, by where they ran."""

    interpreter: float
    allocator: float
    other: float

    @property
    def total(self) -> float:
        return self.interpreter + self.allocator + self.other


def parse_cachegrind(text: str) -> dict[tuple[str, str], int]:
    """Instructions by (file, function) from a cachegrind out file (``--cache-sim=no``: the
    one event is ``Ir``). A cost line is ``<line> <count>``; ``fl=`` and ``fn=`` say whose."""
    counts: dict[tuple[str, str], int] = {}
    source, function = "", ""
    for line in text.splitlines():
        if line.startswith("fl="):
            source = line[3:].strip()
        elif line.startswith("fn="):
            function = line[3:].strip()
        elif line[:1].isdigit() and function:
            fields = line.split()
            if len(fields) >= 2:
                key = (source, function)
                counts[key] = counts.get(key, 0) + int(fields[1])
    return counts


def group_of(source: str, function: str) -> str:
    if function == _EVAL_LOOP:
        return INTERPRETER
    if source.endswith(_ALLOCATOR_FILE) or function in _ALLOCATOR_NAMES:
        return ALLOCATOR
    return OTHER


def per_iteration(small: Counts, large: Counts, iterations: int) -> PerIteration:
    """What the ``iterations`` the large run did beyond the small one cost, per iteration."""
    grouped = dict.fromkeys(GROUPS, 0)
    for key in set(small) | set(large):
        grouped[group_of(*key)] += large.get(key, 0) - small.get(key, 0)
    return PerIteration(*(grouped[group] / iterations for group in GROUPS))


Key = TypeVar("Key")


def merged(counts: Iterable[Mapping[Key, int]]) -> dict[Key, int]:
    """One process tree's counts: a pool's workers write files of their own."""
    total: dict[Key, int] = {}
    for each in counts:
        for key, count in each.items():
            total[key] = total.get(key, 0) + count
    return total


def valgrind() -> str:
    """The valgrind to count with, or :class:`BenchError` saying what is missing."""
    found = shutil.which("valgrind")
    if found is None:
        raise BenchError(
            "counting instructions needs valgrind (its cachegrind tool) on PATH; "
            "on Debian: apt-get install valgrind"
        )
    return found


def cachegrind_files(argv: Sequence[str], *options: str) -> list[str]:
    """The out files cachegrind wrote for ``python <argv>`` and every process it forks (one
    each), run with ``options``."""
    with tempfile.TemporaryDirectory(prefix="workbench-cachegrind-") as folder:
        out = Path(folder) / "counts"
        command = [
            valgrind(),
            "--tool=cachegrind",
            *options,
            f"--cachegrind-out-file={out}.%p",
            sys.executable,
            *argv,
        ]
        env = dict(os.environ, PYTHONHASHSEED="0")
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
        if done.returncode != 0:
            raise BenchError(f"under cachegrind: {done.stderr.strip()[-300:]}")
        return [f.read_text() for f in Path(folder).glob("counts.*")]


def count(argv: Sequence[str]) -> dict[tuple[str, str], int]:
    """Instructions of ``python <argv>`` and every process it forks, under cachegrind."""
    return merged(parse_cachegrind(text) for text in cachegrind_files(argv, "--cache-sim=no"))


def arm_argv(case: Case, arm: str, size: int) -> list[str]:
    """The arm (or ``bare``: the bare script) at ``size`` iterations a task."""
    if arm == "bare":
        module = "workbench.bench.bare." + case.script.removesuffix(".py")
        strategy = case.script_args[-1]
        return ["-c", _LAUNCH, module, str(case.tasks), str(case.workers), str(size), strategy]
    fields = asdict(replace(case, params={**case.params, "size": size}))
    return ["-c", _LAUNCH, "workbench.bench.fidelity_parts_probe", json.dumps(fields), arm]


def _floor_argv(module: str, extra: int, size: int) -> list[str]:
    return ["-c", _FLOOR, module, str(size), str(extra)]


def measure_instructions(
    cases: Sequence[Case] = COUNTED_CASES,
    sizes: tuple[int, int] = SIZES,
    progress: Callable[[str], None] = print,
    arms: Sequence[str] = IN_PROCESS_ARMS,
) -> list[dict[str, Any]]:
    """One row per case and arm (the bare script first): instructions per iteration of the
    work, by group, and the total and the interpreter's loop over the bare script's."""
    rows: list[dict[str, Any]] = []
    for case in cases:
        what = dict(ARMS.get(case.strategy, _SEQUENTIAL_ARMS))
        bare: PerIteration | None = None
        for arm in ("bare", *(arm for arm in arms if arm in what)):
            progress(f"instructions: {case.name} {arm}")
            cost = _counted(functools.partial(arm_argv, case, arm), sizes, case.tasks)
            bare = bare or cost
            rows.append(_row(cost, bare, case=case.name, arm=arm, what=what.get(arm, "")))
    return rows


def measure_floor(
    extra_objects: Sequence[int] = FLOOR_OBJECTS,
    sizes: tuple[int, int] = SIZES,
    progress: Callable[[str], None] = print,
) -> list[dict[str, Any]]:
    """Each spin alone, after 0, 1, 2… integers: the same loop, in the same code, in
    allocator states that differ by what was allocated just before it; ratios are to the
    state that costs the bare spin least.

    Which state a loop starts in is set by everything its process allocated before, and is
    the same on every run of the same code (the counts do not move with the hash seed). After
    a few integers each spin settles in the state most histories leave it in."""
    costs: list[tuple[str, int, PerIteration]] = []
    for spin, module in FLOOR_SPINS.items():
        for extra in extra_objects:
            progress(f"instructions: the {spin} spin after {extra} integers")
            cost = _counted(functools.partial(_floor_argv, module, extra), sizes)
            costs.append((spin, extra, cost))
    cheapest = min((cost for spin, _, cost in costs if spin == "bare"), key=lambda c: c.total)
    return [_row(cost, cheapest, spin=spin, extra_objects=extra) for spin, extra, cost in costs]


def _counted(
    argv_at: Callable[[int], list[str]], sizes: tuple[int, int], tasks: int = 1
) -> PerIteration:
    """One iteration's instructions: the program at the two sizes (iterations a task, in
    ``tasks`` tasks), the smaller run's count taken from the larger's."""
    small, large = sizes
    return per_iteration(count(argv_at(small)), count(argv_at(large)), (large - small) * tasks)


def _row(cost: PerIteration, base: PerIteration, **labels: Any) -> dict[str, Any]:
    """``cost`` with its ratios to ``base``: in all, in the interpreter's loop, and with the
    allocator set aside (the code's own cost, whatever state the allocator is in)."""
    return {
        **labels,
        "per_iteration": round(cost.total, 2),
        **{group: round(getattr(cost, group), 2) for group in GROUPS},
        "ratio": round(cost.total / base.total, 4),
        "interpreter_ratio": round(cost.interpreter / base.interpreter, 4),
        "allocator_aside_ratio": round(
            (cost.total - cost.allocator) / (base.total - base.allocator), 4
        ),
    }


def measure_all(
    progress: Callable[[str], None] = print, cases: Sequence[Case] = COUNTED_CASES
) -> dict[str, Any]:
    """Both tables, or why they were not made."""
    return counted_or_why(
        lambda: {
            "arms": measure_instructions(cases, progress=progress),
            "floor": measure_floor(progress=progress),
        }
    )


def counted_or_why(measure: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``measure()``'s figures, or ``{"skipped": why}`` when they could not be counted
    (valgrind missing, a counted program failed): the bench keeps the reason in their place."""
    try:
        valgrind()
        return measure()
    except BenchError as error:
        return {"skipped": str(error)}


def print_counted(
    program: str, figures: Mapping[str, Any], render: Callable[[Mapping[str, Any]], list[str]]
) -> int:
    """A counting command's ending: its table, or why there is none in one line (exit 2)."""
    if "skipped" in figures:
        print(f"{program}: {figures['skipped']}", file=sys.stderr)
        return 2
    print("\n".join(render(figures)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbench.bench.instructions")
    parser.add_argument(
        "--case",
        choices=[case.name for case in COUNTED_CASES],
        help="one of the three cases (default: all)",
    )
    args = parser.parse_args(argv)
    from workbench.bench.report import instructions_markdown

    cases = tuple(case for case in COUNTED_CASES if args.case in (None, case.name))
    figures = measure_all(_to_stderr, cases)
    return print_counted("workbench.bench.instructions", figures, instructions_markdown)


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
