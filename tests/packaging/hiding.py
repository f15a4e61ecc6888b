"""Simulating a machine that lacks some shared libraries, for one command, without touching
the real system: in a private mount namespace, each folder that holds one of the libraries
gets a read-only overlay whose top layer has a whiteout for it, so the file is simply absent
(not damaged) for that command and everything it starts. Needs root (mount namespaces,
overlayfs, mknod); :func:`hiding_available` says whether this machine allows it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

_SCRIPT = 'set -e; while [ "$1" != -- ]; do mount -t overlay overlay -o "lowerdir=$2:$1" "$1"; '
_SCRIPT += 'shift 2; done; shift; exec "$@"'


def system_library_folders(soname: str) -> set[Path]:
    """The folders the dynamic loader finds ``soname`` in here (from ``ldconfig -p``)."""
    listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True)
    folders = set()
    for line in listing.stdout.splitlines()[1:]:
        fields = line.split()
        if fields and fields[0] == soname:
            folders.add(Path(line.rpartition(" => ")[2]).parent.resolve())
    return folders


def hiding_available() -> str | None:
    """None if libraries can be hidden here, else why not."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "hiding libraries needs root (mount namespace, overlayfs, mknod)"
    if shutil.which("unshare") is None:
        return "hiding libraries needs unshare (util-linux)"
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs none /mnt && umount /mnt"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return f"cannot make a private mount namespace here: {probe.stderr.strip()}"
    return None


def _whiteout_layer(folder: Path, names: Iterable[str], scratch: Path) -> Path:
    layer = scratch / f"whiteouts-{len(list(scratch.iterdir()))}"
    layer.mkdir()
    for name in names:
        os.mknod(layer / name, 0o600 | 0o020000, os.makedev(0, 0))  # char 0:0 = whiteout
    return layer


def without_libraries(
    command: Sequence[str], hidden: dict[Path, set[str]], scratch: Path
) -> list[str]:
    """``command``, run so that each folder's named files are absent.

    ``hidden`` maps a folder to file names in it; pass every name the library goes by there
    (``libfoo.so.1`` and the ``libfoo.so.1.2.3`` it points at).
    """
    scratch.mkdir(parents=True, exist_ok=True)
    mounts: list[str] = []
    for folder, names in hidden.items():
        mounts += [str(folder), str(_whiteout_layer(folder, names, scratch))]
    return ["unshare", "-m", "sh", "-c", _SCRIPT, "sh", *mounts, "--", *command]


def names_in(folder: Path, soname: str) -> set[str]:
    """Every name ``soname`` goes by in ``folder``: itself, its symlink target, versions."""
    stem = soname.split(".so", 1)[0] + ".so"
    return {p.name for p in folder.iterdir() if p.name.startswith(stem)}
