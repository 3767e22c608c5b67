"""Where PhotoSift keeps its own files (cleaner/paths.py): each override wins, the
defaults are platformdirs' folders, and the portable mode redirects the window's files."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import platformdirs
import pytest

from cleaner import paths
from cleaner.detect.cache import default_cache_path
from cleaner.removal.movelock import lock_path
from cleaner.removal.undolog import default_log_path

_ALL = ("PHOTOSIFT_CACHE_DIR", "PHOTOSIFT_DATA_DIR", "PHOTOSIFT_CONFIG_DIR", "PHOTOSIFT_LOCK_DIR")

# (function, its override, platformdirs' default)
_FOLDERS: list[tuple[Callable[[], Path], str, Callable[..., str]]] = [
    (paths.cache_dir, "PHOTOSIFT_CACHE_DIR", platformdirs.user_cache_dir),
    (paths.data_dir, "PHOTOSIFT_DATA_DIR", platformdirs.user_data_dir),
    (paths.config_dir, "PHOTOSIFT_CONFIG_DIR", platformdirs.user_config_dir),
    (paths.lock_dir, "PHOTOSIFT_LOCK_DIR", platformdirs.user_data_dir),
]


@pytest.fixture
def no_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _ALL:  # set first so that monkeypatch puts back what use_portable_dir sets
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


@pytest.mark.parametrize(("folder", "variable", "default"), _FOLDERS)
def test_the_override_wins(
    folder: Callable[[], Path],
    variable: str,
    default: Callable[..., str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_overrides: None,
) -> None:
    monkeypatch.setenv(variable, str(tmp_path / "elsewhere"))
    assert folder() == tmp_path / "elsewhere"


@pytest.mark.parametrize(("folder", "variable", "default"), _FOLDERS)
def test_the_default_is_the_platform_folder(
    folder: Callable[[], Path],
    variable: str,
    default: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
    no_overrides: None,
) -> None:
    expected = Path(default("photosift", appauthor=False))
    assert folder() == expected
    monkeypatch.setenv(variable, "")  # an empty variable counts as unset
    assert folder() == expected
    # on Linux the platform folders follow XDG, which the engine's tests point at tmp
    assert str(expected).startswith(os.environ["HOME"])


def test_the_lock_is_per_user_not_per_undo_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_overrides: None
) -> None:
    monkeypatch.setenv("PHOTOSIFT_DATA_DIR", str(tmp_path / "portable-data"))
    assert paths.data_dir() == tmp_path / "portable-data"
    assert paths.lock_dir() == Path(platformdirs.user_data_dir("photosift", appauthor=False))


def test_the_engine_keeps_its_files_in_these_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_overrides: None
) -> None:
    for name in _ALL:
        monkeypatch.setenv(name, str(tmp_path / name))
    assert default_cache_path() == tmp_path / "PHOTOSIFT_CACHE_DIR" / "fingerprints.sqlite3"
    assert default_log_path() == tmp_path / "PHOTOSIFT_DATA_DIR" / "undo-log.sqlite3"
    assert lock_path() == tmp_path / "PHOTOSIFT_LOCK_DIR" / "moves.lock"


def test_portable_mode_puts_settings_cache_and_undo_log_under_one_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_overrides: None
) -> None:
    monkeypatch.chdir(tmp_path)
    stick = paths.use_portable_dir("stick")
    assert stick == tmp_path / "stick"
    assert paths.config_dir() == stick / "config"
    assert paths.cache_dir() == stick / "cache"
    assert paths.data_dir() == stick / "data"
    assert os.environ["PHOTOSIFT_CACHE_DIR"] == str(stick / "cache")  # child processes too
    assert default_cache_path() == stick / "cache" / "fingerprints.sqlite3"
    assert default_log_path() == stick / "data" / "undo-log.sqlite3"
    # the move lock stays the user's: an installed `photosift clean` still takes turns
    assert paths.lock_dir() == Path(platformdirs.user_data_dir("photosift", appauthor=False))


def test_portable_mode_keeps_an_undo_log_set_by_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_overrides: None
) -> None:
    monkeypatch.setenv("PHOTOSIFT_DATA_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("PHOTOSIFT_CONFIG_DIR", str(tmp_path / "old-config"))
    stick = paths.use_portable_dir(tmp_path / "stick")
    assert paths.data_dir() == tmp_path / "mine"
    assert paths.config_dir() == stick / "config"  # the portable folder wins over these
    assert paths.cache_dir() == stick / "cache"
