"""A readable `files` row's checksum spelling in one formatting
(`cleaner.catalog.columns._files_row_bytes`) is `row_bytes`'s, value for value."""

from __future__ import annotations

import itertools

from cleaner.catalog.columns import COLOUR_BYTES, HASH_BYTES, THUMB_BYTES, _files_row_bytes
from cleaner.catalog.schema import row_bytes


def test_a_readable_row_is_spelled_as_row_bytes_spells_it() -> None:
    numbers = (0, 7, -3, 2**63 - 1, -(2**63))
    details = (None, b"", b"\x00map\xff" * 40)
    colours = (b"", bytes(range(COLOUR_BYTES)))
    thumbs = (bytes(THUMB_BYTES), b"\x01encoded")
    paths = (b"a.jpg", "ñ/ä.jpg".encode(), b"\xff\xfe/raw.jpg", b"")
    for number, detail, colour, thumb, rel in itertools.product(
        numbers, details, colours, thumbs, paths
    ):
        row = (
            number & 0xFFFF, rel, number, -number if number > -(2**63) else 0, 2049,
            number, 1, bytes(range(32)), b"metrics\x00" * 9, b"\x07" * HASH_BYTES, thumb,
            detail, colour, None, None,
        )  # fmt: skip
        assert _files_row_bytes(row, True) == row_bytes(b"files", row), row
        assert _files_row_bytes(row, False) == row_bytes(b"files", row)
