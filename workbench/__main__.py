"""``python -m workbench`` and the ``workbench`` command.

Kept light on purpose: spawned helper processes never import this module, and the window's
heavy imports (Qt, pyqtgraph) happen only when the window is actually asked for.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    from workbench.cli import main as cli_main

    try:
        return cli_main(sys.argv[1:] if argv is None else argv)
    except BrokenPipeError:  # `workbench presets | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
