"""``python -m workbench`` and the ``workbench`` command.

Kept light on purpose: spawned helper processes never import this module, and the window's
heavy imports (Qt, pyqtgraph) happen only when the window is actually asked for.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from workbench.cli import main as cli_main

    return cli_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
