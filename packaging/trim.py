"""Trimming the bundle's binaries: Qt plugins the app never loads, and the libraries only they
needed. Used by ``workbench.spec``; nothing in the ``workbench`` package imports this.

Why bother beyond size: on Linux, PySide6's GTK platform-theme plugin drags in a partial GTK
stack (cairo, pango, harfbuzz, gdk-pixbuf…) from the build machine. On a lab machine that
plugin would load the *system* GTK on top of those bundled libraries, a classic source of
symbol errors at start-up. The app draws its own dialogs with Qt's widgets, so it goes.

Only Linux is pruned: the plugin paths below are Linux plugins, and ``ldd`` (which lists a
library's whole dependency closure) is what tells which bundled libraries are still needed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable

TocEntry = tuple[str, str, str]  # (destination in the bundle, source path, type code)

UNUSED_PLUGINS = (
    # GTK theme: see the module docstring. Qt's own Fusion-based look is used instead.
    "platformthemes/libqgtk3.so",
    # Platforms for kiosks and embedded boards (no window system), and their input plugins.
    "platforms/libqeglfs.so",
    "platforms/libqlinuxfb.so",
    "platforms/libqminimalegl.so",
    "platforms/libqvkkhrdisplay.so",
    "platforms/libqvnc.so",
    "egldeviceintegrations/",
    "generic/",
    # Image formats the app never reads (tiff is broken anyway without the system libtiff.so.5).
    "imageformats/libqgif.so",
    "imageformats/libqjpeg.so",
    "imageformats/libqtga.so",
    "imageformats/libqtiff.so",
    "imageformats/libqwbmp.so",
    "imageformats/libqwebp.so",
)
_PLUGIN_DIR = "PySide6/Qt/plugins/"
_LDD_LINE = re.compile(r"^\s*(?:(\S+)\s+=>\s+)?(\S+)")


def is_unused_plugin(dest: str) -> bool:
    dest = dest.replace("\\", "/")
    if not dest.startswith(_PLUGIN_DIR):
        return False
    return dest[len(_PLUGIN_DIR) :].startswith(UNUSED_PLUGINS)


def needed_libraries(paths: Iterable[str]) -> set[str]:
    """Base names of every library the given binaries load, directly or indirectly."""
    needed: set[str] = set()
    for path in paths:
        proc = subprocess.run(["ldd", path], capture_output=True, text=True, check=False)
        for line in proc.stdout.splitlines():
            match = _LDD_LINE.match(line)
            if match:
                needed.add(os.path.basename(match.group(1) or match.group(2)))
    return needed


def prune(binaries: list[TocEntry]) -> tuple[list[TocEntry], list[TocEntry]]:
    """``(kept, removed)``: unused plugins go, then top-level libraries nothing kept needs.

    Extension modules, Qt's own libraries and everything else in a sub-folder are kept as
    roots; only a top-level library (one PyInstaller collected because something needed it)
    can be removed, and only when no root needs it any more.
    """
    if not sys.platform.startswith("linux"):
        return binaries, []
    removed = [entry for entry in binaries if is_unused_plugin(entry[0])]
    rest = [entry for entry in binaries if not is_unused_plugin(entry[0])]

    def top_level(entry: TocEntry) -> bool:
        dest = entry[0].replace("\\", "/")
        return "/" not in dest and entry[2] == "BINARY" and not dest.startswith("libpython")

    roots = [entry[1] for entry in rest if not top_level(entry)]
    roots += [entry[1] for entry in rest if entry[0].startswith("libpython")]
    needed = needed_libraries(roots)
    kept = [entry for entry in rest if not top_level(entry) or entry[0] in needed]
    removed += [entry for entry in rest if top_level(entry) and entry[0] not in needed]
    return kept, removed
