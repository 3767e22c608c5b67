"""The CSV export: BOM, one row per group member, readable values, odd names."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from cleaner.models import ScanResult
from cleaner.report.csv import COLUMNS, display_path, write_csv
from tests.helpers import images


def _read(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte-order mark"
    text = raw[3:].decode("utf-8")
    assert "\r\n" in text
    reader = csv.DictReader(text.splitlines())
    assert tuple(reader.fieldnames or ())[: len(COLUMNS)] == COLUMNS
    return list(reader)


@pytest.fixture
def result(library) -> ScanResult:
    lib = library()
    original = images.photo(81, (400, 300))
    lib.add("Originals/a.jpg", original)
    lib.add("a_small.png", images.resized(original, 200))
    lib.copy("Originals/a.jpg", "Backup/a.jpg")
    b = lib.add("b.jpg", images.photo(82, (400, 300)))
    os.link(b, lib.root / "b_link.jpg")
    odd_dir = os.path.join(os.fsencode(lib.root), b"caf\xed")
    os.mkdir(odd_dir)
    with open(os.path.join(odd_dir, b"b (1).jpg"), "wb") as fh:
        fh.write(b.read_bytes())
    lib.add_bytes("x.jpg", b"")
    return lib.scan(protected=(str(lib.root / "Backup"), str(lib.root / "Originals")))


def test_one_row_per_group_member(result: ScanResult, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    write_csv(result.groups, out)
    rows = _read(out)
    assert len(rows) == sum(g.size for g in result.groups) == 5
    for g in result.groups:
        mine = [r for r in rows if r["group_id"] == str(g.id)]
        assert len(mine) == g.size
        assert {r["copies_in_group"] for r in mine} == {str(g.size)}
        assert {r["group_kind"] for r in mine} == {g.kind.value}
        assert [r["action"] for r in mine].count("keep") == 1
        keeper = next(r for r in mine if r["action"] == "keep")
        assert keeper["keeper_reason"] == g.reason
        assert all(r["keeper_reason"] == "" for r in mine if r["action"] != "keep")


def test_values_are_what_the_result_says(result: ScanResult, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    write_csv(result.groups, out)
    rows = {r["path"]: r for r in _read(out)}
    for g in result.groups:
        for m in g.members:
            row = rows[display_path(m.path)]
            assert row["size_bytes"] == str(m.entry.size)
            assert row["sha256"] == (m.sha256 or "")
            assert row["quality_score"] == str(m.quality)
            assert row["protected"] == ("yes" if m.protected else "no")
            assert row["hard_linked"] == ("no" if m.entry.frees_space else "yes")
            assert row["name"] == os.path.basename(display_path(m.path))
            if m.metrics is not None:
                assert (row["width"], row["height"]) == (
                    str(m.metrics.width),
                    str(m.metrics.height),
                )
                assert row["format"] == m.metrics.format
    protected = [r["action"] for p, r in rows.items() if "Backup" in p or "Originals" in p]
    assert sorted(protected) == ["keep", "keep (protected)"]
    assert any(r["hard_linked"] == "yes" for r in rows.values())


def test_non_utf8_names_become_replacement_characters(result: ScanResult, tmp_path) -> None:
    out = tmp_path / "r.csv"
    write_csv(result.groups, out)
    rows = _read(out)
    odd = [r for r in rows if "\ufffd" in r["path"]]
    assert len(odd) == 1
    assert odd[0]["folder"].endswith("caf\ufffd")
    assert odd[0]["name"] == "b (1).jpg"


def test_no_groups_gives_just_the_header(tmp_path: Path) -> None:
    out = tmp_path / "empty.csv"
    write_csv((), out)
    assert _read(out) == []


def test_write_replaces_an_old_file_and_leaves_no_temporary_files(
    result: ScanResult, tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "r.csv"
    out.write_text("old contents")
    write_csv(result.groups, out)
    assert len(_read(out)) == 5
    assert os.listdir(tmp_path / "out") == ["r.csv"]
