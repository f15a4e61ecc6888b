"""How stable the presets' verdicts are: each preset N times on the machine as it is, and N
times while a CPU hog per core keeps it busy; the verdicts counted, with the interference the
runs measured.

``python -m workbench.bench.verdict_stability`` (about 15 minutes on 2 cores with the defaults;
``--runs``, ``--presets``, ``--save DIR`` to keep every results file; ``--judge DIR`` judges
files saved so again, with the code as it is now, running nothing — for tuning). Runs
are interleaved (preset A, B, C, A, B, C, …) so that a drift in the machine's load falls on
every preset alike. A verdict that flips between *holds* and *doesn't hold* with the load is
the failure this measures; *inconclusive* under the hogs, naming them, is the honest answer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.bench.hogs import cpu_hogs
from workbench.core import noise
from workbench.core.exports import load, save
from workbench.core.presets import PresetVerdict, judge, preset_named, run_preset
from workbench.core.results import Results
from workbench.core.verdicts import Verdict

PRESETS = ("cpu-gil", "hash-releases-gil", "chess-exhibition", "three-counts", "async-file-io")
RUNS = 5
COLUMNS = (Verdict.HOLDS, Verdict.FAILS, Verdict.DEPENDS, Verdict.INCONCLUSIVE)


@dataclass
class Tally:
    verdicts: Counter[Verdict] = field(default_factory=Counter)
    other_cores: list[float] = field(default_factory=list)
    worst_loss: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def add(self, verdict: PresetVerdict, took_s: float) -> None:
        self.verdicts[verdict.verdict] += 1
        timings = [
            t
            for results in verdict.results
            for name in results.config.strategies
            if (t := noise.timing(results, name)) is not None
        ]
        self.other_cores.append(noise.other_cores(timings) or 0.0)
        self.worst_loss.append(max((t.lost_share for t in timings), default=0.0))
        self.seconds.append(took_s)


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def _row(preset: str, condition: str, tally: Tally) -> str:
    counts = "".join(f"{tally.verdicts[v]:>9}" for v in COLUMNS)
    return (
        f"{preset:<18} {condition:<9}{counts}"
        f"{_median(tally.other_cores):>10.1f} {max(tally.other_cores, default=0):>5.1f}"
        f"{_median(tally.worst_loss):>9.0%} {max(tally.worst_loss, default=0):>5.0%}"
        f"{_median(tally.seconds):>8.1f}"
    )


HEADER = (
    f"{'preset':<18} {'machine':<9}{'holds':>9}{'fails':>9}{'depends':>9}{'inconcl.':>9}"
    f"{'other cores':>16}{'worst loss':>15}{'s/run':>8}\n"
    f"{'':<28}{'':>36}{'median':>10} {'max':>5}{'median':>9} {'max':>5}"
)


def measure(
    presets: Sequence[str], runs: int, hogs: int, save_to: Path | None
) -> dict[tuple[str, str], Tally]:
    """Every preset ``runs`` times as the machine is, then under ``hogs`` CPU hogs."""
    tallies: dict[tuple[str, str], Tally] = {}
    conditions = [("as is", 0), (f"hogs ×{hogs}", hogs)]
    for condition, count in conditions:
        with cpu_hogs(count):
            for index in range(runs):
                for name in presets:
                    started = time.monotonic()
                    verdict = asyncio.run(run_preset(preset_named(name)))
                    took = time.monotonic() - started
                    assert verdict is not None, "nothing stops these runs"
                    tallies.setdefault((name, condition), Tally()).add(verdict, took)
                    print(
                        f"[{condition} {index + 1}/{runs}] {name}: {verdict.verdict.value} "
                        f"({took:.0f} s)",
                        file=sys.stderr,
                        flush=True,
                    )
                    if save_to is not None:
                        for number, results in enumerate(verdict.results):
                            stem = f"{name}-{condition.split()[0]}-{index + 1}-{number + 1}"
                            save(results, save_to / f"{stem}.json")
    return tallies


_SAVED = re.compile(r"(?P<preset>.+)-(?P<condition>as|hogs)-(?P<index>\d+)-(?P<part>\d+)\.json")


def judge_saved(folder: Path) -> dict[tuple[str, str], Tally]:
    """The verdicts of runs kept with ``--save``, judged now; seconds are the runs' walls."""
    parts: dict[tuple[str, str, int], dict[int, Results]] = {}
    for path in sorted(folder.glob("*.json")):
        found = _SAVED.fullmatch(path.name)
        if found is not None:
            key = (found["preset"], found["condition"], int(found["index"]))
            parts.setdefault(key, {})[int(found["part"])] = load(path)
    tallies: dict[tuple[str, str], Tally] = {}
    for (name, condition, _), results in sorted(parts.items()):
        preset = preset_named(name)
        ordered = tuple(results[number] for number in sorted(results))
        verdict = judge(preset, ordered, preset.time_scale)
        walls = sum(run.wall_ns for result in ordered for run in result.runs) / 1e9
        label = "as is" if condition == "as" else "hogs"
        tallies.setdefault((name, label), Tally()).add(verdict, walls)
    return tallies


def report(tallies: dict[tuple[str, str], Tally]) -> str:
    lines = [HEADER]
    lines += [_row(name, condition, tally) for (name, condition), tally in tallies.items()]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbench.bench.verdict_stability")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"per preset and load ({RUNS})")
    parser.add_argument("--presets", default=",".join(PRESETS), help="comma-separated names")
    parser.add_argument("--hogs", type=int, default=os.cpu_count() or 1, help="one per core")
    parser.add_argument("--save", type=Path, help="keep every results file in this folder")
    parser.add_argument("--judge", type=Path, help="judge the files --save kept; run nothing")
    args = parser.parse_args(argv)
    if args.judge is not None:
        print(report(judge_saved(args.judge)))
        return 0
    # SIGTERM unwinds like Ctrl-C, so the hogs are killed on the way out (they lead sessions
    # of their own: nothing else would end them).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.save is not None:
        args.save.mkdir(parents=True, exist_ok=True)
    names = [name.strip() for name in args.presets.split(",") if name.strip()]
    for name in names:
        preset_named(name)  # a misspelt name fails now, not after an hour
    started = time.monotonic()
    tallies = measure(names, args.runs, args.hogs, args.save)
    print(report(tallies))
    print(f"\n{args.runs} runs per preset and load, {time.monotonic() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
