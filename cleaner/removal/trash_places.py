"""Where the operating system's trash is, for a file at a given path, on each platform.

`cleaner.removal.trash` moves files there (through send2trash) and `cleaner.removal.restore`
and `cleaner.removal.rescue` look for them there; both read the layouts from here:

- freedesktop.org (Linux, BSD): the home trash ``$XDG_DATA_HOME/Trash`` and, on the
  volume that holds the file, ``.Trash/$UID`` (shared, made by the administrator) and
  ``.Trash-$UID`` (the user's own).
- Windows: ``<drive>\\$Recycle.Bin\\<SID>`` on the file's drive; network drives have no
  Recycle Bin.
- macOS: ``~/.Trash``, and ``/Volumes/X/.Trashes/$UID`` for a file on another volume.

Only where the folders are lives here; what is in them (``.trashinfo``, ``$I`` records)
is read by `cleaner.removal.restore`.
"""

from __future__ import annotations

import ntpath
import os
import sys
from dataclasses import dataclass


def volume_root(path: str) -> str:
    """The mount point (POSIX) or drive/share root (Windows) holding `path` (where its
    volume's trash and PhotoSift's quarantine folder go)."""
    path = os.path.abspath(path)
    if sys.platform == "win32":
        drive = ntpath.splitdrive(path)[0]
        return drive + "\\"
    current = os.path.dirname(path) if not os.path.isdir(path) else path
    while not os.path.ismount(current):
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return current


# -- whether the trash exists ------------------------------------------------------------


def trash_supported(path: str) -> bool:
    """False where the trash is known not to exist for `path` (Windows network drives)."""
    if sys.platform == "win32":
        import ctypes

        drive = ntpath.splitdrive(os.path.abspath(path))[0]
        if drive.startswith(("\\\\", "//")):
            return False  # UNC share: no Recycle Bin
        drive_remote = 4
        kind: int = ctypes.windll.kernel32.GetDriveTypeW(drive + "\\")
        return kind != drive_remote
    return True


# -- freedesktop.org trash ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrashDir:
    """One freedesktop trash folder and the folder its relative ``Path=`` keys start from."""

    path: str
    topdir: str


def xdg_data_home() -> str:
    # Normalised: "$HOME/.local/share" with a HOME ending in "/" has a doubled separator,
    # and the undo log keeps only plain paths of the trashed files found below it.
    return os.path.normpath(os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"))


def freedesktop_trash_dirs(original_path: str, uid: int | None = None) -> list[TrashDir]:
    """The home trash and the trashes of the volume that held `original_path`."""
    uid = os.getuid() if uid is None else uid
    home = xdg_data_home()
    top = volume_root(original_path)
    dirs = [
        TrashDir(os.path.join(home, "Trash"), home),
        TrashDir(os.path.join(top, ".Trash", str(uid)), top),
        TrashDir(os.path.join(top, f".Trash-{uid}"), top),
    ]
    seen: set[str] = set()
    unique = []
    for d in dirs:
        key = os.path.realpath(d.path)
        if key not in seen:
            seen.add(key)
            unique.append(d)
    return unique


def send2trash_trash_dirs(path: str) -> list[str]:
    """The freedesktop trash folders send2trash may move `path` to, spelled as it spells
    them (not normalised, unlike `freedesktop_trash_dirs`): the home trash, then the
    volume's ``.Trash/$UID`` and ``.Trash-$UID``."""
    home = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    top = volume_root(path)
    uid = os.getuid() if hasattr(os, "getuid") else 0
    dirs = [
        os.path.join(home, "Trash"),
        os.path.join(top, ".Trash", str(uid)),
        os.path.join(top, f".Trash-{uid}"),
    ]
    return list(dict.fromkeys(dirs))


# -- Windows Recycle Bin -----------------------------------------------------------------


def recycle_bin_dirs(original_path: str) -> list[str]:
    """The per-user folders of the Recycle Bin on the drive of `original_path`."""
    root = os.path.join(volume_root(original_path), "$Recycle.Bin")
    try:
        return [os.path.join(root, n) for n in sorted(os.listdir(root))]
    except OSError:
        return []


# -- macOS trash ---------------------------------------------------------------------------


def mac_trash_dirs(original_path: str) -> list[str]:
    """The user's trash, and the trash of the other volume that held `original_path`."""
    dirs = [os.path.expanduser("~/.Trash")]
    top = volume_root(original_path)
    if top != "/":
        dirs.append(os.path.join(top, ".Trashes", str(os.getuid())))
    return dirs
