"""Windows Recycle Bin records (``$I`` files), written as Windows writes them."""

from __future__ import annotations

from cleaner.removal.restore import epoch_to_filetime


def recycle_record(path: str, size: int, deleted_at: float, version: int = 2) -> bytes:
    """A ``$I`` file as Windows writes it (documented layout, little-endian)."""
    head = version.to_bytes(8, "little") + size.to_bytes(8, "little")
    head += epoch_to_filetime(deleted_at).to_bytes(8, "little")
    if version == 1:
        return head + (path + "\0").encode("utf-16-le").ljust(520, b"\0")
    chars = len(path) + 1
    return head + chars.to_bytes(4, "little") + (path + "\0").encode("utf-16-le")
