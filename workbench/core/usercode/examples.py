"""The articles' snippets, shipped as package data: ``example:NAME`` names one.

Each is a file in ``workbench/resources/examples`` written as in its article, with only what a
``task``/``async_task`` pair needs added (and marked). Its first comment line names the
article; a ``# Try:`` line gives a command that shows the article's point.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.core.usercode.model import CodeError
from workbench.resources import resource

EXAMPLE_PREFIX = "example:"
_TRY = "# Try: "


@dataclass(frozen=True)
class Example:
    name: str
    path: Path
    title: str
    """The article and what the snippet shows (the file's first comment line)."""
    try_command: str | None


def examples_folder() -> Path:
    folder = resource("examples")
    if not isinstance(folder, Path):  # a zipped install: no file a child could load by path
        raise CodeError("the shipped examples are not files on disk in this install")
    return folder


def example_names() -> list[str]:
    return sorted(p.stem for p in examples_folder().glob("*.py") if not p.stem.startswith("_"))


def example_path(name: str) -> Path:
    """The file of ``example:NAME``; :class:`CodeError` lists the examples otherwise."""
    names = example_names()
    if name not in names:
        raise CodeError(f"unknown example {name!r}; examples: {', '.join(names)}")
    return examples_folder() / f"{name}.py"


def describe(name: str) -> Example:
    path = example_path(name)
    lines = path.read_text(encoding="utf-8").splitlines()
    title = lines[0].lstrip("# ").strip() if lines and lines[0].startswith("#") else name
    command = next(
        (line.removeprefix(_TRY).strip() for line in lines if line.startswith(_TRY)), None
    )
    return Example(name, path, title, command)


def list_examples() -> list[Example]:
    return [describe(name) for name in example_names()]
