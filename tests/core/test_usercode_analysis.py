"""Reading a file's functions with ast: kinds, parameters, aliases, what other names are."""

from __future__ import annotations

import textwrap

import pytest

from workbench.core.usercode.analysis import Kind, SourceError, outline

SOURCE = textwrap.dedent(
    """
    import asyncio
    from time import sleep as nap

    LIMIT = 3

    class Thing:
        pass

    def worker(number, scale=1, *, label="w", **extra):
        nap(scale)

    async def count(seconds=1):
        await asyncio.sleep(seconds)

    def numbers():
        yield 1

    async def ticks():
        yield 1

    task = worker
    async_task = count
    square = lambda x: x * x

    if __name__ == "__main__":
        def only_as_script():
            pass
    """
)


def test_functions_their_kinds_and_lines() -> None:
    found = outline(SOURCE)
    assert list(found.functions) == [
        "worker",
        "count",
        "numbers",
        "ticks",
        "task",
        "async_task",
        "square",
    ]
    kinds = {name: f.kind for name, f in found.functions.items()}
    assert kinds["worker"] is Kind.FUNCTION
    assert kinds["count"] is Kind.COROUTINE
    assert kinds["numbers"] is Kind.GENERATOR
    assert kinds["ticks"] is Kind.ASYNC_GENERATOR
    assert found.functions["worker"].line == 10


def test_an_alias_is_the_function_it_names() -> None:
    found = outline(SOURCE)
    task, worker = found.functions["task"], found.functions["worker"]
    assert (task.defined_as, task.line, task.parameters) == ("worker", 10, worker.parameters)
    assert found.functions["async_task"].is_async


def test_the_index_goes_to_a_first_positional_parameter_without_a_default() -> None:
    found = outline(SOURCE)
    slot = found.functions["worker"].index_slot
    assert slot is not None and slot.name == "number"
    assert found.functions["count"].index_slot is None  # seconds has a default
    lam = found.functions["square"].index_slot
    assert lam is not None and lam.name == "x"


def test_keywords_accepted_and_missing() -> None:
    worker = outline(SOURCE).functions["worker"]
    assert worker.keywords() == ["number", "scale", "label"]
    assert worker.accepts("anything")  # **extra
    assert worker.missing({}) == []  # number is the index slot
    assert worker.missing({"number": 4}) == []
    strict = outline("def f(a, b, *, c): pass").functions["f"]
    assert strict.missing({}) == ["b", "c"]
    assert not strict.accepts("d")


def test_other_names_say_what_they_are() -> None:
    found = outline(SOURCE)
    assert found.others["Thing"].what == "a class"
    assert found.others["LIMIT"].what == "a variable"
    assert found.others["nap"].what == "imported"
    assert found.others["asyncio"].line == 2
    assert found.nested == {"only_as_script": 27}


def test_the_last_binding_of_a_name_wins() -> None:
    found = outline("def task(): pass\ntask = 5\ndef job(): pass\nasync def job(): pass\n")
    assert "task" not in found.functions
    assert found.others["task"].what == "a variable"
    assert found.functions["job"].is_async


def test_setup_is_found() -> None:
    assert outline("def setup(): pass").setup is not None
    assert outline("from setuptools import setup").setup is None


@pytest.mark.parametrize(
    ("source", "line"),
    [("def task(:\n    pass\n", 1), ("x = 1\n\ndef f()\n    pass\n", 3), ("a = '\0'", None)],
)
def test_a_syntax_error_says_where(source: str, line: int | None) -> None:
    with pytest.raises(SourceError) as caught:
        outline(source)
    if line is not None:
        assert caught.value.line == line
    assert caught.value.message
