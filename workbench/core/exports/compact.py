"""The compact results file (``.wbr``): the same results as the JSON file, a fraction of its
size (1,000,000 gathered sleeps: 8 bytes a task, against 231 in JSON).

Why: such a run is 230 MB of JSON, nearly all of it the tasks' numbers written as text. Here
every run's tasks are columns of integers (nanoseconds, delta-encoded, see
:mod:`~workbench.core.exports.columns`) and the rest of the document — machine, config,
samples, thread timelines — is the JSON results file itself with empty task lists,
compressed. So opening one goes through the same schema check as a JSON file, and then only
has integers to check: no pickle, no code, nothing evaluated.

Layout: ``MAGIC``, the index's length (4 bytes, little-endian), the index (zlib-compressed
JSON: the format, where the skeleton is, and each run's columns and strings), then the
skeleton and the columns, each zlib-compressed, at the offsets the index gives.
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from dataclasses import replace
from typing import Any

from workbench.core.clock import to_ns
from workbench.core.exports.columns import LEVEL, ColumnError, Ints, Packed, pack, unpack
from workbench.core.exports.results_reader import ResultsFileError, from_parsed, parsed
from workbench.core.exports.results_values import MAX_SECONDS
from workbench.core.exports.results_writer import to_dict
from workbench.core.exports.task_columns import Limits, TaskColumns, columns_of, spans_from
from workbench.core.results import Results, Run

MAGIC = b"\x89WBR\r\n\x1a\n"
"""Not UTF-8 (never taken for a JSON file) and broken by a text-mode copy (which is caught)."""
FORMAT = "workbench.compact/1"
SUFFIX = ".wbr"
_HEAD = struct.Struct("<I")
_MAX_RATIO = 1100
"""zlib cannot inflate more than ~1032 bytes per byte: anything claiming more is damaged."""


def is_compact(head: bytes) -> bool:
    return head.startswith(MAGIC)


def _skeleton(results: Results) -> bytes:
    """The JSON results file with every run's task list empty (the columns hold the tasks)."""
    data = to_dict(results, lazy=True)
    for run in data["runs"]:
        run["tasks"] = []
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


def to_compact(results: Results) -> bytes:
    """The file's bytes; ValueError if a run's tasks could not be read back (a task ending
    before it starts, say), so that nothing is saved that would not open."""
    blobs: list[bytes] = []
    offset = 0

    def place(data: bytes) -> list[int]:
        nonlocal offset
        blobs.append(data)
        offset += len(data)
        return [offset - len(data), len(data)]

    skeleton = _skeleton(results)
    index: dict[str, Any] = {"format": FORMAT, "skeleton": place(zlib.compress(skeleton, LEVEL))}
    runs = []
    for number, run in enumerate(results.runs):
        columns = columns_of(run.tasks)
        problem = columns.problem(len(run.tasks), _limits(results, len(run.tasks)))
        if problem is not None:  # it would not read back: say so now, not when opened
            raise ValueError(f"runs[{number}].tasks cannot be saved compact: {problem}")
        entry: dict[str, Any] = {"tasks": len(run.tasks), "workers": columns.workers}
        entry["texts"] = columns.texts
        packed: dict[str, Packed] = {name: pack(values) for name, values in columns.ints()}
        entry["columns"] = {name: p.entry(place(p.data)[0]) for name, p in packed.items()}
        runs.append(entry)
    index["runs"] = runs
    head = zlib.compress(json.dumps(index, separators=(",", ":")).encode("utf-8"), LEVEL)
    return b"".join([MAGIC, _HEAD.pack(len(head)), head, *blobs])


def _inflate(blob: bytes, what: str) -> bytes:
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(blob, _MAX_RATIO * len(blob) + 1024)
    except zlib.error as exc:
        raise ResultsFileError(f"damaged compact results file: {what} ({exc})") from None
    if not inflater.eof:
        raise ResultsFileError(f"damaged compact results file: {what} is cut short")
    return raw


def _index(data: bytes) -> tuple[dict[str, Any], memoryview]:
    if len(data) < len(MAGIC) + _HEAD.size:
        raise ResultsFileError("damaged compact results file: cut short")
    (length,) = _HEAD.unpack_from(data, len(MAGIC))
    start = len(MAGIC) + _HEAD.size
    if start + length > len(data):
        raise ResultsFileError("damaged compact results file: cut short")
    try:
        index = json.loads(_inflate(data[start : start + length], "its index"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ResultsFileError("damaged compact results file: its index is not JSON") from None
    if not isinstance(index, dict) or index.get("format") != FORMAT:
        found = index.get("format") if isinstance(index, dict) else None
        raise ResultsFileError(
            f"unsupported compact results format {found!r}; this version reads {FORMAT}"
        )
    return index, memoryview(data)[start + length :]


def _slice(body: memoryview, where: Any, what: str) -> bytes:
    if not (
        isinstance(where, list)
        and len(where) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in where)
        and where[0] + where[1] <= len(body)
    ):
        raise ResultsFileError(f"damaged compact results file: {what} lies outside the file")
    return bytes(body[where[0] : where[0] + where[1]])


def _strings(entry: dict[str, Any], key: str, at: str) -> list[str]:
    values = entry.get(key)
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ResultsFileError(f"damaged compact results file: {at}.{key}: expected strings")
    return values


def _columns(body: memoryview, entry: Any, at: str) -> TaskColumns:
    if not isinstance(entry, dict) or not isinstance(entry.get("columns"), dict):
        raise ResultsFileError(f"damaged compact results file: {at}: no columns")
    ints: dict[str, Ints] = {}
    for name in TaskColumns.NAMES:
        spec = entry["columns"].get(name)
        if not isinstance(spec, dict):
            raise ResultsFileError(f"damaged compact results file: {at}: no {name} column")
        blob = _slice(body, [spec.get("offset"), spec.get("length")], f"{at}.{name}")
        try:
            ints[name] = unpack(blob, spec.get("dtype"), spec.get("count"))
        except ColumnError as exc:
            raise ResultsFileError(f"damaged compact results file: {at}.{name}: {exc}") from None
    return TaskColumns(
        workers=_strings(entry, "workers", at), texts=_strings(entry, "texts", at), **ints
    )


def _owners(skeleton: dict[str, Any]) -> list[dict[str, tuple[int, int]]]:
    """Each run's worker label → (pid, native id), from its threads (as the JSON reader)."""
    owners = []
    for run in skeleton.get("runs", []):
        threads = run.get("threads", []) if "thread_sampling" in run else []
        owners.append(
            {t["worker"]: (int(t["pid"]), int(t["native_id"])) for t in threads if "worker" in t}
        )
    return owners


def from_compact(data: bytes) -> Results:
    """Read a compact results file; :class:`ResultsFileError` says in one line what is wrong."""
    index, body = _index(data)
    text = _inflate(_slice(body, index.get("skeleton"), "the skeleton"), "the skeleton")
    try:
        skeleton = parsed(text.decode("utf-8"))
    except UnicodeDecodeError:
        raise ResultsFileError("damaged compact results file: the skeleton is not text") from None
    results = from_parsed(skeleton)  # checks the threads _owners reads next
    runs_index = index.get("runs")
    if not isinstance(runs_index, list) or len(runs_index) != len(results.runs):
        raise ResultsFileError("damaged compact results file: the index does not match its runs")
    owners = _owners(skeleton)
    runs: list[Run] = []
    for number, (run, entry) in enumerate(zip(results.runs, runs_index, strict=True)):
        at = f"runs[{number}].tasks"
        columns = _columns(body, entry, at)
        problem = columns.problem(entry.get("tasks"), _limits(results, entry.get("tasks")))
        if problem is not None:
            raise ResultsFileError(f"damaged compact results file: {at}: {problem}")
        runs.append(replace(run, tasks=spans_from(columns, owners[number])))
    return replace(results, runs=tuple(runs))


def _limits(results: Results, tasks: object) -> Limits:
    spans = tasks if isinstance(tasks, int) else 0
    return Limits(
        last_id=results.config.tasks + spans - 1,
        cpus=results.machine.logical_cpus,
        max_ns=to_ns(MAX_SECONDS),
    )


def wants_compact(path: str | os.PathLike[str]) -> bool:
    """Whether a file of this name is saved compact: its suffix is ``.wbr``."""
    return os.fspath(path).lower().endswith(SUFFIX)
