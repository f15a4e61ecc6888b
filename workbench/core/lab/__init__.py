"""The class's lab: a room's results side by side.

A :class:`Collector` (aiohttp, listening only while collecting) accepts students' results
files into a :class:`Roster`; :func:`import_folder` fills the same roster from a folder,
without a network. Views observe the roster (:class:`RosterObserver`). Qt-free.
"""

from workbench.core.lab.collector import Collector
from workbench.core.lab.offline import FolderImport, import_folder
from workbench.core.lab.protocol import MAX_BYTES, Reply, new_join_code
from workbench.core.lab.roster import ClassEntry, Refusal, Roster, RosterObserver

__all__ = [
    "MAX_BYTES",
    "ClassEntry",
    "Collector",
    "FolderImport",
    "Refusal",
    "Reply",
    "Roster",
    "RosterObserver",
    "import_folder",
    "new_join_code",
]
