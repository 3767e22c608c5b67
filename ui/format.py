"""Numbers and names in words a volunteer reads at a glance."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Sequence

from cleaner import GroupMember, KeeperReason, printable

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


def root_labels(roots: Sequence[str]) -> dict[str, str]:
    """How each scanned folder is named when a path is shown from it: its own name, or as
    many of its last parts as it takes to tell it from another root of the same name
    ("a/Photos" and "b/Photos"). Keys are the roots without a trailing separator."""
    clean = [(r.rstrip("/\\") or r) for r in roots]
    parts = {r: [p for p in r.replace("\\", "/").split("/") if p] for r in clean}
    labels: dict[str, str] = {}
    for root in clean:
        own = parts[root]
        depth = 1
        while depth < len(own) and any(
            o != root and parts[o][-depth:] == own[-depth:] for o in clean
        ):
            depth += 1
        labels[root] = os.sep.join(own[-depth:]) if own else root
    return labels


def short_folder(path: str, roots: Sequence[str] = ()) -> str:
    """The folder holding `path`, from the scanned folder's name down when it is inside
    one ("Photos/2019 Summer" rather than "/home/ann/Pictures/Photos/2019 Summer"); the
    whole folder when it is in none. Two scanned folders of the same name are told apart
    by their parents ("a/Photos/2019", "b/Photos/2019")."""
    folder = os.path.dirname(path)
    labels = root_labels(roots)
    for root in sorted(labels, key=len, reverse=True):
        prefix = root if root.endswith(("/", "\\")) else root + os.sep
        if folder == root or folder.startswith(prefix):
            rel = folder[len(prefix) :] if folder != root else ""
            name = labels[root]
            if not rel:
                return name
            return name + rel if name.endswith(("/", "\\")) else name + os.sep + rel
    return folder


def folder_in_scan(path: str, roots: Sequence[str] = ()) -> str:
    """The folder holding `path` as short as it can be told apart: below the scanned
    folder when only one was scanned ("Backup of Photos/2019 Summer"), with the scanned
    folder's name when several were or the file is right in it (see `short_folder`)."""
    if len(roots) == 1:
        root = roots[0].rstrip("/\\") or roots[0]
        prefix = root if root.endswith(("/", "\\")) else root + os.sep
        folder = os.path.dirname(path)
        if folder.startswith(prefix) and len(folder) > len(prefix):
            return folder[len(prefix) :]
    return short_folder(path, roots)


def file_and_folder(path: str, roots: Sequence[str] = ()) -> tuple[str, str]:
    """What a tile or a row says to tell one copy from another: the file name and its
    folder in the scan (`folder_in_scan`), both safe to show (a control or bidi character
    in a name is shown as an escape, never obeyed: see cleaner's `printable`)."""
    return printable(os.path.basename(path)), printable(folder_in_scan(path, roots))


def plain_tooltip(text: str) -> str:
    """`text` shown as written in a tooltip. Qt takes a tooltip for rich text when it sees
    something like a tag in it, so a file named "<b>x.jpg" would turn bold (or "<img ...>"
    load a picture); such text is escaped into rich text that shows it literally."""
    if "<" not in text and "&" not in text:
        return text
    body = html.escape(text, quote=False).replace("\n", "<br>")
    return f"<p style='white-space:pre'>{body}</p>"


def breakable(name: str) -> str:
    """`name` with invisible break points (zero-width spaces) after _ - and ., so a long
    file name can wrap in a narrow window instead of widening it or being cut."""
    return re.sub(r"([_\-.])(?=.)", "\\1\u200b", name)
