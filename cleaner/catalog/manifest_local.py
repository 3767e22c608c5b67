"""A removal manifest on its own server: where its roots are here, its keepers verified
(`verify_keepers`, for `photosift catalog verify`), and its removal plan
(`plan_manifest`, for `photosift clean --from MANIFEST`).

The plan is an ordinary `cleaner.removal.plan.RemovalPlan`, carried out by the same
`cleaner.removal.move.remove_files` as a local clean (undo log, move lock, the digest of
each file read again just before its move, a copy that stays checked just before each
move). What is particular to a manifest happens here, before that:

- The manifest must be this server's: the machine its catalog was built on, with every
  catalogued root a folder here; or the roots given again (`--root OLD=NEW`) when the
  files are now mounted elsewhere.
- Every path is a catalogued root joined with a relative path that has no '..', no
  absolute part and no empty part; no symbolic link is followed below the root.
- Each copy to move is looked at now: gone, changed (size, mtime, inode) or protected
  copies stay, with their reason. The mover then reads its bytes and compares them with
  the catalog's digest.
- A set's copies that stay count only when they are there: on this server, looked at
  now and read again just before each move; on another server, only when that server
  confirmed them (a verification file of the same scan and catalog). A set whose only
  copies that stay are unconfirmed is left alone, and says why.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from cleaner.catalog.manifest import (
    VERIFICATION_SUFFIX,
    Manifest,
    ManifestError,
    Record,
    Verification,
    read_verification,
    this_machine,
    verification_path,
    write_verification,
)
from cleaner.formats import is_image_candidate
from cleaner.i18n import N_, _
from cleaner.progress import CancelToken, Progress, ProgressMeter
from cleaner.removal.fileidentity import (
    BadPathForm,
    path_form_problem,
    read_object,
    root_of,
    stat_object,
)
from cleaner.removal.plan import (
    KeepReason,
    KeptFile,
    PlannedFile,
    RemovalPlan,
    Survivor,
    change_detail,
    is_protected,
    state_problem,
)
from cleaner.removal.trash import NotARegularFile
from cleaner.removal.undolog import Outcome, UndoLog
from cleaner.sidecars import FolderIndex, FolderIndexes, share_out, sidecars_of

# -- where the roots are here ----------------------------------------------------------------


def parse_root_mapping(items: Sequence[str]) -> list[tuple[str, str]]:
    """``--root OLD=NEW`` items as (OLD, NEW); raises ValueError in one line."""
    out = []
    for item in items:
        old, eq, new = item.rpartition("=")
        if not eq or not old or not new:
            raise ValueError(
                _(
                    "--root {item}: give CATALOGUED_ROOT=FOLDER_HERE (or LABEL=FOLDER for a "
                    "catalog of one root)"
                ).format(item=item)
            )
        out.append((old, new))
    return out


def local_roots(manifest: Manifest, mapping: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """The manifest's catalogued roots as folders on this machine, in catalog order.

    Without `mapping` the manifest must come from this machine's catalog and every root
    must be a folder here; with it, each root given is where that root is now. Raises
    `ManifestError` in one line."""
    ident = manifest.catalog
    name = Path(manifest.path).name
    roots = list(ident.roots)
    for old, new in mapping:
        if old in roots:
            at = roots.index(old)
        elif old == ident.label and len(ident.roots) == 1:
            at = 0
        else:
            raise ManifestError(
                _(
                    "--root {old}={new}: {name} has no catalogued root {root} (its roots: {roots})"
                ).format(old=old, new=new, name=name, root=repr(old), roots=", ".join(ident.roots))
            )
        roots[at] = os.path.abspath(new)
    here = this_machine()
    if not mapping and ident.machine != here:
        others = [c.label for c in manifest.catalogs.values() if c.machine == here]
        if others:
            text = _(
                "{name} is for {label}, catalogued on {machine}, and this is {here}; this "
                "machine catalogued {other}: use its manifest (if {label}'s files are mounted "
                "here, give --root CATALOGUED_ROOT=FOLDER for each root)"
            )
        else:
            text = _(
                "{name} is for {label}, catalogued on {machine}, and this is {here} (if "
                "{label}'s files are mounted here, give --root CATALOGUED_ROOT=FOLDER for "
                "each root)"
            )
        raise ManifestError(
            text.format(
                name=name,
                label=repr(ident.label),
                machine=repr(ident.machine),
                here=repr(here),
                other=repr(others[0]) if others else "",
            )
        )
    for root in roots:
        if path_form_problem(root) is not None or not os.path.isdir(root):
            raise ManifestError(
                _(
                    "{name}: the catalogued root {root} is not a folder on this machine (if "
                    "it moved, give --root CATALOGUED_ROOT=FOLDER); nothing was moved"
                ).format(name=name, root=root)
            )
    return tuple(roots)


# The details of a `KeptFile` are stored in the undo log in English: marked here, put in
# the user's language where shown (`KeptFile.words`). A detail made of a path or a label
# is shown as written.
_OUTSIDE = N_("not a path below the catalogued root")


def local_path(record: Record, roots: Sequence[str]) -> tuple[str, str] | KeptFile:
    """(the path here, its root), or why the record names no file below its root (an
    absolute path, '..', an empty or odd part): a manifest never reaches outside."""
    root = roots[record.root]
    rel = record.path
    parts = rel.split("/")
    shown = f"{root}{os.sep}{rel}"
    if (
        not rel
        or "\0" in rel
        or (os.sep == "\\" and "\\" in rel)  # a separator there; a name's character here
        or any(p in ("", ".", "..") for p in parts)
        or os.path.isabs(rel)
        or os.path.splitdrive(rel)[0]
    ):
        return KeptFile(shown, KeepReason.BAD_PATH, _OUTSIDE)
    path = os.path.join(root, *parts)
    if path_form_problem(path) is not None or root_of(path, (root,)) != root:
        return KeptFile(shown, KeepReason.BAD_PATH, _OUTSIDE)
    return path, root


# -- verifying this server's keepers ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeeperChecked:
    """One keeper looked at: confirmed, or why not."""

    path: str
    problem: str = ""


@dataclass(frozen=True, slots=True)
class KeepersVerified:
    target: str
    confirmed: int
    problems: tuple[KeeperChecked, ...]


def verify_keepers(
    manifest: Manifest,
    roots: Sequence[str],
    target: str | None = None,
    cancel: CancelToken | None = None,
) -> Iterator[Progress | KeeperChecked | KeepersVerified]:
    """Read every keeper other servers lean on (the manifest's ``keep`` records): each
    must be a regular file below its root, reached with no symbolic link, with the
    catalog's size and digest. Writes the confirmed ones to the verification file
    (`target`, default beside the manifest) and ends with `KeepersVerified`. Yields a
    `KeeperChecked` for each keeper that is not confirmed (it then protects nothing)."""
    meter = ProgressMeter(
        N_("Verifying keepers"),
        total=len(manifest.keep),
        bytes_total=sum(r.size for r in manifest.keep),
    )
    confirmed: list[tuple[Record, tuple[int, int, int, int]]] = []
    problems: list[KeeperChecked] = []
    for r in manifest.keep:
        if cancel is not None:
            cancel.check()
        problem = _keeper_problem(r, roots)
        if isinstance(problem, tuple):
            confirmed.append((r, problem))
        else:
            problems.append(problem)
            yield problem
        event = meter.advance(1, r.size)
        if event is not None:
            yield event
    out = Path(target) if target else verification_path(manifest.path)
    write_verification(out, manifest, confirmed)
    yield KeepersVerified(str(out), len(confirmed), tuple(problems))


def _keeper_problem(r: Record, roots: Sequence[str]) -> tuple[int, int, int, int] | KeeperChecked:
    placed = local_path(r, roots)
    if isinstance(placed, KeptFile):
        return KeeperChecked(placed.path, placed.words)
    path, root = placed
    try:
        obj, sha = read_object(path, root)
    except (OSError, NotARegularFile, BadPathForm) as exc:
        return KeeperChecked(path, state_problem(path, exc).words)
    if obj.size != r.size or sha != r.sha256:
        return KeeperChecked(path, _("its contents differ from the catalog's"))
    return (obj.device, obj.inode, obj.size, obj.mtime_ns)


# -- the removal plan ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ManifestPlan:
    plan: RemovalPlan
    verifications: tuple[Verification, ...]  # the ones used
    notes: tuple[str, ...]  # verification files not used, and why


def find_verifications(
    manifest: Manifest, extra: Iterable[str] = ()
) -> tuple[list[Verification], list[str]]:
    """The verification files beside the manifest and `extra`, those of this scan and of
    the catalogs it names, with one line for each file not used."""
    folder = Path(manifest.path).parent
    paths = sorted(str(p) for p in folder.glob("*" + VERIFICATION_SUFFIX))
    paths += [p for p in extra if p not in paths]
    used: list[Verification] = []
    notes: list[str] = []
    for p in paths:
        try:
            v = read_verification(p)
        except ManifestError as exc:
            notes.append(_("{problem}; not used").format(problem=exc))
            continue
        ident = manifest.catalogs.get(v.label)
        if v.run != manifest.run:
            notes.append(_("{path} verifies another scan's manifests; not used").format(path=p))
        elif ident is None:
            continue  # a server none of this manifest's sets leans on
        elif v.catalog_checksum != ident.checksum:
            notes.append(
                _("{path} verifies another catalog of {label}; not used").format(
                    path=p, label=repr(v.label)
                )
            )
        else:
            used.append(v)
    return used, notes


def plan_manifest(
    manifest: Manifest,
    roots: Sequence[str],
    verifications: Sequence[Verification] = (),
    *,
    protected_folders: Collection[str] = (),
) -> RemovalPlan:
    """The removal plan of `manifest` on this server (see the module)."""
    by_label: Mapping[str, Verification] = {v.label: v for v in verifications}
    refused: list[KeptFile] = []
    files: list[PlannedFile] = []
    folders: set[str] = set()
    seen: set[str] = set()
    # Files here that a copy counts on as the one that stays, in this manifest or in
    # another server's (the keep list): never moved, whatever else the file says.
    staying = [s for ms in manifest.sets for s in ms.survivors if s.label == manifest.label]
    stays_here = {
        p[0]
        for s in (*staying, *manifest.keep)
        for p in [local_path(s, roots)]
        if isinstance(p, tuple)
    }
    indexes = FolderIndexes()
    for ms in manifest.sets:
        local, remote, lost = _survivors(ms.survivors, manifest, roots, by_label, folders)
        unverified = [
            s.label for s in ms.survivors if s.label != manifest.label and s.label not in by_label
        ]
        for r in ms.move:
            placed = local_path(r, roots)
            if isinstance(placed, KeptFile):
                refused.append(placed)
                continue
            path, root = placed
            if path in seen:
                refused.append(KeptFile(path, KeepReason.SAME_FILE, N_("listed twice")))
                continue
            seen.add(path)
            if path in stays_here:
                refused.append(KeptFile(path, KeepReason.SAME_FILE, N_("also a copy that stays")))
                continue
            if not is_image_candidate(path):
                refused.append(KeptFile(path, KeepReason.BAD_PATH, N_("not a picture's file name")))
                continue
            if protected_folders and is_protected(path, protected_folders):  # resolves links
                refused.append(KeptFile(path, KeepReason.PROTECTED))
                continue
            leans_on = tuple(s for s in (*local, *remote) if r.damaged or not s[1])
            if not leans_on:
                if local or remote:
                    refused.append(KeptFile(path, KeepReason.ONLY_DAMAGED_LEFT))
                elif unverified and len(unverified) == len(lost):
                    where = ", ".join(sorted(set(unverified)))
                    detail = f"{where}: run 'photosift catalog verify' there"
                    refused.append(KeptFile(path, KeepReason.NOT_VERIFIED, detail))
                else:
                    detail = "; ".join(lost[:3]) + ("; …" if len(lost) > 3 else "")
                    refused.append(KeptFile(path, KeepReason.NO_COPY_LEFT, detail))
                continue
            now = _now_as_catalogued(path, root, r, folders)
            if isinstance(now, KeptFile):
                refused.append(now)
                continue
            device, inode = now
            try:
                index = indexes.index(os.path.dirname(path))
            except OSError:
                index = FolderIndex(os.path.dirname(path), ())
            files.append(
                PlannedFile(
                    path,
                    r.size,
                    r.mtime_ns,
                    r.sha256,
                    ms.set_id,
                    tuple(s for s, _ in leans_on),
                    device,
                    inode,
                    sidecars=sidecars_of(path, index),
                )
            )
    split = share_out([(f.path, f.sidecars) for f in files])
    planned = tuple(
        replace(f, sidecars=moving, shared_sidecars=staying) if f.sidecars else f
        for f, (moving, staying) in zip(files, split, strict=True)
    )
    return RemovalPlan(planned, tuple(refused), tuple(roots))


def _now_as_catalogued(
    path: str, root: str, r: Record, folders: set[str]
) -> tuple[int, int] | KeptFile:
    """(device, inode) of the file now, when it is the catalogued file as far as a look
    can tell (size, mtime, and inode where the catalog has one); else why it stays. The
    device is taken from now: a remount may renumber it, and the move reads the bytes."""
    try:
        now = stat_object(path, root, known_folders=folders)
    except (OSError, NotARegularFile, BadPathForm) as exc:
        return state_problem(path, exc)
    if r.inode and now.inode != r.inode:
        detail = N_("another file has this name now; catalog it again")
        return KeptFile(path, KeepReason.CHANGED, detail)
    if now.size != r.size or now.mtime_ns != r.mtime_ns:
        detail = change_detail(r.size, now.size).replace("the scan", "it was catalogued")
        return KeptFile(path, KeepReason.CHANGED, detail)
    return now.device, now.inode


def _survivors(
    records: Sequence[Record],
    manifest: Manifest,
    roots: Sequence[str],
    verified: Mapping[str, Verification],
    folders: set[str],
) -> tuple[list[tuple[Survivor, bool]], list[tuple[Survivor, bool]], list[str]]:
    """A set's copies that stay and may count, as (survivor, damaged): those here that
    are still there as catalogued, those elsewhere that their server confirmed; and what
    became of the others, in words."""
    local: list[tuple[Survivor, bool]] = []
    remote: list[tuple[Survivor, bool]] = []
    lost: list[str] = []
    for s in records:
        if s.label == manifest.label:
            placed = local_path(s, roots)
            if isinstance(placed, KeptFile):
                lost.append(f"{placed.path}: {placed.message}")
                continue
            path, root = placed
            now = _now_as_catalogued(path, root, s, folders)
            if isinstance(now, KeptFile):
                lost.append(f"{path}: {now.message}")
                continue
            local.append((Survivor(path, s.size, s.mtime_ns, s.sha256, *now), s.damaged))
            continue
        shown = f"{s.label}:{s.path}"
        v = verified.get(s.label)
        if v is None:
            lost.append(f"{shown}: not verified on {s.label}")
            continue
        if (s.root, s.path, s.sha256, s.size) not in v.confirmed:
            lost.append(f"{shown}: not confirmed by {s.label}'s verification")
            continue
        device, inode, size, mtime_ns = v.found[(s.root, s.path)]
        survivor = Survivor(shown, size, mtime_ns, s.sha256, device, inode, elsewhere=s.label)
        remote.append((survivor, s.damaged))
    return local, remote, lost


def moved_before(
    plan: RemovalPlan, source: str, log: UndoLog
) -> tuple[RemovalPlan, dict[str, int]]:
    """`plan` without the files that are gone because an earlier clean of this same
    manifest (`source`, the batch's source) moved them, and how many per batch: running
    a manifest again says so in one line instead of listing each as vanished."""
    gone = {k.path for k in plan.refused if k.reason is KeepReason.VANISHED}
    found: dict[str, str] = {}
    if gone:
        for batch in log.batches():
            if batch.source != source:
                continue
            for e in log.entries(batch.id):
                if e.outcome is Outcome.MOVED and not e.restored and e.original_path in gone:
                    found.setdefault(e.original_path, batch.id)
    per_batch: dict[str, int] = {}
    for batch_id in found.values():
        per_batch[batch_id] = per_batch.get(batch_id, 0) + 1
    refused = tuple(k for k in plan.refused if k.path not in found)
    return replace(plan, refused=refused), per_batch
