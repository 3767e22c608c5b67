"""The window's settings: typed, versioned, in one INI file at a known place.

Every key is declared once below with its type and default. Values are stored as
JSON text inside a `QSettings` INI file, so lists and booleans come back with the
type they went in with on every platform (QSettings alone returns a one-item list
as a string and `false` as the text "false").

Where the files live is the engine's to say (`cleaner.paths`, which documents the
overrides): the settings in `config_dir()`, the fingerprint cache in `cache_dir()`, and
`--portable DIR` on the command line (`use_portable_dir`) puts both, and the undo log,
under DIR.

The engine never sees `QSettings`: `scan_settings()` turns the stored values into
a plain `cleaner.models.ScanSettings`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import QByteArray, QSettings

from cleaner import CRITERIA, REPORT_WRITERS, ScanSettings, Similarity, config_dir

# Re-exported for the window (`--portable DIR`, the fingerprint cache's place).
from cleaner import cache_dir as cache_dir
from cleaner import use_portable_dir as use_portable_dir

T = TypeVar("T")

SCHEMA_VERSION = 3


def settings_path() -> Path:
    return config_dir() / "photosift.ini"


@dataclass(frozen=True)
class Key(Generic[T]):
    """One setting: its name in the file, its Python type, and its default."""

    name: str
    type: type
    default: T
    doc: str = ""

    def coerce(self, raw: object) -> T:
        """The stored value if it has the declared type, else the default."""
        if self.type is float and isinstance(raw, int) and not isinstance(raw, bool):
            raw = float(raw)
        if self.type is list:
            if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
                return cast("T", list(raw))
            return cast("T", list(cast("list[str]", self.default)))
        if isinstance(raw, self.type) and not (self.type is int and isinstance(raw, bool)):
            return cast("T", raw)
        return self.default


class Keys:
    """Every key the window stores. Add new ones here, with a migration if needed.

    (The removal and report keys were added without a schema change: a file without them
    reads their defaults, and an older PhotoSift ignores them.)"""

    SCHEMA_VERSION = Key[int]("schema_version", int, SCHEMA_VERSION)
    FOLDERS = Key[list[str]]("scan/folders", list, [], "folders to scan, in the user's order")
    PROTECTED = Key[list[str]]("scan/protected", list, [], "folders never suggested for removal")
    SIMILARITY = Key[str]("scan/similarity", str, Similarity.SAME.value)
    ROTATIONS = Key[bool]("scan/rotations", bool, True, "also match rotated/mirrored copies")
    # The scan settings dialog (`ui.widgets.scan_settings_dialog`); the engine's names in
    # `ScanSettings` and the command line's options are given with each.
    KEEP_ORDER = Key[list[str]](
        "scan/keep_order",
        list,
        [],
        "keeper criteria keys, first decides (--keep-order); [] = default",
    )
    PREFER = Key[list[str]](
        "scan/prefer", list, ["originals"], "path fragments of copies to keep (--prefer)"
    )
    AVOID = Key[list[str]]("scan/avoid", list, [], "path fragments of copies to remove (--avoid)")
    EXCLUDES = Key[list[str]]("scan/excludes", list, [], "names or patterns left out (--exclude)")
    MIN_FILE_SIZE = Key[int]("scan/min_file_size", int, 0, "bytes; 0 = no limit (--min-size)")
    MIN_WIDTH = Key[int]("scan/min_width", int, 0, "pixels; 0 = no limit (--min-dimensions)")
    MIN_HEIGHT = Key[int]("scan/min_height", int, 0, "pixels; 0 = no limit (--min-dimensions)")
    SORT = Key[str]("review/sort", str, "space")
    MIN_COPIES_ON = Key[bool]("review/min_copies_enabled", bool, False)
    MIN_COPIES = Key[int]("review/min_copies", int, 3, "'appears more than N times' filter")
    GEOMETRY = Key[str]("window/geometry", str, "", "base64 of QWidget.saveGeometry()")
    SAMPLE_SEEN = Key[bool]("tour/sample_tried", bool, False)
    QUARANTINE = Key[str](
        "removal/quarantine",
        str,
        "ask",
        "'ask': offer a quarantine folder when the trash cannot take a file; "
        "'fallback': use it without asking",
    )
    QUARANTINE_DIR = Key[str](
        "removal/quarantine_dir", str, "", "'' = .photosift-quarantine at the drive's root"
    )
    REPORT_FORMATS = Key[list[str]]("report/formats", list, [w.key for w in REPORT_WRITERS])
    REPORT_TIMES = Key[int]("report/times", int, 3, "list pictures appearing more than N times")
    REPORT_PRICE = Key[float]("report/price_per_gb_month", float, 0.023)
    REPORT_CURRENCY = Key[str]("report/currency", str, "USD")
    REPORT_FOLDER = Key[str]("report/folder", str, "", "where the last report was saved")
    CATALOG_FOLDER = Key[str]("catalogs/folder", str, "", "where catalogs were last opened from")
    LANGUAGE = Key[str](
        "window/language", str, "", "View → Language: '' = the system's, 'en', 'es'"
    )

    @classmethod
    def all(cls) -> list[Key[Any]]:
        return [v for v in vars(cls).values() if isinstance(v, Key)]


def _migrate_1_to_2(raw: dict[str, object]) -> None:
    """Version 1 stored the similarity preset as a Hamming number under scan/threshold."""
    threshold = raw.pop("scan/threshold", None)
    if isinstance(threshold, int) and Keys.SIMILARITY.name not in raw:
        raw[Keys.SIMILARITY.name] = (
            Similarity.SAME.value
            if threshold <= 12
            else Similarity.SIMILAR.value
            if threshold <= 16
            else Similarity.LOOSE.value
        )


def _migrate_2_to_3(raw: dict[str, object]) -> None:
    """Turned and mirrored copies became part of every scan (issue 13). Version 2 stored
    the checkbox, off by default, with every other start-page setting, so a stored "off"
    almost always means "never touched", not a choice: it is dropped and reads the new
    default. A stored "on" stays; the checkbox still turns it off."""
    if raw.get(Keys.ROTATIONS.name) is False:
        del raw[Keys.ROTATIONS.name]


MIGRATIONS: dict[int, Callable[[dict[str, object]], None]] = {
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
}


class Settings:
    """Typed access to the INI file. `get(Keys.X)` / `set(Keys.X, value)`."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or settings_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)
        self._migrate()

    def _read_raw(self, name: str) -> object:
        text = self._qs.value(name)
        if text is None:
            return None
        try:
            return json.loads(str(text))
        except ValueError:
            return None

    def _migrate(self) -> None:
        version = self._read_raw(Keys.SCHEMA_VERSION.name)
        if not isinstance(version, int):
            version = 1 if self._qs.allKeys() else SCHEMA_VERSION
        if version > SCHEMA_VERSION:  # written by a newer PhotoSift: read what we know
            return
        if version < SCHEMA_VERSION:
            raw = {k: self._read_raw(k) for k in self._qs.allKeys()}
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](raw)
                version += 1
            self._qs.clear()
            for name, value in raw.items():
                if value is not None:
                    self._qs.setValue(name, json.dumps(value))
        self._qs.setValue(Keys.SCHEMA_VERSION.name, json.dumps(SCHEMA_VERSION))
        self._qs.sync()

    def get(self, key: Key[T]) -> T:
        return key.coerce(self._read_raw(key.name))

    def set(self, key: Key[T], value: T) -> None:
        checked = key.coerce(value)
        if checked != value:
            raise TypeError(f"{key.name} takes a {key.type.__name__}, not {value!r}")
        self._qs.setValue(key.name, json.dumps(value))

    def sync(self) -> None:
        self._qs.sync()

    # -- convenience -------------------------------------------------------------------

    def geometry(self) -> QByteArray:
        return QByteArray.fromBase64(self.get(Keys.GEOMETRY).encode("ascii"))

    def set_geometry(self, data: QByteArray) -> None:
        self.set(Keys.GEOMETRY, bytes(data.toBase64().data()).decode("ascii"))

    def similarity(self) -> Similarity:
        try:
            return Similarity(self.get(Keys.SIMILARITY))
        except ValueError:
            return Similarity.SAME

    def scan_settings(self) -> ScanSettings:
        """The engine's plain settings from what is stored (folders that still exist)."""
        folder_list: list[str] = self.get(Keys.FOLDERS)
        protected_list: list[str] = self.get(Keys.PROTECTED)
        folders = tuple(folder_list)
        protected = tuple(p for p in protected_list if p in folders)
        return ScanSettings(
            roots=folders,
            similarity=self.similarity(),
            rotations=self.get(Keys.ROTATIONS),
            protected=protected,
            criteria=self.keep_order(),
            prefer_paths=_texts(self.get(Keys.PREFER)),
            avoid_paths=_texts(self.get(Keys.AVOID)),
            excludes=_texts(self.get(Keys.EXCLUDES)),
            min_file_size=max(0, self.get(Keys.MIN_FILE_SIZE)),
            min_width=max(0, self.get(Keys.MIN_WIDTH)),
            min_height=max(0, self.get(Keys.MIN_HEIGHT)),
        )

    def keep_order(self) -> tuple[str, ...]:
        """The stored keeper criteria order, keys this PhotoSift knows only (a file written
        by a newer one may name more); () for the default order."""
        known = {c.key for c in CRITERIA}
        stored: list[str] = self.get(Keys.KEEP_ORDER)
        return tuple(dict.fromkeys(k for k in stored if k in known))


def _texts(values: list[str]) -> tuple[str, ...]:
    """Stripped, without blanks and repeats, in the user's order."""
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))
