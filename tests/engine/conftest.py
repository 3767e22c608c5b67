"""Fixtures for the engine tests: isolated user folders, generated photos, photo libraries.

No test here may touch the real user's cache, data or trash: `_isolated_user_dirs`
(autouse) points HOME, the XDG folders and PhotoSift's own overrides at tmp_path
before every test. Tests that need their own layout (the removal helpers) override
these again with monkeypatch, which is fine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image

from cleaner.detect.scan import run_scan
from cleaner.models import ScanResult, ScanSettings
from tests.helpers import images


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The tests read English output whatever the machine's LANG (cleaner/i18n.py); a test
    that speaks Spanish sets it itself, and the next test is English again."""
    from cleaner.i18n import set_language

    set_language("en")
    yield
    set_language("en")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every user folder the engine might write to lives in a fresh temporary folder."""
    base = tmp_path_factory.mktemp("user")
    dirs = {
        "HOME": base / "home",
        "XDG_CACHE_HOME": base / "home" / ".cache",
        "XDG_DATA_HOME": base / "home" / ".local" / "share",
        "XDG_CONFIG_HOME": base / "home" / ".config",
        "XDG_STATE_HOME": base / "home" / ".local" / "state",
        "PHOTOSIFT_CACHE_DIR": base / "photosift-cache",
        "PHOTOSIFT_DATA_DIR": base / "photosift-data",
    }
    for name, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(path))
    return dirs


@pytest.fixture
def user_dirs(_isolated_user_dirs: dict[str, Path]) -> dict[str, Path]:
    """The temporary folders that stand in for the user's (by environment variable name)."""
    return _isolated_user_dirs


@pytest.fixture
def no_scan_threads_left() -> Iterator[None]:
    """Fail the test if it leaves a scan worker thread running."""
    yield
    alive = [t.name for t in threading.enumerate() if t.name.startswith("photosift-scan")]
    assert not alive, f"scan worker threads still running: {alive}"


PhotoFactory = Callable[..., Image.Image]


@pytest.fixture
def make_photo() -> PhotoFactory:
    """`make_photo(seed, size=(640, 480))`: a seeded photo-like picture."""
    return images.photo


@dataclass
class Library:
    """A folder tree of pictures written by a test, with helpers to scan it."""

    root: Path
    files: dict[str, Path] = field(default_factory=dict)

    def path(self, rel: str) -> Path:
        return self.root / rel

    def add(self, rel: str, img: Image.Image, fmt: str | None = None, **options: object) -> Path:
        """Save `img` at `rel` (format from the suffix unless `fmt`) and remember it."""
        path = images.save(img, self.root / rel, fmt, **options)
        self.files[rel] = path
        return path

    def add_bytes(self, rel: str, data: bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.files[rel] = path
        return path

    def copy(self, src: str, dst: str) -> Path:
        return self.add_bytes(dst, self.files[src].read_bytes())

    def settings(self, **kwargs: object) -> ScanSettings:
        return ScanSettings(roots=(str(self.root),), **kwargs)  # type: ignore[arg-type]

    def scan(self, cache: Path | None = None, **kwargs: object) -> ScanResult:
        """Scan the whole library (no cache unless a cache file is given)."""
        kwargs.setdefault("workers", 2)
        return run_scan(self.settings(**kwargs), cache_path=cache)


@pytest.fixture
def library(tmp_path: Path) -> Callable[..., Library]:
    """`library(name="photos")`: an empty picture library under tmp_path.

    `library().add("Originals/a.jpg", make_photo(1))` writes one file; call it more
    than once for several roots.
    """
    made: dict[str, Library] = {}

    def factory(name: str = "photos") -> Library:
        if name not in made:
            root = tmp_path / name
            root.mkdir(parents=True, exist_ok=True)
            made[name] = Library(root)
        return made[name]

    return factory
