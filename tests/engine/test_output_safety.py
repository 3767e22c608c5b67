"""Issue 10, class 10: file names that could drive a terminal, forge lines or reorder text.

A name with an escape sequence could clear the screen when `clean` printed its plan, a
newline could forge a plan line, and a right-to-left override could make "gpj.exe" read
"exe.jpg". Every command, the HTML report and the CSV now show such characters as
visible escapes (`cleaner.textsafe`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner import resultio
from cleaner.cli import main
from cleaner.report import write_report
from cleaner.textsafe import printable, printable_path
from tests.helpers import images
from tests.helpers.removal_helpers import group, member, result

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="these names are POSIX-only")

# name on disk -> how it must be shown
HOSTILE = {
    "clear\x1b[2J\x1b[H.jpg": "clear\\x1b[2J\\x1b[H.jpg",
    "two\n  FORGED plan line.jpg": "two\\n  FORGED plan line.jpg",
    "back\rspace\b.jpg": "back\\rspace\\x08.jpg",
    "report\u202efdp.jpg": "report\\u202efdp.jpg",  # reads "reportgpj.pdf"
    "iso\u2067late\u2069.jpg": "iso\\u2067late\\u2069.jpg",
    "mark\u200f\u061c.jpg": "mark\\u200f\\u061c.jpg",
    "c1\x9b31m\x85.jpg": "c1\\x9b31m\\x85.jpg",
    "del\x7f.jpg": "del\\x7f.jpg",
    os.fsdecode(b"caf\xe9 bytes.jpg"): "caf\\xe9 bytes.jpg",
}


def _is_unsafe(ch: str) -> bool:
    code = ord(ch)
    return (
        (code < 0x20 and ch != "\n")
        or 0x7F <= code <= 0x9F
        or 0xD800 <= code <= 0xDFFF
        or 0x202A <= code <= 0x202E
        or 0x2066 <= code <= 0x2069
        or ch in "\u200e\u200f\u061c\u2028\u2029"
    )


def _assert_safe(text: str) -> None:
    bad = sorted({f"U+{ord(ch):04X}" for ch in text if _is_unsafe(ch)})
    assert not bad, f"raw control or bidi characters in the output: {bad}"


# -- the helper ---------------------------------------------------------------------------


def test_each_hostile_name_is_shown_as_escapes() -> None:
    for name, shown in HOSTILE.items():
        assert printable_path(name) == shown


def test_ordinary_names_are_left_alone() -> None:
    for name in ("Vacances été 2019/IMG_0001.jpg", "写真/猫.png", "עברית.jpg", "😀 emoji.heic"):
        assert printable(name) == name


@given(st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF)))
def test_printable_never_lets_a_control_through(text: str) -> None:
    shown = printable(text)
    _assert_safe(shown.replace("\n", "\x00"))  # a raw newline is unsafe here too
    assert "\n" not in shown
    shown.encode("utf-8")  # no lone surrogate is left
    if not any(_is_unsafe(ch) or ch == "\n" for ch in text):
        assert shown == text
    assert printable(shown) == shown  # escaping twice changes nothing


# -- the commands -------------------------------------------------------------------------


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, list[Path]]:
    """A saved result: one keeper and, in the same group, a copy under each hostile name."""
    root = tmp_path / "photos"
    root.mkdir()
    groups = []
    copies: list[Path] = []
    for i, name in enumerate(HOSTILE):
        data = hashlib.sha256(str(i).encode()).digest() * 64
        keeper = root / f"keep{i}.jpg"
        keeper.write_bytes(data)
        copy = Path(os.fsencode(root / name).decode("utf-8", "surrogateescape"))
        copy.write_bytes(data)
        copies.append(copy)
        groups.append(group(i, member(keeper, keeper=True), member(copy, remove=True)))
    path = tmp_path / "result.json"
    resultio.save(result(groups, roots=(str(root),)), path)
    return path, copies


def test_clean_plan_shows_names_escaped_one_per_line(hostile, capsys) -> None:
    """Caught on main: the plan printed ESC [2J (clear screen) and a forged line."""
    saved, copies = hostile
    code = main(["clean", "--from", str(saved), "--dry-run"])
    out, err = capsys.readouterr()
    assert code == 0, err
    _assert_safe(out)
    lines = out.splitlines()
    listed = [line.strip() for line in lines if line.startswith("  ")]
    assert sorted(listed) == sorted(printable_path(str(c)) for c in copies)
    for shown in HOSTILE.values():
        assert sum(shown in line for line in lines) == 1


def test_clean_results_history_and_undo_show_names_escaped(hostile, tmp_path: Path, capsys):
    saved, copies = hostile
    changed = copies[0]
    changed.write_bytes(b"edited since the scan")  # so clean reports it as not moved
    code = main(
        ["clean", "--from", str(saved), "--yes", "--quarantine-only", "--quarantine",
         str(tmp_path / "q")]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code in (0, 1), err  # the changed file is refused in the plan or not moved
    _assert_safe(out)
    _assert_safe(err)
    assert printable_path(str(changed)) in out + err

    code = main(["history"])
    out, err = capsys.readouterr()
    batch = out.splitlines()[1].split()[0]
    code = main(["history", batch])
    out, err = capsys.readouterr()
    assert code == 0, err
    _assert_safe(out)
    assert [c.name for c in copies[1:] if printable_path(str(c)) not in out] == [], out

    copies[1].write_bytes(b"someone put a new file here")  # undo puts it back beside
    code = main(["undo"])
    out, err = capsys.readouterr()
    _assert_safe(out)
    _assert_safe(err)
    assert printable_path(str(copies[1])) in out + err


def test_scan_list_shows_names_escaped(tmp_path: Path, capsys) -> None:
    root = tmp_path / "photos"
    root.mkdir()
    data = images.jpeg_bytes(images.photo(3, (96, 72)))
    for name in HOSTILE:
        Path(os.fsencode(root / name).decode("utf-8", "surrogateescape")).write_bytes(data)
    (root / "original.jpg").write_bytes(data)
    code = main(["scan", str(root), "--list", "--no-cache"])
    out, err = capsys.readouterr()
    assert code == 0, err
    _assert_safe(out)
    _assert_safe(err)
    for shown in HOSTILE.values():
        assert shown in out


def test_html_report_shows_names_as_visible_escapes(hostile, tmp_path: Path) -> None:
    saved, _ = hostile
    out = tmp_path / "report.html"
    write_report(resultio.load(saved), {"html": out})
    text = out.read_text(encoding="utf-8")
    _assert_safe(text)
    text = text.replace("<wbr>", "")  # line-break hints after folder separators
    for shown in HOSTILE.values():
        if "\\xe9" in shown:
            continue  # a byte that is not UTF-8 is shown as U+FFFD in reports, as before
        assert shown.replace("&", "&amp;") in text


def test_csv_shows_names_escaped_and_never_as_a_formula(tmp_path: Path) -> None:
    root = tmp_path / "photos"
    root.mkdir()
    groups = []
    names = [*HOSTILE, "=HYPERLINK(1).jpg", "+1.jpg", "-1.jpg", "@SUM(1).jpg"]
    for i, name in enumerate(names):
        data = hashlib.sha256(str(i).encode()).digest() * 64
        keeper = root / f"keep{i}.jpg"
        keeper.write_bytes(data)
        copy = Path(os.fsencode(root / name).decode("utf-8", "surrogateescape"))
        copy.write_bytes(data)
        groups.append(group(i, member(keeper, keeper=True), member(copy, remove=True)))
    out = tmp_path / "files.csv"
    write_report(result(groups, roots=(str(root),)), {"csv": out})
    text = out.read_text(encoding="utf-8-sig")
    _assert_safe(text.replace("\r\n", "\n"))
    rows = list(csv.DictReader(io.StringIO(text)))
    shown_names = {r["name"] for r in rows}
    for shown in HOSTILE.values():
        if "\\xe9" not in shown:
            assert shown in shown_names
    for formula in ("=HYPERLINK(1).jpg", "+1.jpg", "-1.jpg", "@SUM(1).jpg"):
        assert "'" + formula in shown_names
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


def test_undo_from_the_trash_lists_names_escaped(hostile, tmp_path: Path, capsys) -> None:
    """With the undo log gone, `undo --from-trash` lists what it found: escaped too."""
    from cleaner.removal.undolog import default_log_path

    saved, copies = hostile
    quarantine = tmp_path / "q"
    args = ["clean", "--from", str(saved), "--yes", "--quarantine-only", "--quarantine"]
    assert main([*args, str(quarantine)]) == 0
    capsys.readouterr()
    for p in default_log_path().parent.iterdir():
        p.unlink()
    code = main(["undo", "--from-trash", "--quarantine", str(quarantine), "--yes"])
    out, err = capsys.readouterr()
    assert code == 0, err
    _assert_safe(out)
    _assert_safe(err)
    listed = [line for line in out.splitlines() if line.startswith("  ")]
    assert len(listed) == len(copies)
    assert all(any(printable_path(str(c)) in line for line in listed) for c in copies)
    assert all(c.exists() for c in copies)


def test_clean_plan_shows_sidecar_names_escaped(tmp_path: Path, capsys) -> None:
    """A picture's sidecar (XMP) is listed under it in the plan: escaped like the picture."""
    root = tmp_path / "photos"
    (root / "copy").mkdir(parents=True)
    data = images.jpeg_bytes(images.photo(8, (96, 72)))
    name = "clear\x1b[2J\x1b[H"
    (root / "original.jpg").write_bytes(data)
    (root / "copy" / f"{name}.jpg").write_bytes(data)
    (root / "copy" / f"{name}.xmp").write_bytes(b"<x:xmpmeta/>")
    saved = tmp_path / "result.json"
    assert main(["scan", str(root), "--no-cache", "--json", str(saved), "-q"]) == 0
    capsys.readouterr()
    code = main(["clean", "--from", str(saved), "--dry-run"])
    out, err = capsys.readouterr()
    assert code == 0, err
    _assert_safe(out)
    assert "clear\\x1b[2J\\x1b[H.xmp (its sidecar file" in out
