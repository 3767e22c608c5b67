"""Grouping across catalogs (issue 14, part 2): `photosift scan --catalog`, the estate
report, the keep-list and the dataset summary."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.catalog import CatalogError, columns, read
from cleaner.catalog.columns import read_columns
from cleaner.catalog.estate import scan_catalogs
from cleaner.cli import main
from cleaner.detect.scan import run_scan
from cleaner.models import ScanResult, ScanSettings
from cleaner.progress import drain
from cleaner.removal.plan import plan_removal
from cleaner.resultio import load
from tests.engine.test_catalog import one_line_error
from tests.helpers import images
from tests.helpers.catalogs import Estate, make_estate
from tests.helpers.copy_sets import noise_png

REPO = Path(__file__).resolve().parents[2]


def build_in_process(root: Path, label: str, out: Path) -> Path:
    """`photosift catalog build` in a process of its own, as on a server."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "cleaner", "catalog", "build", str(root), "--label", label,
           "--out", str(out)]  # fmt: skip
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out


def group_catalogs(*paths: Path, **kw: object) -> ScanResult:
    events = scan_catalogs([str(p) for p in paths], ScanSettings(roots=()), **kw)  # type: ignore[arg-type]
    return drain(events).result


def sets_of(result: ScanResult, base: Path | None = None) -> list[tuple[list[str], str]]:
    """Each set as (sorted member paths, keeper), paths relative to `base` for a scan of
    folders, LABEL:PATH turned into LABEL/PATH for a scan of catalogs."""

    def rel(path: str) -> str:
        if base is not None:
            return os.path.relpath(path, base).replace(os.sep, "/")
        label, _, below = path.partition(":")
        return f"{label}/{below}"

    return sorted(
        (sorted(rel(m.path) for m in g.members), rel(g.keeper.path)) for g in result.groups
    )


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    """Two servers catalogued in processes of their own: thousands of small pictures,
    copies within and across them, a picture resized on the other server, one picture on
    the estate four times."""
    return make_estate(
        tmp_path_factory.mktemp("estate"), sets=1000, across=300, own=700,
        labels=("server-a", "server-b"), four_times=True, build=build_in_process,
    )  # fmt: skip


def test_two_catalogs_built_apart_give_the_sets_and_keepers_of_one_scan(
    estate: Estate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columns, "_BATCH", 700)  # several batches per catalog
    merged = group_catalogs(estate.a, estate.b)
    local = run_scan(
        ScanSettings(roots=(str(estate.server_a), str(estate.server_b))), cache_path=None
    )
    assert len(local.groups) == 1000 + 2
    assert sets_of(merged) == sets_of(local, estate.base)
    assert merged.from_catalogs
    assert not local.from_catalogs
    assert merged.stats.images == local.stats.images
    assert merged.stats.redundant_copies == local.stats.redundant_copies
    assert merged.stats.reclaimable_bytes == local.stats.reclaimable_bytes
    harbour = next(
        g for g in merged.groups if "server-a:originals/harbour.jpg" in {m.path for m in g.members}
    )
    assert harbour.keeper.path == "server-a:originals/harbour.jpg"


def test_the_columnar_read_agrees_with_the_checked_read(estate: Estate) -> None:
    cols = read_columns(estate.b)
    full = read(estate.b)
    by_rel = {f.relpath.replace(os.sep, "/"): f for f in full.files}
    assert len(cols) == len(by_rel) == 1003
    for row in range(0, len(cols), 97):
        f = by_rel[cols.relpath_of(row)]
        assert f.analysis == cols.analysis(row)
        assert f.sha256 == bytes(cols.sha256[row]).hex()
        assert (f.size, f.mtime_ns, f.inode, f.nlink) == (
            cols.size[row], cols.mtime_ns[row], cols.inode[row], cols.nlink[row],
        )  # fmt: skip


def test_a_whole_label_or_a_folder_of_one_can_be_protected(estate: Estate) -> None:
    result = group_catalogs(estate.a, estate.b, protect_labels=["server-b"])
    for g in result.groups:
        for m in g.members:
            if m.path.startswith("server-b:"):
                assert m.protected
                assert not m.suggested_remove
    events = scan_catalogs(
        [str(estate.a), str(estate.b)],
        ScanSettings(roots=(), protected=("server-a:old",)),
    )
    scanned = drain(events)
    old = next(
        m for g in scanned.result.groups for m in g.members if m.path == "server-a:old/beach.jpg"
    )
    assert old.protected


def test_the_command_writes_the_estate_report_and_clean_refuses_its_result(
    estate: Estate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "estate.json"
    html = tmp_path / "estate.html"
    code = main(
        ["scan", "--catalog", str(estate.a), "--catalog", str(estate.b),
         "--json", str(out), "--report", str(html), "--estate-csv", str(tmp_path / "e.csv"),
         "--csv", str(tmp_path / "files.csv"), "--more-than", "3", "--no-ignore-list"]
    )  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0
    assert "Pictures that appear more than 3 times across the estate: 1" in text
    assert "server-a:beach.jpg" in text  # four copies: the keeper named
    assert "server-a & server-b: 302 sets" in text
    data = json.loads(out.read_text())
    assert data["source"] == "catalogs"
    paths = [m["path"] for g in data["groups"] for m in g["members"]]
    assert "server-b:web/harbour.png" in paths
    estate_part = data["estate"]
    a, b = estate_part["labels"]
    assert (a["label"], a["files"], a["pictures"]) == ("server-a", 2003, 2003)
    assert (b["label"], b["files"]) == ("server-b", 1003)
    assert estate_part["all"]["sets"] == 1002
    assert estate_part["spanning_pairs"] == [
        {"labels": ["server-a", "server-b"], "sets": 302, "files": 302 * 1 + 300 * 2 + 2 + 2}
    ]
    page = html.read_text()
    assert "Per label (server or data set)" in page
    assert "Sets that span labels" in page
    assert "No preview: the file is on another machine" in page
    rows = list(csv.reader((tmp_path / "e.csv").open()))
    assert rows[0][0] == "label"
    assert rows[3][0] == "(all)"
    # the result names files on other machines: clean moves nothing
    assert main(["clean", "--from", str(out), "--yes"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "scan of catalogs" in err
    loaded = load(out)
    assert loaded.from_catalogs
    # and below the command: a labelled path is never a local file a removal would take
    plan = plan_removal(loaded)
    assert not plan.files
    assert len(plan.refused) == loaded.stats.redundant_copies


@pytest.fixture(scope="module")
def splits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A training set in two splits: 600 pictures in train, 400 in test, 25 of the test
    pictures also in train, and 5 pictures five times each (three in train, two in test)."""
    base = tmp_path_factory.mktemp("splits")
    train, test = base / "train", base / "test"
    train.mkdir()
    test.mkdir()
    for i in range(600):
        (train / f"t{i:04d}.png").write_bytes(noise_png(70_000 + i))
    for i in range(400):
        seed = 70_000 + i if i < 25 else 80_000 + i  # the first 25 leak from train
        (test / f"v{i:04d}.png").write_bytes(noise_png(seed))
    for k in range(5):
        data = noise_png(90_000 + k)
        for c in range(3):
            (train / f"r{k}_{c}.png").write_bytes(data)
        for c in range(2):
            (test / f"r{k}_{c}.png").write_bytes(data)
    build_in_process(train, "train", base / "train.catalog")
    build_in_process(test, "test", base / "test.catalog")
    return base


def test_leakage_between_splits_keep_list_and_dataset_summary(
    splits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keep_txt, keep_csv = tmp_path / "keep.txt", tmp_path / "keep.csv"
    summary_md, summary_json = tmp_path / "dataset.md", tmp_path / "dataset.json"
    code = main(
        ["scan", "--catalog", str(splits / "train.catalog"), "--catalog",
         str(splits / "test.catalog"), "--keep-list", str(keep_txt), "--keep-list",
         str(keep_csv), "--dataset-summary", str(summary_md), "--dataset-summary",
         str(summary_json), "--no-ignore-list"]
    )  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0
    assert "test & train: 30 sets (75 files)" in text  # 25 pairs and 5 sets of five
    assert "Pictures that appear more than 3 times across the estate: 5" in text
    kept = keep_txt.read_text().splitlines()
    # 600 + 400 + 25 distinct pictures... minus the 25 leaked ones counted twice, + 5
    assert len(kept) == len(set(kept)) == 600 + 400 - 25 + 5
    assert "train:t0000.png" in kept
    assert "test:v0000.png" not in kept
    rows = list(csv.DictReader(keep_csv.open()))
    assert len(rows) == len(kept)
    assert {r["label"] for r in rows} == {"train", "test"}
    assert all(len(r["sha256"]) == 64 for r in rows)
    data = json.loads(summary_json.read_text())
    train, test = data["sources"]
    assert (train["label"], train["pictures_before"], train["pictures_after"]) == (
        "train", 615, 600 + 5,
    )  # fmt: skip
    assert (test["pictures_before"], test["pictures_after"]) == (410, 375)
    assert data["leakage"] == [{"sources": ["test", "train"], "sets": 30, "files": 75}]
    assert data["method"]["similarity"] == "same"
    assert data["method"]["thresholds"]["hamming"] >= 0
    assert train["date_range"]["from"] == "modification time"  # noise PNGs have no EXIF
    md = summary_md.read_text()
    assert "| train | 615 | 605 |" in md
    assert "## Leakage between sources" in md


def one_line(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    return one_line_error(capsys, *args, code=3)


def edited_copy(source: Path, target: Path, sql: str) -> str:
    """A copy of catalog `source` at `target` with `sql` run on it, as a path."""
    shutil.copy(source, target)
    with sqlite3.connect(target) as conn:
        conn.execute(sql)
    conn.close()
    return str(target)


def test_bad_catalogs_are_refused_in_one_line(
    splits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train = str(splits / "train.catalog")
    err = one_line(capsys, "scan", "--catalog", train, "--catalog", train)
    assert "both have the label 'train'" in err
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    err = one_line(capsys, "scan", "--catalog", train, "--catalog", str(foreign))
    assert "another program" in err
    test = splits / "test.catalog"
    damaged = edited_copy(test, tmp_path / "d.catalog", "UPDATE files SET size = 1 WHERE rowid = 7")
    err = one_line(capsys, "scan", "--catalog", train, "--catalog", damaged)
    assert "checksum does not match" in err
    other = edited_copy(
        test, tmp_path / "o.catalog", "UPDATE meta SET value = '4' WHERE key = 'algorithm_version'"
    )
    err = one_line(capsys, "scan", "--catalog", train, "--catalog", other)
    assert "fingerprint algorithm 4" in err
    with pytest.raises(CatalogError):
        read_columns(damaged)


def test_folder_options_and_unknown_labels_are_usage_errors(
    splits: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train = str(splits / "train.catalog")
    assert main(["scan", "--catalog", train, "--exclude", "*.png"]) == 2
    assert "--exclude applies when a catalog is built" in capsys.readouterr().err
    assert main(["scan", "--catalog", train, "--protect-label", "nope"]) == 2
    assert "no catalog has that label" in capsys.readouterr().err
    assert main(["scan", "--catalog", train, "--protect", "/srv/x"]) == 2
    assert "LABEL:FOLDER" in capsys.readouterr().err
    assert main(["scan", "--catalog", train, "--ignore-list", train]) == 2
    assert "--ignore-list does not apply" in capsys.readouterr().err
    assert main(["scan", "--keep-list", "k.txt", str(splits)]) == 2
    assert main(["scan"]) == 2


def test_the_dataset_dates_are_capture_times_where_the_pictures_have_them(
    tmp_path: Path,
) -> None:
    shot, other = tmp_path / "shot", tmp_path / "other"
    for k, taken in enumerate(("2019:07:14 12:00:00", "2021:01:02 08:30:00")):
        images.save(images.photo(10 + k), shot / f"p{k}.jpg", exif=images.exif_bytes(taken=taken))
    images.save(
        images.photo(12), other / "a.jpg", exif=images.exif_bytes(taken="2018:05:06 07:08:09")
    )
    (other / "b.png").write_bytes(noise_png(5))  # no EXIF: its file's date counts
    build_in_process(shot, "shot", tmp_path / "shot.catalog")
    build_in_process(other, "other", tmp_path / "other.catalog")
    scanned = drain(
        scan_catalogs(
            [str(tmp_path / "shot.catalog"), str(tmp_path / "other.catalog")],
            ScanSettings(roots=()),
        )
    )
    dates = scanned.date_ranges()  # type: ignore[attr-defined]
    assert dates["shot"] == ("2019-07-14 12:00:00", "2021-01-02 08:30:00", "capture time")
    first, last, source = dates["other"]
    assert first == "2018-05-06 07:08:09"
    assert last[:4] >= "2026"
    assert source == "capture time where recorded, else modification time"


def test_a_non_utf8_file_name_goes_into_the_catalog_scans_json_and_back(tmp_path: Path) -> None:
    """A name the file system gave as bytes that are not UTF-8 (kit: `non_utf8_name`)
    stopped `scan --catalog --json` with a UnicodeEncodeError traceback; it is written as
    an escape and reads back as the same path, as a folder scan's JSON does."""
    root = tmp_path / "photos"
    root.mkdir()
    odd = os.fsdecode(b"Fotograf\xeda.png")
    images.save(images.photo(3), root / "plain.png")
    shutil.copy2(root / "plain.png", root / odd)
    catalog = build_in_process(root, "x", tmp_path / "x.catalog")
    out = tmp_path / "result.json"
    assert main(["scan", "--catalog", str(catalog), "--json", str(out), "-q"]) == 0
    (group,) = load(out).groups
    assert sorted(m.path for m in group.members) == ["x:" + odd, "x:plain.png"]
