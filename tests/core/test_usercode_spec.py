"""Refused before any work, in one line: every kind of bad code input, and what is accepted."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pytest

from workbench.core.config import build_config
from workbench.core.usercode.model import CODE_WORKLOAD, CodeError
from workbench.core.usercode.spec import parse_reference, parse_value, resolve_code

PAIR = """
import asyncio, time

def task(i, seconds=0.01):
    time.sleep(seconds)

async def async_task(i, seconds=0.01):
    await asyncio.sleep(seconds)
"""


def _file(folder: Path, source: str, name: str = "demo.py") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def _refused(reference: str, strategies: list[str], message: str, **params: object) -> CodeError:
    with pytest.raises(CodeError) as caught:
        resolve_code(reference, strategies, params)
    text = str(caught.value)
    assert "\n" not in text
    assert message in text, text
    return caught.value


def test_a_pair_is_read_with_its_hash_source_and_calls(tmp_path: Path) -> None:
    path = _file(tmp_path, PAIR)
    code = resolve_code(str(path), ["sequential", "async-gather"], {"seconds": "0.5"})
    assert code.path == str(path.resolve())
    assert code.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert code.source == path.read_text()
    assert [(f.name, f.is_async, f.takes_index) for f in code.functions] == [
        ("task", False, True),
        ("async_task", True, True),
    ]
    assert code.kwargs == {"seconds": 0.5}
    assert not code.has_setup


def test_missing_file(tmp_path: Path) -> None:
    _refused(str(tmp_path / "nope.py"), ["sequential"], "nope.py: no such file")


def test_not_a_python_file(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("def task(): pass")
    _refused(str(notes), ["sequential"], "not a Python file (expected a .py file)")
    _refused(str(tmp_path), ["sequential"], "is a folder, not a Python file")


def test_a_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = _file(tmp_path, "import time\n\ndef task()\n    time.sleep(1)\n")
    error = _refused(f"{path}", ["sequential"], f"{path}:3: syntax error:")
    assert error.line == 3


def test_function_not_found_lists_what_is_there(tmp_path: Path) -> None:
    path = _file(tmp_path, PAIR)
    _refused(
        f"{path}:job", ["sequential"], "no function named 'job' (functions here: task, async_task"
    )
    other = _file(tmp_path, "async def count(): pass\n", "other.py")
    _refused(str(other), ["async-gather"], "defines neither task() nor async_task()")


@pytest.mark.parametrize(
    ("source", "what", "line"),
    [
        ("task = 5\n", "'task' is a variable, not a function", 1),
        ("class task:\n    pass\n", "'task' is a class, not a function", 1),
        ("from os import getpid as task\n", "'task' is imported, not a function", 1),
        ("import sys\nif sys:\n    def task(): pass\n", "task() is defined inside a block", 3),
        ("def task():\n    yield 1\n", "task() is a generator function (it yields)", 1),
    ],
)
def test_a_name_that_is_not_a_function(tmp_path: Path, source: str, what: str, line: int) -> None:
    path = _file(tmp_path, source)
    error = _refused(f"{path}:task", ["sequential"], what)
    assert error.line == line


def test_a_coroutine_where_a_plain_function_is_needed_and_vice_versa(tmp_path: Path) -> None:
    swapped = _file(tmp_path, "async def task(): pass\n")
    _refused(str(swapped), ["async-gather"], "task() is a coroutine function (async def), but")
    plain = _file(tmp_path, "def async_task(): pass\n", "plain.py")
    _refused(str(plain), ["sequential"], "async_task() is a plain function, but")
    coroutine_only = _file(tmp_path, "async def count(): pass\n", "count.py")
    _refused(
        f"{coroutine_only}:count",
        ["sequential", "threads", "async-gather"],
        "sequential, threads call a plain function, and only the coroutine function count() "
        "is given: add a plain function and name it too:",
    )
    plain_only = _file(tmp_path, "def task(): pass\n", "task.py")
    _refused(
        str(plain_only),
        ["process-pool", "async-gather"],
        "async-gather awaits a coroutine function, and only the plain function task() is "
        "given: add a coroutine function, async def async_task(): …, to",
    )
    two_plain = _file(tmp_path, "def a(): pass\ndef b(): pass\n", "two.py")
    _refused(f"{two_plain}:a,b", ["sequential"], "are both plain functions")


def test_every_strategy_runs_the_form_the_issue_says() -> None:
    from workbench.core.strategies import STRATEGIES

    awaiting = {name for name, s in STRATEGIES.items() if s.awaits}
    assert awaiting == {"async-sequential", "async-gather", "async-taskgroup", "async-bounded"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("-2", -2),
        ("1_000", 1000),
        ("0.5", 0.5),
        ("1e-3", 0.001),
        ("True", True),
        ("None", None),
        ("'3'", "3"),
        ('"hello world"', "hello world"),
        ("hello", "hello"),
        ("/tmp/data.csv", "/tmp/data.csv"),
        ("1e999", "1e999"),
        ("[1, 2]", "[1, 2]"),
        ("2**100", "2**100"),
        ("", ""),
    ],
)
def test_parameter_values_are_python_literals_or_the_text_as_typed(
    text: str, value: object
) -> None:
    assert parse_value(text) == value
    assert type(parse_value(text)) is type(value)


def test_a_parameter_no_function_takes_is_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, PAIR)
    _refused(
        str(path),
        ["sequential"],
        "unknown parameter 'speed': task() has no parameter of that name (its parameters: "
        "i, seconds)",
        speed="3",
    )


def test_a_required_parameter_nobody_gives_is_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, "def task(i, size):\n    pass\n")
    error = _refused(str(path), ["sequential"], "task() needs a value for 'size'")
    assert error.line == 1
    code = resolve_code(str(path), ["sequential"], {"size": "10"})
    assert code.kwargs == {"size": 10}


def test_naming_the_index_parameter_gives_it_a_value_instead(tmp_path: Path) -> None:
    path = _file(tmp_path, "def task(path):\n    pass\n")
    (call,) = resolve_code(str(path), ["sequential"], {"path": "/etc/hosts"}).functions
    assert not call.takes_index


def test_setup_must_be_a_plain_function_without_arguments(tmp_path: Path) -> None:
    path = _file(tmp_path, "async def setup(): pass\ndef task(): pass\n")
    _refused(str(path), ["sequential"], "setup() must be a plain function")
    path = _file(tmp_path, "def setup(data): pass\ndef task(): pass\n")
    _refused(str(path), ["sequential"], "setup() is called with no arguments")
    path = _file(tmp_path, "def setup(): pass\ndef task(): pass\n")
    assert resolve_code(str(path), ["sequential"]).has_setup


def test_references_split_names_and_examples(tmp_path: Path) -> None:
    reference = parse_reference("demo.py:task, async_task", base=tmp_path)
    assert reference.path == tmp_path / "demo.py"
    assert reference.names == ("task", "async_task")
    assert parse_reference("C:\\code\\demo.py").names == ()
    assert parse_reference("example:three-counts").path.name == "three-counts.py"
    with pytest.raises(CodeError, match="unknown example 'nope'; examples: async-file-io"):
        parse_reference("example:nope")
    with pytest.raises(CodeError, match="'1x' is not a function name"):
        parse_reference("demo.py:1x")


def test_the_config_carries_the_code_and_a_snapshot_is_checked_again(tmp_path: Path) -> None:
    path = _file(tmp_path, PAIR)
    config = build_config("sleep", ["sequential"], 3, 2, {"seconds": "0.2"}, code=str(path))
    assert config.workload == CODE_WORKLOAD
    assert config.params == {}
    assert config.code is not None and config.code.kwargs == {"seconds": 0.2}
    again = build_config("", ["async-gather"], 4, code=config.code)
    assert again.code is not None and again.code.kwargs == {"seconds": 0.2}
    with pytest.raises(CodeError, match="unknown parameter 'x'"):
        build_config("", ["sequential"], 4, params={"x": 1}, code=config.code)
