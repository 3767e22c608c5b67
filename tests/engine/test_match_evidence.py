"""Say how sure (issue 13): every copy in a set carries what matched it to the keeper (or
to the picture its set was built around), in codes and numbers; `cleaner.humanize`
turns them into words."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from cleaner.detect.evidence import Link, group_evidence, member_evidence, star_links
from cleaner.detect.fingerprint import CROP_WINDOWS, TRANSFORMS
from cleaner.detect.matching import Matches
from cleaner.detect.scan import run_scan
from cleaner.errors import ResultFormatError
from cleaner.humanize import match_words
from cleaner.models import (
    TRANSFORM_NAMES,
    DuplicateGroup,
    GroupMember,
    MatchEvidence,
    MatchKind,
    MatchSearch,
    ScanResult,
    ScanSettings,
)
from cleaner.resultio import dumps, load, result_from_dict, result_to_dict
from tests.helpers import images

CROP = (0.04, 0.04, 0.04, 0.04)  # a light crop: 4 % off each side


@pytest.fixture(scope="module")
def evidence_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One original (kept: the largest) with an exact copy, a smaller copy, a copy turned
    a quarter turn to the left, a mirrored one, a light crop; and a second picture with a
    converted copy; and pictures that are no one's copy."""
    root = tmp_path_factory.mktemp("evidence")
    original = images.detailed_photo(7, (800, 600))
    images.save(original, root / "Originals" / "harbour.jpg", quality=95)
    (root / "backup").mkdir()
    (root / "backup" / "harbour.jpg").write_bytes((root / "Originals" / "harbour.jpg").read_bytes())
    images.save(images.resized(original, 400), root / "web" / "harbour small.jpg", quality=85)
    images.save(images.rotated90(original), root / "scans" / "harbour turned.jpg", quality=90)
    images.save(images.mirrored(original), root / "social" / "harbour mirrored.jpg", quality=90)
    images.save(images.cropped(original, CROP), root / "edited" / "harbour crop.jpg", quality=90)
    second = images.detailed_photo(8, (640, 480))
    images.save(second, root / "Originals" / "market.png")
    images.save(second, root / "export" / "market.jpg", quality=95)
    for seed in (31, 32, 33):
        images.save(images.detailed_photo(seed), root / "others" / f"other{seed}.jpg")
    return root


@pytest.fixture(scope="module")
def evidence_result(evidence_library: Path) -> ScanResult:
    settings = ScanSettings(roots=(str(evidence_library),), rotations=True, workers=2)
    return run_scan(settings, cache_path=None)


def _by_name(result: ScanResult, root: Path) -> dict[str, GroupMember]:
    return {os.path.relpath(m.path, root): m for g in result.groups for m in g.members}


def test_each_copy_says_what_matched_it(evidence_result: ScanResult, evidence_library: Path):
    groups = [images.names(g) for g in evidence_result.groups]
    assert sorted(map(sorted, groups)) == [
        ["harbour crop.jpg", "harbour mirrored.jpg", "harbour small.jpg", "harbour turned.jpg",
         "harbour.jpg"],
        ["market.jpg", "market.png"],
    ]  # fmt: skip
    m = _by_name(evidence_result, evidence_library)
    assert len(m) == 8  # both harbour.jpg files
    keeper = m["Originals/harbour.jpg"]
    assert keeper.is_keeper
    assert keeper.match is None
    kept = keeper.path

    exact = m["backup/harbour.jpg"].match
    assert exact == MatchEvidence(MatchKind.EXACT, kept, MatchSearch.DIGEST)
    assert exact.distance is None
    assert exact.correlation is None

    small = m["web/harbour small.jpg"].match
    assert small is not None
    assert small.kind is MatchKind.RESIZED
    assert small.search is MatchSearch.HASH
    assert small.transform == "identity"
    assert small.distance is not None
    assert 0 <= small.distance <= 4
    assert small.correlation is not None
    assert small.correlation > 0.97

    turned = m["scans/harbour turned.jpg"].match
    assert turned is not None
    assert turned.kind is MatchKind.TURNED
    # Image.Transpose.ROTATE_90 turns a quarter turn anticlockwise, as np.rot90 does
    assert turned.transform == "rotate90"
    assert turned.distance is not None
    assert turned.distance <= 4
    assert turned.correlation is not None
    assert turned.correlation > 0.95

    mirror = m["social/harbour mirrored.jpg"].match
    assert mirror is not None
    assert mirror.kind is MatchKind.MIRRORED
    assert mirror.transform == "mirror"

    crop = m["edited/harbour crop.jpg"].match
    assert crop is not None
    assert crop.kind is MatchKind.CROPPED
    assert crop.search is MatchSearch.CROP
    assert crop.window == CROP_WINDOWS[0]
    assert crop.correlation is not None
    assert crop.correlation > 0.9
    assert crop.distance is not None
    assert crop.distance <= 10

    # every copy here matched the keeper directly, or the set's centre, which is named
    paths = {x.path for x in m.values()}
    for x in m.values():
        assert x.match is None or x.match.against in paths

    png = m["Originals/market.png"]
    jpg = m["export/market.jpg"]
    copy = jpg if png.is_keeper else png
    assert copy.match is not None
    assert copy.match.kind is MatchKind.CONVERTED


def test_the_words_a_volunteer_reads(evidence_result: ScanResult, evidence_library: Path):
    m = _by_name(evidence_result, evidence_library)
    short = {name: match_words(x.match).short for name, x in m.items() if x.match is not None}
    assert short["backup/harbour.jpg"] == "exact copy"
    assert short["web/harbour small.jpg"] == "same picture, resized"
    assert short["scans/harbour turned.jpg"] == "turned 90° left"
    assert short["social/harbour mirrored.jpg"] == "mirrored"
    assert short["edited/harbour crop.jpg"] == "cropped"
    turned = m["scans/harbour turned.jpg"].match
    assert turned is not None
    details = match_words(turned).details.lower()
    assert f"hash {turned.distance} of 64 bits apart" in details
    assert f"thumbnails {int(turned.correlation * 100)}% alike" in details
    assert "harbour.jpg" in details
    assert match_words(None) is None


def test_evidence_survives_the_result_file(evidence_result: ScanResult, tmp_path: Path):
    path = tmp_path / "result.json"
    path.write_text(dumps(evidence_result), encoding="utf-8")
    again = load(path)
    before = [m.match for g in evidence_result.groups for m in g.members]
    after = [m.match for g in again.groups for m in g.members]
    assert after == before
    assert any(e is not None and e.window is not None for e in after)


def test_a_result_file_without_evidence_still_loads(evidence_result: ScanResult) -> None:
    data = result_to_dict(evidence_result)
    for g in data["groups"]:
        for m in g["members"]:
            del m["match"]
    old = result_from_dict(json.loads(json.dumps(data)))
    assert all(m.match is None for g in old.groups for m in g.members)
    assert len(old.groups) == len(evidence_result.groups)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("kind", "melted", "match.kind should be one of exact, resaved"),
        ("kind", None, "match.kind should be one of"),
        ("transform", "rotate45", "match.transform should be one of identity, rotate90"),
        ("search", 3, "match.search should be one of digest, hash"),
        ("distance", 65, "match.distance should be between 0 and 64"),
        ("distance", "six", "match.distance should be a whole number, not text"),
        ("correlation", 1.5, "match.correlation should be between -1 and 1"),
        ("correlation", "high", "match.correlation should be a number, not text"),
        ("against", "", "match.against is not a usable path"),
        ("window", [0.5, 0.1, 0.4, 0.9], "match.window should be 4 fractions"),
        ("window", "all", "match.window should be a list, not text"),
        ("detail", "yes", "match.detail should be true or false, not text"),
    ],
)
def test_a_hand_edited_bad_value_is_refused_clearly(
    evidence_result: ScanResult, key: str, value: object, message: str
) -> None:
    data = json.loads(dumps(evidence_result))
    for gi, g in enumerate(data["groups"]):
        for mi, m in enumerate(g["members"]):
            if m["match"] is not None and m["match"]["kind"] == "cropped":
                m["match"][key] = value
                where = f"groups[{gi}].members[{mi}]"
    with pytest.raises(ResultFormatError) as caught:
        result_from_dict(data)
    text = str(caught.value)
    assert f"{where}.{message}" in text
    assert "\n" not in text


def test_a_match_that_is_not_an_object_is_refused(evidence_result: ScanResult) -> None:
    data = json.loads(dumps(evidence_result))
    data["groups"][0]["members"][1]["match"] = "turned"
    with pytest.raises(ResultFormatError, match=r"members\[1\]\.match should be an object"):
        result_from_dict(data)


def test_transform_names_follow_the_fingerprint_order() -> None:
    assert tuple(name for name, _ in TRANSFORMS) == TRANSFORM_NAMES


# -- the pieces, on pairs made by hand ------------------------------------------------


def _metrics(size: tuple[int, int], fmt: str = "JPEG", detail: float = 40.0):
    from cleaner.models import ImageMetrics

    w, h = size
    return ImageMetrics(format=fmt, width=w, height=h, lossless=fmt == "PNG", jpeg_quality=90,
                        sharpness=100.0, detail=detail, capture_time=None, camera=None,
                        has_gps=False, has_exif=False, looks_like_screenshot=False,
                        looks_like_export=False)  # fmt: skip


def test_a_turn_seen_from_the_other_side_is_the_opposite_turn() -> None:
    # picture 1 is picture 0 turned a quarter turn left (found as (0, 1, rotate90))
    link = Link(0, 1, 1, 3, 0.98)
    left = member_evidence(link, 1, 0, "/a.jpg", _metrics((600, 800)), _metrics((800, 600)))
    right = member_evidence(link, 0, 1, "/b.jpg", _metrics((800, 600)), _metrics((600, 800)))
    assert left is not None
    assert left.transform == "rotate90"
    assert left.kind is MatchKind.TURNED
    assert right is not None
    assert right.transform == "rotate270"
    assert match_words(right).short == "turned 90° right"
    # a crop seen from the larger picture: the kept copy is the cropped one
    crop = Link(0, 1, len(TRANSFORMS), 7, 0.93)
    larger = member_evidence(crop, 0, 1, "/crop.jpg", _metrics((800, 600)), _metrics((740, 550)))
    assert larger is not None
    assert larger.kind is MatchKind.UNCROPPED
    assert match_words(larger).short == "uncropped"


def test_an_unknown_pair_code_says_nothing() -> None:
    link = Link(0, 1, 99, 3, 0.98)  # a search this version does not know
    assert member_evidence(link, 1, 0, "/a.jpg", None, None) is None


def test_same_picture_is_resaved_resized_converted_or_squashed() -> None:
    def kind(size: tuple[int, int], fmt: str = "JPEG") -> MatchKind:
        e = member_evidence(
            Link(0, 1, 0, 2, 0.99), 1, 0, "/a.jpg", _metrics(size, fmt), _metrics((640, 480))
        )
        assert e is not None
        return e.kind

    assert kind((640, 480)) is MatchKind.RESAVED
    assert kind((320, 240)) is MatchKind.RESIZED
    assert kind((321, 240)) is MatchKind.RESIZED  # rounding, not a squash
    assert kind((640, 480), "PNG") is MatchKind.CONVERTED
    assert kind((300, 300)) is MatchKind.SQUASHED
    assert (
        match_words(MatchEvidence(MatchKind.SQUASHED, "/a.jpg", distance=2, correlation=0.97)).short
        == "squashed or stretched"
    )


def test_low_detail_pairs_speak_of_fine_detail() -> None:
    plain = _metrics((600, 800), detail=2.0)
    e = member_evidence(Link(0, 1, 0, 9, 0.87), 1, 0, "/page.png", plain, plain)
    assert e is not None
    assert e.detail
    assert "fine detail 87% alike" in match_words(e).details.lower()


def test_copies_not_matched_to_the_keeper_name_the_set_centre() -> None:
    # units: 0 = representative, 1 = keeper, 2 = another copy (both matched unit 0 only)
    links = {(0, 1): Link(0, 1, 0, 2, 0.99), (0, 2): Link(2, 0, 4, 3, 0.97)}
    files = [("/centre.jpg", 0), ("/keeper.jpg", 1), ("/other.jpg", 2), ("/other2.jpg", 2)]
    out = group_evidence([0, 1, 2], files, 1, lambda k: _metrics((640, 480)), links)
    assert out[1] is None  # the keeper
    assert out[0] is not None
    assert out[0].against == "/keeper.jpg"
    assert out[2] is not None
    assert out[2].against == "/centre.jpg"
    assert out[2].kind is MatchKind.MIRRORED
    assert out[3] == out[2]  # the same bytes as out[2]: the same evidence
    words = match_words(out[2])
    assert "centre.jpg" in words.details
    assert "kept copy" not in words.short


def test_star_links_find_each_member_with_its_representative() -> None:
    # pairs (lo, hi) as found: (1, 0) turned (swapped), (0, 2) crop, (3, 4) another star
    m = Matches(
        i=np.array([0, 0, 3], dtype=np.int64),
        j=np.array([1, 2, 4], dtype=np.int64),
        strength=np.ones(3),
        coloured=np.zeros(5, dtype=bool),
        t=np.array([1, len(TRANSFORMS), 0], dtype=np.int64),
        swapped=np.array([True, False, False]),
        distance=np.array([3, 7, 0], dtype=np.int64),
        correlation=np.array([0.98, 0.91, 0.99], dtype=np.float32),
    )
    units = np.array([10, 11, 12, 13, 14], dtype=np.int64)
    links = star_links(m, [[0, 1, 2], [4, 3]], units)
    assert links.get((10, 11)) == Link(11, 10, 1, 3, pytest.approx(0.98))
    crop = links.get((10, 12))
    assert crop is not None
    assert crop.t == len(TRANSFORMS)
    assert crop.i == 10
    other = links.get((14, 13))
    assert other is not None
    assert other.distance == 0
    assert links.get((10, 13)) is None  # not that member's representative
    assert links.get((13, 10)) is None  # a representative has no pair of its own
    blind = star_links(Matches(m.i, m.j, m.strength, m.coloured), [[0, 1]], units)
    assert blind.get((10, 11)) is None  # nothing recorded: nothing said


def test_exact_sets_are_exact_copies(tmp_path: Path) -> None:
    images.save(images.photo(3), tmp_path / "a.jpg")
    (tmp_path / "b.jpg").write_bytes((tmp_path / "a.jpg").read_bytes())
    (tmp_path / "c.jpg").write_bytes((tmp_path / "a.jpg").read_bytes())
    result = run_scan(ScanSettings(roots=(str(tmp_path),), workers=1), cache_path=None)
    (group,) = result.groups
    assert isinstance(group, DuplicateGroup)
    keeper = group.keeper.path
    for m in group.members:
        if not m.is_keeper:
            assert m.match == MatchEvidence(MatchKind.EXACT, keeper, MatchSearch.DIGEST)
            assert match_words(m.match).short == "exact copy"


# -- where a volunteer reads it: --list, the HTML and CSV reports ---------------------


def test_scan_list_says_what_matched_each_copy(evidence_library: Path, capsys) -> None:
    from cleaner.cli import main

    code = main(["scan", str(evidence_library), "--rotations", "--no-cache", "--list"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()

    def under(name: str) -> str:
        """The line below a copy's line in the list."""
        n = next(k for k, line in enumerate(lines) if line.endswith(name))
        return lines[n + 1].strip()

    assert under(os.path.join("backup", "harbour.jpg")) == "exact copy"
    turned = under("harbour turned.jpg")
    assert turned.startswith("turned 90° left (hash ")
    assert "of 64 bits apart, thumbnails " in turned
    assert under("harbour crop.jpg").startswith("cropped (hash ")
    assert under("harbour small.jpg").startswith("same picture, resized (hash ")
    assert under("harbour mirrored.jpg").startswith("mirrored (hash ")
    keeper = next(k for k, line in enumerate(lines) if line.strip().startswith("keep   q"))
    assert not lines[keeper + 1].strip().startswith(("exact", "turned", "cropped", "same"))


def test_reports_say_what_matched_each_copy(evidence_result: ScanResult, tmp_path: Path) -> None:
    import csv

    from cleaner.report import write_report

    write_report(evidence_result, {"html": tmp_path / "r.html", "csv": tmp_path / "r.csv"})
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    for phrase in ("turned 90° left", "mirrored", "cropped", "exact copy", "same picture, resized"):
        assert f'<span class="badge match">{phrase}</span>' in page
    assert "thumbnails " in page
    assert "% alike" in page
    assert "of 64 bits apart" in page
    rows = list(csv.DictReader((tmp_path / "r.csv").read_text("utf-8-sig").splitlines()))
    by_name = {r["path"]: r["match"] for r in rows}
    kept = evidence_result.groups[0].keeper.path
    assert by_name[kept] == ""  # the keeper matched nothing: it is what the others matched
    turned = next(v for k, v in by_name.items() if k.endswith("harbour turned.jpg"))
    assert turned.startswith("turned 90° left (hash ")
    market = sorted(v for k, v in by_name.items() if os.path.basename(k).startswith("market."))
    assert market[0] == ""
    assert market[1].startswith("same picture, other file type (hash ")


def test_two_turns_through_the_set_centre_make_one_measured_on_the_keeper() -> None:
    """The keeper is a mirrored copy of the set's centre and a copy is a smaller centre:
    next to the keeper, the copy is mirrored (never "resized" of a picture it is not shown
    beside), and its numbers are measured on the copy and the keeper themselves."""
    from cleaner.detect.fingerprint import fingerprint

    centre = images.detailed_photo(11, (640, 480))
    shots = {0: centre, 1: images.mirrored(centre), 2: images.resized(centre, 320)}
    fps = {k: fingerprint(img) for k, img in shots.items()}
    sizes = {k: img.size for k, img in shots.items()}
    # the keeper (unit 1) is the centre mirrored; the copy (unit 2) the centre, smaller
    links = {(0, 1): Link(0, 1, 4, 0, 0.99), (0, 2): Link(2, 0, 0, 1, 0.99)}
    files = [("/centre.jpg", 0), ("/keeper.jpg", 1), ("/small.jpg", 2)]
    out = group_evidence([0, 1, 2], files, 1, lambda k: _metrics(sizes[k]), links, fps.get)
    small = out[2]
    assert small is not None
    assert small.against == "/keeper.jpg"
    assert small.kind is MatchKind.MIRRORED
    assert small.transform == "mirror"
    assert small.distance is not None
    assert small.distance <= 4
    assert small.correlation is not None
    assert small.correlation > 0.95
    # a turn on one side and a mirroring on the other make a mirrored turn
    links[0, 2] = Link(0, 2, 1, 0, 0.99)  # the copy is the centre turned left
    shots[2] = images.rotated90(centre)
    fps[2], sizes[2] = fingerprint(shots[2]), shots[2].size
    out = group_evidence([0, 1, 2], files, 1, lambda k: _metrics(sizes[k]), links, fps.get)
    turned = out[2]
    assert turned is not None
    assert turned.transform == TRANSFORMS[_compose_name(1, 4)][0]
    assert turned.kind is MatchKind.MIRRORED
    assert turned.correlation is not None
    assert turned.correlation > 0.95
    # a crop on either side cannot be combined: said next to the centre, named
    links[0, 2] = Link(0, 2, len(TRANSFORMS), 3, 0.95)
    out = group_evidence([0, 1, 2], files, 1, lambda k: _metrics(sizes[k]), links, fps.get)
    assert out[2] is not None
    assert out[2].against == "/centre.jpg"
    assert out[2].kind is MatchKind.CROPPED


def _compose_name(a: int, b_inverse_of: int) -> int:
    """The index of TRANSFORMS[a] after the inverse of TRANSFORMS[b_inverse_of] (a mirror
    is its own inverse)."""
    probe = np.arange(9).reshape(3, 3)
    want = TRANSFORMS[a][1](TRANSFORMS[b_inverse_of][1](probe))
    return next(c for c, (_, f) in enumerate(TRANSFORMS) if np.array_equal(f(probe), want))


def test_a_pair_no_check_measured_says_no_number() -> None:
    """`confirm` starts each pair's correlation at -1: a pair confirmed by a check that
    records none says its hash distance only, never "thumbnails 0% alike"."""
    m = Matches(
        i=np.array([0], dtype=np.int64),
        j=np.array([1], dtype=np.int64),
        strength=np.ones(1),
        coloured=np.zeros(2, dtype=bool),
        t=np.array([0], dtype=np.int64),
        swapped=np.array([False]),
        distance=np.array([5], dtype=np.int64),
        correlation=np.array([-1.0], dtype=np.float32),
    )
    link = star_links(m, [[0, 1]], np.array([0, 1], dtype=np.int64)).get((0, 1))
    assert link is not None
    e = member_evidence(link, 1, 0, "/a.jpg", _metrics((640, 480)), _metrics((640, 480)))
    assert e is not None
    assert e.correlation is None
    assert e.distance == 5
    words = match_words(e)
    assert words is not None
    assert words.numbers == "hash 5 of 64 bits apart"
