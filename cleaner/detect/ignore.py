"""The ignore list: sets of files the user said are not copies ("These are not copies").

A scan still finds such a set; `split_ignored` takes it out before it is shown, in the
window and on the command line (`photosift scan --ignore-list FILE`, by default the user's
list; `--no-ignore-list` shows everything).

A set is remembered by the *content* of its files, not their names, so a renamed or moved
file keeps its set ignored. Each copy's identity is its SHA-256 digest when the scan
computed one, else its size and the measurements of its decoded picture (format,
dimensions, sharpness, detail, capture time), which depend on the bytes only. The set's
key is the SHA-256 of its copies' identities, sorted (duplicates kept). So:

- renaming or moving a file of an ignored set: still ignored;
- a new copy joining the set (one file more): the key changes and the set is shown again,
  because it is no longer the set the user looked at;
- a copy leaving it (moved to the trash): also shown again, if two or more are left.

The file is ``ignored-sets.json`` in the user's data folder (`cleaner.paths.data_dir`),
written atomically (see docs/ignore-list.md for its format). Reading never raises: a
missing file is an empty list; a damaged or hand-edited one gives the entries that can
be read and a `problem` in words; saving over a damaged file first keeps it aside as
``ignored-sets.json.damaged``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cleaner.atomic import atomic_text_file
from cleaner.models import DuplicateGroup, GroupMember, ScanResult
from cleaner.paths import data_dir
from cleaner.safeopen import NotARegularFileError, open_regular

IGNORE_FILE_NAME = "ignored-sets.json"
FORMAT_NAME = "photosift-ignore-list"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 64 * 1024 * 1024  # a list larger than this is not one PhotoSift wrote
_KEY_LENGTH = 64


class IgnoreListError(Exception):
    """The ignore list could not be written (the message says which file and why)."""


def default_ignore_path() -> Path:
    """The user's ignore list: ``ignored-sets.json`` in PhotoSift's data folder."""
    return data_dir() / IGNORE_FILE_NAME


def member_identity(member: GroupMember) -> str:
    """What a copy is, from its content only (never its path)."""
    if member.sha256:
        return f"sha256:{member.sha256}"
    m = member.metrics
    if m is None:  # cannot happen for a scanned group: an undecodable copy is exact
        return f"size:{member.entry.size}"
    return (
        f"pic:{member.entry.size}:{m.format}:{m.width}x{m.height}:"
        f"{m.sharpness:.3f}:{m.detail:.3f}:{m.capture_time or ''}"
    )


def group_key(group: DuplicateGroup) -> str:
    """The set's key in the ignore list: the same files under other names give the same key."""
    identities = sorted(member_identity(m) for m in group.members)
    return hashlib.sha256("\n".join(identities).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class IgnoredSet:
    key: str
    files: tuple[str, ...] = ()  # the names when it was ignored, for the user to recognise
    added: str = ""  # ISO 8601


class IgnoreList:
    """The ignored sets, in the order they were added. `problem` says what could not be read."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.problem = ""
        self._entries: dict[str, IgnoredSet] = {}
        self._damaged = False  # the file on disk is not ours to overwrite blindly

    # -- reading -------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> IgnoreList:
        """Read `path` (default: the user's list). Never raises: see `problem`."""
        target = Path(path) if path is not None else default_ignore_path()
        ignore = cls(target)
        try:
            # never a plain open(): a FIFO in the list's place would block the scan forever
            with open_regular(target) as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return ignore
        except NotARegularFileError as exc:
            ignore._fail(f"it is not a regular file but {exc.kind}")
            return ignore
        except OSError as exc:
            ignore._fail(f"cannot read it ({exc.strerror or exc})")
            return ignore
        if len(data) > MAX_FILE_BYTES:
            ignore._fail("it is far larger than an ignore list can be")
            return ignore
        try:
            doc = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            ignore._fail(f"it is not valid JSON ({exc})")
            return ignore
        if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
            ignore._fail("it is not a PhotoSift ignore list")
            return ignore
        version = doc.get("version")
        if version != FORMAT_VERSION:
            ignore._fail(f"it is version {version!r}; this PhotoSift reads {FORMAT_VERSION}")
            return ignore
        sets = doc.get("sets")
        if not isinstance(sets, list):
            ignore._fail('its "sets" is not a list')
            return ignore
        bad = 0
        for item in sets:
            entry = _entry(item)
            if entry is None:
                bad += 1
            else:
                ignore._entries.setdefault(entry.key, entry)
        if bad:
            ignore._fail(f"{bad} of its {len(sets)} entries could not be read and are left out")
        return ignore

    def _fail(self, why: str) -> None:
        self._damaged = True
        self.problem = f"The ignore list {self.path} was not fully read: {why}."

    # -- queries -------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def keys(self) -> list[str]:
        return list(self._entries)

    def entries(self) -> list[IgnoredSet]:
        return list(self._entries.values())

    def is_ignored(self, group: DuplicateGroup) -> bool:
        return bool(self._entries) and group_key(group) in self._entries

    # -- changes -------------------------------------------------------------------------

    def add(self, group: DuplicateGroup) -> str:
        """Ignore `group`; returns its key."""
        key = group_key(group)
        self.add_key(key, [m.path for m in group.members])
        return key

    def add_key(self, key: str, files: Sequence[str] = ()) -> None:
        if not is_ignore_key(key):
            raise ValueError(f"not an ignore-list key: {key!r}")
        if key not in self._entries:
            added = datetime.now(timezone.utc).isoformat(timespec="seconds")
            self._entries[key] = IgnoredSet(key, tuple(files), added)

    def remove(self, key: str) -> bool:
        return self._entries.pop(key, None) is not None

    def clear(self) -> None:
        self._entries.clear()

    def save(self) -> None:
        """Write the list atomically; a damaged file it replaces is kept aside first."""
        if self.path is None:
            raise IgnoreListError("this ignore list has no file to be saved to")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._damaged and self.path.exists():
                shutil.copyfile(self.path, self.path.with_name(self.path.name + ".damaged"))
            doc = {
                "format": FORMAT_NAME,
                "version": FORMAT_VERSION,
                "sets": [
                    {"key": e.key, "files": list(e.files), "added": e.added}
                    for e in self._entries.values()
                ],
            }
            with atomic_text_file(self.path) as fh:
                json.dump(doc, fh, indent=1, ensure_ascii=True)
                fh.write("\n")
        except (OSError, UnicodeError) as exc:
            raise IgnoreListError(f"cannot save the ignore list {self.path}: {exc}") from exc
        self._damaged = False


def is_ignore_key(value: object) -> bool:
    """Whether `value` has the form of a set's key (64 lowercase hex digits)."""
    return (
        isinstance(value, str)
        and len(value) == _KEY_LENGTH
        and all(c in "0123456789abcdef" for c in value)
    )


def _entry(item: Any) -> IgnoredSet | None:
    if not isinstance(item, dict) or not is_ignore_key(item.get("key")):
        return None
    files = item.get("files", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        files = []
    added = item.get("added", "")
    return IgnoredSet(item["key"], tuple(files), added if isinstance(added, str) else "")


def split_ignored(
    groups: Iterable[DuplicateGroup], ignore: IgnoreList | None
) -> tuple[list[DuplicateGroup], list[DuplicateGroup]]:
    """(shown, ignored): the groups the list does not hold, and those it does, in order."""
    shown: list[DuplicateGroup] = []
    hidden: list[DuplicateGroup] = []
    for group in groups:
        (hidden if ignore is not None and ignore.is_ignored(group) else shown).append(group)
    return shown, hidden


def without_ignored(
    result: ScanResult, ignore: IgnoreList | None
) -> tuple[ScanResult, list[DuplicateGroup]]:
    """`result` without its ignored sets (its counts recomputed), and the sets taken out."""
    shown, hidden = split_ignored(result.groups, ignore)
    if not hidden:
        return result, hidden
    stats = replace(
        result.stats,
        groups=len(shown),
        redundant_copies=sum(1 for g in shown for m in g.members if m.suggested_remove),
        reclaimable_bytes=sum(g.reclaimable_bytes for g in shown),
    )
    extra = {**result.extra, "ignored_sets": str(len(hidden))}
    return replace(result, groups=tuple(shown), stats=stats, extra=extra), hidden
