"""Your own code, measured like the built-in workloads (``workbench run --code``).

- **Per-task cost**: a trivial user function (``user_trivial.py``: the sleep workload's
  ``time.sleep(0)`` / ``asyncio.sleep(0)``, written by a user) against the built-in sleep
  workload itself, alternating, through the same engine. The difference per task is what
  loading and calling user code adds. Target: within 1 µs.
- **Fidelity**: a user function through the workbench against the same function in a bare
  script (``bare/user_code.py`` loads the file by path and runs it, no workbench code),
  alternating. Target: ratio ≤ 1.05.

``python -m workbench.bench.usercode [--quick]`` measures just this section and prints it.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.bench.reference import BARE_DIR, CASES, BenchError, run_bare, run_engine_sync
from workbench.bench.stats import Spread
from workbench.bench.tables import fmt, table
from workbench.core.config import build_config
from workbench.core.engine import run_strategy
from workbench.core.observer import Observer
from workbench.core.results import Config
from workbench.core.usercode.model import Scalar
from workbench.core.usercode.spec import parse_reference

TARGET_EXTRA_US = 1.0
TARGET_RATIO = 1.05
TRIVIAL = BARE_DIR / "user_trivial.py"
SPIN = BARE_DIR / "user_spin.py"
PER_TASK_STRATEGIES = ("async-gather", "sequential")


@dataclass(frozen=True)
class CodeCase:
    """A user function under one strategy, and the same function in a bare script."""

    name: str
    code: str
    strategy: str
    tasks: int
    workers: int
    params: Mapping[str, Scalar] = field(default_factory=dict)
    twin: str | None = None
    """The built-in reference case doing the same work (see ``reference.CASES``), measured in
    the same rounds: what the workbench's fidelity is here without user code."""

    def config(self) -> Config:
        return build_config(
            "", [self.strategy], self.tasks, self.workers, dict(self.params), code=self.code
        )

    def bare_command(self) -> list[str]:
        path = parse_reference(self.code).path
        values = [f"{k}={v!r}" for k, v in self.params.items()]
        return [
            sys.executable,
            str(BARE_DIR / "user_code.py"),
            str(self.tasks),
            str(self.workers),
            str(path),
            self.strategy,
            *values,
        ]


FIDELITY_CASES = (
    CodeCase("code-three-counts-gather", "example:three-counts", "async-gather", 3, 2),
    CodeCase(
        "code-sleep-10000x0.5s-gather",
        str(TRIVIAL),
        "async-gather",
        10_000,
        2,
        {"seconds": 0.5},
        twin="sleep-10000x0.5s-gather",
    ),
    CodeCase("code-cpu-4-sequential", str(SPIN), "sequential", 4, 2, twin="cpu-4-sequential"),
    CodeCase(
        "code-cpu-4-process-pool-2",
        str(SPIN),
        "process-pool",
        4,
        2,
        twin="cpu-4-process-pool-2",
    ),
)


async def _wall_s(config: Config) -> float:
    strategy = config.strategies[0]
    run = await run_strategy(config, strategy, 0, observer=Observer())
    if not run.ok:
        raise BenchError(f"{strategy}: {run.error}")
    return run.wall_ns / 1e9


def _verdict(extra_us: float, noise_us: float) -> str:
    """Within target, or not — unless the machine's own noise (A/A pairs: the built-in run
    twice) is larger than the target, which no median can see through."""
    if extra_us <= TARGET_EXTRA_US:
        return "yes"
    return "inconclusive" if noise_us > TARGET_EXTRA_US else "no"


def measure_per_task(
    tasks: int, repeats: int, progress: Callable[[str], None] = print
) -> list[dict[str, Any]]:
    """µs per task: the built-in sleep(0) and a user's sleep(0) in pairs of alternating order
    (neither always second), and as many A/A pairs (the built-in twice) for the noise floor."""
    figures = []
    for strategy in PER_TASK_STRATEGIES:
        builtin = build_config("sleep", [strategy], tasks, 2, {"duration": 0.0})
        user = build_config("", [strategy], tasks, 2, code=str(TRIVIAL))

        def per_task_us(config: Config) -> float:
            return asyncio.run(_wall_s(config)) / tasks * 1e6

        builtins, users, extras, same = [], [], [], []
        for pair in range(repeats):
            progress(f"user code per task {pair + 1}/{repeats}: {strategy}, {tasks:,} tasks")
            if pair % 2:
                u, b = per_task_us(user), per_task_us(builtin)
            else:
                b, u = per_task_us(builtin), per_task_us(user)
            builtins.append(b)
            users.append(u)
            extras.append(u - b)
            same.append(per_task_us(builtin) - per_task_us(builtin))
        extra = Spread.of(extras)
        noise = statistics.median(abs(d) for d in same)
        figures.append(
            {
                "strategy": strategy,
                "tasks": tasks,
                "builtin_us_per_task_median": round(statistics.median(builtins), 3),
                "user_us_per_task_median": round(statistics.median(users), 3),
                **extra.as_dict("extra_us_per_task", 3),
                "aa_us_per_task_median_abs": round(noise, 3),
                "repeats": repeats,
                "target_us": TARGET_EXTRA_US,
                "within_target": _verdict(extra.median, noise),
            }
        )
    return figures


def measure_code_fidelity(
    cases: tuple[CodeCase, ...], repeats: int, progress: Callable[[str], None] = print
) -> list[dict[str, Any]]:
    """Workbench wall over bare wall for each case, bare and workbench alternating."""
    figures = []
    references = {case.name: case for case in CASES}
    for case in cases:
        bare, engine, twin = [], [], []
        reference = references.get(case.twin) if case.twin else None
        for repeat in range(repeats):
            progress(f"user code fidelity {repeat + 1}/{repeats}: {case.name}")
            bare.append(run_bare(case.bare_command()))
            engine.append(asyncio.run(_wall_s(case.config())))
            if reference is not None:
                twin_bare = run_bare(reference.bare_command(None))
                twin.append(run_engine_sync(reference).wall_ns / 1e9 / twin_bare)
        ratio = Spread.of([w / b for w, b in zip(engine, bare, strict=True)])
        figures.append(
            {
                "name": case.name,
                **ratio.as_dict("ratio"),
                **Spread.of(bare).as_dict("bare_wall_s"),
                **Spread.of(engine).as_dict("workbench_wall_s"),
                "builtin_ratio_median": round(statistics.median(twin), 4) if twin else None,
                "repeats": repeats,
                "target": TARGET_RATIO,
                "within_target": ratio.median <= TARGET_RATIO,
            }
        )
    return figures


def measure_user_code(
    *, quick: bool = False, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    return {
        "per_task": measure_per_task(1_000 if quick else 20_000, 1 if quick else 7, progress),
        "fidelity": measure_code_fidelity(
            FIDELITY_CASES[:1] if quick else FIDELITY_CASES, 1 if quick else 5, progress
        ),
    }


def to_markdown(figures: Mapping[str, Any]) -> list[str]:
    lines = [
        "## Your own code: per-task cost against the built-in sleep workload (target ≤ 1 µs more)",
        "",
        "The same `sleep(0)`, once as the built-in workload and once as a user's function from",
        "a file, in pairs of alternating order through the engine; µs per task of wall time.",
        "A/A noise: the built-in run twice (median difference): a gap smaller than that is",
        "not measurable here (`inconclusive`). `time.sleep(0)` is a system call of ~100 µs on",
        "some virtual machines, which makes the sequential row noisy.",
        "",
    ]
    lines += table(
        [
            "strategy",
            "tasks",
            "built-in µs",
            "user µs",
            "extra µs median",
            "min",
            "max",
            "A/A noise µs",
            "within",
        ],
        [
            [
                p["strategy"],
                f"{p['tasks']:,}",
                fmt(p["builtin_us_per_task_median"], 2),
                fmt(p["user_us_per_task_median"], 2),
                fmt(p["extra_us_per_task_median"], 2),
                fmt(p["extra_us_per_task_min"], 2),
                fmt(p["extra_us_per_task_max"], 2),
                fmt(p["aa_us_per_task_median_abs"], 2),
                fmt(p["within_target"]),
            ]
            for p in figures["per_task"]
        ],
    )
    lines += ["## Your own code: fidelity against the same function in a bare script (≤ 1.05)", ""]
    lines += [
        "Built-in ratio: the built-in workload doing the same work, in the same rounds, against",
        "its own bare script: the workbench's fidelity on this machine now, without user code.",
        "",
    ]
    lines += table(
        [
            "case",
            "ratio median",
            "min",
            "max",
            "bare s",
            "workbench s",
            "built-in ratio",
            "within target",
        ],
        [
            [
                f["name"],
                fmt(f["ratio_median"]),
                fmt(f["ratio_min"]),
                fmt(f["ratio_max"]),
                fmt(f["bare_wall_s_median"]),
                fmt(f["workbench_wall_s_median"]),
                fmt(f.get("builtin_ratio_median")),
                fmt(f["within_target"]),
            ]
            for f in figures["fidelity"]
        ],
    )
    return lines


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    figures = measure_user_code(
        quick=quick, progress=lambda m: print(f"bench: {m}", file=sys.stderr, flush=True)
    )
    print("\n".join(to_markdown(figures)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
