"""Sidecar files: the small files beside a picture that belong to it.

An archive's keywords, captions and edits often live beside the picture, not in it:

- ``IMG_1234.xmp`` (Lightroom, Bridge, Capture One, digiKam) or ``IMG_1234.CR2.xmp``
  (darktable, digiKam): XMP metadata;
- ``IMG_1234.AAE``: the edits Apple Photos made to ``IMG_1234.HEIC``/``.JPG``; imports
  from recent iPhones name it ``IMG_O1234.AAE`` (beside the original ``IMG_1234.HEIC``
  and the edited ``IMG_E1234.HEIC``);
- ``MVI_0042.THM``: the small JPEG thumbnail cameras write beside a RAW or a video.

The names are matched case-insensitively in the picture's own folder. A ``<stem>.xmp``,
``.aae`` or ``.thm`` is shared by every picture of that stem in the folder (``IMG_1234.CR2``
and ``IMG_1234.JPG`` both use ``IMG_1234.xmp``): it may go only when no picture that uses it
stays. `cleaner.removal.move` moves a sidecar right after its picture, with its own undo record,
and leaves both where they are when a sidecar changed since the scan.

The walk never takes these files for pictures: their extensions are not picture extensions
(`cleaner.formats.IMAGE_EXTENSIONS`), even though a ``.THM`` is a valid JPEG.
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from cleaner.formats import is_image_candidate
from cleaner.models import DuplicateGroup, Sidecar

SIDECAR_EXTENSIONS = frozenset({".xmp", ".aae", ".thm"})

# IMG_1234 -> IMG_O1234.AAE, as iPhones name the edits of an original on import.
_APPLE_NUMBERED = re.compile(r"^(.*_)(\d+)$", re.DOTALL)


def sidecar_keys(picture_name: str) -> frozenset[str]:
    """The case-folded names a sidecar of the picture named `picture_name` may have."""
    stem = os.path.splitext(picture_name)[0]
    names = {f"{stem}.xmp", f"{picture_name}.xmp", f"{stem}.aae", f"{stem}.thm"}
    numbered = _APPLE_NUMBERED.match(stem)
    if numbered is not None:
        names.add(f"{numbered[1]}O{numbered[2]}.aae")
    return frozenset(n.casefold() for n in names)


def is_sidecar_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in SIDECAR_EXTENSIONS


def is_picture_name(name: str) -> bool:
    """Whether a file of this name could be a picture that uses sidecars."""
    return is_image_candidate(name) and not is_sidecar_name(name)


def belongs_to(sidecar_path: str, picture_path: str) -> bool:
    """Whether `sidecar_path` names a sidecar of `picture_path` (same folder, known name)."""
    folder, name = os.path.split(sidecar_path)
    pic_folder, pic_name = os.path.split(picture_path)
    return (
        folder == pic_folder
        and name != pic_name
        and is_sidecar_name(name)
        and name.casefold() in sidecar_keys(pic_name)
    )


# IMG_O1234.aae (case-folded) -> IMG_1234: the stem of the original it belongs to.
_APPLE_ORIGINAL = re.compile(r"^(.*_)o(\d+)$", re.DOTALL)


class FolderIndex:
    """The names in one folder, indexed so that finding a picture's sidecars, or the
    pictures that use a sidecar, costs one dictionary look-up however big the folder.
    Pictures are indexed only once a sidecar's users are asked for: most folders have no
    sidecar at all, and then only the cheap extension test runs on their names."""

    def __init__(self, folder: str, names: Iterable[str]) -> None:
        self.folder = folder
        self._sidecars: dict[str, list[str]] = defaultdict(list)  # case-folded name -> names
        self._others: set[str] = set()  # every other name, indexed on demand
        self._pictures: dict[str, list[str]] | None = None  # case-folded stem/name -> names
        for name in names:
            self.add(name)

    @staticmethod
    def _picture_keys(name: str) -> set[str]:
        folded = name.casefold()
        return {folded, os.path.splitext(folded)[0]}

    def _picture_index(self) -> dict[str, list[str]]:
        if self._pictures is None:
            self._pictures = defaultdict(list)
            for name in self._others:
                if is_picture_name(name):
                    for key in self._picture_keys(name):
                        self._pictures[key].append(name)
            self._others = set()
        return self._pictures

    def add(self, name: str) -> None:
        if is_sidecar_name(name):
            self._sidecars[name.casefold()].append(name)
        elif self._pictures is None:
            self._others.add(name)
        elif is_picture_name(name):
            for key in self._picture_keys(name):
                self._pictures[key].append(name)

    def discard(self, name: str) -> None:
        if is_sidecar_name(name):
            entries = [self._sidecars.get(name.casefold(), [])]
        elif self._pictures is None:
            self._others.discard(name)
            return
        else:
            entries = [self._pictures.get(k, []) for k in self._picture_keys(name)]
        for names in entries:
            if name in names:
                names.remove(name)

    def sidecars(self, picture_name: str) -> tuple[str, ...]:
        """Paths of the sidecars of the picture named `picture_name`, sorted."""
        found = {n for key in sidecar_keys(picture_name) for n in self._sidecars.get(key, ())}
        found.discard(picture_name)
        return tuple(sorted(os.path.join(self.folder, n) for n in found))

    def users(self, sidecar_name: str) -> tuple[str, ...]:
        """Paths of the pictures that use the sidecar named `sidecar_name`, sorted."""
        key = sidecar_name.casefold()
        stem = os.path.splitext(key)[0]
        probes = {stem}
        original = _APPLE_ORIGINAL.match(stem)
        if original is not None:
            probes.add(original[1] + original[2])
        pictures = self._picture_index()
        found = {
            n
            for probe in probes
            for n in pictures.get(probe, ())
            if n != sidecar_name and key in sidecar_keys(n)
        }
        return tuple(sorted(os.path.join(self.folder, n) for n in found))


def find_sidecars(picture_path: str, names_in_folder: Iterable[str]) -> tuple[str, ...]:
    """Paths of the sidecars of `picture_path` among the names of its folder, sorted."""
    folder, name = os.path.split(picture_path)
    return FolderIndex(folder, names_in_folder).sidecars(name)


def users(sidecar_path: str, names_in_folder: Iterable[str]) -> tuple[str, ...]:
    """Paths of the pictures among the folder's names that use this sidecar, sorted."""
    folder, name = os.path.split(sidecar_path)
    return FolderIndex(folder, names_in_folder).users(name)


def regular_stat(path: str) -> os.stat_result | None:
    """`lstat` of a regular file; None for a symlink, a folder, a device, or nothing."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st if stat.S_ISREG(st.st_mode) else None


class FolderIndexes:
    """A `FolderIndex` per folder, read with one ``listdir`` and reused.

    The scan keeps each for the whole scan (`max_age` None). A removal batch rereads a
    folder when its index is older than `max_age` seconds and tells it about its own moves
    (`moved`), so that checking a huge folder before each of thousands of moves does not
    list it thousands of times, and a file that appears is seen within that time.
    """

    def __init__(self, max_age: float | None = None) -> None:
        self.max_age = max_age
        self._indexes: dict[str, tuple[float, FolderIndex]] = {}

    def index(self, folder: str) -> FolderIndex:
        """The folder's index. Raises OSError when the folder cannot be listed."""
        cached = self._indexes.get(folder)
        now = time.monotonic()
        if cached is not None and (self.max_age is None or now - cached[0] <= self.max_age):
            return cached[1]
        index = FolderIndex(folder, os.listdir(folder))
        self._indexes[folder] = (now, index)
        return index

    def moved(self, path: str) -> None:
        """`path` was moved away by this batch."""
        folder, name = os.path.split(path)
        cached = self._indexes.get(folder)
        if cached is not None:
            cached[1].discard(name)


def sidecars_of(picture_path: str, index: FolderIndex) -> tuple[Sidecar, ...]:
    """The picture's sidecars as they are now, from its folder's index. Only regular files
    count: PhotoSift never acts through a symbolic link."""
    found: list[Sidecar] = []
    for path in index.sidecars(os.path.basename(picture_path)):
        st = regular_stat(path)
        if st is None:
            continue
        shared = tuple(p for p in index.users(os.path.basename(path)) if p != picture_path)
        found.append(Sidecar(path, st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino, shared))
    return tuple(found)


def with_sidecars(group: DuplicateGroup, indexes: FolderIndexes) -> DuplicateGroup:
    """`group` with each member's sidecars recorded (scan time)."""
    members = []
    for m in group.members:
        folder = os.path.dirname(m.path)
        try:
            index = indexes.index(folder)
        except OSError:  # the walk read it a moment ago; unreadable now: no sidecars known
            index = FolderIndex(folder, ())
        found = sidecars_of(m.path, index)
        members.append(replace(m, entry=replace(m.entry, sidecars=found)) if found else m)
    return replace(group, members=tuple(members))


def share_out(
    planned: Sequence[tuple[str, tuple[Sidecar, ...]]],
) -> list[tuple[tuple[Sidecar, ...], tuple[str, ...]]]:
    """For each planned picture (path, its sidecars), in plan order: the sidecars that move
    with it, and the paths of its sidecars that stay.

    A sidecar moves only if every picture that uses it is planned, and then with the last
    of them, so it never leaves before a picture that uses it. One used by a picture that
    stays, stays with that picture.
    """
    going = {path for path, _ in planned}
    last: dict[str, int] = {}
    held: set[str] = set()  # used by a picture that stays, by any picture's record
    for k, (_path, cars) in enumerate(planned):
        for car in cars:
            last[car.path] = k
            if not all(p in going for p in car.shared_with):
                held.add(car.path)
    for path in held:
        del last[path]
    out: list[tuple[tuple[Sidecar, ...], tuple[str, ...]]] = []
    for k, (_path, cars) in enumerate(planned):
        moving = tuple(c for c in cars if last.get(c.path) == k)
        staying = tuple(c.path for c in cars if last.get(c.path) != k)
        out.append((moving, staying))
    return out
