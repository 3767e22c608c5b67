"""`photosift scan --catalog ... --manifests DIR`: one removal manifest per label, from
the scan's result (the format: `cleaner.catalog.manifest`, docs/catalog.md)."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.atomic import atomic_text_file
from cleaner.catalog.estate import CatalogScan, labelled_base
from cleaner.catalog.manifest import (
    FORMAT_VERSION,
    MANIFEST_FORMAT,
    MANIFEST_SUFFIX,
    CatalogIdentity,
    ChecksummedWriter,
    ManifestSet,
    Record,
    now_text,
)
from cleaner.catalog.schema import CatalogError, open_read_only, read_meta
from cleaner.i18n import _
from cleaner.models import DuplicateGroup, GroupMember, ScanResult
from cleaner.version import __version__


def file_stems(labels: Sequence[str]) -> dict[str, str]:
    """A file name stem per label: letters, digits, '.', '_' and '-' kept, the rest '_',
    made unique ("nas/1" and "nas_1" become "nas_1" and "nas_1-2")."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for label in labels:
        stem = re.sub(r"[^A-Za-z0-9._-]", "_", label).strip(".")[:100] or "label"
        unique, n = stem, 1
        while unique.lower() in taken:  # case-insensitive file systems too
            n += 1
            unique = f"{stem}-{n}"
        taken.add(unique.lower())
        out[label] = unique
    return out


def catalog_checksum(path: str) -> str:
    """A catalog's own checksum (the `meta` row its reader verifies), naming that build."""
    with open_read_only(Path(path)) as conn:
        checksum = read_meta(conn).get("checksum", "")
    if not checksum:
        raise CatalogError(_("{path} has no checksum: build it again").format(path=path))
    return checksum


def _record_json(r: Record, with_label: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "root": r.root,
        "path": r.path,
        "size": r.size,
        "mtime_ns": r.mtime_ns,
        "inode": r.inode,
        "sha256": r.sha256,
        "damaged": r.damaged,
    }
    if with_label:
        out["label"] = r.label
    return out


class _Locator:
    """A labelled path (``LABEL:PATH`` of a scan of catalogs) as a catalog root and a
    path below it, the inverse of `cleaner.catalog.estate._Estate._labelled`."""

    def __init__(self, catalogs: Sequence[CatalogIdentity]) -> None:
        self.roots = {c.label: c.roots for c in catalogs}
        self.bases = {c.label: labelled_base(c.roots) for c in catalogs}

    def record(self, member: GroupMember) -> Record:
        label, colon, below = member.path.partition(":")
        if not colon or label not in self.roots:
            raise ValueError(
                _("{path}: not a path of a catalog of this scan").format(path=member.path)
            )
        base = self.bases[label]
        local = below.replace("/", os.sep)
        full = os.path.join(base, local) if base else local
        # the first root it lies below, as the build placed it (`builder._place`)
        found = next(
            (
                (n, full[len(root.rstrip(os.sep)) + 1 :])
                for n, root in enumerate(self.roots[label])
                if full.startswith(root.rstrip(os.sep) + os.sep)
            ),
            None,
        )
        if found is None:
            raise ValueError(
                _("{path}: below none of the roots of {label}").format(
                    path=member.path, label=label
                )
            )
        n, rel = found
        e = member.entry
        damaged = member.metrics is not None and bool(member.metrics.damaged)
        rel = rel.replace(os.sep, "/")
        return Record(label, n, rel, e.size, e.mtime_ns, e.inode, member.sha256 or "", damaged)


def write_manifests(
    result: ScanResult, catalogs: Sequence[tuple[str, str, str, tuple[str, ...]]], folder: str
) -> list[Path]:
    """One manifest per label into `folder` (which must exist): `catalogs` gives each
    label's (label, catalog file, machine, roots) as the scan read them. Returns the
    files written. Raises `CatalogError` when a catalog changed since the scan read it,
    OSError when a file cannot be written, ValueError when a set would lose every copy or
    a protected copy would move (`refused_marks`: marks from the window)."""
    refused = refused_marks(result)
    if refused is not None:
        raise ValueError(refused)
    identities = [
        CatalogIdentity(label, catalog_checksum(path), machine, tuple(roots))
        for label, path, machine, roots in catalogs
    ]
    by_label = {c.label: c for c in identities}
    locator = _Locator(identities)
    sets: dict[str, list[ManifestSet]] = {c.label: [] for c in identities}
    keep: dict[str, dict[tuple[str, int, str], Record]] = {c.label: {} for c in identities}
    for group in result.groups:
        for label, chosen in _by_label(group, locator).items():
            stays = tuple(locator.record(m) for m in group.members if not m.suggested_remove)
            sets[label].append(ManifestSet(group.id, group.kind.value, chosen, stays))
            for s in stays:
                if s.label != label:
                    keep[s.label].setdefault(s.key, s)
    run = uuid.uuid4().hex
    written_at = now_text()
    out: list[Path] = []
    stems = file_stems([c.label for c in identities])
    for identity in identities:
        label = identity.label
        needed = {label} | {s.label for ms in sets[label] for s in ms.survivors}
        target = Path(folder) / (stems[label] + MANIFEST_SUFFIX)
        with atomic_text_file(target, encoding="ascii", newline="\n") as fh:
            w = ChecksummedWriter(fh)
            w.line(
                {
                    "format": MANIFEST_FORMAT,
                    "format_version": FORMAT_VERSION,
                    "run": run,
                    "label": label,
                    "written_at": written_at,
                    "photosift_version": __version__,
                    "catalogs": [_identity_json(by_label[n]) for n in sorted(needed)],
                    "sets": len(sets[label]),
                    "keep": len(keep[label]),
                }
            )
            for ms in sets[label]:
                w.line(
                    {
                        "set": ms.set_id,
                        "kind": ms.kind,
                        "move": [_record_json(r, False) for r in ms.move],
                        "survivors": [_record_json(r, True) for r in ms.survivors],
                    }
                )
            for r in sorted(keep[label].values(), key=lambda r: (r.root, r.path)):
                w.line({"keep": _record_json(r, False)})
            w.close()
        out.append(target)
    return out


def write_scan_manifests(scanned: CatalogScan, result: ScanResult, folder: str) -> list[Path]:
    """`write_manifests` for `result` (the scan's own, or it with someone's marks: the
    window's review of catalogs) with the catalogs `scanned` read: the same files as
    `photosift scan --catalog ... --manifests DIR` for the same marks."""
    catalogs = [(f.label, f.catalog, f.machine, f.roots) for f in scanned.labels]
    return write_manifests(result, catalogs, folder)


def _by_label(group: DuplicateGroup, locator: _Locator) -> dict[str, tuple[Record, ...]]:
    """The group's suggested removals, by the label of the server they are on."""
    found: dict[str, list[Record]] = {}
    for m in group.members:
        if m.suggested_remove:
            r = locator.record(m)
            found.setdefault(r.label, []).append(r)
    return {label: tuple(rs) for label, rs in found.items()}


def _identity_json(c: CatalogIdentity) -> dict[str, Any]:
    return {"label": c.label, "checksum": c.checksum, "machine": c.machine, "roots": list(c.roots)}


def same_files_across_labels(result: ScanResult) -> dict[tuple[str, str], int]:
    """Per pair of labels, how many copies in one set share inode, size and mtime across
    them: the mark of one share catalogued by two servers. Never counted as each other's
    copy (`cleaner.removal.move`), but worth saying: catalog a share on one server."""
    pairs: dict[tuple[str, str], int] = {}
    for group in result.groups:
        seen: dict[tuple[int, int, int], str] = {}
        for m in group.members:
            e = m.entry
            if e.inode == 0:
                continue
            label = m.path.partition(":")[0]
            first = seen.setdefault((e.inode, e.size, e.mtime_ns), label)
            if first != label:
                key = (min(first, label), max(first, label))
                pairs[key] = pairs.get(key, 0) + 1
    return pairs


def refused_marks(result: ScanResult) -> str | None:
    """Why `result` cannot become manifests, or None. The engine never suggests this; a
    result with the user's marks (the window's review of catalogs) is checked again here
    because a manifest is what removes files: a set whose every copy is marked would
    leave no copy anywhere, and a protected copy is never moved."""
    for group in result.groups:
        if group.members and all(m.suggested_remove for m in group.members):
            return _("every copy of set {id} is marked for removal: keep one").format(id=group.id)
        protected = next((m for m in group.members if m.protected and m.suggested_remove), None)
        if protected is not None:
            return _("{path} is protected and marked for removal").format(path=protected.path)
    return None


@dataclass(frozen=True)
class ManifestRoles:
    """What each server does with the manifests of `result`, label by label."""

    moving: tuple[str, ...]  # labels with copies to move: `clean --from` runs there
    relied_on: tuple[str, ...]  # labels with a copy that stays for another label's move:
    # `catalog verify` runs there first


def manifest_roles(result: ScanResult) -> ManifestRoles:
    """Which labels move copies and which hold copies other labels' moves lean on, as
    `write_manifests` writes them (its set lines and keep lines)."""
    moving: set[str] = set()
    relied: set[str] = set()
    for group in result.groups:
        movers = {m.path.partition(":")[0] for m in group.members if m.suggested_remove}
        if not movers:
            continue
        moving |= movers
        for m in group.members:
            label = m.path.partition(":")[0]
            if not m.suggested_remove and movers - {label}:
                relied.add(label)
    return ManifestRoles(tuple(sorted(moving)), tuple(sorted(relied)))
