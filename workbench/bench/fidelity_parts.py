"""Where a CPU case's fidelity gap goes: the bare script, then the workbench's pieces added one
at a time, up to the run through the engine.

Four CPU threads and a pool of two processes came out 4-8 % slower through the workbench than
as bare scripts, while the same work run sequentially matched. Each arm here is the bare
script's work with one more of the workbench's pieces: its ``spin`` (which checks for a
heartbeat every 5,000 iterations), then the recorder around each task, then the strategy as
the child calls it, then the child's whole run (streaming into a channel that encodes every
message and drops it), then that run in a process of its own started as the engine starts it
(read by a plain loop: no engine), then the engine reading it with its CPU and process-tree
watcher, then the thread-state sampler as well: the run as ``workbench run`` makes it. (A
pool's tasks each have their worker process to themselves: on Linux they take no heartbeats,
the sampler reads their running slices, and the pool case's arms run them so — but for the
run without a sampler, where they take heartbeats again.) Beside
that run, the same with recording inside tasks off: the tasks' loop uncut, nothing of the
workbench's in it, only the run's process and the engine watching from outside.

Each arm runs in a fresh interpreter, in a shuffled order every round; an arm's figure is its
median wall time over the bare script's, in the same rounds, with a bootstrapped 95 %
interval, and its fastest run over the bare script's fastest (noise only adds time). A step
between two arms is what the piece costs, when it is larger than the intervals. The first arm
is the bare script once more, in a process of its own: how far a ratio moves when nothing
differs but the process. The second is the bare script's own code once more, in a process that
first imported what the run's process imports: how far the ratio moves when nothing of the
workbench runs during the work, only its imports were made before it. The engine's rows
also say how much of the machine the engine's own CPU took while the run went on: on a
machine the run keeps busy, that much is taken from the run. The last two arms add no
workbench code at all: the bare script with another process busy beside it, in bursts or in
the thread-state sampler's rhythm — what any work beside a run costs it on this machine,
the engine's included, even where the run leaves a core free. The arms themselves are in
:mod:`workbench.bench.fidelity_parts_probe`, which imports only what each arm needs.

Part of ``workbench bench``; alone, ``python -m workbench.bench.fidelity_parts [--rounds N]
[--case NAME] [--arms A,B,…]`` prints its table (fewer arms: more rounds in the same time).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from typing import Any

from workbench.bench.reference import CASES, BenchError, Case, run_bare
from workbench.bench.stats import Spread, median_ratio_interval
from workbench.core.machine import this_machine

AGAIN = ("bare-again", "the bare script again: what a fresh process alone moves the ratio")
BARE_LOOP = (
    "bare-loop",
    "the bare script's own code, in a process that first imported what the run's process does",
)
LAUNCHED = ("launched", "+ its own process, started as the engine starts it, read by a plain loop")
ENGINE_NO_STATES = (
    "engine-no-states",
    "+ the engine reading it, and its CPU and process-tree watcher (every 0.2 s)",
)
ENGINE = ("engine", "+ the thread-state sampler: the run as `workbench run` makes it")
ENGINE_INSIDE_OFF = (
    "engine-inside-off",
    "the same run, recording inside tasks off: nothing of the workbench's in the task's loop",
)
"""Not a step of its own but the engine arm less what the workbench does inside the tasks
(their loop uncut, no heartbeats, no steps): what is left is the run's process and the
engine watching it from outside."""
BESIDE: dict[str, tuple[float, float, str]] = {
    "beside-bursts": (
        0.0025,
        0.010,
        "the bare script beside a process busy 2.5 ms in every 10 (a quarter of a core)",
    ),
    "beside-ticks": (
        0.00004,
        0.001,
        "the bare script beside a process busy 40 µs in every 1 ms (the sampler's rhythm)",
    ),
}
"""Arms that add no workbench code at all: the bare script with other work beside it, busy
for ``busy`` seconds in every ``period``. What work beside a run costs it on this machine,
to set the engine's steps against: the engine is work beside the run."""
BESIDE_ARMS = tuple((arm, what) for arm, (_, _, what) in BESIDE.items())
_BUSY_BESIDE = (
    "import sys, time; busy, period = float(sys.argv[1]), float(sys.argv[2]); "
    "print('ready', flush=True)\n"
    "while True:\n"
    "    began = time.perf_counter()\n"
    "    while time.perf_counter() - began < busy: pass\n"
    "    time.sleep(period - busy)"
)
ARMS: dict[str, tuple[tuple[str, str], ...]] = {
    "threads": (
        AGAIN,
        BARE_LOOP,
        ("spin", "the workbench's spin in bare threads"),
        ("recorded", "+ the recorder around each task: its span and heartbeats"),
        ("strategy", "+ the threads strategy: its main thread wakes every 50 ms to stream"),
        ("child", "+ the rest of the run's process (its stream encoded, then dropped)"),
        LAUNCHED,
        ENGINE_NO_STATES,
        ENGINE,
        ENGINE_INSIDE_OFF,
        *BESIDE_ARMS,
    ),
    "process-pool": (
        AGAIN,
        BARE_LOOP,
        ("spin", "the cpu workload's task on a bare process pool (uncut: no heartbeats)"),
        ("recorded", "+ each task recorded in its worker, events queued to a reader"),
        ("strategy", "+ the process-pool strategy: its relay moves the events on and streams them"),
        ("child", "+ the rest of the run's process (its stream encoded, then dropped)"),
        LAUNCHED,
        (
            "engine-no-states",
            "+ the engine reading it, its CPU and process-tree watcher; no sampler to read "
            "the tasks' slices, so they take heartbeats",
        ),
        (
            "engine",
            "+ the thread-state sampler, which reads the tasks' slices too: the run as "
            "`workbench run` makes it",
        ),
        ENGINE_INSIDE_OFF,
        *BESIDE_ARMS,
    ),
}
STEP_FROM = {AGAIN[0]: "bare", ENGINE_INSIDE_OFF[0]: ENGINE[0], **dict.fromkeys(BESIDE, "bare")}
"""Arms that are no piece added to the arm before them, and what each is set against."""
CPU_CASES = tuple(case for case in CASES if case.name in ("cpu-4-threads", "cpu-4-process-pool-2"))
ROUNDS = 24
PROBE = [sys.executable, "-m", "workbench.bench.fidelity_parts_probe"]


def measure_fidelity_parts(
    rounds: int = ROUNDS,
    cases: Sequence[Case] = CPU_CASES,
    progress: Callable[[str], None] = print,
    only: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """One row per case and arm: its median wall time over the bare script's, with interval.

    ``only`` names the arms to run (the bare script always runs): fewer arms, more rounds in
    the same time, for a closer look at two steps."""
    rng = random.Random(20)
    cpus = this_machine().logical_cpus  # the count the report's header gives
    rows: list[dict[str, Any]] = []
    for case in cases:
        arms = tuple(a for a in ARMS[case.strategy] if only is None or a[0] in only)
        walls: dict[str, list[float]] = {name: [] for name in ("bare", *(a for a, _ in arms))}
        engine_shares: dict[str, list[float]] = {}
        for round_ in range(rounds):
            progress(f"fidelity parts {round_ + 1}/{rounds}: {case.name}")
            order = list(walls)
            rng.shuffle(order)
            for arm in order:
                figures = _figures(case, arm)
                walls[arm].append(figures["wall_ns"] / 1e9)
                if figures.get("engine_window_ns"):
                    engine_shares.setdefault(arm, []).append(
                        figures["engine_cpu_ns"] / (cpus * figures["engine_window_ns"])
                    )
        bases = step_bases([arm for arm, _ in arms])
        for arm, what in arms:
            ratio = median_ratio_interval(walls[arm], walls["bare"])
            step = median_ratio_interval(walls[arm], walls[bases[arm]])
            shares = engine_shares.get(arm)
            share = Spread.of(shares).median if shares else None
            rows.append(
                {
                    "case": case.name,
                    "arm": arm,
                    "what": what,
                    **ratio.as_dict("ratio", 3),
                    # Set against the arm it adds one piece to, in the same rounds: a
                    # piece's cost with the noise both arms share taken out.
                    "step_from": bases[arm],
                    **step.as_dict("step", 3),
                    # Noise only ever adds time: the fastest runs show what a piece costs
                    # when nothing else got in the way.
                    "fastest_ratio": round(min(walls[arm]) / min(walls["bare"]), 3),
                    "wall_s_median": round(Spread.of(walls[arm]).median, 3),
                    "bare_wall_s_median": round(Spread.of(walls["bare"]).median, 3),
                    "engine_cpu_share": None if share is None else round(share, 4),
                    "rounds": rounds,
                }
            )
    return rows


def step_bases(arms: Sequence[str]) -> dict[str, str]:
    """What each arm run is set against for its step: the arm before it among those run
    (the bare script for the first), or :data:`STEP_FROM`'s where it says (and that ran)."""
    bases: dict[str, str] = {}
    before = "bare"
    for arm in arms:
        base = STEP_FROM.get(arm)
        if base is None:
            bases[arm], before = before, arm
        else:
            bases[arm] = base if base == "bare" or base in arms else "bare"
    return bases


def _figures(case: Case, arm: str) -> dict[str, int]:
    if arm in ("bare", AGAIN[0]):
        return {"wall_ns": round(run_bare(case.bare_command(None)) * 1e9)}
    if arm in BESIDE:
        busy, period, _ = BESIDE[arm]
        with busy_beside(busy, period):
            return _figures(case, "bare")
    command = [*PROBE, json.dumps(asdict(case)), arm]  # a fresh interpreter, imports and all
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BenchError(f"{case.name} ({arm}) failed: {proc.stderr.strip()[-300:]}")
    figures: dict[str, int] = json.loads(proc.stdout.strip().splitlines()[-1])
    return figures


@contextlib.contextmanager
def busy_beside(busy: float, period: float) -> Iterator[int]:
    """A process busy ``busy`` seconds in every ``period``, running until the block ends (its
    pid is yielded); gone after, whatever happened in the block."""
    command = [sys.executable, "-c", _BUSY_BESIDE, str(busy), str(period)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as side:
        try:
            assert side.stdout is not None
            if side.stdout.readline().strip() != "ready":
                raise BenchError("the process meant to be busy beside the run did not start")
            yield side.pid
        finally:
            side.kill()
            side.wait()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbench.bench.fidelity_parts")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds of every arm")
    parser.add_argument(
        "--case",
        choices=[case.name for case in CPU_CASES],
        help="one of the two cases (default: both)",
    )
    parser.add_argument(
        "--arms",
        help="the arms to run, comma-separated (default: all; the bare script always runs)",
    )
    args = parser.parse_args(argv)
    if args.rounds < 2:
        parser.error("--rounds must be at least 2: an interval needs two pairs")
    cases = tuple(case for case in CPU_CASES if args.case in (None, case.name))
    only = None
    if args.arms is not None:
        only = [arm.strip() for arm in args.arms.split(",") if arm.strip()]
        known = {arm for case in cases for arm, _ in ARMS[case.strategy]}
        unknown = [arm for arm in only if arm not in known]
        if unknown or not only:
            name = unknown[0] if unknown else ""
            parser.error(f"--arms: no arm {name!r}; the arms: {', '.join(sorted(known))}")
    from workbench.bench.report import fidelity_parts_markdown

    rows = measure_fidelity_parts(
        args.rounds, cases, progress=lambda m: print(m, file=sys.stderr), only=only
    )
    print("\n".join(fidelity_parts_markdown(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
