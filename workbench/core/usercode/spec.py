"""``PATH.py[:NAME[,NAME]]`` (or ``example:NAME[:…]``) → a checked :class:`UserCode`, or one line.

Everything that can be refused is refused here, before any work and without running the
file: a missing or unreadable file, a syntax error (``file:line``), a name that is not a
top-level function, a coroutine where a plain function is needed (or the reverse), a strategy
whose form of the task the file does not give, a parameter no function takes or a required
one nobody gives. :class:`CodeError` carries the line to mark when there is one.

Rules, in the words the README uses:

- With no names, the file's ``task`` (a plain function) and/or ``async_task`` (a coroutine
  function) are run; with names, one plain function and/or one coroutine function.
- The first parameter, if it is positional and has no default, gets the task's index
  (0…N−1), unless a parameter value names it; every other parameter takes its value by name
  from the parameters given, or its default.
- A parameter value typed as text is read as a Python literal when it is a number, ``True``,
  ``False``, ``None`` or quoted text (``3`` → 3, ``0.5`` → 0.5, ``'3'`` → "3"); anything
  else is the text as typed (``/tmp/data.csv``, ``hello``).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.core.strategies import STRATEGIES
from workbench.core.usercode.analysis import Function, Kind, Outline, SourceError, outline
from workbench.core.usercode.examples import EXAMPLE_PREFIX, example_path
from workbench.core.usercode.model import CodeError, CodeFunction, Scalar, UserCode

DEFAULT_PLAIN, DEFAULT_COROUTINE = "task", "async_task"
MAX_SOURCE_BYTES = 1 << 20
"""A task file goes whole into every results file; a megabyte of source is plenty."""
_NAME = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class CodeReference:
    """Where the code is and which functions were named (none: the defaults)."""

    path: Path
    label: str
    names: tuple[str, ...]

    @property
    def where(self) -> str:
        """How messages name the file: as typed, or an example's file name."""
        return self.path.name if self.label.startswith(EXAMPLE_PREFIX) else self.label


def _names(text: str, spec: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    for name in names:
        if not _NAME.fullmatch(name):
            raise CodeError(f"{spec}: {name!r} is not a function name")
    if len(names) > 2:
        raise CodeError(f"{spec}: name one plain function and/or one coroutine function, not more")
    return names


def parse_reference(text: str, base: Path | None = None) -> CodeReference:
    """Split ``PATH.py:NAME,NAME`` (a relative path is taken from ``base``, if given)."""
    spec = text.strip()
    if not spec:
        raise CodeError("no code given: expected PATH.py[:NAME[,NAME]] or example:NAME")
    if spec.startswith(EXAMPLE_PREFIX):
        name, _, names = spec.removeprefix(EXAMPLE_PREFIX).partition(":")
        return CodeReference(
            example_path(name.strip()), EXAMPLE_PREFIX + name.strip(), _names(names, spec)
        )
    head, sep, tail = spec.rpartition(":")
    named = bool(sep) and head.lower().endswith(".py")
    path_text = head if named else spec
    path = Path(path_text).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    return CodeReference(path, path_text, _names(tail, spec) if named else ())


def read_source(reference: CodeReference) -> tuple[bytes, str]:
    """The file's bytes and text; :class:`CodeError` if it is not a readable .py file."""
    path, where = reference.path, reference.where
    if path.is_dir():
        raise CodeError(f"{where}: is a folder, not a Python file")
    if path.suffix.lower() != ".py":
        raise CodeError(f"{where}: not a Python file (expected a .py file)")
    if not path.exists():
        raise CodeError(f"{where}: no such file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CodeError(f"{where}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise CodeError(
            f"{where}: {len(data):,} bytes is too large for a task file (1 MiB at most)"
        )
    try:
        return data, importlib.util.decode_source(data)
    except (UnicodeDecodeError, SyntaxError, LookupError) as exc:
        raise CodeError(f"{where}: cannot be read as Python source ({exc})") from None


def outline_of(source: str, where: str) -> Outline:
    try:
        return outline(source, where)
    except SourceError as exc:
        at = f"{where}:{exc.line}" if exc.line else where
        raise CodeError(f"{at}: syntax error: {exc.message}", exc.line) from None


def listing(found: Outline) -> str:
    """``functions here: count (async), main (async)`` — what the file offers."""
    if not found.functions:
        return "it defines no function at the top level"
    names = ", ".join(
        f"{f.name} (async)" if f.is_async else f.name
        for f in found.functions.values()
        if f.name != "setup"
    )
    return f"functions here: {names or 'only setup'}"


def _look_up(found: Outline, name: str, where: str) -> Function:
    function = found.functions.get(name)
    if function is not None:
        if function.kind in (Kind.GENERATOR, Kind.ASYNC_GENERATOR):
            raise CodeError(
                f"{where}:{function.line}: {name}() is a {function.kind} (it yields): calling "
                "it runs nothing; the workbench runs a plain function or a coroutine function",
                function.line,
            )
        return function
    if name in found.others:
        other = found.others[name]
        raise CodeError(
            f"{where}:{other.line}: {name!r} is {other.what}, not a function", other.line
        )
    if name in found.nested:
        line = found.nested[name]
        raise CodeError(
            f"{where}:{line}: {name}() is defined inside a block (if, try, with, a loop); "
            "the workbench calls functions defined at the top level of the file",
            line,
        )
    raise CodeError(f"{where}: no function named {name!r} ({listing(found)})")


def _defaults(found: Outline, reference: CodeReference) -> tuple[Function, ...]:
    where = reference.where
    chosen = [
        _look_up(found, n, where)
        for n in (DEFAULT_PLAIN, DEFAULT_COROUTINE)
        if n in found.functions or n in found.others or n in found.nested
    ]
    if not chosen:
        raise CodeError(
            f"{where} defines neither task() nor async_task(): name the function(s) to run, "
            f"{reference.label}:NAME[,NAME] ({listing(found)})"
        )
    for function in chosen:
        if function.name == DEFAULT_PLAIN and function.is_async:
            raise CodeError(
                f"{where}:{function.line}: task() is a coroutine function (async def), but "
                f"'task' names the plain function: rename it async_task, or name it: "
                f"{reference.label}:task",
                function.line,
            )
        if function.name == DEFAULT_COROUTINE and not function.is_async:
            raise CodeError(
                f"{where}:{function.line}: async_task() is a plain function, but 'async_task' "
                "names the coroutine function: make it async def, or rename it task",
                function.line,
            )
    return tuple(chosen)


def choose_functions(found: Outline, reference: CodeReference) -> tuple[Function, ...]:
    """The functions to run: the named ones (one plain, one coroutine at most) or the defaults."""
    if not reference.names:
        return _defaults(found, reference)
    chosen = tuple(_look_up(found, name, reference.where) for name in reference.names)
    if len(chosen) == 2 and chosen[0].is_async == chosen[1].is_async:
        kind = "coroutine functions" if chosen[0].is_async else "plain functions"
        raise CodeError(
            f"{reference.where}: {chosen[0].name}() and {chosen[1].name}() are both {kind}: "
            "name one plain function and one coroutine function (async def)"
        )
    return chosen


def check_forms(
    chosen: Sequence[Function], strategies: Sequence[str], reference: CodeReference
) -> None:
    """Refuse a strategy whose form of the task the file does not give, saying what to add."""
    plain = next((f for f in chosen if not f.is_async), None)
    coroutine = next((f for f in chosen if f.is_async), None)
    awaiting = [s for s in strategies if s in STRATEGIES and STRATEGIES[s].awaits]
    calling = [s for s in strategies if s in STRATEGIES and not STRATEGIES[s].awaits]
    named = ",".join(reference.names)
    if calling and plain is None and coroutine is not None:
        verb = "calls" if len(calling) == 1 else "call"
        add = (
            f"add a plain function and name it too: {reference.label}:{named},NAME"
            if reference.names
            else f"add a plain function, def task(): …, to {reference.where}"
        )
        raise CodeError(
            f"{', '.join(calling)} {verb} a plain function, and only the coroutine function "
            f"{coroutine.name}() is given: {add} (or leave out {', '.join(calling)})"
        )
    if awaiting and coroutine is None and plain is not None:
        verb = "awaits" if len(awaiting) == 1 else "await"
        add = (
            f"add a coroutine function and name it too: {reference.label}:{named},NAME"
            if reference.names
            else f"add a coroutine function, async def async_task(): …, to {reference.where}"
        )
        raise CodeError(
            f"{', '.join(awaiting)} {verb} a coroutine function, and only the plain function "
            f"{plain.name}() is given: {add} (or leave out {', '.join(awaiting)})"
        )


def parse_value(text: str) -> Scalar:
    """A parameter's text as a value: a Python literal number, ``True``/``False``/``None`` or
    quoted text; anything else (a path, a word) is the text as typed."""
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text
    if isinstance(value, float) and not math.isfinite(value):
        return text
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return text


def _value(name: str, raw: object) -> Scalar:
    if isinstance(raw, str):
        return parse_value(raw)
    if raw is None or isinstance(raw, bool | int | float):
        return raw
    raise CodeError(f"parameter {name!r}: expected a number, text, true/false or null, got {raw!r}")


def resolve_kwargs(
    chosen: Sequence[Function], given: Mapping[str, object], where: str
) -> dict[str, Scalar]:
    """The keyword arguments every call gets; refuse one a function does not take."""
    values = {name: _value(name, raw) for name, raw in given.items()}
    for name in values:
        for function in chosen:
            if not function.accepts(name):
                takes = ", ".join(function.keywords()) or "none"
                raise CodeError(
                    f"unknown parameter {name!r}: {function.name}() has no parameter of that "
                    f"name (its parameters: {takes})"
                )
    for function in chosen:
        missing = function.missing(values)
        if missing:
            raise CodeError(
                f"{where}:{function.line}: {function.name}() needs a value for {missing[0]!r}: "
                f"give it one (--param {missing[0]}=VALUE)",
                function.line,
            )
    return values


def _check_setup(found: Outline, where: str) -> bool:
    setup = found.setup
    if setup is None:
        return False
    if setup.kind is not Kind.FUNCTION:
        raise CodeError(
            f"{where}:{setup.line}: setup() must be a plain function (def setup(): …), it is a "
            f"{setup.kind}",
            setup.line,
        )
    if setup.missing({}) or setup.index_slot is not None:
        raise CodeError(
            f"{where}:{setup.line}: setup() is called with no arguments, but it needs some",
            setup.line,
        )
    return True


def resolve_code(
    code: str | UserCode,
    strategies: Sequence[str],
    params: Mapping[str, object] | None = None,
    *,
    base: Path | None = None,
) -> UserCode:
    """A checked snapshot of the code to run; :class:`CodeError` on the first problem.

    ``code`` is a reference (``demo.py:task``) read from disk now, or a snapshot taken
    earlier (re-checked against ``strategies``, its parameters replaced by ``params`` if any
    are given). Relative paths are taken from ``base`` (a preset's folder), else the current
    folder.
    """
    if isinstance(code, UserCode):
        reference = CodeReference(
            Path(code.path), code.label, tuple(f.name for f in code.functions)
        )
        source, digest = code.source, code.sha256
        given: Mapping[str, object] = params or code.kwargs
    else:
        reference = parse_reference(code, base)
        data, source = read_source(reference)
        digest, given = hashlib.sha256(data).hexdigest(), params or {}
    found = outline_of(source, reference.where)
    has_setup = _check_setup(found, reference.where)
    chosen = choose_functions(found, reference)
    check_forms(chosen, strategies, reference)
    kwargs = resolve_kwargs(chosen, given, reference.where)
    functions = tuple(
        CodeFunction(
            f.name,
            f.is_async,
            f.index_slot is not None and f.index_slot.name not in kwargs,
        )
        for f in chosen
    )
    return UserCode(
        str(reference.path.resolve()),
        reference.label,
        source,
        digest,
        functions,
        kwargs,
        has_setup,
    )
