"""Issue 10, class 8: files that are not regular files.

A picture replaced by a FIFO after the walk hung the scan for good (the worker thread
sat in open() and the pool waited for it at exit), and the walk dropped FIFOs, devices
and sockets named like pictures without a word. Every reader now opens non-blocking
and checks the open descriptor (`cleaner.safeopen.open_regular`).
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner.detect.scan
from cleaner.detect import fingerprint as hashing
from cleaner.detect.decode import DecodeFailure, open_small
from cleaner.detect.walk import FoundFile, normalise_roots, walk
from cleaner.models import DEFAULT_MAX_PIXELS, ScanResult, SkipReason
from cleaner.removal.trash import NotARegularFile, file_state
from cleaner.report import thumbs
from cleaner.safeopen import NotARegularFileError, open_regular
from tests.helpers import images

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")


def _unblock(fifo: Path) -> None:
    """Open the FIFO for writing once, so a reader stuck in open() (old code) returns."""
    with contextlib.suppress(OSError):
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)


def _within(seconds: float, fn: Callable[[], object], fifos: list[Path]) -> object:
    """Run `fn` in a thread; fail (after freeing the thread) if it is still blocked."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed back to the test
            box["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    hung = worker.is_alive()
    while worker.is_alive():  # free the reader stuck in open(), so the test can end
        for fifo in fifos:
            _unblock(fifo)
        worker.join(0.05)
    assert not hung, f"still blocked after {seconds} s (a FIFO was opened blocking)"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box.get("value")


def _fifo_in_place_of(path: Path) -> Path:
    path.unlink()
    os.mkfifo(path)
    return path


# -- the helper itself ------------------------------------------------------------------


def test_open_regular_reads_a_regular_file_normally(tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(b"x" * 300_000)
    with open_regular(str(path)) as fh:
        assert fh.read() == b"x" * 300_000
        assert os.get_blocking(fh.fileno())  # O_NONBLOCK is cleared for the real reads


def test_open_regular_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "a.jpg"
    os.mkfifo(fifo)

    def attempt() -> None:
        with pytest.raises(NotARegularFileError, match="pipe"):
            open_regular(str(fifo))

    _within(2.0, attempt, [fifo])


def test_open_regular_refuses_a_folder_a_device_and_a_socket(tmp_path: Path) -> None:
    with pytest.raises(NotARegularFileError, match="folder"):
        open_regular(str(tmp_path))
    with pytest.raises(NotARegularFileError, match="device"):
        open_regular(os.devnull)
    sock_path = tmp_path / "s.jpg"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        with pytest.raises(NotARegularFileError, match="socket"):
            open_regular(str(sock_path))


def test_open_regular_passes_other_errors_on(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_regular(str(tmp_path / "missing.jpg"))


# -- every reader -----------------------------------------------------------------------


def test_every_reader_refuses_a_fifo_at_once(tmp_path: Path) -> None:
    fifo = _fifo_in_place_of(images.save(images.photo(1, (64, 48)), tmp_path / "p.jpg"))

    def read_all() -> None:
        for digest in (hashing.prefix_digest, hashing.sha256_file):
            with pytest.raises(NotARegularFileError):
                digest(str(fifo))
        failure = open_small(str(fifo), DEFAULT_MAX_PIXELS)
        assert isinstance(failure, DecodeFailure)
        assert failure.reason is SkipReason.NOT_A_FILE
        assert thumbs.make_thumbnail(str(fifo), 64) is None
        with pytest.raises(NotARegularFile):
            file_state(str(fifo))

    _within(5.0, read_all, [fifo])


def test_file_state_refuses_a_fifo_swapped_in_after_its_lstat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """clean and undo read through trash.file_state: a FIFO appearing between its lstat
    and its open must not block it (the open is non-blocking, the fstat refuses it)."""
    path = tmp_path / "p.jpg"
    path.write_bytes(b"picture")
    real_lstat = os.lstat

    def lstat_then_swap(p: object, *args: object, **kwargs: object) -> os.stat_result:
        st = real_lstat(p, *args, **kwargs)  # type: ignore[arg-type]
        if str(p) == str(path) and path.is_file():
            _fifo_in_place_of(path)
        return st

    monkeypatch.setattr(os, "lstat", lstat_then_swap)

    def attempt() -> None:
        with pytest.raises(NotARegularFile):
            file_state(str(path))

    _within(2.0, attempt, [path])


# -- the scan ---------------------------------------------------------------------------


def _walk_then_swap(victims: list[Path]) -> Callable[..., Iterator[object]]:
    """The real walk, after which each of `victims` is replaced by a FIFO of that name."""
    real_walk = cleaner.detect.scan.walk

    def patched(*args: object, **kwargs: object) -> Iterator[object]:
        yield from real_walk(*args, **kwargs)  # type: ignore[arg-type]
        for victim in victims:
            _fifo_in_place_of(victim)

    return patched


def test_scan_with_pictures_replaced_by_fifos_after_the_walk_finishes(
    library, monkeypatch: pytest.MonkeyPatch, no_scan_threads_left: None
) -> None:
    lib = library()
    for i in range(40):
        lib.add(f"p{i:02d}.jpg", images.photo(i, (96, 72)))
    lib.copy("p00.jpg", "copy/p00.jpg")
    victims = [lib.path("p03.jpg"), lib.path("p17.jpg"), lib.path("copy/p00.jpg")]
    monkeypatch.setattr(cleaner.detect.scan, "walk", _walk_then_swap(victims))

    result = _within(20.0, lambda: lib.scan(workers=2), victims)

    assert isinstance(result, ScanResult)
    not_files = sorted(s.path for s in result.skipped if s.reason is SkipReason.NOT_A_FILE)
    assert not_files == sorted(str(v) for v in victims)
    assert {s.message for s in result.skipped} == {
        "not a regular file (a pipe, device or socket): a pipe (FIFO)"
    }
    assert result.stats.images == 38


# -- the walk ---------------------------------------------------------------------------


def _walk_items(root: Path) -> tuple[list[FoundFile], list[object]]:
    found: list[FoundFile] = []
    skipped: list[object] = []
    for item in walk(normalise_roots([str(root)])):
        (found if isinstance(item, FoundFile) else skipped).append(item)
    return found, skipped


def test_walk_lists_fifos_and_sockets_named_like_pictures(tmp_path: Path) -> None:
    (tmp_path / "real.jpg").write_bytes(b"x")
    os.mkfifo(tmp_path / "pipe.jpg")
    os.mkfifo(tmp_path / "pipe-no-extension")
    os.mkfifo(tmp_path / "notes.txt")  # not named like a picture: not listed
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "sock.png"))
        found, skipped = _walk_items(tmp_path)
    assert [os.path.basename(f.path) for f in found] == ["real.jpg"]
    listed = sorted((os.path.basename(s.path), s.reason) for s in skipped)  # type: ignore[attr-defined]
    assert listed == [
        ("pipe-no-extension", SkipReason.NOT_A_FILE),
        ("pipe.jpg", SkipReason.NOT_A_FILE),
        ("sock.png", SkipReason.NOT_A_FILE),
    ]
    assert SkipReason.NOT_A_FILE.label == "not a regular file (a pipe, device or socket)"


def test_walk_lists_a_picture_whose_name_ends_with_a_space(tmp_path: Path) -> None:
    images.save(images.photo(1, (64, 48)), tmp_path / "photo.jpg", "JPEG")
    os.rename(tmp_path / "photo.jpg", tmp_path / "photo.jpg ")
    (tmp_path / "notes.txt ").write_bytes(b"text")  # not named like a picture: not listed
    found, skipped = _walk_items(tmp_path)
    assert [os.path.basename(f.path) for f in found] == ["notes.txt "]
    assert [(os.path.basename(s.path), s.reason) for s in skipped] == [  # type: ignore[attr-defined]
        ("photo.jpg ", SkipReason.NAME_ENDS_WITH_SPACE)
    ]
    assert "rename it" in SkipReason.NAME_ENDS_WITH_SPACE.label


def test_scan_reports_the_space_ended_picture_as_skipped(library) -> None:
    lib = library()
    lib.add("a.jpg", images.photo(5, (96, 72)))
    os.rename(lib.add("b.jpg", images.photo(6, (96, 72))), lib.path("b.jpg "))
    result = lib.scan()
    assert [(os.path.basename(s.path), s.reason) for s in result.skipped] == [
        ("b.jpg ", SkipReason.NAME_ENDS_WITH_SPACE)
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX only")
def test_report_preview_of_a_fifo_is_a_placeholder(tmp_path: Path) -> None:
    fifo = tmp_path / "x.jpg"
    os.mkfifo(fifo)
    assert _within(2.0, lambda: thumbs.make_thumbnail(str(fifo), 64), [fifo]) is None


def test_the_error_survives_a_process_pool(tmp_path: Path) -> None:
    import pickle

    fifo = tmp_path / "x.jpg"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFileError) as caught:
        open_regular(str(fifo))
    again = pickle.loads(pickle.dumps(caught.value))
    assert isinstance(again, NotARegularFileError)
    assert again.kind == "a pipe (FIFO)"
    assert str(again) == "not a regular file: it is a pipe (FIFO)"


def test_a_cross_drive_move_of_a_fifo_refuses_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quarantine's cross-drive copy (and undo's copy back) opened its source with a
    blocking open(): a FIFO swapped in after the checks hung clean, whose Ctrl+C only sets
    a flag checked between files. Caught on main: still blocked after 2 s."""
    import errno

    from cleaner.removal.trash import move_no_overwrite

    def cross_device(src: str, dst: str, **kwargs: object) -> None:
        raise OSError(errno.EXDEV, "cross-device link")

    monkeypatch.setattr(os, "link", cross_device)
    monkeypatch.setattr(os, "rename", cross_device)
    fifo = tmp_path / "p.jpg"
    os.mkfifo(fifo)
    target = tmp_path / "elsewhere" / "p.jpg"
    target.parent.mkdir()

    def attempt() -> None:
        with pytest.raises(NotARegularFileError):
            move_no_overwrite(str(fifo), str(target))

    _within(2.0, attempt, [fifo])
    assert fifo.exists()
    assert sorted(os.listdir(target.parent)) == []  # no partial copy left


def test_undo_from_the_trash_skips_a_fifo_in_place_of_a_quarantine_index(tmp_path: Path) -> None:
    """Caught on main: `undo --from-trash` read the quarantine folder's index with a
    blocking open(): a FIFO named like the index hung it."""
    from cleaner.removal.rescue import read_index
    from cleaner.removal.trash import QUARANTINE_INDEX_NAME

    batch = tmp_path / "20261127-101500-abcd"
    batch.mkdir()
    os.mkfifo(batch / QUARANTINE_INDEX_NAME)
    found, problems = _within(2.0, lambda: read_index(str(batch)), [batch / QUARANTINE_INDEX_NAME])  # type: ignore[misc]
    assert found == []
    assert len(problems) == 1
    assert "not a regular file" in problems[0]


def _trash_with_a_fifo_record(tmp_path: Path) -> tuple[object, Path, Path]:
    """A freedesktop trash whose info folder holds a FIFO named like the record of
    `photo.jpg`, next to a real record of `photo 1.jpg` (what send2trash writes when the
    name is taken)."""
    from cleaner.removal.trash_places import TrashDir

    trash = tmp_path / "Trash"
    (trash / "info").mkdir(parents=True)
    (trash / "files").mkdir()
    original = tmp_path / "photos" / "photo.jpg"
    fifo = trash / "info" / "photo.jpg.trashinfo"
    os.mkfifo(fifo)
    (trash / "files" / "photo 1.jpg").write_bytes(b"picture")
    (trash / "info" / "photo 1.jpg.trashinfo").write_text(
        f"[Trash Info]\nPath={original}\nDeletionDate=2030-01-01T00:00:00\n"
    )
    return TrashDir(str(trash), str(tmp_path)), original, fifo


def test_finding_a_just_trashed_file_passes_a_fifo_record_by(tmp_path: Path) -> None:
    """clean looks up the record send2trash has just written (find_just_moved); caught on
    main: a FIFO named like a record blocked it for good (clean's Ctrl+C only sets a flag
    checked between files)."""
    from cleaner.removal.restore import FreedesktopTrash

    trash_dir, original, fifo = _trash_with_a_fifo_record(tmp_path)
    trash = FreedesktopTrash([trash_dir])  # type: ignore[list-item]
    found = _within(2.0, lambda: trash.find_just_moved(str(original), 0.0), [fifo])
    assert found is not None
    assert os.path.basename(found.data_path) == "photo 1.jpg"  # type: ignore[attr-defined]
    copies = _within(2.0, lambda: FreedesktopTrash([trash_dir]).candidates(str(original)), [fifo])  # type: ignore[list-item]
    assert [os.path.basename(c.data_path) for c in copies] == ["photo 1.jpg"]  # type: ignore[attr-defined]


_KINDS = st.sampled_from(["file", "fifo", "socket", "folder"])
_NAMES = st.tuples(
    st.sampled_from(["a", "b c", "IMG_0001", "._x", "photo"]),
    st.sampled_from([".jpg", ".PNG", ".heic", ".txt", "", ".jpg ", ".png  "]),
)


@settings(max_examples=60, deadline=None)
@given(
    entries=st.lists(st.tuples(_NAMES, _KINDS), min_size=1, max_size=12, unique_by=lambda e: e[0])
)
def test_the_walk_accounts_for_every_picture_named_entry(
    tmp_path_factory: pytest.TempPathFactory, entries: list[tuple[tuple[str, str], str]]
) -> None:
    """Whatever mix of files, FIFOs, sockets and folders: each entry named like a picture
    is found or listed as skipped exactly once, regular files are found, and nothing that
    is not a regular file is ever found."""
    from cleaner.formats import is_image_candidate

    root = tmp_path_factory.mktemp("walk")
    sockets = []
    expected_found: list[str] = []
    expected_skipped: list[tuple[str, SkipReason]] = []
    for (stem, ext), kind in entries:
        name = stem + ext
        path = root / name
        if kind == "file":
            path.write_bytes(b"x")
            stripped = name.rstrip(" ")
            if not is_image_candidate(name) and is_image_candidate(stripped):
                expected_skipped.append((name, SkipReason.NAME_ENDS_WITH_SPACE))
            else:
                expected_found.append(name)
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "socket":
            sock = socket.socket(socket.AF_UNIX)
            sock.bind(str(path))
            sockets.append(sock)
        else:
            path.mkdir()
        if kind in ("fifo", "socket") and is_image_candidate(str(path)):
            expected_skipped.append((name, SkipReason.NOT_A_FILE))
    try:
        found, skipped = _walk_items(root)
    finally:
        for sock in sockets:
            sock.close()
    assert sorted(os.path.basename(f.path) for f in found) == sorted(expected_found)
    got = sorted((os.path.basename(s.path), s.reason) for s in skipped)  # type: ignore[attr-defined]
    assert got == sorted(expected_skipped)
