"""A preset may run code from a file beside it (a teacher's own demo): checked when it loads,
run through the same path as ``workbench run --code``."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from tests.core.usercode_files import PAIR, write
from workbench.cli import main
from workbench.core.presets import PresetError, read_preset, read_presets, run_preset
from workbench.core.usercode.model import CODE_WORKLOAD
from workbench.core.verdicts import Verdict


def _preset(code: str, **extra: Any) -> dict[str, Any]:
    experiment: dict[str, Any] = {
        "code": code,
        "params": {"seconds": 0.2},
        "time_params": ["seconds"],
        "tasks": 3,
        "strategies": ["sequential", "async-gather"],
        "expect": [{"kind": "speedup", "strategy": "async-gather", "over": "sequential", "min": 2}],
    }
    experiment.update(extra)
    return {
        "name": "my-demo",
        "title": "My demo",
        "source": "the teacher",
        "claim": "Gathered, three waits take one wait's time.",
        "why_holds": "While one waits, the others run.",
        "why_fails": "Here they did not overlap.",
        "experiments": [experiment],
    }


def _folder(tmp_path: Path, preset: dict[str, Any]) -> Path:
    write(tmp_path, PAIR, "demo.py")
    path = tmp_path / "my-demo.json"
    path.write_text(json.dumps(preset), encoding="utf-8")
    return path


def test_a_preset_runs_code_beside_it_time_scaled(tmp_path: Path) -> None:
    preset = read_preset(_folder(tmp_path, _preset("demo.py")), "my-demo.json")
    (experiment,) = preset.experiments
    config = experiment.config(0.5)
    assert config.workload == CODE_WORKLOAD
    assert config.code is not None
    assert config.code.path == str((tmp_path / "demo.py").resolve())
    assert config.code.kwargs == {"seconds": 0.1}
    verdict = asyncio.run(run_preset(preset, time_scale=0.5))
    assert verdict is not None
    assert verdict.verdict is Verdict.HOLDS, verdict.measured
    assert verdict.results[0].config.code == config.code


@pytest.mark.parametrize(
    ("code", "extra", "message"),
    [
        ("missing.py", {}, "experiments[0].code: missing.py: no such file"),
        ("demo.py:job", {}, "experiments[0].code: demo.py: no function named 'job'"),
        ("demo.py", {"params": {"speed": 1}, "time_params": []}, "unknown parameter 'speed'"),
        ("demo.py", {"workload": "sleep"}, "a workload or code (a file beside the preset)"),
        ("demo.py", {"params": {"seconds": "x"}}, "'seconds' is not a number, so it cannot"),
    ],
)
def test_a_bad_code_reference_is_one_line_when_the_preset_loads(
    tmp_path: Path, code: str, extra: dict[str, Any], message: str
) -> None:
    path = _folder(tmp_path, _preset(code, **extra))
    with pytest.raises(PresetError) as caught:
        read_preset(path, "my-demo.json")
    assert message in str(caught.value)
    assert str(caught.value).startswith("my-demo.json: ")
    assert "my-demo" in read_presets(tmp_path).problems


def test_the_cli_runs_a_preset_file_and_its_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _folder(tmp_path, _preset("demo.py:task,async_task"))
    assert main(["run", "--preset", str(path), "--time-scale", "0.25", "-q", "--no-history"]) == 0
    out = capsys.readouterr().out
    assert "demo.py: task(i), async_task(i) (seconds=0.05), 3 tasks" in out
    assert "Verdict:  ✔ HOLDS" in out
    assert main(["run", "--preset", str(tmp_path / "nope.json")]) == 2
    assert "nope.json: no such preset file" in capsys.readouterr().err
