"""The keeper choice, its explanation, the 0-100 score and the JPEG quality estimate."""

from __future__ import annotations

import io
import os
from dataclasses import replace

import pytest
from PIL import Image

from cleaner.detect.analysis import analyse_file
from cleaner.detect.decode import estimate_jpeg_quality
from cleaner.keep import (
    CRITERIA_BY_KEY,
    DEFAULT_CRITERIA,
    Candidate,
    PathRules,
    choose_keeper,
    parse_criteria,
    quality_score,
)
from cleaner.models import DEFAULT_MAX_PIXELS, Analysis, ImageMetrics
from tests.helpers import images

BASE = ImageMetrics(
    format="JPEG", width=4000, height=3000, lossless=False, jpeg_quality=92, sharpness=300.0,
    detail=50.0, capture_time="2020-01-01 10:00:00", camera="Canon EOS 5D", has_gps=False,
    has_exif=True, looks_like_screenshot=False, looks_like_export=False,
)  # fmt: skip


def _c(path: str, metrics: ImageMetrics | None = BASE, size: int = 1000, **kw) -> Candidate:
    return Candidate(path=path, size=size, mtime_ns=kw.pop("mtime_ns", 0), metrics=metrics, **kw)


def _keeper(cands: list[Candidate], **kwargs) -> str:
    return cands[choose_keeper(cands, **kwargs).keeper].path


@pytest.mark.parametrize("quality", [20, 30, 50, 75, 90, 95, 98])
def test_estimate_jpeg_quality(quality: int) -> None:
    buf = io.BytesIO()
    images.photo(1, (256, 192)).save(buf, "JPEG", quality=quality)
    with Image.open(buf) as im:
        estimate = estimate_jpeg_quality(im)
    assert estimate is not None
    assert abs(estimate - quality) <= 3


def test_no_quality_estimate_for_non_jpeg() -> None:
    buf = io.BytesIO()
    images.photo(1, (64, 48)).save(buf, "PNG")
    with Image.open(buf) as im:
        assert estimate_jpeg_quality(im) is None


def test_larger_original_beats_a_1024px_export(library) -> None:
    lib = library()
    original = images.photo(21, (2048, 1536))
    exif = images.exif_bytes(camera=("Sony", "ILCE-7M3"), taken="2022:02:02 12:00:00")
    lib.add("DCIM/DSC0001.jpg", original, exif=exif, quality=93)
    lib.add("Exports/DSC0001_web.jpg", images.resized(original, 1024), quality=80)
    result = lib.scan()
    (group,) = result.groups
    assert os.path.basename(group.keeper.path) == "DSC0001.jpg"
    assert group.deciding_criterion == "resolution"
    assert "2048x1536" in group.reason
    assert "1024x768" in group.reason
    export = next(m for m in group.members if not m.is_keeper)
    assert export.suggested_remove is True
    assert group.keeper.quality > export.quality


@pytest.mark.parametrize(
    ("winner", "loser"),
    [
        ("/p/IMG_1.jpg", "/p/IMG_1 copy.jpg"),
        ("/p/IMG_1.jpg", "/p/IMG_1 (1).jpg"),
        ("/p/Photos/IMG_1.jpg", "/home/u/Downloads/IMG_1.jpg"),
        ("/p/Originals/IMG_1.jpg", "/p/Album/IMG_1.jpg"),
        ("/p/IMG_1.jpg", "/p/IMG_1 - Copy.jpg"),
    ],
)
def test_path_rules_decide_between_exact_copies(winner: str, loser: str) -> None:
    for cands in ([_c(winner), _c(loser)], [_c(loser), _c(winner)]):
        choice = choose_keeper(cands)
        assert cands[choice.keeper].path == winner
        assert choice.deciding is CRITERIA_BY_KEY["path_rules"]
        assert "preferred" in choice.reason


def test_path_rules_decide_in_a_real_scan(library) -> None:
    lib = library()
    lib.add("Originals/beach.jpg", images.photo(22, (320, 240)))
    lib.copy("Originals/beach.jpg", "Downloads/beach.jpg")
    lib.copy("Originals/beach.jpg", "Album/beach copy.jpg")
    lib.copy("Originals/beach.jpg", "Album/beach (1).jpg")
    result = lib.scan()
    (group,) = result.groups
    assert group.kind.value == "exact"
    assert os.path.relpath(group.keeper.path, lib.root) == "Originals/beach.jpg"
    assert group.deciding_criterion == "path_rules"
    assert sum(m.suggested_remove for m in group.members) == 3


def test_user_prefer_and_avoid_paths() -> None:
    cands = [_c("/p/a/IMG.jpg"), _c("/p/b/IMG.jpg")]
    assert _keeper(cands, rules=PathRules(prefer=("/b/",))) == "/p/b/IMG.jpg"
    assert _keeper(cands, rules=PathRules(prefer=(), avoid=("/a/",))) == "/p/b/IMG.jpg"
    assert _keeper(cands, rules=PathRules(prefer=())) == "/p/a/IMG.jpg"  # by name


def test_protected_copy_becomes_the_keeper() -> None:
    small = replace(BASE, width=800, height=600)
    cands = [_c("/big/IMG.jpg"), _c("/safe/IMG.jpg", small, protected=True)]
    choice = choose_keeper(cands)
    assert cands[choice.keeper].path == "/safe/IMG.jpg"
    assert "protected" in choice.reason


def test_protected_files_are_never_suggested_for_removal(library) -> None:
    lib = library()
    original = images.photo(23, (1200, 900))
    lib.add("Phone/IMG.jpg", original)
    lib.add("Backup/IMG_small.jpg", images.resized(original, 600))
    lib.add("Backup/IMG_copy.png", original)
    result = lib.scan(protected=(str(lib.root / "Backup"),))
    (group,) = result.groups
    assert len(group.members) == 3
    for m in group.members:
        if m.path.startswith(str(lib.root / "Backup")):
            assert m.protected is True
            assert m.suggested_remove is False
    assert group.keeper.protected is True
    assert [os.path.basename(m.path) for m in group.members if m.suggested_remove] == ["IMG.jpg"]


def test_reason_names_the_deciding_criterion() -> None:
    lossless = replace(BASE, format="PNG", lossless=True, jpeg_quality=None)
    choice = choose_keeper([_c("/a.jpg"), _c("/b.png", lossless)])
    assert choice.deciding is CRITERIA_BY_KEY["lossless"]
    assert "lossless PNG" in choice.reason
    assert "compressed JPEG" in choice.reason

    q60 = replace(BASE, jpeg_quality=60)
    choice = choose_keeper([_c("/a.jpg", q60), _c("/b.jpg")])
    assert choice.deciding is CRITERIA_BY_KEY["jpeg_quality"]
    assert "JPEG quality 92" in choice.reason
    assert "JPEG quality 60" in choice.reason

    bare = replace(BASE, camera=None, capture_time=None)
    choice = choose_keeper([_c("/a.jpg", bare), _c("/b.jpg")])
    assert choice.deciding is CRITERIA_BY_KEY["metadata"]
    assert "Canon EOS 5D" in choice.reason


def test_full_tie_is_decided_by_name_and_says_so() -> None:
    choice = choose_keeper([_c("/x/b.jpg"), _c("/x/a.jpg")], rules=PathRules(prefer=()))
    assert choice.deciding is None
    assert choice.keeper == 1
    assert "identical" in choice.reason


def test_reordered_criteria_change_the_keeper() -> None:
    big_small_file = _c("/a.jpg", BASE, size=1_000)
    small_big_file = _c("/b.png", replace(BASE, width=1000, height=750), size=9_000_000)
    cands = [big_small_file, small_big_file]
    assert _keeper(cands) == "/a.jpg"
    reordered = parse_criteria(["largest_file"])
    assert reordered[0] is CRITERIA_BY_KEY["largest_file"]
    choice = choose_keeper(cands, reordered)
    assert cands[choice.keeper].path == "/b.png"
    assert choice.deciding is CRITERIA_BY_KEY["largest_file"]
    assert "9.0 MB" in choice.reason


def test_reordered_criteria_change_the_keeper_in_a_scan(library) -> None:
    lib = library()
    original = images.photo(24, (1024, 768))
    lib.add("big.jpg", original, quality=60)
    lib.add("small.png", images.resized(original, 700))  # fewer pixels, many more bytes
    assert lib.path("small.png").stat().st_size > lib.path("big.jpg").stat().st_size
    default = lib.scan()
    assert os.path.basename(default.groups[0].keeper.path) == "big.jpg"
    reordered = lib.scan(criteria=("largest_file",))
    assert os.path.basename(reordered.groups[0].keeper.path) == "small.png"
    assert reordered.groups[0].deciding_criterion == "largest_file"


def test_parse_criteria_rejects_unknown_names() -> None:
    assert parse_criteria([]) == DEFAULT_CRITERIA
    with pytest.raises(ValueError, match="unknown keeper criterion 'prettiest'"):
        parse_criteria(["prettiest"])


def test_quality_score_range_and_order(tmp_path) -> None:
    original = images.photo(25, (2400, 1800))
    exif = images.exif_bytes(camera=("Canon", "EOS R"), taken="2020:01:01 00:00:00")
    big = images.save(original, tmp_path / "orig.jpg", quality=95, exif=exif)
    thumb = images.save(images.resized(original, 320), tmp_path / "thumb.jpg", quality=50)
    scores = {}
    for path in (big, thumb):
        analysis = analyse_file(str(path), DEFAULT_MAX_PIXELS)
        assert isinstance(analysis, Analysis)
        scores[path.name] = quality_score(analysis.metrics, path.stat().st_size)
    assert all(0 <= s <= 100 for s in scores.values())
    assert scores["orig.jpg"] > scores["thumb.jpg"] + 20
    assert quality_score(None, 1000) == 0


def test_quality_score_is_bounded_for_extreme_metrics() -> None:
    huge = replace(BASE, width=100_000, height=100_000, lossless=True, sharpness=1e9, has_gps=True)
    tiny = replace(
        BASE, width=1, height=1, jpeg_quality=1, sharpness=0.0, camera=None,
        capture_time=None, looks_like_export=True,
    )  # fmt: skip
    assert quality_score(huge, 10**9) == 100
    assert 0 <= quality_score(tiny, 1) <= 10


def test_path_rule_reason_names_the_copies_even_in_one_folder() -> None:
    """Regression: the reason said 'kept: in p; the other copy is ... (in p)'."""
    choice = choose_keeper([_c("/x/p/IMG (1).jpg"), _c("/x/p/IMG.jpg")])
    assert choice.deciding is CRITERIA_BY_KEY["path_rules"]
    assert "IMG.jpg" in choice.reason
    assert "IMG (1).jpg" in choice.reason


def test_reason_text_is_always_encodable() -> None:
    odd = os.fsdecode(b"/x/caf\xed/IMG (1).jpg")
    choice = choose_keeper([_c(odd), _c("/x/p/IMG.jpg")])
    choice.reason.encode("utf-8")  # no lone surrogates: CSV and the window can show it
    assert "IMG (1).jpg" in choice.reason
