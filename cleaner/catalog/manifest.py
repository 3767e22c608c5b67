"""Removal manifests and keeper verifications: the files that carry a scan of catalogs back
to the servers (docs/catalog.md, "Removal manifests").

This module is the format: what the files hold, and reading them back checked.
`photosift scan --catalog ... --manifests DIR` writes one manifest per label
(`cleaner.catalog.manifest_write`): which of that server's files the scan suggests
moving, set by set, with every copy that stays (on any server), and which of that
server's files other servers' removals lean on (its *keepers for others*). `photosift
catalog verify` checks those keepers on their server and writes a verification
(`cleaner.catalog.manifest_local`); `photosift clean --from MANIFEST` moves the copies.

Both files are JSON Lines: a header line, one line per record, and a last line with the
SHA-256 of every byte before it. The checksum of the whole file is checked before any
record is used, so a truncated or hand-edited file is refused in one line
(`ManifestError`), and a file of millions of records is never one JSON document in memory.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import platform
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cleaner.atomic import atomic_text_file
from cleaner.errors import PhotoSiftError
from cleaner.i18n import N_, _, number
from cleaner.safeopen import NotARegularFileError, open_regular
from cleaner.version import __version__

MANIFEST_FORMAT = "photosift-removal-manifest"
VERIFICATION_FORMAT = "photosift-keeper-verification"
FORMAT_VERSION = 1
MANIFEST_SUFFIX = ".manifest.jsonl"
VERIFICATION_SUFFIX = ".verified.jsonl"
# One set is one line, ~250 bytes per copy: a picture found 200,000 times across an estate
# still fits. A longer line (a file with no line breaks) is refused, never read whole.
MAX_LINE = 64 << 20
_HEX64 = re.compile(r"[0-9a-f]{64}")


class ManifestError(PhotoSiftError):
    """A manifest or verification that cannot be used; the message is one line naming
    the file and saying what to do."""


# -- what a manifest holds -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogIdentity:
    """The catalog a label's records come from, as the scan read it."""

    label: str
    checksum: str  # the catalog's own checksum (its `meta` row): which build of it
    machine: str  # the machine that built it
    roots: tuple[str, ...]  # its roots, as they were catalogued


@dataclass(frozen=True, slots=True)
class Record:
    """One file of a catalog: its root (an index into the catalog's roots), its path
    below that root ("/" between folders) and what the catalog recorded of it."""

    label: str
    root: int
    path: str
    size: int
    mtime_ns: int
    inode: int  # 0 where the file system gave none
    sha256: str
    damaged: bool = False

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.label, self.root, self.path)


@dataclass(frozen=True, slots=True)
class ManifestSet:
    """One set with a suggested removal on the manifest's server: the copies to move
    (all on that server) and every copy of the set that stays, on any server."""

    set_id: int
    kind: str
    move: tuple[Record, ...]
    survivors: tuple[Record, ...]


@dataclass(frozen=True, slots=True)
class Manifest:
    path: str
    run: str  # one scan's id: its manifests and their verifications share it
    label: str
    written_at: str
    catalogs: dict[str, CatalogIdentity]  # this label's, and every label a survivor is on
    sets: tuple[ManifestSet, ...]
    keep: tuple[Record, ...]  # this server's files other servers' removals lean on

    @property
    def catalog(self) -> CatalogIdentity:
        return self.catalogs[self.label]


@dataclass(frozen=True, slots=True)
class Verification:
    """What `photosift catalog verify` found on one server: the keepers it confirmed."""

    path: str
    run: str
    label: str
    catalog_checksum: str
    machine: str
    verified_at: str
    confirmed: frozenset[tuple[int, str, str, int]]  # (root, path, sha256, size)
    # as found there, for `(root, path)`: (device, inode, size, mtime_ns)
    found: dict[tuple[int, str], tuple[int, int, int, int]]


# -- file names ------------------------------------------------------------------------------


def verification_path(manifest_path: str) -> Path:
    """Where `catalog verify` writes by default: beside the manifest, named after it."""
    p = Path(manifest_path)
    stem = p.name.removesuffix(MANIFEST_SUFFIX) if p.name.endswith(MANIFEST_SUFFIX) else p.stem
    return p.with_name(stem + VERIFICATION_SUFFIX)


# -- writing ---------------------------------------------------------------------------------


class ChecksummedWriter:
    """Lines out, each added to the SHA-256 the last line carries (`close` writes it)."""

    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()
        self.lines = 0

    def line(self, value: object) -> None:
        # Keys in the order written (the header's "format" first, so a reader recognises
        # the file by its first bytes); the checksum covers the bytes, whatever the order.
        text = json.dumps(value, ensure_ascii=True, separators=(",", ":")) + "\n"
        self.digest.update(text.encode("ascii"))
        self.fh.write(text)
        self.lines += 1

    def close(self) -> None:
        last = {"checksum": "sha256:" + self.digest.hexdigest(), "lines": self.lines}
        self.fh.write(json.dumps(last, separators=(",", ":")) + "\n")


def now_text() -> str:
    return _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def this_machine() -> str:
    """This machine's name, as a catalog build records it."""
    return platform.node()


def write_verification(
    target: Path,
    manifest: Manifest,
    confirmed: Iterable[tuple[Record, tuple[int, int, int, int]]],
) -> None:
    """The verification file of `manifest`'s server: each confirmed keeper with its
    (device, inode, size, mtime_ns) as found."""
    with atomic_text_file(target, encoding="ascii", newline="\n") as fh:
        w = ChecksummedWriter(fh)
        w.line(
            {
                "format": VERIFICATION_FORMAT,
                "format_version": FORMAT_VERSION,
                "run": manifest.run,
                "label": manifest.label,
                "catalog_checksum": manifest.catalog.checksum,
                "machine": this_machine(),
                "verified_at": now_text(),
                "photosift_version": __version__,
            }
        )
        for r, (device, inode, size, mtime_ns) in confirmed:
            w.line(
                {
                    "root": r.root,
                    "path": r.path,
                    "sha256": r.sha256,
                    "size": size,
                    "mtime_ns": mtime_ns,
                    "device": device,
                    "inode": inode,
                }
            )
        w.close()


# -- reading ---------------------------------------------------------------------------------

# What to do about a file that cannot be used (marked here, translated where said).
_REMAKE = N_("write the manifests again (photosift scan --catalog ... --manifests DIR)")
_REVERIFY = N_("run 'photosift catalog verify' again on that server")

# The refusals that name the kind of file, one whole sentence per kind ("manifest" or
# "verification"): in Spanish the two differ in gender, so no sentence takes the noun in.
_SAID: dict[str, dict[str, str]] = {
    "manifest": {
        "missing": N_("no such manifest: {path}"),
        "empty": N_("{path} is empty: it is not a PhotoSift manifest"),
        "foreign": N_("{path} is not a PhotoSift manifest"),
        "edited": N_(
            "{path} was changed after it was written (its checksum does not match); "
            "PhotoSift does not act on an edited manifest: {remedy}"
        ),
        "format": N_(
            "{path} is a manifest of format {version} and this PhotoSift reads format "
            "{expected}: use the PhotoSift that wrote it, or write it again"
        ),
    },
    "verification": {
        "missing": N_("no such verification: {path}"),
        "empty": N_("{path} is empty: it is not a PhotoSift verification"),
        "foreign": N_("{path} is not a PhotoSift verification"),
        "edited": N_(
            "{path} was changed after it was written (its checksum does not match); "
            "PhotoSift does not act on an edited verification: {remedy}"
        ),
        "format": N_(
            "{path} is a verification of format {version} and this PhotoSift reads format "
            "{expected}: use the PhotoSift that wrote it, or write it again"
        ),
    },
}


def _said(what: str, key: str, **values: object) -> ManifestError:
    return ManifestError(_(_SAID[what][key]).format(**values))


def _unreadable(path: str, exc: OSError) -> ManifestError:
    return ManifestError(
        _("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)
    )


def _open(path: str, what: str) -> IO[bytes]:
    try:
        return open_regular(path)
    except FileNotFoundError:
        raise _said(what, "missing", path=path) from None
    except NotARegularFileError as exc:
        raise ManifestError(
            _("{path} is not a regular file ({kind})").format(path=path, kind=_(exc.kind))
        ) from None
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _raw_lines(fh: IO[bytes], path: str, remedy: str) -> Iterator[bytes]:
    n = 0
    while raw := fh.readline(MAX_LINE + 1):
        n += 1
        if len(raw) > MAX_LINE or not raw.endswith(b"\n"):
            raise ManifestError(
                _("{path} is truncated or damaged (line {line} is cut off): {advice}").format(
                    path=path, line=number(n), advice=_(remedy)
                )
            )
        yield raw


def _lines(path: str, what: str, remedy: str) -> Iterator[dict[str, Any]]:
    """The records of a checksummed JSON Lines file, header first, each a JSON object.
    The whole file's checksum is checked first, so nothing of a truncated or edited file
    is ever used. Raises `ManifestError` in one line."""
    digest = hashlib.sha256()
    count = 0
    last = b""
    try:
        with _open(path, what) as fh:
            for raw in _raw_lines(fh, path, remedy):
                if last:
                    digest.update(last)
                    count += 1
                last = raw
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if not last:
        raise _said(what, "empty", path=path)
    try:
        end = json.loads(last)
    except ValueError:
        end = None
    if count == 0 or not isinstance(end, dict) or set(end) != {"checksum", "lines"}:
        try:
            with _open(path, what) as fh:
                head = json.loads(next(_raw_lines(fh, path, remedy)))
        except (ValueError, OSError):
            head = None
        if not isinstance(head, dict) or head.get("format") not in (
            MANIFEST_FORMAT,
            VERIFICATION_FORMAT,
        ):
            raise _said(what, "foreign", path=path)
        raise ManifestError(
            _("{path} is truncated (it does not end with its checksum): {advice}").format(
                path=path, advice=_(remedy)
            )
        )
    if end.get("checksum") != "sha256:" + digest.hexdigest() or end.get("lines") != count:
        raise _said(what, "edited", path=path, remedy=_(remedy))
    try:
        with _open(path, what) as fh:
            for n, raw in enumerate(_raw_lines(fh, path, remedy)):
                if n == count:
                    break
                try:
                    value = json.loads(raw)
                except ValueError:
                    value = None
                if not isinstance(value, dict):
                    raise ManifestError(
                        _("{path} is damaged (line {line}): {advice}").format(
                            path=path, line=number(n + 1), advice=_(remedy)
                        )
                    )
                if n == 0:
                    _check_format(path, value, what)
                yield value
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _check_format(path: str, header: dict[str, Any], what: str) -> None:
    fmt = MANIFEST_FORMAT if what == "manifest" else VERIFICATION_FORMAT
    if header.get("format") != fmt:
        raise _said(what, "foreign", path=path)
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise _said(what, "format", path=path, version=version, expected=FORMAT_VERSION)


def looks_like_manifest(path: str) -> bool:
    """Whether `path` starts like a manifest (so `clean --from` reads it as one). Never
    blocks (a FIFO is no manifest) and never raises."""
    start = f'{{"format":"{MANIFEST_FORMAT}"'.encode()
    try:
        with open_regular(path) as fh:
            return fh.read(len(start)) == start
    except OSError:
        return False


class _Bad(Exception):
    pass


def _int(v: object) -> int:
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise _Bad
    return v


def _str(v: object) -> str:
    if not isinstance(v, str):
        raise _Bad
    return v


def _list(v: object) -> list[object]:
    if not isinstance(v, list):
        raise _Bad
    return v


def _record(v: object, label: str | None, labels: dict[str, CatalogIdentity]) -> Record:
    if not isinstance(v, dict):
        raise _Bad
    lab = _str(v.get("label")) if label is None else label
    if lab not in labels:
        raise _Bad
    root = _int(v.get("root"))
    if root >= len(labels[lab].roots):
        raise _Bad
    sha = _str(v.get("sha256"))
    if not _HEX64.fullmatch(sha):
        raise _Bad
    damaged = v.get("damaged", False)
    if not isinstance(damaged, bool):
        raise _Bad
    return Record(
        lab,
        root,
        _str(v.get("path")),
        _int(v.get("size")),
        _int(v.get("mtime_ns")),
        _int(v.get("inode")),
        sha,
        damaged,
    )


def _read_records(
    path: str,
    what: str,
    remedy: str,
    take_header: Callable[[dict[str, Any]], None],
    take_record: Callable[[dict[str, Any], dict[str, Any]], None],
) -> dict[str, Any]:
    """Read a manifest or verification whole (`_lines`: checksum first): its header goes
    to `take_header`, each later line to `take_record(header, line)`; returns the header.
    A line whose shape is not what PhotoSift writes (`_Bad`, or a value of the wrong
    type) is one `ManifestError` that names the line."""
    header: dict[str, Any] | None = None
    n = 0
    try:
        for value in _lines(path, what, remedy):
            n += 1
            if header is None:
                header = value
                take_header(value)
            else:
                take_record(header, value)
    except (_Bad, TypeError, AttributeError):
        raise ManifestError(
            _(
                "{path} is damaged (line {line} does not hold what PhotoSift writes): {advice}"
            ).format(path=path, line=number(n), advice=_(remedy))
        ) from None
    assert header is not None  # `_lines` refuses a file without one
    return header


def read_manifest(path: str) -> Manifest:
    """The manifest, after checking all of it (format, version, checksum, every record's
    shape). Paths are checked where they are used (`cleaner.catalog.manifest_local`).
    Raises `ManifestError` in one line."""
    labels: dict[str, CatalogIdentity] = {}
    sets: list[ManifestSet] = []
    keep: list[Record] = []

    def take_header(value: dict[str, Any]) -> None:
        for c in _list(value.get("catalogs")):
            if not isinstance(c, dict):
                raise _Bad
            roots = tuple(_str(r) for r in _list(c.get("roots")))
            ident = CatalogIdentity(
                _str(c.get("label")), _str(c.get("checksum")), _str(c.get("machine")), roots
            )
            labels[ident.label] = ident
        if _str(value.get("label")) not in labels:
            raise _Bad
        _str(value.get("run"))

    def take_record(header: dict[str, Any], value: dict[str, Any]) -> None:
        if "keep" in value:
            keep.append(_record(value["keep"], header["label"], labels))
        else:
            move = tuple(_record(r, header["label"], labels) for r in _list(value.get("move")))
            stays = tuple(_record(r, None, labels) for r in _list(value.get("survivors")))
            if not move:
                raise _Bad
            set_id, kind = _int(value.get("set")), _str(value.get("kind"))
            sets.append(ManifestSet(set_id, kind, move, stays))

    header = _read_records(path, "manifest", _REMAKE, take_header, take_record)
    return Manifest(
        path=path,
        run=header["run"],
        label=header["label"],
        written_at=str(header.get("written_at", "")),
        catalogs=labels,
        sets=tuple(sets),
        keep=tuple(keep),
    )


def read_verification(path: str) -> Verification:
    """A verification file, checked whole. Raises `ManifestError` in one line."""
    confirmed: set[tuple[int, str, str, int]] = set()
    found: dict[tuple[int, str], tuple[int, int, int, int]] = {}

    def take_header(value: dict[str, Any]) -> None:
        for key in ("run", "label", "catalog_checksum", "machine", "verified_at"):
            _str(value.get(key))

    def take_record(header: dict[str, Any], value: dict[str, Any]) -> None:
        root, rel = _int(value.get("root")), _str(value.get("path"))
        sha, size = _str(value.get("sha256")), _int(value.get("size"))
        confirmed.add((root, rel, sha, size))
        found[(root, rel)] = (
            _int(value.get("device")),
            _int(value.get("inode")),
            size,
            _int(value.get("mtime_ns")),
        )

    header = _read_records(path, "verification", _REVERIFY, take_header, take_record)
    return Verification(
        path=path,
        run=header["run"],
        label=header["label"],
        catalog_checksum=header["catalog_checksum"],
        machine=header["machine"],
        verified_at=header["verified_at"],
        confirmed=frozenset(confirmed),
        found=found,
    )
