"""Numbers and names in words a volunteer reads at a glance."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Sequence

from cleaner import (
    KEPT_OVER_DAMAGED,
    KEPT_OVER_PROTECTED,
    KEPT_OVER_TIE,
    DuplicateGroup,
    GroupMember,
    KeptOver,
    _,
    criterion_label,
    human_size,
    kept_over_words,
    match_words,
    ngettext,
    number,
    part_label,
    part_words,
    phrases_of,
    printable,
    quality_breakdown,
    relative_sharpness,
    shown_reason,
    value_words,
)

# English only ("3 copies"): left for code not yet wrapped; words shown use `ngettext`
from cleaner import plural as plural

# one byte formatter for the window, the reports and the command line, in the user's
# language ("2,7 MB"): `cleaner.human_size` (the engine's English `human_bytes` is for
# the words it stores)
human_bytes = human_size


def human_duration(seconds: float | None) -> str:
    if seconds is None or seconds != seconds or seconds < 0:
        return ""
    s = round(seconds)
    if s < 5:
        return _("a few seconds")
    if s < 60:
        return ngettext("{n} second", "{n} seconds", s).format(n=number(s))
    if s < 3600:
        m = round(s / 60)
        return ngettext("about {n} minute", "about {n} minutes", m).format(n=number(m))
    h, m = divmod(round(s / 60), 60)
    return _("about {hours} h {minutes} min").format(hours=number(h), minutes=f"{m:02d}")


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
    return f"{m.width} × {m.height}" if m is not None else _("size unknown")


def keeper_reason(group: DuplicateGroup, short: bool = False) -> str:
    """A group's keeper reason as a sentence. `short` shows the headline only: the
    aside ("other copies differ by ...") is detail for a tooltip. The engine makes the
    reason's words in the user's language and splits them (`shown_reason`), so the window
    never depends on its wording."""
    parts = shown_reason(group)
    text = parts.headline if short else parts.full
    # the stored reason is English (docs/translation.md): shown as stored
    return (
        _("Suggested to keep: {reason}.").format(reason=text) if text else _("Suggested to keep.")
    )


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


def copy_name(path: str, group: DuplicateGroup | None = None) -> str:
    """A copy as its path below the folder all the set's copies share, its middle folders
    elided ("Backup of Photos/…/2021-03 Block C/IMG_0747.JPG"): enough to tell copies of
    one picture apart at a glance, where "folder/name" can read the same for two. The
    folder is named by the tiles' rule (`folder_in_scan`), from the shared folder here
    instead of the scanned one."""
    parts = path.replace("\\", "/").split("/")
    if group is None or not group.members:
        parts = parts[-2:]
    elif common := os.path.commonpath([os.path.dirname(m.path) for m in group.members]):
        folder = "" if os.path.dirname(path) == common else folder_in_scan(path, [common])
        parts = [*folder.replace("\\", "/").split("/"), os.path.basename(path)]
    parts = [p for p in parts if p]
    if len(parts) > 3:
        parts = [parts[0], "…", parts[-2], parts[-1]]
    return "/".join(parts)


def _clause(k: KeptOver, copies: list[GroupMember], group: DuplicateGroup) -> str:
    """One "Kept over ..." sentence for the copies the keeper beat the same way."""
    n = len(copies)
    # one copy is named ("Kept over Downloads/a.jpg: ..."), several are counted ("Kept over
    # 3 copies: ..."): two messages, as the one names and the other counts
    if k.criterion == KEPT_OVER_TIE:
        text = (
            _("Kept over {who}: equal on every criterion, first by name.")
            if n == 1
            else ngettext(
                "Kept over {n} copy: equal on every criterion, first by name.",
                "Kept over {n} copies: equal on every criterion, first by name.",
                n,
            )
        )
    elif k.criterion == KEPT_OVER_DAMAGED:
        text = (
            _("Kept over {who}: it is damaged.")
            if n == 1
            else ngettext(
                "Kept over {n} copy: they are damaged.",
                "Kept over {n} copies: they are damaged.",
                n,
            )
        )
    elif k.criterion == KEPT_OVER_PROTECTED:
        text = (
            _("Kept over {who}: in a protected folder.")
            if n == 1
            else ngettext(
                "Kept over {n} copy: in a protected folder.",
                "Kept over {n} copies: in a protected folder.",
                n,
            )
        )
    else:
        text = (
            _("Kept over {who}: {keeper} vs. {copy}.")
            if n == 1
            else ngettext(
                "Kept over {n} copy: {keeper} vs. {copy}.",
                "Kept over {n} copies: {keeper} vs. {copy}.",
                n,
            )
        )
    theirs = sorted(
        {
            value_words(m.kept_over.copy_value, m.kept_over.copy_phrases)
            for m in copies
            if m.kept_over is not None
        }
    )
    shown = ", ".join(theirs[:2]) + (", …" if len(theirs) > 2 else "")
    who = copy_name(copies[0].path, group)
    keeper = value_words(k.keeper_value, k.keeper_phrases)
    return text.format(who=who, n=number(n), keeper=keeper, copy=shown)


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
        return keeper_reason(group, short=True)
    by_way: dict[tuple[str, str], list[GroupMember]] = {}
    for m in beaten:
        assert m.kept_over is not None
        by_way.setdefault((m.kept_over.criterion, m.kept_over.keeper_value), []).append(m)
    clauses = [_clause(ms[0].kept_over, ms, group) for ms in by_way.values() if ms[0].kept_over]
    text = _("Suggested to keep: {name}.").format(name=os.path.basename(keeper.path))
    text += " " + " ".join(clauses[:limit])
    if len(clauses) > limit:
        text += " " + _("Point at a copy for why it was not kept.")
    return text


def kept_over_text(member: GroupMember, keeper: GroupMember | None) -> str:
    """Why this copy is not the suggested one, for its tile's tooltip; "" for the keeper
    and for copies of a result that did not record it."""
    k = member.kept_over
    if k is None or member.is_keeper:
        return ""
    name = os.path.basename(keeper.path) if keeper is not None else _("the kept copy")
    if k.criterion == KEPT_OVER_TIE:
        text = _(
            "Why {name} is suggested instead: the two are equal on every criterion, and "
            "{name} comes first by name ({keeper} before {copy})."
        )
    elif k.criterion == KEPT_OVER_DAMAGED:
        text = _("Why {name} is suggested instead: this copy is {copy}; {name} is intact.")
    elif k.criterion == KEPT_OVER_PROTECTED:
        text = _("Why {name} is suggested instead: it is in a protected folder, this copy is not.")
    else:
        text = _(
            "Why {name} is suggested instead: it wins on “{criterion}”, the first of your "
            "criteria where they differ.\n  {name}: {keeper}\n  this copy: {copy}"
        )
    return text.format(
        name=name,
        keeper=value_words(k.keeper_value, k.keeper_phrases),
        copy=value_words(k.copy_value, k.copy_phrases),
        criterion=criterion_label(k.criterion),
    )


def keeper_changed_text(member: GroupMember, group: DuplicateGroup, stays: Sequence[str]) -> str:
    """For a copy's tooltip when the suggested copy changed or is gone since the review was
    saved: that (instead of why it was suggested), and which copies stay now (`stays`: the
    unmarked copies still as scanned, in set order)."""
    keeper = copy_name(group.keeper.path, group)
    text = _(
        "{keeper}, the copy suggested to keep, changed or is gone since this review was saved."
    ).format(keeper=keeper)
    this = _("This copy")
    names = [this if p == member.path else copy_name(p, group) for p in stays]
    names.sort(key=lambda n: n != this)
    if not names:
        return text + " " + _("No copy of this picture is as scanned now: scan again to review it.")
    if len(names) == 1:
        return text + " " + _("{name} stays now.").format(name=names[0])
    return (
        text
        + " "
        + _("{names} and {last} stay now.").format(names=", ".join(names[:-1]), last=names[-1])
    )


def keeper_changed_header(group: DuplicateGroup) -> str:
    """The set's header when its suggested copy changed or is gone since the review was
    saved: no longer presented as the suggestion (see `keeper_changed_text`)."""
    name = copy_name(group.keeper.path, group)
    return _(
        "Suggested to keep when this review was saved: {name}, which changed or is gone "
        "since. The copies marked Keep stay now."
    ).format(name=name)


def match_short(member: GroupMember, group: DuplicateGroup) -> str:
    """What matched this copy, in a few words for its tile ("turned 90° left", "exact
    copy"), which shows it beside the kept copy; "" for the kept copy, where it is not
    known (say nothing, never guess), and where the copy was compared with another copy
    of the set (its tooltip says which)."""
    if member.is_keeper or member.match is None or member.match.against != group.keeper.path:
        return ""
    words = match_words(member.match, group.keeper.path)
    return "" if words is None else words.short[:1].upper() + words.short[1:]


def match_tooltip(member: GroupMember, group: DuplicateGroup) -> str:
    """What matched this copy, with the numbers, for its tooltip: "How it matched: The
    same picture as the kept copy (harbour.jpg), turned 90° left. Hash 6 of 64 bits apart,
    thumbnails 97% alike."; "" for the kept copy and where it is not known."""
    if member.is_keeper:
        return ""
    words = match_words(member.match, group.keeper.path)
    return "" if words is None else _("How it matched: {details}").format(details=words.details)


def group_reason_tooltip(group: DuplicateGroup) -> str:
    """The header's tooltip: every copy's reason in full, then the group's stored one."""
    lines = [
        f"{copy_name(m.path, group)}: {kept_over_words(m.kept_over)}"
        for m in group.members
        if m.kept_over is not None and not m.is_keeper
    ]
    if lines:
        why = _("Why {name} is kept over each copy:")
        lines.insert(0, why.format(name=os.path.basename(group.keeper.path)))
        lines.append("")
    lines.append(keeper_reason(group))
    return "\n".join(lines)


def sharpest(group: DuplicateGroup) -> float:
    """The highest sharpness among the copies of a set (0 when none is known)."""
    return max((m.metrics.sharpness for m in group.members if m.metrics is not None), default=0.0)


def sharpness_words(member: GroupMember, group: DuplicateGroup) -> str:
    """ "the sharpest of the set" / "34% as sharp as the sharpest" / "—"."""
    if member.metrics is None:
        return "—"
    words = relative_sharpness(member.metrics.sharpness, sharpest(group))
    return value_words(words, phrases_of(words))


def quality_tooltip(member: GroupMember, group: DuplicateGroup) -> str:
    """What the quality number is made of, part by part, in points and words."""
    parts = quality_breakdown(member.metrics, member.entry.size, sharpest(group)).parts
    lines = [_("Quality {score} of 100, made of:").format(score=number(member.quality))]
    for p in parts:
        points = (
            f"{p.points:+d}"
            if p.max_points == 0
            else _("{points} of {most}").format(points=number(p.points), most=number(p.max_points))
        )
        lines.append(f"  {part_label(p)}: {points} — {part_words(p)}")
    total = sum(p.points for p in parts)
    if total != member.quality:  # a result saved by another version scored it differently
        lines.append(_("(This PhotoSift would score it {score}.)").format(score=number(total)))
    return "\n".join(lines)
