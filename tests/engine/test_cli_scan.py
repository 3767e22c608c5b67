"""`photosift scan`: exit codes, outputs and messages, in-process and as a real command."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import __version__
from cleaner.cli import build_parser, main
from cleaner.keep import CRITERIA_KEYS
from cleaner.resultio import SCHEMA, SCHEMA_VERSION
from tests.helpers import images

BIN = Path(sys.executable).parent


@pytest.fixture
def photos(library):
    lib = library()
    original = images.photo(61, (400, 300))
    lib.add("Originals/a.jpg", original)
    lib.copy("Originals/a.jpg", "Downloads/a.jpg")
    lib.add("a_small.png", images.resized(original, 200))
    lib.add("b.jpg", images.photo(62, (400, 300)))
    lib.add_bytes("broken.jpg", b"<html>404</html>")
    lib.add_bytes("empty.png", b"")
    return lib


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_scan_writes_json_and_csv(photos, tmp_path: Path, capsys) -> None:
    json_path, csv_path = tmp_path / "out.json", tmp_path / "out.csv"
    code, _, err = _run(
        ["scan", str(photos.root), "--json", str(json_path), "--csv", str(csv_path), "--no-cache"],
        capsys,
    )
    assert code == 0, err
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["schema"] == SCHEMA == "photosift-result"
    assert data["schema_version"] == SCHEMA_VERSION
    assert len(data["groups"]) == 1
    members = data["groups"][0]["members"]
    assert {os.path.relpath(m["path"], photos.root) for m in members} == {
        "Originals/a.jpg",
        "Downloads/a.jpg",
        "a_small.png",
    }
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == len(members) == 3
    assert {r["group_id"] for r in rows} == {"1"}
    assert sorted(r["action"] for r in rows) == ["keep", "remove", "remove"]
    keep = next(r for r in rows if r["action"] == "keep")
    assert keep["path"].endswith(os.path.join("Originals", "a.jpg"))


def test_summary_mentions_skipped_files_with_reasons(photos, capsys) -> None:
    code, out, _ = _run(["scan", str(photos.root), "--no-cache"], capsys)
    assert code == 0
    assert "Duplicate groups:    1" in out
    assert "Skipped files:       2" in out
    assert "empty file (0 bytes)" in out
    assert "not a picture" in out


def test_list_shows_groups_and_each_skipped_file(photos, capsys) -> None:
    code, out, _ = _run(["scan", str(photos.root), "--no-cache", "--list"], capsys)
    assert code == 0
    assert "Group 1" in out
    assert "broken.jpg" in out
    assert "empty.png" in out


def test_quiet_prints_nothing(photos, capsys) -> None:
    code, out, err = _run(["scan", str(photos.root), "--no-cache", "-q"], capsys)
    assert (code, out, err) == (0, "", "")


def test_cache_dir_option(photos, tmp_path: Path, capsys) -> None:
    cache_dir = tmp_path / "mycache"
    cache_dir.mkdir()
    args = ["scan", str(photos.root), "--cache-dir", str(cache_dir)]
    assert _run(args, capsys)[0] == 0
    assert (cache_dir / "fingerprints.sqlite3").exists()
    _, out, _ = _run(args, capsys)
    assert "Pictures read:       4 (4 from the cache)" in out  # the broken file is no picture


def test_nonexistent_path_exits_3_with_one_line(tmp_path: Path, capsys) -> None:
    code, out, err = _run(["scan", str(tmp_path / "nope"), "--no-cache"], capsys)
    assert code == 3
    assert out == ""
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert "not found" in err


def test_unwritable_output_folder_exits_3(photos, tmp_path: Path, capsys) -> None:
    code, _, err = _run(
        ["scan", str(photos.root), "--json", str(tmp_path / "no" / "such" / "r.json")], capsys
    )
    assert code == 3
    assert "folder does not exist" in err


@pytest.mark.parametrize(
    "bad",
    [
        ["--threshold", "99"],
        ["--threshold", "-1"],
        ["--similarity", "nope"],
        ["--keep-order", "prettiest"],
        ["--workers", "-2"],
        ["--max-megapixels", "0"],
        ["--threshold", "abc"],
    ],
)
def test_bad_options_exit_2(photos, bad: list[str], capsys) -> None:
    try:
        code = main(["scan", str(photos.root), "--no-cache", *bad])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    _, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in err
    assert err.strip()


def test_keep_order_help_lists_exactly_the_criteria_table_in_order(capsys) -> None:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    scan = sub.choices["scan"]  # type: ignore[index]
    (keep_order,) = (a for a in scan._actions if "--keep-order" in a.option_strings)
    intro = "comma-separated criteria that decide the copy to keep, most important first: "
    assert keep_order.help == intro + ", ".join(CRITERIA_KEYS)
    # and so does the printed help, however argparse wraps it
    with pytest.raises(SystemExit):
        main(["scan", "--help"])
    printed = " ".join(capsys.readouterr().out.split())
    listed = printed.split(intro.strip() + " ", 1)[1].split(" --", 1)[0]
    assert listed.split(", ") == list(CRITERIA_KEYS)


def test_unknown_keep_order_lists_the_criteria_table(photos, capsys) -> None:
    code, _, err = _run(["scan", str(photos.root), "--no-cache", "--keep-order", "x"], capsys)
    assert code == 2
    assert err == (
        "photosift: unknown keeper criterion 'x'; choose from " + ", ".join(CRITERIA_KEYS) + "\n"
    )


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"PhotoSift {__version__}"


def test_options_reach_the_scan(library, tmp_path: Path, capsys) -> None:
    lib = library()
    original = images.photo(63, (400, 300))
    lib.add("keep/a.jpg", original)
    lib.add("keep/turned.jpg", images.rotated90(original))
    lib.add("skip/a.jpg", original)
    json_path = tmp_path / "r.json"
    args = ["scan", str(lib.root), "--no-cache", "-q", "--json", str(json_path)]
    assert main([*args, "--rotations", "--exclude", "skip"]) == 0
    data = json.loads(json_path.read_text())
    assert data["settings"]["rotations"] is True
    assert data["settings"]["excludes"] == ["skip"]
    (group,) = data["groups"]
    assert {os.path.basename(m["path"]) for m in group["members"]} == {"a.jpg", "turned.jpg"}
    assert main([*args, "--exclude", "skip"]) == 0  # turned copies are found by default
    data = json.loads(json_path.read_text())
    assert data["settings"]["rotations"] is True
    assert len(data["groups"]) == 1
    assert main([*args, "--no-rotations", "--exclude", "skip"]) == 0
    data = json.loads(json_path.read_text())
    assert data["settings"]["rotations"] is False
    assert data["groups"] == []


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = BIN / "photosift"
    if not exe.exists():
        pytest.skip(f"the photosift command is not installed in {BIN}")
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=120, cwd=cwd, check=False
    )


def test_installed_command_end_to_end(photos, tmp_path: Path) -> None:
    json_path = tmp_path / "r.json"
    proc = _cli("scan", str(photos.root), "--json", str(json_path), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(json_path.read_text())["schema"] == "photosift-result"
    assert "Skipped files:" in proc.stdout
    # the default cache went to the redirected folder, not the real user's
    assert (Path(os.environ["PHOTOSIFT_CACHE_DIR"]) / "fingerprints.sqlite3").exists()


def test_installed_command_errors(tmp_path: Path) -> None:
    missing = _cli("scan", str(tmp_path / "nope"), cwd=tmp_path)
    assert missing.returncode == 3
    assert "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    bad = _cli("scan", str(tmp_path), "--similarity", "nope", cwd=tmp_path)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    version = _cli("--version", cwd=tmp_path)
    assert version.returncode == 0
    assert __version__ in version.stdout
