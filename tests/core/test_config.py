from __future__ import annotations

import pytest

from workbench.core.config import build_config
from workbench.core.params import ConfigError, Param


def test_defaults_fill_in_undeclared_parameters() -> None:
    config = build_config("mixed", ["sequential"], 2, params={"rounds": "5"})
    assert config.params == {"rounds": 5, "cpu": 0.05, "wait": 0.2}
    assert config.workers >= 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"workload": "nope"}, "unknown workload 'nope'; allowed: sleep"),
        ({"strategies": ["sequential", "warp"]}, "unknown strategy 'warp'; allowed:"),
        ({"strategies": []}, "choose at least one strategy"),
        ({"tasks": 0}, "tasks must be at least 1"),
        ({"tasks": "ten"}, "tasks must be a whole number"),
        ({"workers": -2}, "workers must be at least 1"),
        ({"params": {"speed": "1"}}, "unknown parameter 'speed'; allowed: duration"),
        ({"params": {"duration": "soon"}}, "duration must be a number"),
        ({"params": {"duration": "-1"}}, "duration must be between 0 and 3600 s"),
        ({"params": {"duration": "nan"}}, "duration must be between"),
        ({"strategies": ["threads"], "tasks": 100_000}, "threads allows at most 5,000 tasks"),
        ({"strategies": ["process-pool"], "workers": 500}, "process-pool allows at most 61"),
        ({"repeat": 1000}, "repeat must be at most 100"),
    ],
)
def test_bad_input_is_one_plain_sentence(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"workload": "sleep", "strategies": ["sequential"], "tasks": 3}
    args.update(kwargs)
    with pytest.raises(ConfigError, match="^" + message.replace("(", r"\(")):
        build_config(**args)  # type: ignore[arg-type]


def test_integer_parameters_reject_fractions() -> None:
    size = Param("size", "MiB", 4, 1, 10, "help", integer=True)
    assert size.parse("3") == 3
    with pytest.raises(ConfigError, match="whole number"):
        size.parse("2.5")
