"""Settings: every key round-trips with its type, old files migrate, paths are redirected."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from cleaner.models import Similarity
from ui import settings as settings_mod
from ui.settings import SCHEMA_VERSION, Key, Keys, Settings


def test_file_lives_under_the_configured_folder(qtbot: QtBot, user_dirs: Path) -> None:
    s = Settings()
    s.sync()
    assert s.path == user_dirs / "config" / "photosift.ini"
    assert s.path.is_file()
    assert settings_mod.cache_dir() == user_dirs / "cache"


def test_defaults_when_nothing_is_stored(qtbot: QtBot) -> None:
    s = Settings()
    for key in Keys.all():
        assert s.get(key) == key.default


def test_every_key_round_trips_with_its_type(qtbot: QtBot) -> None:
    values: dict[str, object] = {
        Keys.FOLDERS.name: ["/a/b", "/c d/é"],
        Keys.PROTECTED.name: ["/a/b"],
        Keys.SIMILARITY.name: Similarity.SIMILAR.value,
        Keys.ROTATIONS.name: True,
        Keys.KEEP_ORDER.name: ["path_rules", "resolution"],
        Keys.PREFER.name: ["Masters"],
        Keys.AVOID.name: ["Old phone"],
        Keys.EXCLUDES.name: ["*.gif", "Thumbnails"],
        Keys.MIN_FILE_SIZE.name: 20_000,
        Keys.MIN_WIDTH.name: 640,
        Keys.MIN_HEIGHT.name: 480,
        Keys.SORT.name: "copies",
        Keys.MIN_COPIES_ON.name: True,
        Keys.MIN_COPIES.name: 7,
        Keys.GEOMETRY.name: "AAEC",
        Keys.SAMPLE_SEEN.name: True,
        Keys.SCHEMA_VERSION.name: SCHEMA_VERSION,
        Keys.QUARANTINE.name: "fallback",
        Keys.QUARANTINE_DIR.name: "/mnt/share/quarantine",
        Keys.REPORT_FORMATS.name: ["html", "json"],
        Keys.REPORT_TIMES.name: 5,
        Keys.REPORT_PRICE.name: 0.0125,
        Keys.REPORT_CURRENCY.name: "EUR",
        Keys.REPORT_FOLDER.name: "/home/x/Reports",
        Keys.CATALOG_FOLDER.name: "/mnt/catalogs",
        Keys.LANGUAGE.name: "es",
    }
    assert set(values) == {k.name for k in Keys.all()}, "a new key needs a round-trip value"
    s = Settings()
    for key in Keys.all():
        s.set(key, values[key.name])
    s.sync()
    again = Settings()
    for key in Keys.all():
        got = again.get(key)
        assert got == values[key.name]
        assert type(got) is key.type


def test_a_one_item_list_stays_a_list(qtbot: QtBot) -> None:
    s = Settings()
    s.set(Keys.FOLDERS, ["/only/one"])
    s.sync()
    assert Settings().get(Keys.FOLDERS) == ["/only/one"]


def test_wrong_types_are_refused_and_bad_values_fall_back(qtbot: QtBot) -> None:
    s = Settings()
    with pytest.raises(TypeError):
        s.set(Keys.MIN_COPIES, "three")  # type: ignore[arg-type]
    s._qs.setValue(Keys.ROTATIONS.name, "not json")
    s._qs.setValue(Keys.FOLDERS.name, '"a string"')
    assert s.get(Keys.ROTATIONS) is True  # the default
    assert s.get(Keys.FOLDERS) == []


def test_version_1_file_is_migrated(qtbot: QtBot) -> None:
    path = settings_mod.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    old = QSettings(str(path), QSettings.Format.IniFormat)
    old.setValue("scan/threshold", "16")
    old.setValue("scan/folders", '["/photos"]')
    old.sync()
    del old
    s = Settings()
    assert s.get(Keys.SIMILARITY) == Similarity.SIMILAR.value
    assert s.get(Keys.FOLDERS) == ["/photos"]
    assert s.get(Keys.SCHEMA_VERSION) == SCHEMA_VERSION
    assert "scan/threshold" not in s._qs.allKeys()


@pytest.mark.parametrize(("stored", "read"), [("false", True), ("true", True), (None, True)])
def test_version_2_rotations_read_the_new_default(
    qtbot: QtBot, stored: str | None, read: bool
) -> None:
    """Version 2 saved the rotations checkbox (off by default) with every start-page
    change: a stored "off" was the old default, and turned copies are found by default now."""
    path = settings_mod.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    old = QSettings(str(path), QSettings.Format.IniFormat)
    old.setValue("schema_version", "2")
    old.setValue("scan/folders", '["/photos"]')
    if stored is not None:
        old.setValue(Keys.ROTATIONS.name, stored)
    old.sync()
    del old
    s = Settings()
    assert s.get(Keys.ROTATIONS) is read
    assert s.get(Keys.FOLDERS) == ["/photos"]
    assert s.get(Keys.SCHEMA_VERSION) == SCHEMA_VERSION
    s.set(Keys.ROTATIONS, False)  # unticked after the migration: stays off
    s.sync()
    assert Settings().get(Keys.ROTATIONS) is False
    assert Settings().scan_settings().rotations is False


def test_scan_settings_are_plain_values(qtbot: QtBot) -> None:
    s = Settings()
    s.set(Keys.FOLDERS, ["/a", "/b"])
    s.set(Keys.PROTECTED, ["/b", "/gone"])
    s.set(Keys.ROTATIONS, True)
    scan = s.scan_settings()
    assert scan.roots == ("/a", "/b")
    assert scan.protected == ("/b",)
    assert scan.rotations is True
    assert scan.similarity is Similarity.SAME


def test_portable_dir_redirects_everything(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("PHOTOSIFT_CONFIG_DIR", "PHOTOSIFT_CACHE_DIR", "PHOTOSIFT_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    settings_mod.use_portable_dir(tmp_path / "stick")
    assert settings_mod.config_dir() == tmp_path / "stick" / "config"
    assert settings_mod.cache_dir() == tmp_path / "stick" / "cache"


def test_key_declares_type_and_default() -> None:
    key = Key[int]("x", int, 3)
    assert key.coerce("no") == 3
    assert key.coerce(True) == 3  # a bool is not an int setting
    assert key.coerce(5) == 5
