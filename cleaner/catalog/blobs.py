"""Many byte strings held as one buffer and their ends: a catalog column of small values.

A catalog read for grouping keeps two byte-string columns for every row: the path below
its root (~40 bytes) and the compressed metrics (~110 bytes). As a list of `bytes`
objects each value costs its object's header and the list's pointer, about 50 bytes
more than its contents: ~100 bytes a row for the two columns, a gigabyte at ten million
rows (benchmarks/README.md, "Catalog grouping memory, session 10"). Here a column is one
`bytes` buffer, the end offset of every value (int64) and, where values may be missing,
one flag each: ~9 bytes a row above the contents. Reading a value makes its `bytes`
(a copy of a slice), so the readers of a column see what a list gave them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
BOOL = npt.NDArray[np.bool_]


class PackedBytes:
    """Byte strings, none missing: `column[row]` is row `row`'s value."""

    __slots__ = ("_data", "_ends")

    def __init__(self, data: bytes, ends: I64) -> None:
        self._data = data
        self._ends = ends  # value r is data[ends[r - 1]:ends[r]] (0 before the first)

    @classmethod
    def of(cls, values: Iterable[bytes]) -> PackedBytes:
        return cls(*_pack(list(values)))

    @classmethod
    def joined(cls, parts: list[PackedBytes]) -> PackedBytes:
        """One column of several, in order (a catalog is read in batches)."""
        data, ends = _join([(p._data, p._ends) for p in parts])
        return cls(data, ends)

    def __len__(self) -> int:
        return len(self._ends)

    def _value(self, row: int) -> bytes:
        if not -len(self._ends) <= row < len(self._ends):
            raise IndexError(row)
        row %= len(self._ends)
        start = int(self._ends[row - 1]) if row else 0
        return self._data[start : int(self._ends[row])]

    def __getitem__(self, row: int) -> bytes:
        return self._value(row)

    def __iter__(self) -> Iterator[bytes]:
        for row in range(len(self)):
            yield self._value(row)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedBytes | list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-like value: compared, not hashed

    def nbytes(self) -> int:
        """What the column holds: its buffer and its offsets."""
        return len(self._data) + self._ends.nbytes


class OptionalBytes(PackedBytes):
    """Byte strings where some rows have none: `column[row]` is None there."""

    __slots__ = ("_missing",)

    def __init__(self, data: bytes, ends: I64, missing: BOOL) -> None:
        super().__init__(data, ends)
        self._missing = missing

    @classmethod
    def of(cls, values: Iterable[bytes | None]) -> OptionalBytes:
        held = list(values)
        missing = np.fromiter((v is None for v in held), bool, len(held))
        data, ends = _pack([b"" if v is None else v for v in held])
        return cls(data, ends, missing)

    @classmethod
    def joined(cls, parts: list[OptionalBytes]) -> OptionalBytes:  # type: ignore[override]
        data, ends = _join([(p._data, p._ends) for p in parts])
        missing = np.concatenate([np.zeros(0, bool), *(p._missing for p in parts)])
        return cls(data, ends, missing)

    def __getitem__(self, row: int) -> bytes | None:  # type: ignore[override]
        value = self._value(row)
        return None if self._missing[row] else value

    def __iter__(self) -> Iterator[bytes | None]:  # type: ignore[override]
        for row in range(len(self)):
            yield self[row]

    def nbytes(self) -> int:
        return super().nbytes() + self._missing.nbytes


def _pack(values: list[bytes]) -> tuple[bytes, I64]:
    lengths = np.fromiter((len(v) for v in values), np.int64, len(values))
    return b"".join(values), np.cumsum(lengths, dtype=np.int64)


def _join(parts: list[tuple[bytes, I64]]) -> tuple[bytes, I64]:
    data = b"".join(d for d, _ in parts)
    shifted: list[I64] = []
    offset = 0
    for d, ends in parts:
        shifted.append(ends + offset)
        offset += len(d)
    return data, np.concatenate([np.zeros(0, np.int64), *shifted])
