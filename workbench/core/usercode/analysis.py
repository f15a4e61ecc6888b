"""What a Python file defines, read with ``ast``: never imported into this process.

The engine and the window must not run the user's code (a top-level ``while True``, an
``os._exit`` or a crash would take them down), yet they must refuse a bad file before any
work and offer its functions by name. Parsing gives all of that: the top-level functions,
plain or coroutine, their parameters, and what every other top-level name is (a class, a
variable, an import), with line numbers to point at. The last binding of a name wins, as it
does when the file runs; ``task = worker`` makes ``task`` another name for ``worker``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    FUNCTION = "plain function"
    COROUTINE = "coroutine function"
    GENERATOR = "generator function"
    ASYNC_GENERATOR = "async generator function"


@dataclass(frozen=True)
class Parameter:
    name: str
    positional: bool
    """Can be given by position (a positional-only or an ordinary parameter)."""
    keyword: bool
    """Can be given by name."""
    has_default: bool
    variadic: bool = False
    """``*args`` or ``**kwargs``."""


@dataclass(frozen=True)
class Function:
    """A top-level function (or lambda) as the file defines it."""

    name: str
    """The top-level name it is bound to (an alias's own name, for ``task = worker``)."""
    defined_as: str
    line: int
    kind: Kind
    parameters: tuple[Parameter, ...]
    any_keyword: bool = False
    """It takes ``**kwargs``: any keyword argument is accepted."""

    @property
    def is_async(self) -> bool:
        return self.kind in (Kind.COROUTINE, Kind.ASYNC_GENERATOR)

    @property
    def index_slot(self) -> Parameter | None:
        """The parameter that gets the task's index: the first one, if it is positional and
        has no default."""
        first = self.parameters[0] if self.parameters else None
        if first is None or not first.positional or first.has_default or first.variadic:
            return None
        return first

    def accepts(self, keyword: str) -> bool:
        return self.any_keyword or any(
            p.keyword and not p.variadic and p.name == keyword for p in self.parameters
        )

    def keywords(self) -> list[str]:
        return [p.name for p in self.parameters if p.keyword and not p.variadic]

    def missing(self, given: Mapping[str, object]) -> list[str]:
        """Parameters with no default that neither the index nor ``given`` would fill."""
        slot = None if (s := self.index_slot) is None or s.name in given else s
        return [
            p.name
            for p in self.parameters
            if not p.has_default and not p.variadic and p is not slot and p.name not in given
        ]


@dataclass(frozen=True)
class OtherName:
    """A top-level name that is not a function."""

    name: str
    what: str
    """``a class``, ``a variable``, ``imported``."""
    line: int


@dataclass(frozen=True)
class Outline:
    functions: Mapping[str, Function] = field(default_factory=dict)
    """Every top-level name bound to a function, in the order they are defined."""
    others: Mapping[str, OtherName] = field(default_factory=dict)
    nested: Mapping[str, int] = field(default_factory=dict)
    """Functions defined only inside a top-level ``if``/``try``/``with``/loop: name → line."""

    @property
    def setup(self) -> Function | None:
        return self.functions.get("setup")


class SourceError(ValueError):
    """The file does not parse: ``line`` is where, ``message`` is Python's own words."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _contains_yield_or_await(node: ast.AST) -> tuple[bool, bool]:
    """(yields, awaits) in the function's own body, not in functions nested in it."""
    yields = awaits = False
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        yields = yields or isinstance(child, ast.Yield | ast.YieldFrom)
        awaits = awaits or isinstance(child, ast.Await)
        stack.extend(ast.iter_child_nodes(child))
    return yields, awaits


def _parameters(args: ast.arguments) -> tuple[tuple[Parameter, ...], bool]:
    positional = [*args.posonlyargs, *args.args]
    first_default = len(positional) - len(args.defaults)
    found = [
        Parameter(a.arg, True, a not in args.posonlyargs, index >= first_default)
        for index, a in enumerate(positional)
    ]
    if args.vararg is not None:
        found.append(Parameter(args.vararg.arg, True, False, True, variadic=True))
    found += [
        Parameter(a.arg, False, True, default is not None)
        for a, default in zip(args.kwonlyargs, args.kw_defaults, strict=True)
    ]
    if args.kwarg is not None:
        found.append(Parameter(args.kwarg.arg, False, True, True, variadic=True))
    return tuple(found), args.kwarg is not None


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, name: str) -> Function:
    parameters, any_keyword = _parameters(node.args)
    if isinstance(node, ast.Lambda):
        return Function(name, "lambda", node.lineno, Kind.FUNCTION, parameters, any_keyword)
    yields, _ = _contains_yield_or_await(node)
    if isinstance(node, ast.AsyncFunctionDef):
        kind = Kind.ASYNC_GENERATOR if yields else Kind.COROUTINE
    else:
        kind = Kind.GENERATOR if yields else Kind.FUNCTION
    return Function(name, node.name, node.lineno, kind, parameters, any_keyword)


def _bound_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Tuple | ast.List):
        for item in target.elts:
            yield from _bound_names(item)
    elif isinstance(target, ast.Starred):
        yield from _bound_names(target.value)


def _nested_functions(node: ast.stmt) -> Iterator[tuple[str, int]]:
    for child in ast.walk(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            yield child.name, child.lineno


class _Bindings:
    def __init__(self) -> None:
        self.functions: dict[str, Function] = {}
        self.others: dict[str, OtherName] = {}
        self.nested: dict[str, int] = {}

    def function(self, function: Function) -> None:
        self.others.pop(function.name, None)
        self.functions.pop(function.name, None)  # re-inserted: the order is definition order
        self.functions[function.name] = function

    def other(self, name: str, what: str, line: int) -> None:
        self.functions.pop(name, None)
        self.others[name] = OtherName(name, what, line)

    def statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            self.function(_function(stmt, stmt.name))
        elif isinstance(stmt, ast.ClassDef):
            self.other(stmt.name, "a class", stmt.lineno)
        elif isinstance(stmt, ast.Import | ast.ImportFrom):
            for alias in stmt.names:
                if alias.name != "*":
                    self.other(alias.asname or alias.name.split(".")[0], "imported", stmt.lineno)
        elif isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
            self._assignment(stmt)
        elif isinstance(stmt, ast.If | ast.Try | ast.With | ast.For | ast.While):
            for name, line in _nested_functions(stmt):
                self.nested.setdefault(name, line)

    def _assignment(self, stmt: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        value = stmt.value
        for target in targets:
            for name in _bound_names(target):
                if isinstance(value, ast.Name) and value.id in self.functions:
                    original = self.functions[value.id]
                    self.function(
                        Function(
                            name,
                            original.defined_as,
                            original.line,
                            original.kind,
                            original.parameters,
                            original.any_keyword,
                        )
                    )
                elif isinstance(value, ast.Lambda) and isinstance(target, ast.Name):
                    self.function(_function(value, name))
                else:
                    self.other(name, "a variable", stmt.lineno)


def outline(source: str, filename: str = "<code>") -> Outline:
    """The file's top-level functions and other names; :class:`SourceError` if it does not
    parse."""
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as exc:
        raise SourceError(exc.msg, exc.lineno) from None
    except ValueError as exc:  # null bytes, on Python 3.11
        raise SourceError(str(exc), None) from None
    bindings = _Bindings()
    for stmt in tree.body:
        bindings.statement(stmt)
    nested = {n: line for n, line in bindings.nested.items() if n not in bindings.functions}
    return Outline(bindings.functions, bindings.others, nested)
