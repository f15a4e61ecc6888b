"""Every preset runs headless; its verdict is asserted where the outcome holds on any machine
and reported where it depends on the hardware (core count)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from workbench.core.presets import (
    PresetError,
    load_presets,
    parse_preset,
    preset_named,
    run_preset,
)
from workbench.core.verdicts import Verdict

REQUIRED = (
    "three-counts",
    "await-in-turn",
    "hello-hello",
    "chess-exhibition",
    "cpu-gil",
    "hash-releases-gil",
    "random-sleepers",
    "pool-map-squares",
    "password-gather",
    "async-file-io",
    "decision-rule",
)

# name → (time scale for the test, the verdict every machine gives, or None: hardware decides)
EXPECTED: dict[str, tuple[float | None, Verdict | None]] = {
    "three-counts": (0.1, Verdict.HOLDS),
    "await-in-turn": (0.02, Verdict.HOLDS),
    "hello-hello": (0.1, Verdict.HOLDS),
    "chess-exhibition": (1 / 5000, Verdict.HOLDS),
    "cpu-gil": (None, None),
    "hash-releases-gil": (None, None),
    "random-sleepers": (None, Verdict.HOLDS),
    "pool-map-squares": (None, Verdict.FAILS),
    "password-gather": (None, Verdict.FAILS),
    "async-file-io": (None, Verdict.FAILS),
    "decision-rule": (0.25, None),
}


def test_every_required_preset_is_there_with_its_claim() -> None:
    presets = load_presets()
    assert set(REQUIRED) <= set(presets)
    for preset in presets.values():
        assert preset.claim
        assert preset.source
        assert all(e.expect for e in preset.experiments)


@pytest.mark.parametrize("name", REQUIRED)
def test_preset_runs_headless_and_gives_a_verdict(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    scale, expected = EXPECTED[name]
    verdict = asyncio.run(run_preset(preset_named(name), time_scale=scale))
    assert verdict is not None
    assert len(verdict.measured) == sum(len(e.expect) for e in verdict.preset.experiments)
    with capsys.disabled():
        print(f"\n{name}: {verdict.verdict.value} — " + "; ".join(verdict.measured))
    if expected is not None:
        assert verdict.verdict is expected, verdict.measured
    else:
        # Only the rules that need more cores may go either way; the others must hold.
        for experiment, outcomes in zip(verdict.preset.experiments, verdict.outcomes, strict=True):
            for rule, outcome in zip(experiment.expect, outcomes, strict=True):
                if rule.needs_cores == 1 and not rule.hardware:
                    assert outcome.verdict is Verdict.HOLDS, outcome.measured


def test_a_damaged_or_unknown_preset_is_refused_plainly(tmp_path: Path) -> None:
    with pytest.raises(PresetError, match="unknown preset 'nope'; allowed:"):
        preset_named("nope")
    (tmp_path / "bad.json").write_text(json.dumps({"name": "bad", "title": "t"}))
    with pytest.raises(PresetError, match=f"^{tmp_path.name}/bad.json: missing field 'source'$"):
        load_presets(tmp_path)
    with pytest.raises(PresetError, match="experiments\\[0\\]: unknown workload 'warp'"):
        parse_preset(
            {
                "name": "x",
                "title": "t",
                "source": "s",
                "claim": "c",
                "explanation": "e",
                "experiments": [
                    {
                        "workload": "warp",
                        "tasks": 1,
                        "strategies": ["sequential"],
                        "expect": [{"kind": "fastest", "strategy": "sequential"}],
                    }
                ],
            }
        )
