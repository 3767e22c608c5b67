"""Numbers and names in words a volunteer reads at a glance."""

from __future__ import annotations

import os
from collections.abc import Sequence

from cleaner import (
    CRITERIA_BY_KEY,
    KEPT_OVER_DAMAGED,
    KEPT_OVER_PROTECTED,
    KEPT_OVER_TIE,
    DuplicateGroup,
    GroupMember,
    KeeperReason,
    KeptOver,
    kept_over_words,
    quality_breakdown,
    relative_sharpness,
)

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


def copy_name(path: str, group: DuplicateGroup | None = None) -> str:
    """A copy as its path below the folder all the set's copies share, its middle folders
    elided ("Backup of Photos/…/2021-03 Block C/IMG_0747.JPG"): enough to tell copies of
    one picture apart at a glance, where "folder/name" can read the same for two."""
    parts = path.replace("\\", "/").split("/")
    if group is not None and group.members:
        common = os.path.commonpath([os.path.dirname(m.path) for m in group.members])
        below = os.path.relpath(path, common) if common else path
        parts = below.replace("\\", "/").split("/")
    else:
        parts = parts[-2:]
    parts = [p for p in parts if p]
    if len(parts) > 3:
        parts = [parts[0], "…", parts[-2], parts[-1]]
    return "/".join(parts)


def criterion_label(key: str) -> str:
    criterion = CRITERIA_BY_KEY.get(key)
    return (
        criterion.label[:1].lower() + criterion.label[1:]
        if criterion is not None
        else key.replace("_", " ")
    )


def _clause(k: KeptOver, copies: list[GroupMember], group: DuplicateGroup) -> str:
    """One "Kept over ..." sentence for the copies the keeper beat the same way."""
    who = (
        copy_name(copies[0].path, group)
        if len(copies) == 1
        else plural(len(copies), "copy", "copies")
    )
    if k.criterion == KEPT_OVER_TIE:
        return f"Kept over {who}: equal on every criterion, first by name."
    if k.criterion == KEPT_OVER_DAMAGED:
        return f"Kept over {who}: {'it is' if len(copies) == 1 else 'they are'} damaged."
    if k.criterion == KEPT_OVER_PROTECTED:
        return f"Kept over {who}: in a protected folder."
    theirs = sorted({m.kept_over.copy_value for m in copies if m.kept_over is not None})
    shown = ", ".join(theirs[:2]) + (", …" if len(theirs) > 2 else "")
    return f"Kept over {who}: {k.keeper_value} vs. {shown}."


def keeper_header(group: DuplicateGroup, limit: int = 2) -> str:
    """The group's header: which copy is suggested and, short, why it beat the others:
    "Suggested to keep: harbour.jpg. Kept over Downloads/harbour.jpg: in a preferred folder
    (Originals) vs. in an avoided folder (Downloads)." Copies beaten the same way (same
    criterion, same keeper value) share one sentence; past `limit` sentences, the rest is
    on each copy's tile. A result saved before copies carried their reason shows the
    group's stored reason."""
    keeper = group.keeper
    beaten = [m for m in group.members if not m.is_keeper and m.kept_over is not None]
    if not beaten:
        return keeper_reason(group.reason, short=True)
    by_way: dict[tuple[str, str], list[GroupMember]] = {}
    for m in beaten:
        assert m.kept_over is not None
        by_way.setdefault((m.kept_over.criterion, m.kept_over.keeper_value), []).append(m)
    clauses = [_clause(ms[0].kept_over, ms, group) for ms in by_way.values() if ms[0].kept_over]
    text = f"Suggested to keep: {os.path.basename(keeper.path)}. " + " ".join(clauses[:limit])
    if len(clauses) > limit:
        text += " Point at a copy for why it was not kept."
    return text


def kept_over_text(member: GroupMember, keeper: GroupMember | None) -> str:
    """Why this copy is not the suggested one, for its tile's tooltip; "" for the keeper
    and for copies of a result that did not record it."""
    k = member.kept_over
    if k is None or member.is_keeper:
        return ""
    name = os.path.basename(keeper.path) if keeper is not None else "the kept copy"
    why = f"Why {name} is suggested instead:"
    if k.criterion == KEPT_OVER_TIE:
        return (
            f"{why} the two are equal on every criterion, and {name} comes first by name "
            f"({k.keeper_value} before {k.copy_value})."
        )
    if k.criterion == KEPT_OVER_DAMAGED:
        return f"{why} this copy is {k.copy_value}; {name} is intact."
    if k.criterion == KEPT_OVER_PROTECTED:
        return f"{why} it is in a protected folder, this copy is not."
    return (
        f"{why} it wins on “{criterion_label(k.criterion)}”, the first of your criteria "
        f"where they differ.\n  {name}: {k.keeper_value}\n  this copy: {k.copy_value}"
    )


def group_reason_tooltip(group: DuplicateGroup) -> str:
    """The header's tooltip: every copy's reason in full, then the group's stored one."""
    lines = [
        f"{copy_name(m.path, group)}: {kept_over_words(m.kept_over)}"
        for m in group.members
        if m.kept_over is not None and not m.is_keeper
    ]
    if lines:
        lines.insert(0, f"Why {os.path.basename(group.keeper.path)} is kept over each copy:")
        lines.append("")
    lines.append(keeper_reason(group.reason))
    return "\n".join(lines)


def sharpest(group: DuplicateGroup) -> float:
    """The highest sharpness among the copies of a set (0 when none is known)."""
    return max((m.metrics.sharpness for m in group.members if m.metrics is not None), default=0.0)


def sharpness_words(member: GroupMember, group: DuplicateGroup) -> str:
    """ "the sharpest of the set" / "34% as sharp as the sharpest" / "—"."""
    if member.metrics is None:
        return "—"
    return relative_sharpness(member.metrics.sharpness, sharpest(group))


def quality_tooltip(member: GroupMember, group: DuplicateGroup) -> str:
    """What the quality number is made of, part by part, in points and words."""
    parts = quality_breakdown(member.metrics, member.entry.size, sharpest(group)).parts
    lines = [f"Quality {member.quality} of 100, made of:"]
    for p in parts:
        points = f"{p.points:+d}" if p.max_points == 0 else f"{p.points} of {p.max_points}"
        lines.append(f"  {p.label}: {points} — {p.words}")
    total = sum(p.points for p in parts)
    if total != member.quality:  # a result saved by another version scored it differently
        lines.append(f"(This PhotoSift would score it {total}.)")
    return "\n".join(lines)
