"""The child's side of the workbench, as source another Python can import — and nothing else.

A run may happen on another interpreter than the workbench's own (a free-threaded 3.13t, an
older 3.11). That interpreter must import ``workbench.core.child`` and what it imports, but
not the workbench's own site-packages: in a wheel install the folder holding ``workbench`` is
site-packages itself, and putting it on a 3.13t's path would hand that interpreter numpy,
PySide6 and aiohttp built for another Python. So the child's modules — found by walking its
imports, the same walk that checks they are standard-library only — are copied into a folder
of their own, named by a hash of their contents, and only that folder goes on the foreign
interpreter's ``PYTHONPATH``. The copy is made once per version of the sources and kept in
the data folder, so the interpreter's bytecode cache beside it is reused from run to run.

In the double-click app the modules are bytecode inside an archive no other Python can read;
the bundle carries their sources as data (``packaging/workbench.spec`` ships this same walk's
files under :data:`BUNDLED_FOLDER`), and that folder is used as it is.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import functools
import hashlib
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT_MODULE = "workbench.core.child"
ROOT_MODULES = (ROOT_MODULE, "workbench.core.code_check")
"""What the engine starts under an interpreter: the run's child, and the check of a user's
code (its file loaded and ``setup()`` run, before any experiment)."""
BUNDLED_FOLDER = "workbench-child"
"""Where a frozen app carries the child's sources, inside its own folder (``sys._MEIPASS``)."""
CACHE_FOLDER = "child-source"
STALE_AFTER_S = 86_400.0
"""Copies of older sources not used for a day are removed when a new copy is made."""
_MARKER = ".complete"


@dataclass(frozen=True)
class ChildModule:
    """One module the child can import: its file, and what it imports (name, lazily?)."""

    name: str
    path: Path
    imports: tuple[tuple[str, bool], ...]


def package_root() -> Path:
    """The ``workbench`` package's folder in this checkout or install."""
    import workbench

    return Path(workbench.__file__).resolve().parent


def _module_file(root: Path, name: str) -> Path | None:
    relative = Path(*name.split(".")[1:])
    for candidate in (root / relative / "__init__.py", root / f"{relative}.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(name: str, path: Path) -> tuple[tuple[str, bool], ...]:
    """(module imported, inside a function?) for every import statement in the file; a
    ``from a import b`` gives both ``a`` and ``a.b`` (``b`` may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = lazy or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((alias.name, inner) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parent = package.rsplit(".", child.level - 1)[0]
                    base = f"{parent}.{base}" if base else parent
                found.append((base, inner))
                found.extend((f"{base}.{alias.name}", inner) for alias in child.names)
            visit(child, inner)

    visit(tree, False)
    return tuple(found)


def child_side(root: Path | None = None) -> dict[str, ChildModule]:
    """Every workbench module the child can import (its packages included), by name."""
    root = root or package_root()
    modules: dict[str, ChildModule] = {}
    pending = list(ROOT_MODULES)
    while pending:
        name = pending.pop()
        path = _module_file(root, name)
        if name in modules or path is None:
            continue
        imports = _imports(name, path)
        modules[name] = ChildModule(name, path, imports)
        parents = [name.rsplit(".", depth)[0] for depth in range(1, name.count(".") + 1)]
        pending += parents + [m for m, _ in imports if m.split(".")[0] == "workbench"]
    return modules


def child_side_files(root: Path | None = None) -> list[Path]:
    """The child's modules as paths relative to the folder holding ``workbench``, sorted."""
    root = root or package_root()
    return sorted(m.path.relative_to(root.parent) for m in child_side(root).values())


def _digest(base: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for relative in files:
        digest.update(relative.as_posix().encode() + b"\0")
        digest.update((base / relative).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _copy(base: Path, files: list[Path], target: Path) -> None:
    """Copy ``files`` into ``target`` all at once: built beside it, then renamed into place,
    so another process never sees half a copy (and one racing us keeps its own)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        for relative in files:
            (building / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(base / relative, building / relative)
        (building / _MARKER).touch()
        try:
            os.rename(building, target)
        except OSError:
            if not (target / _MARKER).is_file():
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _prune(folder: Path, keep: Path) -> None:
    """Remove copies of other versions of the sources that nobody used for a day."""
    now = time.time()
    for other in folder.iterdir() if folder.is_dir() else ():
        if other == keep or not other.is_dir():
            continue
        with contextlib.suppress(OSError):
            marker = other / _MARKER
            used = marker.stat().st_mtime if marker.exists() else other.stat().st_mtime
            if now - used > STALE_AFTER_S:
                shutil.rmtree(other, ignore_errors=True)


def _private_folder() -> str:
    """Where the data folder could not be written: a folder of this process's own, removed
    when it exits — or, if it is killed first, by the next engine to start (it is named like
    a run's scratch folder: see :mod:`workbench.core.scratch`)."""
    from workbench.core.scratch import make_owned_folder

    folder = make_owned_folder()
    atexit.register(shutil.rmtree, folder, True)
    return folder


@functools.cache
def child_source_path() -> str:
    """A folder with the child's side of ``workbench`` and nothing else, for a foreign
    interpreter's ``PYTHONPATH`` (built on first use; the same folder afterwards)."""
    if getattr(sys, "frozen", False):
        bundled = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / BUNDLED_FOLDER
        if not (bundled / "workbench" / "core" / "child.py").is_file():
            raise FileNotFoundError(
                f"this app carries no sources for another Python to run ({bundled} is missing)"
            )
        return str(bundled)
    from workbench.core.datadir import data_dir

    root = package_root()
    files = child_side_files(root)
    name = f"workbench-{_digest(root.parent, files)}"
    try:
        folder = data_dir() / CACHE_FOLDER
        target = folder / name
        if not (target / _MARKER).is_file():
            _copy(root.parent, files, target)
            _prune(folder, target)
        os.utime(target / _MARKER)
    except OSError:  # a read-only data folder: a private copy, removed when this process ends
        target = Path(_private_folder()) / name
        _copy(root.parent, files, target)
    return str(target)
