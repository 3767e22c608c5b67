"""Read a catalog back: what grouping across catalogs needs, checked row by row.

    catalog = read(Path("nas-1.photosift-catalog"))   # raises CatalogError in one line
    for f in catalog.files:
        f.label, f.root, f.relpath, f.path, f.sha256, f.analysis, f.failure

`read` verifies the whole file before returning: its identity and schema version, that
its build finished, the checksum of every row, and that every row holds what a build
writes. With `for_grouping` (the default) a catalog whose fingerprints were taken by
another version of the algorithm is refused too, since its pictures would not match
this version's. `inspect` does the same checks and returns only the description.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cleaner.catalog.mapstore import shared_map
from cleaner.catalog.schema import (
    BUILDING,
    CatalogError,
    CatalogVersionError,
    Checksum,
    UnfinishedCatalog,
    changed_message,
    check_identity,
    damaged_message,
    iter_checked,
    open_read_only,
    relpath_text,
    unfinished_message,
    unpack_columns,
)
from cleaner.detect.cache import analysis_from_columns
from cleaner.detect.decode import DecodeFailure
from cleaner.detect.fingerprint import ALGORITHM_VERSION
from cleaner.i18n import _
from cleaner.models import Analysis, SkippedFile, SkipReason


@dataclass(frozen=True, slots=True)
class CatalogInfo:
    """A catalog's description (its `meta` and `roots` tables)."""

    path: str
    label: str
    machine: str
    photosift_version: str
    algorithm_version: int
    library_versions: str
    schema_version: int
    roots: tuple[str, ...]
    build_started_at: str
    build_finished_at: str
    files: int
    pictures: int
    bytes: int
    skipped: int
    max_pixels: int
    follow_symlinks: bool
    excludes: tuple[str, ...]
    skipped_reasons: tuple[tuple[SkipReason, int], ...] = ()  # how many per reason, most first


@dataclass(frozen=True, slots=True)
class CatalogFile:
    """One picture file of a catalog: where it is on its machine, what it is, and what
    was measured (`analysis`), or why it could not be (`failure`)."""

    label: str
    root: str  # the root folder on the machine that built the catalog
    relpath: str  # below the root, with this system's separator
    size: int
    mtime_ns: int
    device: int
    inode: int
    nlink: int
    sha256: str  # 64 hex digits
    analysis: Analysis | None
    failure: DecodeFailure | None

    @property
    def path(self) -> str:
        """The file's path on the machine that built the catalog."""
        return os.path.join(self.root, self.relpath) if self.relpath else self.root

    @property
    def labelled_path(self) -> str:
        """``label:/root/relpath``: the file, named so it is unique across an estate."""
        return f"{self.label}:{self.path}"


@dataclass(frozen=True, slots=True)
class Catalog:
    info: CatalogInfo
    files: tuple[CatalogFile, ...]
    skipped: tuple[SkippedFile, ...]


def inspect(path: str | os.PathLike[str]) -> CatalogInfo:
    """The description of a catalog, after every check `read` makes except the algorithm
    version (a description is useful from any version). Raises `CatalogError`."""
    return _read(Path(path), for_grouping=False, keep_rows=False).info


def read(path: str | os.PathLike[str], *, for_grouping: bool = True) -> Catalog:
    """The whole catalog, verified (see the module's docstring). Raises `CatalogError`,
    `UnfinishedCatalog` or `CatalogVersionError`, each with a one-line message."""
    return _read(Path(path), for_grouping=for_grouping, keep_rows=True)


def check_usable(path: Path, conn: sqlite3.Connection, *, for_grouping: bool) -> dict[str, str]:
    """The catalog's meta rows, after the checks that need no row: a catalog of a schema
    this PhotoSift reads, whose build finished, and (`for_grouping`) whose fingerprints
    this version's algorithm took. Raises a `CatalogError` in one line."""
    meta = check_identity(path, conn)
    if meta.get("state") == BUILDING:
        raise UnfinishedCatalog(unfinished_message(path, meta.get("build_started_at", "")))
    try:
        algorithm = int(meta.get("algorithm_version", ""))
    except ValueError:
        raise CatalogError(damaged_message(path, _("its algorithm version is missing"))) from None
    if for_grouping and algorithm != ALGORITHM_VERSION:
        raise CatalogVersionError(
            _(
                "{path} was built with fingerprint algorithm {algorithm}, and this PhotoSift "
                "uses {version}: its pictures cannot be compared; build it again with this "
                "version"
            ).format(path=path, algorithm=algorithm, version=ALGORITHM_VERSION)
        )
    return meta


_HEX = re.compile(r"[0-9a-f]{64}")


def _read(path: Path, *, for_grouping: bool, keep_rows: bool) -> Catalog:
    with open_read_only(path) as conn:
        meta = check_usable(path, conn, for_grouping=for_grouping)
        label = meta.get("label", "")
        dictionary = meta.get("metrics_dictionary", "").encode("utf-8", "surrogateescape")
        checksum = Checksum()
        roots: dict[int, str] = {}
        files: list[CatalogFile] = []
        skipped: list[SkippedFile] = []
        maps: dict[bytes, bytes] = {}  # SHA-256 -> detail map, shared by exact copies
        bad: str | None = None  # what is wrong with the first row a build did not write
        for table, row in iter_checked(conn, checksum):
            if table == "roots":
                rid, raw = row
                if isinstance(rid, int) and isinstance(raw, bytes):
                    roots[rid] = os.fsdecode(raw)
                else:
                    bad = bad or _("a root row does not hold what PhotoSift writes")
            elif table == "maps":
                sha, blob = row
                if isinstance(sha, bytes) and len(sha) == 32 and isinstance(blob, bytes):
                    maps[sha] = blob
                else:
                    bad = bad or _("a detail map row does not hold what PhotoSift writes")
            elif table == "files":
                entry = _file_of(row, roots, label, dictionary, maps)
                if entry is None:
                    bad = bad or _("the row of {file} does not hold what PhotoSift writes").format(
                        file=repr(row[1])
                    )
                elif keep_rows:
                    files.append(entry)
            elif table == "skipped":
                skip = _skip_of(row, roots)
                if skip is None:
                    bad = bad or _(
                        "the skipped row of {file} does not hold what PhotoSift writes"
                    ).format(file=repr(row[1]))
                elif keep_rows:
                    skipped.append(skip)
        if meta.get("checksum") != checksum.hex():
            raise CatalogError(changed_message(path))
        if bad is not None:
            raise CatalogError(damaged_message(path, bad))
    return Catalog(
        info=catalog_info(path, meta, tuple(roots.values())),
        files=tuple(files),
        skipped=tuple(skipped),
    )


def _file_of(
    row: tuple[object, ...],
    roots: dict[int, str],
    label: str,
    dictionary: bytes,
    maps: dict[bytes, bytes],
) -> CatalogFile | None:
    (root, rel, size, mtime, device, inode, nlink, sha, metrics, hashes, thumb, detail,
     colour, reason, detail_text) = row  # fmt: skip
    if not (
        isinstance(root, int)
        and root in roots
        and isinstance(rel, bytes)
        and all(isinstance(v, int) for v in (size, mtime, device, inode, nlink))
        and isinstance(sha, bytes)
        and len(sha) == 32
    ):
        return None
    analysis = None
    failure = None
    if metrics is not None:
        detail = shared_map(detail, sha, maps)
        columns = unpack_columns((metrics, hashes, thumb, detail, colour), dictionary)
        if columns is None or reason is not None:
            return None
        analysis = analysis_from_columns(*columns)
        if analysis is None:
            return None
    else:
        if not isinstance(reason, str) or not isinstance(detail_text, str | None):
            return None
        try:
            failure = DecodeFailure(SkipReason(reason), detail_text or "")
        except ValueError:
            return None
    return CatalogFile(
        label=label,
        root=roots[root],
        relpath=relpath_text(rel),
        size=int(size),  # type: ignore[call-overload]
        mtime_ns=int(mtime),  # type: ignore[call-overload]
        device=int(device),  # type: ignore[call-overload]
        inode=int(inode),  # type: ignore[call-overload]
        nlink=int(nlink),  # type: ignore[call-overload]
        sha256=sha.hex(),
        analysis=analysis,
        failure=failure,
    )


def _skip_of(row: tuple[object, ...], roots: dict[int, str]) -> SkippedFile | None:
    root, rel, reason, detail = row
    if not (isinstance(root, int) and root in roots and isinstance(rel, bytes)):
        return None
    if not isinstance(reason, str) or not isinstance(detail, str):
        return None
    try:
        why = SkipReason(reason)
    except ValueError:
        return None
    text = relpath_text(rel)
    return SkippedFile(os.path.join(roots[root], text) if text else roots[root], why, detail)


def catalog_info(path: Path, meta: dict[str, str], roots: tuple[str, ...]) -> CatalogInfo:
    def number(key: str) -> int:
        try:
            return int(meta.get(key, "0"))
        except ValueError:
            raise CatalogError(
                damaged_message(path, _("its {key} is not a number").format(key=key))
            ) from None

    try:
        excludes = tuple(str(x) for x in json.loads(meta.get("excludes", "[]")))
        counts = json.loads(meta.get("skipped_reasons", "{}"))
        reasons = tuple(
            sorted(((SkipReason(k), int(v)) for k, v in counts.items()), key=lambda kv: -kv[1])
        )
    except (ValueError, TypeError, AttributeError):
        raise CatalogError(damaged_message(path, _("its description is not readable"))) from None
    return CatalogInfo(
        path=str(path),
        label=meta.get("label", ""),
        machine=meta.get("machine", ""),
        photosift_version=meta.get("photosift_version", ""),
        algorithm_version=number("algorithm_version"),
        library_versions=meta.get("library_versions", ""),
        schema_version=number("schema_version"),
        roots=roots,
        build_started_at=meta.get("build_started_at", ""),
        build_finished_at=meta.get("build_finished_at", ""),
        files=number("files"),
        pictures=number("pictures"),
        bytes=number("bytes"),
        skipped=number("skipped"),
        max_pixels=number("max_pixels"),
        follow_symlinks=bool(number("follow_symlinks")),
        excludes=excludes,
        skipped_reasons=reasons,
    )
