"""Writing a file so that a failure never leaves half of it, nor loses what was there.

The data goes to a temporary file in the target's own folder (same file system, so the
rename is atomic), is flushed to disk, and only then replaces the target. If anything fails
on the way, the temporary file is removed and the target is untouched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8), all or nothing.

    A target that exists but is no regular file (``/dev/null``, a pipe) is written through
    instead: renaming over it would replace the device itself — as root, ``--out /dev/null``
    once turned a machine's /dev/null into a plain file.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if target.exists() and not target.is_file():
        with target.open("wb") as handle:
            handle.write(payload)
        return
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
