"""Without a network: a folder of results files (a USB stick, a shared drive) into the same
roster the collector fills, each file checked like a submission and skipped with its reason
if it is not a results file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.core.exports.json_io import ResultsFileError, from_json
from workbench.core.lab.protocol import safe_name
from workbench.core.lab.roster import ClassEntry, Roster


@dataclass(frozen=True)
class FolderImport:
    accepted: tuple[ClassEntry, ...]
    skipped: tuple[tuple[Path, str], ...]
    """Each file that was not imported, and why (one line)."""


def import_folder(folder: Path, roster: Roster) -> FolderImport:
    """Every ``*.json`` in ``folder`` (sorted by name), named after its file."""
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder}: not a folder")
    accepted, skipped = [], []
    for path in sorted(folder.glob("*.json")):
        try:
            text = path.read_text(encoding="utf-8")
            results = from_json(text)
        except UnicodeDecodeError:
            skipped.append((path, "not a results file: not UTF-8 text"))
            continue
        except OSError as exc:
            skipped.append((path, f"cannot read it: {exc.strerror or exc}"))
            continue
        except ResultsFileError as exc:
            skipped.append((path, f"not a results file: {exc}"))
            continue
        except (RecursionError, ValueError, TypeError) as exc:
            skipped.append((path, f"not a results file: unreadable ({type(exc).__name__})"))
            continue
        try:
            entry = roster.keep(results, text, hostname=safe_name(path.stem), client=str(path))
        except OSError as exc:
            skipped.append((path, f"cannot keep it: {exc.strerror or exc}"))
            continue
        roster.publish(entry)
        accepted.append(entry)
    return FolderImport(tuple(accepted), tuple(skipped))
