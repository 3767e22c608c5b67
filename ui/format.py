"""Numbers and names in words a volunteer reads at a glance."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from cleaner import GroupMember, KeeperReason

# one byte formatter for the window, the reports and the command line
from cleaner import human_bytes as human_bytes
from cleaner import plural as plural


def human_duration(seconds: float | None) -> str:
    if seconds is None or seconds != seconds or seconds < 0:
        return ""
    s = round(seconds)
    if s < 5:
        return "a few seconds"
    if s < 60:
        return f"{s} seconds"
    if s < 3600:
        m = round(s / 60)
        return "about 1 minute" if m == 1 else f"about {m} minutes"
    h, m = divmod(round(s / 60), 60)
    return f"about {h} h {m:02d} min"


def folder_name(path: str) -> str:
    """The name of the folder that holds `path` (its last part)."""
    parent = os.path.dirname(path)
    return os.path.basename(parent) or parent


def format_label(member: GroupMember) -> str:
    m = member.metrics
    if m is None:
        ext = os.path.splitext(member.path)[1].lstrip(".").upper()
        return ext or "?"
    return {"HEIF": "HEIC", "MPO": "JPEG"}.get(m.format, m.format)


def resolution(member: GroupMember) -> str:
    m = member.metrics
    return f"{m.width} × {m.height}" if m is not None else "size unknown"


def keeper_reason(reason: str, short: bool = False) -> str:
    """A group's stored keeper reason as a sentence. `short` shows the headline only: the
    aside ("other copies differ by ...") is detail for a tooltip. The engine splits the
    reason (`KeeperReason`), so the window never depends on its wording."""
    parts = KeeperReason.from_stored(reason)
    text = parts.headline if short else parts.full
    return f"Suggested to keep: {text}." if text else "Suggested to keep."


def short_folder(path: str, roots: Sequence[str] = ()) -> str:
    """The folder holding `path`, from the scanned folder's name down when it is inside
    one ("Photos/2019 Summer" rather than "/home/ann/Pictures/Photos/2019 Summer")."""
    folder = os.path.dirname(path)
    for root in sorted(roots, key=len, reverse=True):
        root = root.rstrip("/\\") or root
        if folder == root or folder.startswith(root + os.sep):
            rel = os.path.relpath(folder, root)
            name = os.path.basename(root) or root
            return name if rel == "." else os.path.join(name, rel)
    return folder


def breakable(name: str) -> str:
    """`name` with invisible break points (zero-width spaces) after _ - and ., so a long
    file name can wrap in a narrow window instead of widening it or being cut."""
    return re.sub(r"([_\-.])(?=.)", "\\1\u200b", name)
