"""Stream the files under one or more folders.

The walk is a generator: it yields each file as soon as its folder is read, so
progress shows from the first second even on a slow network share, and it can
be stopped between folders. It never follows symbolic links unless asked, skips
system and trash folders, and reports what it could not open instead of failing.
"""

from __future__ import annotations

import fnmatch
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cleaner.errors import BadRootError
from cleaner.formats import is_image_candidate
from cleaner.models import SkippedFile, SkipReason
from cleaner.safeopen import NotARegularFileError, kind_of

# Folders that hold system files, trash or generated thumbnails: never photos to clean.
SKIPPED_DIR_NAMES = frozenset(
    name.casefold()
    for name in (
        "$RECYCLE.BIN",
        "RECYCLER",
        "RECYCLED",
        "System Volume Information",
        "@eaDir",  # Synology thumbnails
        "#recycle",  # Synology recycle bin
        "#snapshot",
        ".thumbnails",
        ".thumbs",
        ".cache",
        ".git",
        ".hg",
        ".svn",
        ".Spotlight-V100",
        ".fseventsd",
        ".DocumentRevisions-V100",
        ".TemporaryItems",
        ".photosift-quarantine",
        "lost+found",
        "__pycache__",
        "node_modules",
    )
)
SKIPPED_DIR_PREFIXES = (".trash",)  # .Trash, .Trash-1000, .Trashes (case-insensitive)

# File names that are never pictures even when their contents might say so.


@dataclass(frozen=True, slots=True)
class FoundFile:
    """A regular file met by the walk, with the stat values taken at that moment."""

    path: str
    size: int
    mtime_ns: int
    device: int
    inode: int
    nlink: int


WalkItem = FoundFile | SkippedFile


def _ends_with_space(name: str) -> bool:
    """A picture's name with spaces after it ("photo.jpg "): its extension is ".jpg ",
    so it is no candidate, and Windows cannot even open it by that name (it drops
    trailing spaces, and would act on "photo.jpg", another file). It is listed as
    skipped, so the user can rename it, rather than silently left out."""
    stripped = name.rstrip(" ")
    return stripped != name and is_image_candidate(stripped) and not is_image_candidate(name)


def normalise_roots(roots: Iterable[str]) -> tuple[str, ...]:
    """Absolute, de-duplicated roots, dropping any root that lies inside another.

    Raises `BadRootError` with a one-line message for a root that is missing,
    not a folder, or cannot be opened.
    """
    cleaned: list[str] = []
    for root in roots:
        path = os.path.abspath(os.path.expanduser(root))
        if not os.path.exists(path):
            raise BadRootError(f"folder not found: {root}")
        if not os.path.isdir(path):
            raise BadRootError(f"not a folder: {root}")
        if not os.access(path, os.R_OK | os.X_OK):
            raise BadRootError(f"folder cannot be opened (permission denied): {root}")
        cleaned.append(os.path.realpath(path) if os.path.islink(path) else path)
    unique = sorted(set(cleaned), key=lambda p: (len(p), p))
    kept: list[str] = []
    for path in unique:
        if not any(_is_inside(path, parent) for parent in kept):
            kept.append(path)
    return tuple(kept)


def _is_inside(path: str, parent: str) -> bool:
    if path == parent:
        return True
    return path.startswith(parent.rstrip(os.sep) + os.sep)


def _skip_dir(name: str) -> bool:
    folded = name.casefold()
    return folded in SKIPPED_DIR_NAMES or folded.startswith(SKIPPED_DIR_PREFIXES)


class _Excluder:
    def __init__(self, patterns: Iterable[str]) -> None:
        self._patterns = tuple(p.replace("\\", "/").rstrip("/") for p in patterns if p.strip())

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def excluded(self, name: str, relpath: str) -> bool:
        rel = relpath.replace(os.sep, "/")
        for pattern in self._patterns:
            if "/" in pattern:
                if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern.lstrip("/")):
                    return True
            elif fnmatch.fnmatch(name, pattern):
                return True
        return False


def walk(
    roots: Iterable[str],
    excludes: Iterable[str] = (),
    follow_symlinks: bool = False,
) -> Iterator[WalkItem]:
    """Yield every regular file under `roots` (already normalised) and every skip.

    Folders are read one at a time, depth first; a folder that cannot be read is
    yielded as a `SkippedFile` and the walk goes on. Symbolic links are yielded as
    skipped unless `follow_symlinks`, in which case loops are detected by the
    folder's (device, inode) and reported once.
    """
    excluder = _Excluder(excludes)
    visited_dirs: set[tuple[int, int]] = set()
    need_full_stat = sys.platform == "win32"  # DirEntry.stat() has no inode there
    for root in roots:
        try:
            root_stat = os.stat(root)
        except OSError as exc:
            yield SkippedFile(root, SkipReason.FOLDER_UNREADABLE, _os_detail(exc))
            continue
        visited_dirs.add((root_stat.st_dev, root_stat.st_ino))
        stack: list[str] = [root]
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                yield SkippedFile(folder, SkipReason.FOLDER_UNREADABLE, _os_detail(exc))
                continue
            subfolders: list[str] = []
            for entry in entries:
                path = entry.path
                name = entry.name
                if excluder and excluder.excluded(name, os.path.relpath(path, root)):
                    continue
                try:
                    is_link = entry.is_symlink()
                    if is_link and not follow_symlinks:
                        yield SkippedFile(path, SkipReason.SYMLINK)
                        continue
                    st = entry.stat(follow_symlinks=True)
                    if need_full_stat or is_link:
                        st = os.stat(path)
                except FileNotFoundError:
                    if is_link:
                        yield SkippedFile(path, SkipReason.SYMLINK, "its target does not exist")
                    else:
                        yield SkippedFile(path, SkipReason.VANISHED)
                    continue
                except OSError as exc:
                    if _is_loop(exc):
                        yield SkippedFile(path, SkipReason.SYMLINK_LOOP)
                    else:
                        yield SkippedFile(path, _reason_for(exc), _os_detail(exc))
                    continue
                if stat.S_ISDIR(st.st_mode):
                    if _skip_dir(name):
                        continue
                    key = (st.st_dev, st.st_ino)
                    if key in visited_dirs:
                        if is_link:
                            yield SkippedFile(path, SkipReason.SYMLINK_LOOP)
                        continue
                    visited_dirs.add(key)
                    subfolders.append(path)
                elif not stat.S_ISREG(st.st_mode):
                    # a FIFO, device or socket: reading it could block or never end
                    if is_image_candidate(path):
                        yield SkippedFile(path, SkipReason.NOT_A_FILE, kind_of(st.st_mode))
                elif _ends_with_space(name):
                    yield SkippedFile(path, SkipReason.NAME_ENDS_WITH_SPACE)
                else:
                    yield FoundFile(
                        path=path,
                        size=st.st_size,
                        mtime_ns=st.st_mtime_ns,
                        device=st.st_dev,
                        inode=st.st_ino,
                        nlink=st.st_nlink,
                    )
            stack.extend(reversed(subfolders))


def _is_loop(exc: OSError) -> bool:
    import errno

    return exc.errno == errno.ELOOP


def _reason_for(exc: OSError) -> SkipReason:
    if isinstance(exc, NotARegularFileError):
        return SkipReason.NOT_A_FILE
    if isinstance(exc, PermissionError):
        return SkipReason.PERMISSION_DENIED
    if isinstance(exc, FileNotFoundError):
        return SkipReason.VANISHED
    return SkipReason.UNREADABLE


def _os_detail(exc: OSError) -> str:
    if isinstance(exc, NotARegularFileError):
        return exc.kind
    return exc.strerror or str(exc)


def reason_for_os_error(exc: OSError) -> tuple[SkipReason, str]:
    """The skip reason and a short detail for an OS error met while reading a file."""
    return _reason_for(exc), _os_detail(exc)
