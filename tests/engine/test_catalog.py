"""Catalogs (issue 14): build, read back, incremental and resumable builds, and every bad
input refused in one line."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaner.catalog import (
    SCHEMA_VERSION,
    BuildSettings,
    CatalogBuilt,
    CatalogError,
    UnfinishedCatalog,
    build,
    inspect,
    read,
    reader,
)
from cleaner.catalog import builder as build_module
from cleaner.catalog.schema import SQLITE_MAGIC
from cleaner.cli import main
from cleaner.detect.analysis import analyse_file
from cleaner.errors import BadRootError, Cancelled
from cleaner.models import DEFAULT_MAX_PIXELS, SkipReason
from cleaner.progress import CancelToken, Progress, final_event
from tests.helpers import images
from tests.helpers.copy_sets import noise_png, write_copy_sets

REPO = Path(__file__).resolve().parents[2]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run_build(roots: list[Path], out: Path, label: str = "nas-1", **kw: object) -> CatalogBuilt:
    settings = BuildSettings(roots=tuple(str(r) for r in roots), label=label, out=out, **kw)  # type: ignore[arg-type]
    return final_event(build(settings), CatalogBuilt)


def rows(catalog_path: Path) -> dict[str, tuple[object, ...]]:
    """What a catalog says about each file, keyed by its labelled path (no times, no ids)."""
    cat = read(catalog_path)
    return {
        f.labelled_path: (f.size, f.mtime_ns, f.inode, f.sha256, f.analysis, f.failure)
        for f in cat.files
    }


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "photos"
    (root / "2019" / "Summer").mkdir(parents=True)
    images.save(images.photo(1), root / "2019" / "Summer" / "harbour.jpg")
    images.save(images.photo(2), root / "2019" / "beach.png")
    shutil.copy(root / "2019" / "beach.png", root / "beach copy.png")
    (root / "notes.txt").write_text("not a picture")
    return root


def test_a_build_stores_every_picture_relative_to_its_labelled_root(
    library: Path, tmp_path: Path
) -> None:
    out = tmp_path / "nas-1.catalog"
    summary = run_build([library], out).summary
    assert (summary.files, summary.pictures, summary.read) == (3, 3, 3)
    cat = read(out)
    assert cat.info.label == "nas-1"
    assert cat.info.roots == (str(library),)
    assert cat.info.machine
    assert cat.info.photosift_version
    assert cat.info.build_finished_at
    by_rel = {f.relpath: f for f in cat.files}
    assert set(by_rel) == {
        os.path.join("2019", "Summer", "harbour.jpg"),
        os.path.join("2019", "beach.png"),
        "beach copy.png",
    }
    harbour = by_rel[os.path.join("2019", "Summer", "harbour.jpg")]
    assert harbour.path == str(library / "2019" / "Summer" / "harbour.jpg")
    assert harbour.labelled_path == f"nas-1:{harbour.path}"
    data = (library / "2019" / "Summer" / "harbour.jpg").read_bytes()
    assert harbour.sha256 == hashlib.sha256(data).hexdigest()
    # the very analysis a scan takes: metrics and fingerprint, through the cache's encoding
    assert harbour.analysis == analyse_file(harbour.path, DEFAULT_MAX_PIXELS)
    assert by_rel["beach copy.png"].sha256 == by_rel[os.path.join("2019", "beach.png")].sha256


def test_a_low_detail_picture_keeps_its_detail_map(tmp_path: Path) -> None:
    root = tmp_path / "scans"
    root.mkdir()
    images.save(images.blank_page(3), root / "page.png")
    out = tmp_path / "scans.catalog"
    run_build([root], out)
    (f,) = read(out).files
    assert f.analysis is not None
    assert f.analysis.fingerprint.detail_map is not None
    assert f.analysis == analyse_file(f.path, DEFAULT_MAX_PIXELS)


def test_several_roots_are_each_recorded(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write_copy_sets(a, 2)
    write_copy_sets(b, 1)
    out = tmp_path / "two.catalog"
    run_build([a, b], out)
    cat = read(out)
    assert set(cat.info.roots) == {str(a), str(b)}
    assert sorted((f.root, f.relpath) for f in cat.files) == sorted(
        [(str(a), os.path.join(f"set{i:05d}", f"{c}{i:05d}.png")) for i in (0, 1) for c in "ab"]
        + [(str(b), os.path.join("set00000", f"{c}00000.png")) for c in "ab"]
    )


# -- incremental --------------------------------------------------------------------------


@pytest.fixture
def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = build_module._read_file

    def counting(path: str, size: int, max_pixels: int):  # type: ignore[no-untyped-def]
        seen.append(os.path.basename(path))
        return real(path, size, max_pixels)

    monkeypatch.setattr(build_module, "_read_file", counting)
    return seen


def test_building_again_reads_only_new_and_changed_files_and_drops_removed_ones(
    library: Path, tmp_path: Path, count_reads: list[str]
) -> None:
    out = tmp_path / "nas-1.catalog"
    run_build([library], out)
    assert sorted(count_reads) == ["beach copy.png", "beach.png", "harbour.jpg"]
    count_reads.clear()
    unchanged = run_build([library], out).summary
    assert count_reads == []
    assert (unchanged.read, unchanged.unchanged, unchanged.removed) == (0, 3, 0)
    # a changed file (same name, new content and date), a new one, a removed one
    images.save(images.photo(7), library / "2019" / "beach.png")
    st = (library / "2019" / "beach.png").stat()
    os.utime(library / "2019" / "beach.png", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    images.save(images.photo(8), library / "new.jpg")
    (library / "beach copy.png").unlink()
    summary = run_build([library], out).summary
    assert sorted(count_reads) == ["beach.png", "new.jpg"]
    assert (summary.read, summary.unchanged, summary.removed, summary.files) == (2, 1, 1, 3)
    by_rel = {f.relpath: f for f in read(out).files}
    assert "beach copy.png" not in by_rel
    changed = by_rel[os.path.join("2019", "beach.png")]
    assert (
        changed.sha256 == hashlib.sha256((library / "2019" / "beach.png").read_bytes()).hexdigest()
    )


def test_a_file_replaced_under_the_same_size_and_date_is_seen_by_its_inode(
    library: Path, tmp_path: Path, count_reads: list[str]
) -> None:
    out = tmp_path / "nas-1.catalog"
    run_build([library], out)
    target = library / "2019" / "beach.png"
    st = target.stat()
    replacement = library / "replacement.tmp"
    shutil.copy2(target, replacement)
    os.replace(replacement, target)  # a new inode, same size and mtime
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    count_reads.clear()
    run_build([library], out)
    assert count_reads == ["beach.png"]


# -- resumable ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,400 distinct small pictures in 1,200 folders: enough for many commits."""
    root = tmp_path_factory.mktemp("big") / "library"
    write_copy_sets(root, 1200)
    return root


@pytest.mark.slow
def test_a_paused_build_is_unfinished_and_the_same_build_finishes_it(
    big_library: Path, tmp_path: Path, count_reads: list[str]
) -> None:
    out = tmp_path / "paused.catalog"
    token = CancelToken()
    settings = BuildSettings(
        roots=(str(big_library),), label="nas-1", out=out, commit_seconds=0.05, workers=1
    )

    def pause_after_300() -> None:
        for event in build(settings, cancel=token):
            if isinstance(event, Progress) and event.total and event.done >= 300:
                token.cancel()

    with pytest.raises(Cancelled):
        pause_after_300()
    read_before = len(count_reads)
    assert 300 <= read_before < 2400
    with pytest.raises(UnfinishedCatalog, match="run the same `photosift catalog build`"):
        read(out)
    summary = final_event(build(settings), CatalogBuilt).summary
    assert summary.resumed
    assert summary.files == 2400
    # nothing committed was read again (at most the files in flight when it stopped)
    assert len(count_reads) <= 2400 + 8
    assert summary.read <= 2400 - read_before + 8
    whole = tmp_path / "whole.catalog"
    run_build([big_library], whole)
    assert rows(out) == rows(whole)


def test_a_file_removed_while_a_build_was_paused_is_dropped_when_it_resumes(
    library: Path, tmp_path: Path, count_reads: list[str]
) -> None:
    out = tmp_path / "nas-1.catalog"
    settings = BuildSettings(
        roots=(str(library),), label="nas-1", out=out, commit_seconds=0.0, workers=1
    )
    token = CancelToken()

    def pause_after_the_first_file() -> None:
        for event in build(settings, cancel=token):
            if isinstance(event, Progress) and event.total and event.done >= 1:
                token.cancel()

    with pytest.raises(Cancelled):
        pause_after_the_first_file()
    first = count_reads[0]
    gone = next(library.rglob(first))
    gone.unlink()
    summary = final_event(build(settings), CatalogBuilt).summary
    assert summary.resumed
    names = {os.path.basename(f.path) for f in read(out).files}
    assert first not in names
    assert len(names) == 2


def test_an_update_of_unchanged_files_writes_no_row(library: Path, tmp_path: Path) -> None:
    out = tmp_path / "nas-1.catalog"
    run_build([library], out)
    with sqlite3.connect(out) as conn:
        before = conn.execute("SELECT id, build FROM files ORDER BY id").fetchall()
    conn.close()
    assert run_build([library], out).summary.unchanged == 3
    with sqlite3.connect(out) as conn:
        assert conn.execute("SELECT id, build FROM files ORDER BY id").fetchall() == before
    conn.close()


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "cleaner", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


@pytest.mark.slow
def test_a_build_killed_mid_way_resumes_to_the_same_catalog(
    big_library: Path, tmp_path: Path
) -> None:
    out = tmp_path / "killed.catalog"
    args = _cli(
        "catalog", "build", str(big_library), "--label", "nas-1", "--out", str(out),
        "--workers", "1", "--commit-every", "0.05", "--log-every", "0.05",
    )  # fmt: skip
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True, env=_env())
    assert proc.stderr is not None
    killed_at = 0
    for line in proc.stderr:
        if "Reading pictures:" in line:
            killed_at = int(line.split("Reading pictures: ")[1].split(" ")[0].replace(",", ""))
            if killed_at >= 400:
                proc.send_signal(signal.SIGKILL)
                break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the build ended before it could be killed"
    assert 400 <= killed_at < 2400
    # a killed build is unfinished, not damaged: one line says what to do
    refused = subprocess.run(
        _cli("catalog", "info", str(out)), capture_output=True, text=True, env=_env()
    )
    assert refused.returncode == 3
    assert refused.stderr.count("\n") == 1
    assert "unfinished catalog build" in refused.stderr
    resumed = subprocess.run(args, capture_output=True, text=True, env=_env(), timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming an interrupted build" in resumed.stdout
    read_again = int(resumed.stdout.split("Read this time:")[1].split()[0].replace(",", ""))
    assert read_again <= 2400 - killed_at + 50  # only what was not yet committed
    whole = tmp_path / "whole.catalog"
    run_build([big_library], whole)
    assert rows(out) == rows(whole)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_pauses_the_build_and_says_how_to_resume(
    big_library: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    out = tmp_path / "interrupted.catalog"
    args = _cli(
        "catalog", "build", str(big_library), "--label", "nas-1", "--out", str(out),
        "--workers", "1", "--log-every", "0.05",
    )  # fmt: skip
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True, env=_env())
    assert proc.stderr is not None
    for line in proc.stderr:
        if "Reading pictures:" in line and not line.split("Reading pictures: ")[1].startswith("0 "):
            proc.send_signal(sig)
            break
    rest = proc.stderr.read()
    proc.wait(timeout=60)
    assert proc.returncode == 130
    assert "Paused" in rest
    assert "Run the same command again to resume" in rest
    assert "Traceback" not in rest
    resumed = subprocess.run(args, capture_output=True, text=True, env=_env(), timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert inspect(out).files == 2400


@pytest.mark.slow
def test_thousands_of_files_in_many_commits_then_an_unchanged_rebuild_reads_none(
    big_library: Path, tmp_path: Path, count_reads: list[str]
) -> None:
    out = tmp_path / "big.catalog"
    first = run_build([big_library], out, commit_seconds=0.01).summary
    assert (first.files, first.pictures, first.read) == (2400, 2400, 2400)
    count_reads.clear()
    again = run_build([big_library], out, commit_seconds=0.01).summary
    assert (again.read, again.unchanged, count_reads) == (0, 2400, [])
    assert inspect(out).files == 2400


# -- hostile files under the roots -----------------------------------------------------------


def test_bad_files_under_a_root_are_recorded_with_their_reason_and_the_build_goes_on(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (library / "garbage.jpg").write_bytes(b"not a jpeg at all" * 10)
    (library / "empty.png").write_bytes(b"")
    whole = images.jpeg_bytes(images.photo(4))
    (library / "cut.jpg").write_bytes(whole[: len(whole) // 3])
    os.mkfifo(library / "pipe.jpg")
    (library / "vanishing.png").write_bytes(noise_png(5))
    real = build_module._read_file

    def vanish(path: str, size: int, max_pixels: int):  # type: ignore[no-untyped-def]
        if path.endswith("vanishing.png"):
            os.unlink(path)
        return real(path, size, max_pixels)

    monkeypatch.setattr(build_module, "_read_file", vanish)
    out = tmp_path / "nas-1.catalog"
    summary = run_build([library], out).summary
    cat = read(out)
    reasons = {os.path.basename(k.path): k.reason for k in cat.skipped}
    reasons.update(
        {os.path.basename(f.path): f.failure.reason for f in cat.files if f.failure is not None}
    )
    assert reasons["pipe.jpg"] is SkipReason.NOT_A_FILE
    assert reasons["vanishing.png"] is SkipReason.VANISHED
    assert reasons["empty.png"] is SkipReason.EMPTY
    assert reasons["garbage.jpg"] in (SkipReason.NOT_AN_IMAGE, SkipReason.CORRUPT)
    assert "cut.jpg" in {os.path.basename(f.path) for f in cat.files}
    assert summary.pictures >= 3
    assert {os.path.basename(f.path) for f in cat.files if f.analysis} >= {
        "harbour.jpg",
        "beach.png",
        "beach copy.png",
    }


@pytest.mark.skipif(IS_ROOT, reason="root reads every file whatever its permissions")
def test_an_unreadable_file_is_recorded_as_such(library: Path, tmp_path: Path) -> None:
    locked = library / "locked.jpg"
    images.save(images.photo(9), locked)
    locked.chmod(0)
    try:
        out = tmp_path / "nas-1.catalog"
        run_build([library], out)
        skipped = {os.path.basename(k.path): k.reason for k in read(out).skipped}
        assert skipped["locked.jpg"] is SkipReason.PERMISSION_DENIED
    finally:
        locked.chmod(0o644)


def test_the_catalog_under_one_of_its_roots_is_not_catalogued(
    library: Path, count_reads: list[str]
) -> None:
    out = library / "catalog"  # no extension: a name the walk would otherwise open
    run_build([library], out)
    run_build([library], out)
    assert "catalog" not in count_reads
    assert "catalog" not in {os.path.basename(f.path) for f in read(out).files}
    # the root named through a symbolic link: walked under its real path, still left out
    link = library.parent / "link-to-photos"
    link.symlink_to(library)
    run_build([link], link / "catalog-2")
    assert "catalog-2" not in count_reads


# -- the command line: every refusal is one line ----------------------------------------------


def one_line_error(capsys: pytest.CaptureFixture[str], *args: str, code: int = 3) -> str:
    assert main(list(args)) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_the_command_builds_then_describes_a_catalog(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nas-1.catalog"
    assert main(["catalog", "build", str(library), "--label", "nas-1", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "Picture files:       3" in printed.out
    assert "Read this time:      3" in printed.out
    # not a terminal: a log line (stage, files, bytes, rate, ETA) instead of a bar
    assert "Reading pictures: 3 of 3 files" in printed.err
    assert "files/s" in printed.err
    assert main(["catalog", "info", str(out)]) == 0
    described = capsys.readouterr().out
    assert "nas-1" in described
    assert "sound" in described
    assert str(library) in described


def test_a_root_that_does_not_exist_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = one_line_error(
        capsys, "catalog", "build", str(tmp_path / "nope"), "--label", "x",
        "--out", str(tmp_path / "x.catalog"),
    )  # fmt: skip
    assert "folder not found" in err
    assert not (tmp_path / "x.catalog").exists()


def test_an_empty_label_is_a_usage_error(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one_line_error(
        capsys, "catalog", "build", str(library), "--label", " ", "--out",
        str(tmp_path / "x.catalog"), code=2,
    )  # fmt: skip


def test_out_in_a_folder_that_cannot_be_written_is_one_line(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = one_line_error(
        capsys, "catalog", "build", str(library), "--label", "x", "--out",
        str(tmp_path / "missing" / "x.catalog"),
    )  # fmt: skip
    assert "its folder does not exist" in err
    # /proc refuses new files even to root
    err = one_line_error(
        capsys, "catalog", "build", str(library), "--label", "x", "--out", "/proc/x.catalog"
    )
    assert "cannot write /proc/x.catalog" in err


@pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders")
def test_out_in_a_read_only_folder_is_one_line(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        err = one_line_error(
            capsys, "catalog", "build", str(library), "--label", "x", "--out",
            str(folder / "x.catalog"),
        )  # fmt: skip
        assert "cannot write" in err
    finally:
        folder.chmod(0o755)


def test_a_second_build_on_the_same_catalog_is_refused_while_one_runs(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nas-1.catalog"
    run_build([library], out)
    holder = build_module._open(out)  # what a running build holds: SQLite's exclusive lock
    try:
        err = one_line_error(
            capsys, "catalog", "build", str(library), "--label", "nas-1", "--out", str(out)
        )
        assert "another catalog build is writing" in err
        err = one_line_error(capsys, "catalog", "info", str(out))
        assert "in use by another PhotoSift" in err
    finally:
        holder.close()
    assert main(["catalog", "build", str(library), "--label", "nas-1", "--out", str(out)]) == 0


def test_a_catalog_of_another_label_or_a_foreign_file_is_never_overwritten(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nas-1.catalog"
    run_build([library], out)
    err = one_line_error(
        capsys, "catalog", "build", str(library), "--label", "nas-2", "--out", str(out)
    )
    assert "'nas-1', not 'nas-2'" in err
    foreign = tmp_path / "thesis.docx"
    foreign.write_bytes(b"PK\x03\x04 my thesis" * 100)
    err = one_line_error(
        capsys, "catalog", "build", str(library), "--label", "x", "--out", str(foreign)
    )
    assert "not a PhotoSift catalog" in err
    assert foreign.read_bytes() == b"PK\x03\x04 my thesis" * 100


@pytest.fixture
def built(library: Path, tmp_path: Path) -> Path:
    out = tmp_path / "nas-1.catalog"
    run_build([library], out)
    return out


def test_a_file_that_is_not_sqlite_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "photo.catalog"
    bad.write_bytes(os.urandom(5000))
    assert "not an SQLite database" in one_line_error(capsys, "catalog", "info", str(bad))
    assert "no such catalog" in one_line_error(capsys, "catalog", "info", str(tmp_path / "missing"))
    assert "is a folder" in one_line_error(capsys, "catalog", "info", str(tmp_path))
    (tmp_path / "empty").write_bytes(b"")
    assert "empty" in one_line_error(capsys, "catalog", "info", str(tmp_path / "empty"))


def test_a_pipe_in_the_catalogs_place_is_one_line_and_never_blocks(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pipe = tmp_path / "nas-1.catalog"
    os.mkfifo(pipe)
    assert "not a regular file" in one_line_error(capsys, "catalog", "info", str(pipe))
    err = one_line_error(
        capsys, "catalog", "build", str(library), "--label", "x", "--out", str(pipe)
    )
    assert "not a regular file" in err


def test_an_sqlite_file_of_another_program_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "places.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE moz_places (url TEXT)")
    conn.close()
    err = one_line_error(capsys, "catalog", "info", str(other))
    assert "an SQLite database of another program" in err


def test_a_truncated_catalog_is_one_line(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = built.read_bytes()
    for cut in (50, len(data) // 2, len(data) - 8192):
        built.write_bytes(data[:cut])
        err = one_line_error(capsys, "catalog", "info", str(built))
        assert "truncated" in err or "not an SQLite database" in err


def test_a_build_over_a_truncated_or_newer_catalog_leaves_it_alone(
    built: Path, library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_args = ("catalog", "build", str(library), "--label", "nas-1", "--out", str(built))
    cut = built.read_bytes()[: built.stat().st_size // 2]
    built.write_bytes(cut)
    err = one_line_error(capsys, *build_args)
    assert "truncated" in err
    assert "move it away or choose another --out" in err
    assert built.read_bytes() == cut


def test_a_hand_edited_row_is_one_line(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(built) as conn:
        conn.execute("UPDATE files SET size = size + 1 WHERE rowid = 1")
    conn.close()
    err = one_line_error(capsys, "catalog", "info", str(built))
    assert "its checksum does not match" in err
    with pytest.raises(CatalogError, match="checksum"):
        read(built)


def test_a_damaged_page_is_one_line(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = bytearray(built.read_bytes())
    page = int.from_bytes(data[16:18], "big")  # the page size, in the header
    data[page * 2 : page * 2 + 300] = os.urandom(300)  # inside a table's pages
    built.write_bytes(bytes(data))
    err = one_line_error(capsys, "catalog", "info", str(built))
    assert str(built) in err


def test_a_catalog_of_another_schema_or_algorithm_is_refused_for_grouping(
    built: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "ALGORITHM_VERSION", 99)
    with pytest.raises(CatalogError, match="fingerprint algorithm 5, and this PhotoSift uses 99"):
        read(built)
    assert inspect(built).algorithm_version == 5  # its description is readable still
    monkeypatch.undo()
    with sqlite3.connect(built) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    err = one_line_error(capsys, "catalog", "info", str(built))
    assert f"written by a newer PhotoSift (catalog schema {SCHEMA_VERSION + 1}" in err
    err = one_line_error(
        capsys, "catalog", "build", str(built.parent / "photos"), "--label", "nas-1",
        "--out", str(built),
    )  # fmt: skip
    assert "move it away or choose another --out" in err


def test_the_header_says_what_the_file_is(built: Path) -> None:
    head = built.read_bytes()[:100]
    assert head.startswith(SQLITE_MAGIC)
    assert head[68:72] == b"PSCT"


def test_an_interrupted_build_is_not_called_damaged(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "nas-1.catalog"

    def boom(path: str, size: int, max_pixels: int):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "_read_file", boom)
    with pytest.raises(KeyboardInterrupt):
        run_build([library], out)
    with pytest.raises(UnfinishedCatalog, match="not damaged"):
        inspect(out)


def test_a_bad_root_raises_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(BadRootError):
        run_build([tmp_path / "nope"], tmp_path / "x.catalog")
    assert not (tmp_path / "x.catalog").exists()


def _events(settings: BuildSettings) -> Iterator[object]:
    yield from build(settings)


def test_progress_goes_from_the_walk_to_the_end(library: Path, tmp_path: Path) -> None:
    settings = BuildSettings(roots=(str(library),), label="x", out=tmp_path / "x.catalog")
    overall = [e.overall for e in _events(settings) if isinstance(e, Progress)]
    assert overall == sorted(overall)
    assert overall[-1] == pytest.approx(1.0)
