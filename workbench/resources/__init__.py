"""The app's data files, shipped inside the package: presets, icons, JSON schemas (and, later,
example code).

They are read through :mod:`importlib.resources`, so a source checkout, an editable install, a
wheel and the PyInstaller bundle (which carries this folder as data under the same path) all
find them the same way, with no guessing at paths and no override to set.

Why inside ``workbench/`` rather than a top-level ``resources/`` folder mapped into the package
by setuptools (``package-dir``): such a mapping exists only once installed. A checkout run with
the repository on ``sys.path`` (as the tests' helper processes and every worktree run it) does
not see it, and on a machine where another checkout is installed editable, the name resolves to
*that* checkout's files instead, silently. The mapping also needs every package listed by hand.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def resource(*parts: str) -> Traversable:
    """A file or folder in here, e.g. ``resource("presets")`` or ``resource("icons", "x.png")``."""
    return files(__name__).joinpath(*parts)
