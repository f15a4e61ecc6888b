"""Writing a file so that a failure never leaves half of it, nor loses what was there.

The data goes to a temporary file in the target's own folder (same file system, so the
rename is atomic), is flushed to disk, and only then replaces the target. If anything fails
on the way, the temporary file is removed and the target is untouched.

The temporary file is made private (``mkstemp``: mode 0600) and given, before the rename,
the mode the user would expect of the file: that of the file it replaces, or for a new file
0666 less the umask — what ``open(path, "w")`` would have made.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

_NAME_KEPT = 64
"""Characters of the target's name kept in its temporary file's name: a name near the file
system's limit (255 bytes) would otherwise fail on the temporary file, not on the target."""


def real_target(path: str | os.PathLike[str]) -> Path:
    """Where writing ``path`` lands: a symlink (even a dangling one) is followed, so that it is
    written through and stays a symlink, never replaced by a plain file."""
    given = Path(path)
    return Path(os.path.realpath(given)) if given.is_symlink() else given


def write_atomically(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8), all or nothing.

    A symlink is written through (its target is replaced). A target that exists but is no
    regular file (``/dev/null``, a pipe) is written through too: renaming over it would
    replace the device itself — as root, ``--out /dev/null`` once turned a machine's
    /dev/null into a plain file. (The CLI refuses such targets before a run.)
    """
    target = real_target(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if target.exists() and not target.is_file():
        with target.open("wb") as handle:
            handle.write(payload)
        return
    mode = _mode_for(target)
    fd, temp = _temporary_beside(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def try_writing_beside(path: str | os.PathLike[str]) -> None:
    """Raise ``OSError`` unless a file could be written where ``path`` would be: create (and
    remove) the target itself if it does not exist yet — its name is tried too — and a
    temporary file beside it either way. Unlike ``os.access``, this fails for root where
    writing would (a read-only or virtual file system: /proc, /sys)."""
    target = real_target(path)
    if not target.exists():
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        target.unlink()
    fd, temp = _temporary_beside(target)
    os.close(fd)
    Path(temp).unlink()


def _temporary_beside(target: Path) -> tuple[int, str]:
    folder = target.parent if str(target.parent) else Path()
    return tempfile.mkstemp(prefix=f".{target.name[:_NAME_KEPT]}.", suffix=".tmp", dir=folder)


def _mode_for(target: Path) -> int:
    """The replaced file's permissions, or those a new file gets under the umask."""
    try:
        status = target.stat()
    except OSError:
        return 0o666 & ~current_umask()
    return stat.S_IMODE(status.st_mode)


def current_umask() -> int:
    """The process's umask. Linux shows it in /proc (since 4.7); elsewhere it can only be read
    by setting it and setting it back — a moment in which another thread's new file would get
    0o077's protection, never less."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask
