"""The history: every finished experiment kept, listed, reopened, exported, compared.

Qt-free (stdlib ``sqlite3`` and ``zlib``): the CLI, the window and the class collector all
record into the same file, ``history.sqlite3`` in the user's data folder.
"""

from workbench.core.history.database import HistoryError
from workbench.core.history.index import HistoryEntry, interpreter_label
from workbench.core.history.store import History, NoSuchEntry

__all__ = ["History", "HistoryEntry", "HistoryError", "NoSuchEntry", "interpreter_label"]
