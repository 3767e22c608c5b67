"""Issue 10, class 9: a damaged fingerprint cache never stops a scan.

The damaged file is set aside under a dated name, a new cache is started, the scan says
so in one line (a `Notice` event, printed by `photosift scan`), and a row that does not
hold what PhotoSift writes is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.cli import main
from cleaner.detect.cache import FingerprintCache
from cleaner.detect.scan import scan
from cleaner.models import Analysis, Fingerprint, ImageMetrics, ScanResult
from cleaner.progress import Notice, ScanFinished
from cleaner.resultio import metrics_to_dict
from tests.helpers import images


def _library(library, pictures: int = 12):
    lib = library()
    for i in range(pictures):
        lib.add(f"p{i:02d}.jpg", images.photo(200 + i, (96, 72)))
    lib.copy("p00.jpg", "copy/p00.jpg")
    return lib


def _scan(lib, cache: Path) -> tuple[ScanResult, list[str]]:
    notices: list[str] = []
    result: ScanResult | None = None
    for event in scan(lib.settings(workers=2), cache_path=cache):
        if isinstance(event, Notice):
            notices.append(event.text)
        elif isinstance(event, ScanFinished):
            result = event.result
    assert result is not None
    return result, notices


def _metrics(width: int = 640) -> ImageMetrics:
    return ImageMetrics(
        "JPEG", width, 480, False, 90, 10.0, 40.0, None, None, False, False, False, False
    )


def _analysis() -> Analysis:
    return Analysis(_metrics(), Fingerprint(bytes(72), bytes(256), None, bytes(32)))


def _padded_cache(path: Path, rows: int = 4000) -> None:
    """A cache with `rows` made-up files (so it spans many pages), closed cleanly."""
    with FingerprintCache(path) as cache:
        for i in range(rows):
            digest = hashlib.sha256(str(i).encode()).hexdigest()
            cache.put(f"/elsewhere/{i:06d}.jpg", 1000 + i, i, sha256=digest, analysis=_analysis())
    assert not Path(str(path) + "-wal").exists()


def _aside(cache: Path) -> list[str]:
    """The damaged caches set aside (each with its -wal and -shm files, if it had them)."""
    return sorted(
        p.name
        for p in cache.parent.iterdir()
        if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))
    )


def _assert_set_aside(cache: Path, notices: list[str]) -> None:
    aside = _aside(cache)
    assert len(aside) == 1, aside
    assert aside[0].startswith("fp.sqlite3.damaged-2")
    assert len(notices) == 1, notices
    assert f"set aside as {aside[0]}" in notices[0]
    assert "a new one was started" in notices[0]


def test_a_cache_overwritten_in_the_middle_is_set_aside(library, tmp_path: Path) -> None:
    """Caught on main: 'sqlite3.DatabaseError: database disk image is malformed' from the
    first lookup, on this scan and every later one, until the file was deleted by hand."""
    lib = _library(library)
    cache = tmp_path / "fp.sqlite3"
    _padded_cache(cache)
    first, _ = _scan(lib, cache)
    assert first.stats.cache_hits == 0
    with sqlite3.connect(cache) as conn:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        meta_pages = {
            root
            for (root,) in conn.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name='meta'")
        }
    conn.close()
    data = bytearray(cache.read_bytes())
    # every page but the schema and the meta table (and its index): the cache opens as
    # before, and the damage shows only when a file is looked up
    for number in range(2, len(data) // page + 1):
        if number not in meta_pages:
            start = (number - 1) * page
            data[start : start + page] = os.urandom(page)
    cache.write_bytes(bytes(data))

    second, notices = _scan(lib, cache)

    assert images.group_names(second) == images.group_names(first)
    assert second.stats.images == first.stats.images
    _assert_set_aside(cache, notices)
    third, notices = _scan(lib, cache)  # the new cache works
    assert third.stats.cache_hits == third.stats.images == first.stats.images
    assert notices == []


@pytest.mark.parametrize(
    "damage",
    ["random bytes", "a folder", "zero length"],
)
def test_a_damaged_cache_file_is_replaced(library, tmp_path: Path, damage: str) -> None:
    lib = _library(library)
    cache = tmp_path / "fp.sqlite3"
    first, _ = _scan(lib, cache)
    cache.unlink()
    if damage == "random bytes":
        cache.write_bytes(os.urandom(64 * 1024))
    elif damage == "a folder":
        cache.mkdir()
        (cache / "something").write_bytes(b"x")
    else:
        cache.write_bytes(b"")
    second, notices = _scan(lib, cache)
    assert images.group_names(second) == images.group_names(first)
    if damage == "zero length":  # SQLite reads an empty file as an empty database
        assert notices == []
        assert _aside(cache) == []
    else:
        _assert_set_aside(cache, notices)
    third, notices = _scan(lib, cache)
    assert third.stats.cache_hits == third.stats.images == first.stats.images
    assert notices == []


def test_damage_found_while_writing_is_set_aside_too(tmp_path: Path) -> None:
    path = tmp_path / "fp.sqlite3"
    _padded_cache(path)
    cache = FingerprintCache(path, batch=10_000)
    data = bytearray(path.read_bytes())
    half = len(data) // 2
    data[half:] = os.urandom(len(data) - half)
    path.write_bytes(bytes(data))
    for i in range(3000):
        cache.put(f"/new/{i}.jpg", 1, 1, sha256="a" * 64)
    cache.flush()  # writes into the wrecked pages
    texts = [n.text for n in cache.drain_notices()]
    cache.close()
    assert len(texts) == 1
    assert "was damaged" in texts[0]
    assert len(_aside(path)) == 1


def test_a_locked_cache_is_not_taken_for_a_damaged_one(tmp_path: Path) -> None:
    path = tmp_path / "fp.sqlite3"
    _padded_cache(path, rows=10)
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        cache = FingerprintCache(path)
        cache.close()
    finally:
        holder.rollback()
        holder.close()
    assert _aside(path) == []
    with FingerprintCache(path) as again:
        assert again.get("/elsewhere/000001.jpg", 1001, 1) is not None


def test_the_scan_command_says_so_in_one_line(library, tmp_path: Path, capsys) -> None:
    lib = _library(library)
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / "fingerprints.sqlite3").write_bytes(b"\x00not a database\xff" * 4096)
    code = main(["scan", str(lib.root), "--cache-dir", str(cache_dir)])
    _, err = capsys.readouterr()
    assert code == 0, err
    lines = [line for line in err.splitlines() if "fingerprint cache" in line]
    assert len(lines) == 1, err
    assert lines[0].startswith("photosift: The fingerprint cache ")
    assert "fingerprints.sqlite3.damaged-" in lines[0]
    assert "Traceback" not in err


# -- rows that do not hold what PhotoSift writes -----------------------------------------

_GOOD_METRICS = json.dumps(metrics_to_dict(_metrics()))
_GARBAGE = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=80),
    st.binary(max_size=300),
    st.sampled_from(
        [
            "a" * 64,
            "A" * 64,
            "1e309",
            json.dumps({"format": "JPEG"}),
            json.dumps({"width": "wide", "height": 1, "format": 3}),
            json.dumps([1, 2, 3]),
            json.dumps({**json.loads(_GOOD_METRICS), "damaged": "truncated"}),
            json.dumps({**json.loads(_GOOD_METRICS), "damaged": [1]}),
            json.dumps({**json.loads(_GOOD_METRICS), "damaged": {"code": "nope"}}),
            json.dumps({**json.loads(_GOOD_METRICS), "colour_count": "many"}),
            json.dumps({**json.loads(_GOOD_METRICS), "width": -5}),
            json.dumps({**json.loads(_GOOD_METRICS), "sharpness": 1e400}),
            json.dumps({**json.loads(_GOOD_METRICS), "camera": 12}),
            _GOOD_METRICS,
            "[" * 5000,
            "corrupt",
            "permission_denied",
            "not_a_reason",
            bytes(72),
            bytes(256),
        ]
    ),
)
_COLUMNS = (
    "sha256",
    "prefix",
    "metrics",
    "hashes",
    "thumb",
    "detail",
    "colour",
    "skip_reason",
    "skip_detail",
)


@pytest.mark.slow
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.fixed_dictionaries({c: _GARBAGE for c in _COLUMNS}), size_as_text=st.booleans())
def test_a_garbage_row_is_a_miss_or_a_whole_entry(
    tmp_path: Path, values: dict[str, object], size_as_text: bool
) -> None:
    """Caught on main: json.JSONDecodeError, KeyError, TypeError or ValueError ('x' is not
    a valid SkipReason) from `get`, and a garbage digest handed to the scan as real."""
    path = tmp_path / "garbage.sqlite3"
    path.unlink(missing_ok=True)
    with FingerprintCache(path) as cache:
        cache.put("/p/a.jpg", 10, 20, sha256="b" * 64)
    with sqlite3.connect(path) as conn:
        conn.execute(
            f"UPDATE files SET {', '.join(f'{c} = ?' for c in _COLUMNS)}, size = ?",
            (*values.values(), "10" if size_as_text else 10),
        )
    conn.close()
    with FingerprintCache(path) as cache:
        entry = cache.get("/p/a.jpg", 10, 20)
        assert list(cache.drain_notices()) == []
    if entry is None:
        return
    for digest in (entry.sha256, entry.prefix):
        assert digest is None or (len(digest) == 64 and digest.isascii() and digest.isalnum())
    if entry.analysis is not None:
        fp = entry.analysis.fingerprint
        assert len(fp.hash_bytes) == 72
        assert len(fp.thumb) == 256
        m = entry.analysis.metrics
        assert isinstance(m.width, int)
        assert m.width > 0
        assert isinstance(m.format, str)
    if entry.failure is not None:
        assert isinstance(entry.failure.detail, str)


def test_a_scan_over_garbage_rows_reads_the_pictures_again(library, tmp_path: Path) -> None:
    lib = _library(library)
    cache = tmp_path / "fp.sqlite3"
    first, _ = _scan(lib, cache)
    with sqlite3.connect(cache) as conn:
        conn.execute(
            "UPDATE files SET sha256 = 'same', prefix = 'same', metrics = '{\"width\": \"x\"}', "
            "hashes = x'00', skip_reason = 'nonsense'"
        )
    conn.close()
    second, notices = _scan(lib, cache)
    assert notices == []
    assert images.group_names(second) == images.group_names(first)
    assert second.stats.cache_hits == 0


@pytest.mark.parametrize(
    "change",
    [
        {"damaged": "truncated"},
        {"damaged": [1]},
        {"damaged": {"code": "nope"}},
        {"colour_count": "many"},
        {"width": -5},
        {"width": "wide"},
        {"sharpness": float("inf")},
        {"camera": 12},
        {"capture_time": ["2020"]},
    ],
)
def test_a_row_with_bad_metrics_is_a_miss(tmp_path: Path, change: dict[str, object]) -> None:
    """A whole fingerprint with one bad metric (hand-edited, or written by a broken disk)
    is read again, never handed to the scan: a camera that is a number or a width below
    zero would break the keeper choice later."""
    path = tmp_path / "fp.sqlite3"
    with FingerprintCache(path) as cache:
        cache.put("/p/a.jpg", 10, 20, analysis=_analysis())
    with FingerprintCache(path) as cache:
        assert cache.get("/p/a.jpg", 10, 20) is not None  # the row as written is a hit
    metrics = {**json.loads(_GOOD_METRICS), **change}
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE files SET metrics = ?", (json.dumps(metrics),))
    conn.close()
    with FingerprintCache(path) as cache:
        assert cache.get("/p/a.jpg", 10, 20) is None
