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
stays. `cleaner.removal` moves a sidecar right after its picture, with its own undo record,
and leaves both where they are when a sidecar changed since the scan.

The walk never takes these files for pictures: their extensions are not picture extensions
(`cleaner.walk.IMAGE_EXTENSIONS`), even though a ``.THM`` is a valid JPEG.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import replace

from cleaner.models import DuplicateGroup, Sidecar
from cleaner.walk import is_image_candidate

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


def find_sidecars(picture_path: str, names_in_folder: Iterable[str]) -> tuple[str, ...]:
    """Paths of the sidecars of `picture_path` among the names of its folder, sorted."""
    folder, name = os.path.split(picture_path)
    keys = sidecar_keys(name)
    return tuple(
        sorted(
            os.path.join(folder, n)
            for n in names_in_folder
            if n != name and is_sidecar_name(n) and n.casefold() in keys
        )
    )


def users(sidecar_path: str, names_in_folder: Iterable[str]) -> tuple[str, ...]:
    """Paths of the pictures among the folder's names that use this sidecar, sorted."""
    folder, name = os.path.split(sidecar_path)
    key = name.casefold()
    return tuple(
        sorted(
            os.path.join(folder, n)
            for n in names_in_folder
            if n != name and is_picture_name(n) and key in sidecar_keys(n)
        )
    )


def regular_stat(path: str) -> os.stat_result | None:
    """`lstat` of a regular file; None for a symlink, a folder, a device, or nothing."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st if stat.S_ISREG(st.st_mode) else None


class FolderNames:
    """Names in each folder, read once per folder (one ``listdir`` per folder of a scan)."""

    def __init__(self) -> None:
        self._names: dict[str, tuple[str, ...]] = {}

    def __call__(self, folder: str) -> tuple[str, ...]:
        names = self._names.get(folder)
        if names is None:
            try:
                names = tuple(os.listdir(folder))
            except OSError:
                names = ()
            self._names[folder] = names
        return names


def sidecars_of(picture_path: str, names_in_folder: Sequence[str]) -> tuple[Sidecar, ...]:
    """The picture's sidecars as they are now. Only regular files count: PhotoSift never
    acts through a symbolic link."""
    found: list[Sidecar] = []
    for path in find_sidecars(picture_path, names_in_folder):
        st = regular_stat(path)
        if st is None:
            continue
        shared = tuple(p for p in users(path, names_in_folder) if p != picture_path)
        found.append(Sidecar(path, st.st_size, st.st_mtime_ns, shared))
    return tuple(found)


def with_sidecars(group: DuplicateGroup, names: FolderNames) -> DuplicateGroup:
    """`group` with each member's sidecars recorded (scan time)."""
    members = []
    for m in group.members:
        found = sidecars_of(m.path, names(os.path.dirname(m.path)))
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
