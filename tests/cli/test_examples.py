"""Every shipped example runs under every strategy it supports; the others are refused (exit 2)
with the reason — and ``workbench examples`` lists them with a command to try."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.core.strategies import STRATEGIES
from workbench.core.usercode.examples import example_names
from workbench.core.usercode.spec import resolve_code

SHORT = {
    "three-counts": (3, ["seconds=0.05"]),
    "hello-hello": (2, ["seconds=0.05"]),
    "await-in-turn": (3, ["seconds=0.05"]),
    "random-sleepers": (5, ["scale=0.01"]),
    "pool-map-squares": (3, []),
    "async-file-io": (10, []),
    "password-gather": (50, []),
}
"""Tasks and parameters that keep each example short (the articles' seconds become tenths)."""


def test_every_example_is_covered_and_listed(capsys: pytest.CaptureFixture[str]) -> None:
    assert sorted(SHORT) == example_names()
    assert main(["examples"]) == 0
    out = capsys.readouterr().out
    for name in SHORT:
        assert f"example:{name} " in out
        assert f"$ workbench run --code example:{name} " in out
    assert main(["examples", "three-counts"]) == 0
    assert "async def count(seconds=1):" in capsys.readouterr().out
    assert main(["examples", "nope"]) == 2


def _forms(name: str) -> tuple[list[str], list[str]]:
    code = resolve_code(f"example:{name}", ())
    forms = {f.is_async for f in code.functions}
    supported = [s for s, strategy in STRATEGIES.items() if strategy.awaits in forms]
    return supported, [s for s in STRATEGIES if s not in supported]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SHORT))
def test_an_example_runs_under_every_strategy_it_supports(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    supported, _ = _forms(name)
    tasks, params = SHORT[name]
    out = tmp_path / "r.json"
    argv = ["run", "--code", f"example:{name}", "-n", str(tasks), "-k", "2"]
    argv += ["-s", ",".join(supported), "-q", "--no-history", "--out", str(out)]
    argv += [arg for param in params for arg in ("-p", param)]
    assert main(argv) == 0, capsys.readouterr().err
    runs = json.loads(out.read_text())["runs"]
    assert [r["strategy"] for r in runs] == supported
    for run in runs:
        assert run["ok"], (run["strategy"], run["error"])
        assert sorted(t["id"] for t in run["tasks"]) == list(range(tasks)), run["strategy"]
        assert all(t["ok"] for t in run["tasks"]), run["strategy"]


@pytest.mark.parametrize("name", sorted(SHORT))
def test_an_example_refuses_the_strategies_it_cannot_run_saying_what_to_add(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, refused = _forms(name)
    for strategy in refused:
        assert main(["run", "--code", f"example:{name}", "-s", strategy, "--no-history"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        form = "a coroutine function" if STRATEGIES[strategy].awaits else "a plain function"
        assert err.startswith(f"workbench: error: {strategy} ")
        assert f"{form}, and only the" in err
        assert "add a " in err
        assert f"(or leave out {strategy})" in err


def test_without_strategies_the_code_runs_those_its_forms_allow(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["run", "--code", "example:three-counts", "-n", "2", "-p", "seconds=0.01"]
    assert main([*argv, "-q", "--no-history"]) == 0
    out = capsys.readouterr().out
    assert "\nasync-sequential " in out and "\nasync-gather " in out
    assert "\nsequential " not in out
