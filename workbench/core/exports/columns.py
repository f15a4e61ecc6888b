"""One column of integers ↔ a few compressed bytes, for the compact results file.

Why this shape: a big run's task times are long runs of similar integers (a gathered task
starts microseconds after the one before it). Stored as the narrowest integer type that
holds them, with their bytes regrouped by significance (every value's lowest byte, then
every value's next byte, …: the "shuffle" of HDF5 and Blosc), zlib finds the repetition
that plain int64s hide. Reading takes only the dtypes listed here — never numpy's object
dtype, never pickle — and never inflates more bytes than the column says it holds.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

LEVEL = 6
"""zlib's default: on shuffled columns level 9 saves under 2 % for twice the time."""

DTYPES = ("|i1", "<i2", "<i4", "<i8")
"""The only types a column may declare: little-endian signed integers."""

Ints = npt.NDArray[np.int64]


class ColumnError(ValueError):
    """A column that cannot be decoded, said in one line (the reader adds where)."""


@dataclass(frozen=True)
class Packed:
    """A column's bytes, and what the file's index says about them."""

    data: bytes
    dtype: str
    count: int

    def entry(self, offset: int) -> dict[str, Any]:
        return {
            "dtype": self.dtype,
            "count": self.count,
            "offset": offset,
            "length": len(self.data),
        }


def _narrowest(values: Ints) -> np.dtype[Any]:
    if not len(values):
        return np.dtype("|i1")
    low, high = int(values.min()), int(values.max())
    for name in DTYPES:
        dtype = np.dtype(name)
        info = np.iinfo(dtype)
        if info.min <= low and high <= info.max:
            return dtype
    raise AssertionError("an int64 outside int64")  # pragma: no cover


def pack(values: Ints) -> Packed:
    dtype = _narrowest(values)
    narrow = values.astype(dtype)
    shuffled = narrow.view(np.uint8).reshape(-1, dtype.itemsize).T.tobytes()
    return Packed(zlib.compress(shuffled, LEVEL), dtype.str, len(values))


def unpack(blob: bytes, dtype_name: Any, count: Any) -> Ints:
    """The column's int64 values; :class:`ColumnError` if the bytes do not say what the
    index does (an unknown type, too few or too many bytes, a damaged stream)."""
    if dtype_name not in DTYPES:
        raise ColumnError(f"unknown column type {dtype_name!r}")
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ColumnError(f"bad length {count!r}")
    dtype = np.dtype(dtype_name)
    size = count * dtype.itemsize
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(blob, size)  # a bomb stops at the declared size
    except zlib.error as exc:
        raise ColumnError(f"damaged column ({exc})") from None
    if len(raw) != size or inflater.unconsumed_tail or not inflater.eof:
        raise ColumnError(f"holds other than the {count:,} values it declares")
    grouped = np.frombuffer(raw, np.uint8).reshape(dtype.itemsize, count)
    values: Ints = np.ascontiguousarray(grouped.T).view(dtype).ravel().astype(np.int64)
    return values
