"""Decide which of the copies the user marked may go: the plan, before anything moves.

`plan_removal` turns a `ScanResult` and the set of marked paths into a `RemovalPlan`,
refusing with a reason every file that must not go: the last copies of a group, files in
protected folders, symbolic links, files that are not in the result, paths that are not
absolute and plain or lie outside the scanned folders, and (looking at the disk) files that
vanished or changed since the scan. The plan is built from unique files: a path listed twice,
or two paths to one file object (device and inode), is planned once, and a file that is to
go never counts as the copy that stays for another group.

The plan's own vocabulary lives here too: `RemovalPlan`, `PlannedFile`, `Survivor`, and why
a file stays (`KeepReason`, `KeptFile`, `state_problem`). `cleaner.removal.move` carries a
plan out and refuses a file with the same reasons when the disk changed since planning; it
reads them from here because a plan is made of them, and a planner never needs the move.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Collection
from dataclasses import dataclass, replace

from cleaner.formats import is_image_candidate
from cleaner.i18n import N_, _, stored_words
from cleaner.models import DuplicateGroup, GroupKind, GroupMember, ScanResult, Sidecar
from cleaner.removal.fileidentity import (
    BadPathForm,
    SymlinkInPath,
    path_form_problem,
    root_of,
    stat_object,
)
from cleaner.removal.trash import NotARegularFile, describe_error
from cleaner.sidecars import share_out


class KeepReason(str, enum.Enum):
    """Why a marked file stays where it is. The value is stable (logs, JSON)."""

    ALL_COPIES = "all_copies"
    NO_COPY_LEFT = "no_copy_left"
    PROTECTED = "protected"
    SYMLINK = "symlink"
    NOT_A_FILE = "not_a_file"
    NOT_IN_RESULT = "not_in_result"
    BAD_PATH = "bad_path"
    SAME_FILE = "same_file"
    CHANGED = "changed"
    VANISHED = "vanished"
    UNREADABLE = "unreadable"
    TRASH_UNAVAILABLE = "trash_unavailable"
    FAILED = "failed"
    ONLY_DAMAGED_LEFT = "only_damaged_left"
    NOT_COPIES = "not_copies"
    SIDECAR_CHANGED = "sidecar_changed"
    SIDECAR_IN_USE = "sidecar_in_use"
    NOT_VERIFIED = "not_verified"  # a removal manifest's copies elsewhere are unconfirmed

    @property
    def label(self) -> str:
        return _KEEP_LABELS[self]


_KEEP_LABELS = {
    KeepReason.ALL_COPIES: N_("every copy of this picture is marked; one must stay"),
    KeepReason.NO_COPY_LEFT: N_("the copy that would stay is missing or changed"),
    KeepReason.PROTECTED: N_("in a protected folder"),
    KeepReason.SYMLINK: N_("a shortcut (symbolic link); PhotoSift never acts through one"),
    KeepReason.NOT_A_FILE: N_("not a regular file"),
    KeepReason.NOT_IN_RESULT: N_("not part of this scan"),
    KeepReason.BAD_PATH: N_("not a file this scan could have found"),
    KeepReason.SAME_FILE: N_("the same file as another path in the list (one file, two paths)"),
    KeepReason.CHANGED: N_("changed since the scan"),
    KeepReason.VANISHED: N_("no longer there"),
    KeepReason.UNREADABLE: N_("could not be read"),
    KeepReason.TRASH_UNAVAILABLE: N_("the trash is not available on this drive"),
    KeepReason.FAILED: N_("could not be moved"),
    KeepReason.NOT_COPIES: N_(
        "the result file says these are identical copies, but their "
        "contents differ: the result was edited"
    ),
    KeepReason.ONLY_DAMAGED_LEFT: N_(
        "the copies that would stay are damaged; this is the last intact copy"
    ),
    KeepReason.SIDECAR_CHANGED: N_("its sidecar file changed since the scan"),
    KeepReason.SIDECAR_IN_USE: N_("this sidecar file is still used by another picture beside it"),
    KeepReason.NOT_VERIFIED: N_(
        "the copy that would stay is on another server, which has not confirmed it"
    ),
}


@dataclass(frozen=True, slots=True)
class Survivor:
    """A group member that stays, as the scan saw it."""

    path: str
    size: int
    mtime_ns: int
    sha256: str | None
    device: int = 0  # the file object the scan saw
    inode: int = 0
    # The label of another server that confirmed this copy is there (a removal manifest,
    # `cleaner.catalog.manifest_local`); "" for a copy on this machine, checked on disk.
    elsewhere: str = ""


@dataclass(frozen=True, slots=True)
class PlannedFile:
    path: str
    size: int
    mtime_ns: int
    sha256: str | None  # from the scan, when it computed one
    group_id: int
    survivors: tuple[Survivor, ...]  # the group's members that stay
    device: int = 0  # the file object the scan saw: moved only if it is still that one
    inode: int = 0
    sidecars: tuple[Sidecar, ...] = ()  # its sidecar files that move with it
    shared_sidecars: tuple[str, ...] = ()  # its sidecar files that stay (another picture's too)
    keeper_has_no_sidecar: bool = False  # it has sidecars and no copy that stays has any


@dataclass(frozen=True, slots=True)
class KeptFile:
    """A marked file that was not removed, and why."""

    path: str
    reason: KeepReason
    detail: str = ""

    @property
    def message(self) -> str:
        """In English: the undo log stores it (`words` says it in the user's language)."""
        return f"{self.reason.label} ({self.detail})" if self.detail else self.reason.label

    @property
    def words(self) -> str:
        """`message` in the user's language: the reason and a fixed detail are translated;
        a detail made of parts (a path, two sizes) is shown as written."""
        label = _(self.reason.label)
        if not self.detail:
            return label
        return _("{reason} ({detail})").format(reason=label, detail=stored_words(self.detail))


@dataclass(frozen=True, slots=True)
class RemovalPlan:
    files: tuple[PlannedFile, ...]
    refused: tuple[KeptFile, ...]
    roots: tuple[str, ...] = ()  # the scanned folders: no symbolic link is followed below them

    @property
    def bytes_total(self) -> int:
        return sum(f.size for f in self.files)


# -- planning ------------------------------------------------------------------------------


def suggested_paths(result: ScanResult) -> set[str]:
    """The paths the scan suggests removing."""
    return {m.path for g in result.groups for m in g.members if m.suggested_remove}


def plan_removal(
    result: ScanResult,
    marked: Collection[str] | None = None,
    *,
    protected_folders: Collection[str] = (),
    check_disk: bool = True,
) -> RemovalPlan:
    """Decide which of the `marked` paths (default: the scan's suggestions) may go.

    Only absolute, plain paths inside the result's scanned folders are considered, each
    once, and two paths to one file object (the scan's device and inode) are one file.
    With `check_disk`, files that vanished, became another file object, changed size or
    mtime, or are reached through a symbolic link are refused now, and so is a file whose
    copies that would stay are all gone or changed so (NO_COPY_LEFT, saying which): the
    plan then lists only what the move will do. `cleaner.removal.move.remove_files`
    checks again before each move, the survivors' contents too.
    """
    wanted = suggested_paths(result) if marked is None else set(marked)
    protected = (*result.settings.protected, *protected_folders)
    roots = tuple(r for r in result.settings.roots if path_form_problem(r) is None)
    refused: list[KeptFile] = []
    # Who goes, decided once per file before any survivor is chosen: a file that goes can
    # then never be counted as the copy that stays for some other group.
    # A path the user keeps wins over another path to the same file object that is marked:
    # moving that one would take the kept one with it.
    kept_keys = {
        key: m.path
        for g in reversed(result.groups)
        for m in reversed(g.members)
        if m.path not in wanted
        for key in _record_keys(m)
    }
    victims: dict[str, GroupMember] = {}  # path -> the first member that lists it
    victim_keys: dict[_Key, str] = {}  # the scan's identity -> path
    handled: set[str] = set()
    for group in result.groups:
        for m in group.members:
            if m.path not in wanted or m.path in handled:
                continue
            handled.add(m.path)
            problem = _path_problem(m.path, roots)
            keys = _record_keys(m)
            kept_as = _lookup(kept_keys, keys)
            listed_as = _lookup(victim_keys, keys)
            if problem is None and kept_as is not None:
                detail = f"the same file as {kept_as}, which stays"
                problem = KeptFile(m.path, KeepReason.SAME_FILE, detail)
            elif problem is None and listed_as is not None:
                problem = KeptFile(m.path, KeepReason.SAME_FILE, f"also listed as {listed_as}")
            if problem is not None:
                refused.append(problem)
                continue
            victims[m.path] = m
            victim_keys.update((key, m.path) for key in keys)
    files: list[PlannedFile] = []
    folders: set[str] = set()  # checked for links once per plan, not once per file
    for group in result.groups:
        chosen = list({m.path: m for m in group.members if victims.get(m.path) is m}.values())
        if not chosen:
            continue
        if group.kind is GroupKind.EXACT and len({m.sha256 for m in group.members} - {None}) > 1:
            # byte-identical copies have one digest: a result that says otherwise was edited
            refused.extend(KeptFile(m.path, KeepReason.NOT_COPIES) for m in chosen)
            continue
        others = [m for m in group.members if m.path not in wanted]
        survivors = _survivors(others, roots, victim_keys)
        lost: list[str] = []  # survivors gone or changed on disk, in words
        if check_disk and survivors:
            survivors, lost = _still_on_disk(survivors, roots, folders)
        if not survivors:
            reason = KeepReason.ALL_COPIES if not others else KeepReason.NO_COPY_LEFT
            detail = "" if not others else _why_no_survivor(others, roots, victim_keys)
            if lost:
                detail = "; ".join(lost[:3]) + ("; …" if len(lost) > 3 else "")
            refused.extend(KeptFile(m.path, reason, detail) for m in chosen)
            continue
        # An intact copy goes only while another intact copy stays: a damaged copy (half
        # grey, garbled) is no copy of the picture to lean on. A damaged copy may go while
        # any copy stays.
        damaged = {m.path for m in others if _is_damaged(m)}
        intact_survivors = tuple(s for s in survivors if s.path not in damaged)
        for member in chosen:
            leans_on = survivors if _is_damaged(member) else intact_survivors
            if not leans_on:
                refused.append(KeptFile(member.path, KeepReason.ONLY_DAMAGED_LEFT))
                continue
            root = root_of(member.path, roots)
            problem = _static_problem(member, protected)
            if problem is None and check_disk:
                problem = _disk_problem(member, root, folders)
            if problem is not None:
                refused.append(problem)
            else:
                files.append(_planned(member, group, leans_on))
    in_result = {m.path for g in result.groups for m in g.members}
    refused.extend(KeptFile(p, KeepReason.NOT_IN_RESULT) for p in sorted(wanted - in_result))
    return RemovalPlan(_share_sidecars(files), tuple(refused), roots)


_Key = tuple[int, ...]


def _is_damaged(member: GroupMember) -> bool:
    return member.metrics is not None and member.metrics.damaged


def _record_keys(member: GroupMember) -> tuple[_Key, ...]:
    """Keys that two records of one file object share: (device, inode), and (inode, size,
    mtime) for a share mounted twice (see `cleaner.removal.fileidentity.same_object`). None where
    the file system gives no identity (inode 0)."""
    e = member.entry
    if e.inode == 0:
        return ()
    return ((0, e.device, e.inode), (1, e.inode, e.size, e.mtime_ns))


def _lookup(index: dict[_Key, str], keys: tuple[_Key, ...]) -> str | None:
    return next((index[k] for k in keys if k in index), None)


def _path_problem(path: str, roots: tuple[str, ...]) -> KeptFile | None:
    """A path the scan could not have produced (a hand-edited or foreign result)."""
    problem = path_form_problem(path)
    if problem is None and root_of(path, roots) is None:
        problem = N_("outside the scanned folders")
    if problem is None and not is_image_candidate(path):
        problem = N_("not a picture's file name")
    return None if problem is None else KeptFile(path, KeepReason.BAD_PATH, problem)


def _survivors(
    others: list[GroupMember], roots: tuple[str, ...], victim_keys: dict[_Key, str]
) -> tuple[Survivor, ...]:
    """The members that stay and may count as the copy left: each path once, inside the
    scanned folders, and not the same file object as any file that goes."""
    seen: set[str] = set()
    kept: list[Survivor] = []
    for m in others:
        if m.path in seen or _path_problem(m.path, roots) is not None:
            continue
        if _lookup(victim_keys, _record_keys(m)) is not None:
            continue
        seen.add(m.path)
        e = m.entry
        kept.append(Survivor(m.path, e.size, e.mtime_ns, m.sha256, e.device, e.inode))
    return tuple(kept)


def _still_on_disk(
    survivors: tuple[Survivor, ...], roots: tuple[str, ...], folders: set[str]
) -> tuple[tuple[Survivor, ...], list[str]]:
    """The survivors still on disk as the scan saw them (the same file object, size and
    mtime, no symbolic link on the path: the move's identity rules, without reading the
    bytes), and what became of the others ("<path>: no longer there"). One stat each: the
    move checks them again, contents included, right before each move."""
    kept: list[Survivor] = []
    lost: list[str] = []
    for s in survivors:
        try:
            now = stat_object(s.path, root_of(s.path, roots), known_folders=folders)
        except (OSError, NotARegularFile, BadPathForm) as exc:
            lost.append(f"{s.path}: {state_problem(s.path, exc).message}")
            continue
        if now.key != (s.device, s.inode) or now.size != s.size or now.mtime_ns != s.mtime_ns:
            lost.append(f"{s.path}: {KeepReason.CHANGED.label}")
            continue
        kept.append(s)
    return tuple(kept), lost


def _why_no_survivor(
    others: list[GroupMember], roots: tuple[str, ...], victim_keys: dict[_Key, str]
) -> str:
    if any(_lookup(victim_keys, _record_keys(m)) is not None for m in others):
        return N_("the copy that would stay is a file that goes too, reached by another path")
    return N_("the copies that would stay are not files this scan could have found")


def _planned(
    member: GroupMember, group: DuplicateGroup, survivors: tuple[Survivor, ...]
) -> PlannedFile:
    e = member.entry
    staying = {s.path for s in survivors}
    lacks = bool(e.sidecars) and not any(
        m.entry.sidecars for m in group.members if m.path in staying
    )
    return PlannedFile(
        e.path,
        e.size,
        e.mtime_ns,
        member.sha256,
        group.id,
        survivors,
        e.device,
        e.inode,
        sidecars=e.sidecars,
        keeper_has_no_sidecar=lacks,
    )


def _forms(path: str) -> set[str]:
    """The path as given and with symlinks resolved, normalised for comparison."""
    absolute = os.path.abspath(path)
    return {os.path.normcase(os.path.normpath(p)) for p in (absolute, os.path.realpath(absolute))}


def is_protected(path: str, protected_folders: Collection[str]) -> bool:
    """Whether `path` is inside one of the folders, spelled directly or through a symlink."""
    paths = _forms(path)
    for folder in protected_folders:
        for f in _forms(folder):
            prefix = f.rstrip(os.sep) + os.sep
            if any(p == f or p.startswith(prefix) for p in paths):
                return True
    return False


def _static_problem(member: GroupMember, protected: tuple[str, ...]) -> KeptFile | None:
    if member.protected or is_protected(member.path, protected):
        return KeptFile(member.path, KeepReason.PROTECTED)
    return None


def _disk_problem(member: GroupMember, root: str | None, folders: set[str]) -> KeptFile | None:
    path = member.path
    try:
        now = stat_object(path, root, known_folders=folders)
    except (OSError, NotARegularFile, BadPathForm) as exc:
        return state_problem(path, exc)
    e = member.entry
    if now.key != (e.device, e.inode):
        return KeptFile(path, KeepReason.CHANGED, OTHER_OBJECT)
    if now.size != e.size or now.mtime_ns != e.mtime_ns:
        return KeptFile(path, KeepReason.CHANGED, change_detail(e.size, now.size))
    return None


# -- why a file found on disk stays (the move's last checks give the same reasons) ---------

OTHER_OBJECT = N_("another file has this name now (or its drive was connected again); scan again")


def _link_detail(path: str, exc: SymlinkInPath) -> str:
    """Empty when the file itself is the link, else which folder on its path is one."""
    text = str(exc)
    return "" if text == f"{path} is a symbolic link" else text.removeprefix(f"{path}: ")


def change_detail(size: int, now_size: int) -> str:
    """How a file differs from the scan's record of it, for a `KeepReason.CHANGED`."""
    if now_size != size:
        return f"size {size:,} → {now_size:,} bytes"
    return N_("modified since the scan")


def state_problem(path: str, exc: Exception) -> KeptFile:
    """Why `path` stays when looking at it on disk raised `exc`."""
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        return KeptFile(path, KeepReason.VANISHED)
    if isinstance(exc, SymlinkInPath):
        return KeptFile(path, KeepReason.SYMLINK, _link_detail(path, exc))
    if isinstance(exc, NotARegularFile):
        return KeptFile(path, KeepReason.NOT_A_FILE)
    if isinstance(exc, BadPathForm):
        return KeptFile(path, KeepReason.BAD_PATH)
    return KeptFile(path, KeepReason.UNREADABLE, describe_error(exc))


# -- sidecar files ----------------------------------------------------------------------------


def _share_sidecars(files: list[PlannedFile]) -> tuple[PlannedFile, ...]:
    """Each sidecar moves with one planned picture, the last that uses it, and only when no
    picture that uses it stays (`cleaner.sidecars.share_out`)."""
    split = share_out([(f.path, f.sidecars) for f in files])
    return tuple(
        replace(f, sidecars=moving, shared_sidecars=staying) if f.sidecars else f
        for f, (moving, staying) in zip(files, split, strict=True)
    )
