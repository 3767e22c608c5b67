"""The smallest file size and dimensions to consider: `ScanSettings.min_file_size`,
`min_width` and `min_height`, the walk and the scan that honour them, the result JSON that
keeps them, and `photosift scan --min-size / --min-dimensions`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import cleaner.detect.analysis
from cleaner.cli import main
from cleaner.cli.scan_cmd import parse_dimensions, parse_size
from cleaner.models import ScanSettings, SkipReason
from cleaner.resultio import load, save
from tests.helpers import images


def _skips(result) -> dict[str, tuple[SkipReason, str]]:  # type: ignore[no-untyped-def]
    return {os.path.basename(s.path): (s.reason, s.detail) for s in result.skipped}


def test_defaults_keep_todays_behaviour() -> None:
    s = ScanSettings(roots=("/x",))
    assert (s.min_file_size, s.min_width, s.min_height) == (0, 0, 0)
    assert not s.below_min_dimensions(1, 1)


@pytest.mark.parametrize("field", ["min_file_size", "min_width", "min_height"])
@pytest.mark.parametrize("bad", [-1, 1.5, "10", True])
def test_settings_refuse_bad_limits(field: str, bad: object) -> None:
    with pytest.raises(ValueError, match=field):
        ScanSettings(roots=("/x",), **{field: bad})  # type: ignore[arg-type]


def test_dimensions_compare_either_way_round() -> None:
    s = ScanSettings(roots=("/x",), min_width=800, min_height=600)
    assert not s.below_min_dimensions(800, 600)
    assert not s.below_min_dimensions(600, 800)  # a portrait of a landscape limit
    assert s.below_min_dimensions(799, 600)
    assert s.below_min_dimensions(600, 799)
    assert s.below_min_dimensions(800, 599)
    only_long = ScanSettings(roots=("/x",), min_width=500)
    assert only_long.below_min_dimensions(499, 4000) is False  # long edge 4000 >= 500
    assert only_long.below_min_dimensions(499, 300) is True


def test_file_just_below_the_size_is_skipped_and_just_above_is_read(library) -> None:
    lib = library()
    picture = images.photo(71, (320, 240))
    big = lib.add("big.png", picture)
    lib.copy("big.png", "big_copy.png")
    limit = big.stat().st_size
    # junk one byte under and one byte over the limit: the one under is left out by the
    # walk, unread (else it would be "not a picture"); the one over is read
    lib.add_bytes("below.jpg", b"x" * (limit - 1))
    lib.add_bytes("above.jpg", b"y" * (limit + 1))
    lib.add_bytes("empty.jpg", b"")
    result = lib.scan(min_file_size=limit)
    skips = _skips(result)
    assert skips == {
        "below.jpg": (SkipReason.TOO_SMALL, f"{limit - 1:,} bytes, under {limit:,} bytes"),
        "above.jpg": (SkipReason.NOT_AN_IMAGE, "contents are plain text"),
        "empty.jpg": (SkipReason.EMPTY, ""),  # an empty file is still called empty
    }
    assert images.group_names(result) == [{"big.png", "big_copy.png"}]  # at the limit: in
    assert result.stats.files_seen == 5
    # one byte more than the pictures: they are left out too, and nothing is grouped
    result = lib.scan(min_file_size=limit + 1)
    assert sorted(_skips(result)) == [
        "above.jpg",
        "below.jpg",
        "big.png",
        "big_copy.png",
        "empty.jpg",
    ]
    assert [r for r, _ in _skips(result).values()].count(SkipReason.TOO_SMALL) == 3
    assert result.groups == ()
    assert result.stats.images == 0


def test_size_detail_is_rounded_unless_that_hides_the_difference() -> None:
    from cleaner.detect.scan import _under

    assert _under(12_000, 20_000) == "12.0 KB, under 20.0 KB"
    assert _under(19_999, 20_000) == "19,999 bytes, under 20,000 bytes"


def test_picture_just_below_the_dimensions_is_skipped_after_decode(library) -> None:
    lib = library()
    original = images.photo(72, (800, 600))
    lib.add("full.jpg", original)
    lib.add("portrait.jpg", original.rotate(90, expand=True))  # 600x800: passes 800x600
    lib.add("narrow.png", original.resize((799, 600)))
    lib.add("short.png", original.resize((800, 599)))
    result = lib.scan(min_width=800, min_height=600, rotations=True)
    skips = _skips(result)
    assert skips == {
        "narrow.png": (SkipReason.TOO_SMALL, "799x600, under 800x600"),
        "short.png": (SkipReason.TOO_SMALL, "800x599, under 800x600"),
    }
    assert SkipReason.TOO_SMALL.label == "smaller than the minimum size you set"
    assert images.group_names(result) == [{"full.jpg", "portrait.jpg"}]
    assert result.stats.images == 2
    # without the limit the small copies are grouped again
    everything = lib.scan(rotations=True)
    assert images.group_names(everything) == [
        {"full.jpg", "portrait.jpg", "narrow.png", "short.png"}
    ]


def test_the_limit_applies_to_cached_pictures_and_can_change_between_runs(
    library, tmp_path: Path
) -> None:
    lib = library()
    original = images.photo(73, (640, 480))
    lib.add("a.jpg", original)
    lib.add("a_small.png", images.resized(original, 320))
    cache = tmp_path / "cache.sqlite3"
    assert images.group_names(lib.scan(cache=cache)) == [{"a.jpg", "a_small.png"}]
    second = lib.scan(cache=cache, min_width=640, min_height=480)
    assert second.stats.cache_hits == 2  # nothing was read again
    assert _skips(second) == {"a_small.png": (SkipReason.TOO_SMALL, "320x240, under 640x480")}
    third = lib.scan(cache=cache)  # the skip was not cached as the file's verdict
    assert images.group_names(third) == [{"a.jpg", "a_small.png"}]


def test_exact_copies_of_a_small_picture_are_all_skipped(library) -> None:
    lib = library()
    lib.add("icon.png", images.photo(74, (64, 64)))
    lib.copy("icon.png", "icon copy.png")
    result = lib.scan(min_width=100, min_height=100)
    assert sorted(_skips(result)) == ["icon copy.png", "icon.png"]
    assert result.groups == ()


def test_a_huge_header_is_refused_as_too_large_and_never_decoded(
    library, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = library()
    lib.add_bytes("bomb.png", images.bomb_png(20000, 20000))  # 400 MP claimed, tiny on disk
    lib.add("ok.jpg", images.photo(75, (400, 300)))
    decoded: list[tuple[int, int]] = []
    real = cleaner.detect.analysis.analyse_decoded

    def spy(d, name):  # type: ignore[no-untyped-def]
        decoded.append((d.width, d.height))
        return real(d, name)

    monkeypatch.setattr(cleaner.detect.analysis, "analyse_decoded", spy)
    result = lib.scan(min_width=100, min_height=100, workers=1)
    assert _skips(result)["bomb.png"][0] is SkipReason.TOO_LARGE
    assert decoded == [(400, 300)]  # the bomb's pixels were never decoded


def test_result_json_keeps_the_limits_and_old_results_still_load(library, tmp_path: Path) -> None:
    lib = library()
    lib.add("a.jpg", images.photo(76, (300, 200)))
    result = lib.scan(min_file_size=1234, min_width=50, min_height=40)
    path = tmp_path / "r.json"
    save(result, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["settings"]["min_file_size"] == 1234
    assert (data["settings"]["min_width"], data["settings"]["min_height"]) == (50, 40)
    back = load(path)
    assert (back.settings.min_file_size, back.settings.min_width) == (1234, 50)
    assert back.settings.min_height == 40
    for key in ("min_file_size", "min_width", "min_height"):
        del data["settings"][key]  # a result written before the limits existed
    path.write_text(json.dumps(data), encoding="utf-8")
    old = load(path)
    assert (old.settings.min_file_size, old.settings.min_width, old.settings.min_height) == (
        0,
        0,
        0,
    )
    data["settings"]["min_width"] = -5
    path.write_text(json.dumps(data), encoding="utf-8")
    from cleaner.errors import ResultFormatError

    with pytest.raises(ResultFormatError, match="min_width"):
        load(path)


@pytest.mark.parametrize(
    ("text", "size"),
    [("20000", 20000), ("50KB", 50_000), ("50 kb", 50_000), ("1.5MB", 1_500_000), ("7b", 7)],
)
def test_cli_size_parsing(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "-5", "5GB", "big", "1e5"])
def test_cli_size_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="--min-size"):
        parse_size(text)


def test_cli_dimensions_parsing() -> None:
    assert parse_dimensions("640x480") == (640, 480)
    assert parse_dimensions(" 800 X 600 ") == (800, 600)
    assert parse_dimensions("800×600") == (800, 600)
    for bad in ("640", "640x", "x480", "-1x5", "640*480"):
        with pytest.raises(ValueError, match="--min-dimensions"):
            parse_dimensions(bad)


def test_cli_flags_reach_the_scan_and_the_json(
    library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = library()
    original = images.photo(77, (640, 480))
    lib.add("a.jpg", original)
    lib.add("a_small.png", images.resized(original, 200))
    out = tmp_path / "r.json"
    code = main(
        ["scan", str(lib.root), "--no-cache", "--min-dimensions", "640x480",
         "--min-size", "1KB", "--json", str(out), "--list"]
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0
    assert "smaller than the minimum size you set" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["settings"]["min_width"], data["settings"]["min_height"]) == (640, 480)
    assert data["settings"]["min_file_size"] == 1000
    assert [s["reason"] for s in data["skipped"]] == ["too_small"]


def test_cli_bad_flag_is_a_usage_error(library, capsys: pytest.CaptureFixture[str]) -> None:
    lib = library()
    code = main(["scan", str(lib.root), "--no-cache", "--min-dimensions", "big"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--min-dimensions 'big': give width x height" in err
    assert "Traceback" not in err


def test_cli_help_explains_the_flags(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["scan", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--min-size SIZE" in text
    assert "e.g. 50KB" in text
    assert "--min-dimensions WxH" in text
    assert "turned either way" in text


def test_the_report_says_what_was_left_out_as_too_small(library, tmp_path: Path) -> None:
    from cleaner.report import write_report

    lib = library()
    lib.add("a.jpg", images.photo(78, (300, 200)))
    plain = tmp_path / "plain.html"
    write_report(lib.scan(), {"html": str(plain)})
    assert "Left out as too small" not in plain.read_text(encoding="utf-8")  # as before
    limited = tmp_path / "limited.html"
    write_report(
        lib.scan(min_file_size=50_000, min_width=640, min_height=480), {"html": str(limited)}
    )
    text = limited.read_text(encoding="utf-8")
    assert "Left out as too small" in text
    assert "files under 50.0 KB" in text
    assert "pictures under 640x480 pixels (either way round)" in text
