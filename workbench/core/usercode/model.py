"""What an experiment on the user's own code records: the file, the functions, the values.

A :class:`UserCode` is a snapshot taken when the experiment is set up: the path, the source
text and its sha256, so a results file is self-contained (the code that ran is in it) and a
run whose file changed meanwhile is refused rather than silently measuring other code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from workbench.core.params import ConfigError
from workbench.core.protocol import CODE_WORKLOAD, CodeCall, CodeRequest

__all__ = ["CODE_WORKLOAD", "CodeError", "CodeFunction", "Scalar", "UserCode"]

Scalar = int | float | str | bool | None
"""What a ``--param`` value of the user's function can be."""


class CodeError(ConfigError):
    """Bad code input in one line; ``line`` is the place in the file to mark, if any."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class CodeFunction:
    """One function a strategy calls: a plain function or a coroutine function."""

    name: str
    """The name it is looked up by in the file (``task``, or an alias of another def)."""
    is_async: bool
    takes_index: bool
    """Its first parameter is positional and has no default: it gets the task's index."""

    @property
    def call(self) -> str:
        """How it is shown: ``count()`` or ``worker(i)``."""
        return f"{self.name}(i)" if self.takes_index else f"{self.name}()"


@dataclass(frozen=True)
class UserCode:
    """The user's functions as the workload: one plain function and/or one coroutine function."""

    path: str
    """Absolute path of the file; the run's process and pool workers load it from here."""
    label: str
    """How the user named it: ``demo.py`` as typed, or ``example:three-counts``."""
    source: str
    sha256: str
    """Of the file's bytes: the child refuses to run a file that changed since."""
    functions: tuple[CodeFunction, ...]
    kwargs: Mapping[str, Scalar] = field(default_factory=dict)
    """Keyword arguments every call gets (``--param``)."""
    has_setup: bool = False
    """The file defines ``setup()``: it runs once per process before the clock starts."""

    @property
    def plain(self) -> CodeFunction | None:
        return next((f for f in self.functions if not f.is_async), None)

    @property
    def coroutine(self) -> CodeFunction | None:
        return next((f for f in self.functions if f.is_async), None)

    @property
    def spec(self) -> str:
        """``example:three-counts:async_task``: what ``--code`` takes to run it again."""
        return f"{self.label}:{','.join(f.name for f in self.functions)}"

    def title(self) -> str:
        """One line for headers: ``demo.py: task(i), async_task(i) (seconds=0.2)``."""
        values = ", ".join(f"{name}={value!r}" for name, value in self.kwargs.items())
        calls = ", ".join(f.call for f in self.functions)
        return f"{self.label}: {calls}" + (f" ({values})" if values else "")


def code_request(code: UserCode) -> CodeRequest:
    """What the run's process needs to load and call the code (see the child's workload)."""
    return CodeRequest(
        code.path,
        code.sha256,
        tuple(CodeCall(f.name, f.is_async, f.takes_index) for f in code.functions),
        dict(code.kwargs),
        code.has_setup,
    )
