"""Options are honoured or refused, never silently dropped: what a preset cannot take, a time
scale out of bounds, an empty preset name; a damaged preset file costs only itself; a run
whose every task failed is no success."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.robustness.commands import refused, workbench
from workbench.cli import main
from workbench.core import presets
from workbench.core.datadir import DATA_DIR_ENV
from workbench.core.presets import MAX_TIME_SCALE, MIN_TIME_SCALE


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["-w", "cpu"], "--workload"),
        (["-n", "3"], "--tasks"),
        (["-s", "threads"], "--strategies"),
        (["-k", "2"], "--workers"),
        (["-p", "duration=0.1"], "--param"),
        (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler"),
        (["-w", "sleep", "-n", "3", "-s", "threads"], "--workload, --tasks, --strategies"),
    ],
)
def test_a_preset_refuses_the_options_it_cannot_honour(
    extra: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", "--preset", "three-counts", *extra]
    refused(argv, f"{named} cannot apply to --preset", capsys)


@pytest.mark.parametrize("name", ["", "  "])
def test_an_empty_preset_name_is_refused(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    refused(["run", "--preset", name], "--preset needs a name", capsys)


def test_a_time_scale_without_a_preset_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    refused(["run", "-w", "sleep", "--time-scale", "0.1"], "give it with --preset", capsys)


@pytest.mark.parametrize("scale", ["1e-300", "0", "-1", "11", "nan", "inf"])
def test_a_time_scale_out_of_bounds_is_refused(
    scale: str, capsys: pytest.CaptureFixture[str]
) -> None:
    refused(
        ["run", "--preset", "three-counts", "--time-scale", scale],
        f"time scale must be between {MIN_TIME_SCALE:g} and {MAX_TIME_SCALE:g}",
        capsys,
    )


def test_help_states_the_time_scale_bounds_and_the_exit_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"between {MIN_TIME_SCALE:f}".rstrip("0") + f" and {MAX_TIME_SCALE:g}" in text
    assert "3 the runs finished but an output file could not be written" in text


def test_a_preset_writes_its_csv_and_trace(tmp_path: Path) -> None:
    spans, trace, out = tmp_path / "spans.csv", tmp_path / "trace.json", tmp_path / "r.json"
    proc = workbench(
        "run", "--preset", "three-counts", "--time-scale", "0.05", "--repeat", "1", "-q",
        "--no-history", "--csv", str(spans), "--trace", str(trace), "--out", str(out),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert len(spans.read_text(encoding="utf-8").splitlines()) == 1 + 2 * 3
    assert json.loads(trace.read_text(encoding="utf-8"))["traceEvents"]
    assert json.loads(out.read_text(encoding="utf-8"))["runs"]


def test_a_preset_of_several_experiments_cannot_write_to_standard_output(
    capsys: pytest.CaptureFixture[str],
) -> None:
    refused(["run", "--preset", "decision-rule", "--csv", "-"], "runs 3 experiments", capsys)


def _preset_file(folder: Path, name: str, change: dict[str, object] | None = None) -> Path:
    data = json.loads(presets.presets_folder().joinpath("hello-hello.json").read_text("utf-8"))
    data["name"] = name
    rule = data["experiments"][0]["expect"][0]
    rule.update(change or {})
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_misspelt_rule_kind_is_refused_at_load_before_any_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _preset_file(tmp_path, "my-claim", {"kind": "finish_togther"})
    refused(["run", "--preset", str(path)], "experiments[0].expect[0]", capsys)


def test_a_damaged_preset_file_is_listed_with_its_reason_and_the_others_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    own = tmp_path / "presets"
    own.mkdir()
    (own / "broken.json").write_text('{"name": "broken", ', encoding="utf-8")
    _preset_file(own, "mine")

    assert main(["presets"]) == 2
    out, err = capsys.readouterr()
    listed = [line.split()[0] for line in out.splitlines() if line[:1].strip()]
    assert {"three-counts", "hello-hello", "mine"} <= set(listed)
    assert "broken.json: not valid JSON" in err
    # The others still run: this one gets as far as its own bad --repeat.
    refused(["run", "--preset", "mine", "--repeat", "0"], "repeat must be between", capsys)
    refused(["run", "--preset", "broken"], "broken.json: not valid JSON", capsys)


FAILS = "def task():\n    raise ValueError('no database')\n"


def test_a_run_where_every_task_failed_exits_1_with_the_first_reason(tmp_path: Path) -> None:
    code = tmp_path / "fails.py"
    code.write_text(FAILS, encoding="utf-8")
    proc = workbench(
        "run", "--code", str(code), "-n", "3", "-s", "sequential", "-q", "--no-history"
    )
    assert proc.returncode == 1, proc.stderr
    assert "Failed" in proc.stdout  # the table, all the same
    assert proc.stderr == "workbench: every task of sequential failed: ValueError: no database\n"
