"""Framing a message whose integer columns travel as raw words after its JSON line.

An event batch is mostly numbers (four or five columns of them, each 64-bit), and the child
writes it while the run it measures goes on. As text they cost it: ``json`` writing a
timestamp's digits took ~86 ns a number, base64 of the packed words ~1,250 instructions a
task (of ~12,000 the workbench added a gathered task, counted with
``python -m workbench.bench.task_instructions``). So such a message is a *frame*: the marker
byte :data:`FRAME`, the payload's size in decimal and a space, the message's JSON (its
``packed`` field names the columns in the payload, in order) and a newline, then the payload:
the columns one after another as little-endian signed 64-bit words, all of one length.

Every other message is a JSON line, and a JSON line never starts with the marker,
so a reader tells the two apart by the first byte (:func:`read_messages`). Nothing here
executes what it reads: the payload becomes integers and nothing else.
"""

from __future__ import annotations

import json
import struct
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

from workbench.core.protocol.messages import ProtocolError

FRAME = b"\x01"
"""First byte of a frame: never the first of a JSON line."""

MAX_PAYLOAD = 1 << 20
"""The largest payload a reader waits for: a batch's is ~40 KB, the addresses' 128 KB. A size
beyond it is a garbled header: reading it would allocate that much up front, and swallow the
messages after it until the error could be seen."""

_INT64 = "q"
_LITTLE = sys.byteorder == "little"
_WORDS = "{}n" if _LITTLE and struct.calcsize("n") == 8 else "<{}q"
"""How ``struct`` packs a word here. A timestamp or an address is a multi-digit integer to
CPython, and ``struct``'s ``q`` (and ``<q``) turns one into bytes through the interpreter's
general byte-array routine, ~110 instructions a number; the native ``n`` (``Py_ssize_t``)
shifts its two or three digits in: 8 ns a number where ``<q`` took 19-22. Where ``n`` is a
little-endian 64-bit word it is the same bytes."""


def pack_words(count: int, numbers: Iterable[int]) -> bytes:
    """``count`` ``numbers`` as little-endian signed 64-bit words (:class:`struct.error` for
    one out of their range, as ``<q`` would)."""
    return struct.pack(_WORDS.format(count), *numbers)


def word_packer(count: int) -> Callable[..., bytes]:
    """A function packing ``count`` numbers as :func:`pack_words` does, compiled once: for a
    record packed as it is made (the step clock's steps)."""
    return struct.Struct(_WORDS.format(count)).pack


def unpack_words(data: bytes | bytearray) -> array[int]:
    """Little-endian signed 64-bit words back into numbers, at memory speed."""
    numbers = array(_INT64)
    numbers.frombytes(data)
    if not _LITTLE:
        numbers.byteswap()
    return numbers


def words(column: Sequence[int]) -> bytes:
    """A column as little-endian signed 64-bit words; an ``array('q')`` goes as it is, at
    memory speed (the step clock keeps its tasks' addresses so)."""
    if isinstance(column, array) and column.typecode == _INT64 and _LITTLE:
        return column.tobytes()
    return pack_words(len(column), column)


def frame(header: str, payload: Sequence[bytes]) -> bytes:
    """The frame of a message whose JSON is ``header`` (with its ``packed`` field) and whose
    columns' words are ``payload``, in that order."""
    size = sum(map(len, payload))
    return b"".join((FRAME, b"%d " % size, header.encode(), b"\n", *payload))


def unframe(data: bytes) -> dict[str, Any]:
    """The message's JSON object with its packed columns in it as lists of integers, as if they
    had been written as JSON; :class:`ProtocolError` saying what is wrong otherwise."""
    size_end, header_end = data.find(b" "), data.find(b"\n")
    if size_end < 0 or header_end < size_end:
        raise ProtocolError("a frame without its size and header line")
    size, payload = _size(data[1:size_end]), data[header_end + 1 :]
    if size is None or size != len(payload):
        announced = data[1:size_end].decode(errors="replace")
        raise ProtocolError(f"a frame announcing {announced!r} bytes came with {len(payload)}")
    try:
        wire = json.loads(data[size_end + 1 : header_end])
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ProtocolError(f"a frame's header is not JSON ({exc})") from None
    if not isinstance(wire, dict):
        raise ProtocolError("a frame's header is not a JSON object")
    names = wire.pop("packed", None)
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ProtocolError("a frame's header does not name its packed columns")
    if size % (8 * len(names)):
        raise ProtocolError(f"{size} bytes are not {len(names)} columns of 64-bit words")
    numbers = unpack_words(payload)
    length = len(numbers) // len(names)
    for index, name in enumerate(names):
        wire[name] = numbers[index * length : (index + 1) * length].tolist()
    return wire


def read_messages(stream: IO[bytes]) -> Iterator[bytes]:
    """Each message on ``stream`` as one bytes object, for :func:`~workbench.core.protocol.decode`:
    a JSON line, or a frame with its payload. A frame cut short by the end of the stream, or
    with a size that is not one, comes as far as it went (``decode`` then says what is wrong)."""
    for line in stream:
        if line[:1] == FRAME:
            space = line.find(b" ")
            size = _size(line[1:space]) if space > 0 else None
            if size is not None and size <= MAX_PAYLOAD and line.endswith(b"\n"):
                yield line + stream.read(size)
                continue
        yield line


def _size(digits: bytes) -> int | None:
    return int(digits) if digits.isdigit() and len(digits) <= 12 else None
