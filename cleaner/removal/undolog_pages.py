"""Reading undo log records straight from the pages of the SQLite file.

When a damaged inner page of a table cuts the tree off from some of its rows, SQLite no
longer finds them, but their bytes are still on the table's leaf pages. This module walks
every page of the file and decodes the rows on table leaf pages itself (what SQLite's
``.recover`` does, for the undo log's two tables). It is the only code that knows SQLite's
file format (page header, cell pointers, varints, record serial types), so it stands
apart from `cleaner.removal.undolog_recovery`, which decides what to keep.
"""

from __future__ import annotations

import mmap
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cleaner.removal.undolog import BadRecord, BatchState, entry_from_row


def scan_leaf_pages(
    path: Path,
) -> tuple[dict[int, tuple[Any, ...]], dict[int, tuple[Any, ...]]]:
    """Every batch and file record found on the table leaf pages of the file, whether or
    not the tree still leads to them (what SQLite's ``.recover`` does, for our two tables).

    A row is taken for a file record when it has the 15 columns of one and `entry_from_row`
    accepts it, for a batch record when it has the 6 text columns of one. Where a freed page
    still holds an older version of a record, the most advanced version wins (restored,
    then moved, then pending).
    """
    try:
        with open(path, "rb") as fh:
            if os.fstat(fh.fileno()).st_size == 0:
                return {}, {}
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return _scan_pages(data)
    except (OSError, ValueError):
        return {}, {}


def _scan_pages(
    data: mmap.mmap,
) -> tuple[dict[int, tuple[Any, ...]], dict[int, tuple[Any, ...]]]:
    page_size = int.from_bytes(data[16:18], "big") if len(data) >= 100 else 4096
    if page_size == 1:
        page_size = 65536
    if page_size < 512 or page_size & (page_size - 1):
        page_size = 4096
    reserved = data[20] if len(data) >= 100 else 0
    usable = page_size - reserved
    batches: dict[int, tuple[Any, ...]] = {}
    entries: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(data) - page_size + 1, page_size):
        page = data[start : start + page_size]
        head = 100 if start == 0 else 0
        if page[head] != 0x0D:  # a table leaf
            continue
        for rowid, values in _leaf_cells(page, head, usable):
            if len(values) == 15:
                row = (rowid, *values[1:])
                try:
                    entry_from_row(row)
                except (BadRecord, IndexError, TypeError, ValueError):
                    continue
                old = entries.get(rowid)
                if old is None or _progress(row) > _progress(old):
                    entries[rowid] = row
            elif (
                len(values) == 6
                and all(isinstance(v, str) for v in values[:5])
                and values[4] in _BATCH_STATES
            ):
                batches[rowid] = (rowid, *values)
    return batches, entries


_BATCH_STATES = frozenset(b.value for b in BatchState)


def _progress(row: tuple[Any, ...]) -> tuple[float, float]:
    restored = row[14] if isinstance(row[14], (int, float)) else 0.0
    moved = row[11] if isinstance(row[11], (int, float)) else 0.0
    return float(restored), float(moved)


def _leaf_cells(page: bytes, head: int, usable: int) -> Iterator[tuple[int, list[Any]]]:
    try:
        count = int.from_bytes(page[head + 3 : head + 5], "big")
    except IndexError:
        return
    max_local = usable - 35
    for i in range(count):
        at = head + 8 + 2 * i
        if at + 2 > len(page):
            return
        offset = int.from_bytes(page[at : at + 2], "big")
        try:
            size, pos = _varint(page, offset)
            rowid, pos = _varint(page, pos)
            if size > max_local or pos + size > len(page):
                continue  # spills onto overflow pages: not ours to chase
            values = _record(page[pos : pos + size])
        except (IndexError, ValueError, UnicodeDecodeError):
            continue
        yield rowid, values


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = buf[pos + i]
        if i == 8:
            return (value << 8) | byte, pos + 9
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, pos + i + 1
    raise ValueError("bad varint")  # pragma: no cover


_INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def _record(payload: bytes) -> list[Any]:
    header_size, pos = _varint(payload, 0)
    if header_size > len(payload):
        raise ValueError("bad record header")
    types = []
    while pos < header_size:
        t, pos = _varint(payload, pos)
        types.append(t)
    body = header_size
    values: list[Any] = []
    for t in types:
        if t == 0:
            values.append(None)
        elif t in _INT_SIZES:
            n = _INT_SIZES[t]
            values.append(int.from_bytes(payload[body : body + n], "big", signed=True))
            body += n
        elif t == 7:
            values.append(struct.unpack(">d", payload[body : body + 8])[0])
            body += 8
        elif t in (8, 9):
            values.append(t - 8)
        elif t >= 12:
            n = (t - 12) // 2
            chunk = payload[body : body + n]
            if len(chunk) != n:
                raise ValueError("record cut short")
            values.append(chunk if t % 2 == 0 else chunk.decode("utf-8"))
            body += n
        else:
            raise ValueError("reserved serial type")
    if body > len(payload):
        raise ValueError("record cut short")
    return values
