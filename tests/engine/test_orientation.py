"""Turned and mirrored copies found in one search over canonical orientations
(`cleaner.detect.orientation`), the path big libraries take."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

import cleaner.detect.matching
from cleaner.detect import orientation
from cleaner.detect.fingerprint import THUMB_SIDE, TRANSFORMS, fingerprint
from cleaner.detect.index import Pairs, find_pairs
from cleaner.detect.matching import candidate_pairs
from cleaner.detect.scan import run_scan
from cleaner.models import THRESHOLDS, Fingerprint, ScanSettings, Similarity
from cleaner.progress import drain
from tests.helpers import images

SAME = THRESHOLDS[Similarity.SAME]


def _jpeg(img: Image.Image, quality: int = 80) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def _small(img: Image.Image) -> Image.Image:
    """The analysis-size decode the engine fingerprints (256 px on the long edge)."""
    img = img.copy()
    img.thumbnail((256, 256), Image.Resampling.BOX)
    return img


def _fp(img: Image.Image) -> Fingerprint:
    return fingerprint(_small(img))


def _arrays(fps: list[Fingerprint]) -> tuple[np.ndarray, np.ndarray]:
    turned = np.array([fp.hashes for fp in fps], dtype=np.uint64)
    return turned[:, 0].copy(), turned


def _oriented(fps: list[Fingerprint]) -> Pairs:
    base, turned = _arrays(fps)
    found: Pairs = drain(orientation.oriented_pairs(fps, base, turned, SAME.hamming))
    return found


def _pairs(found: Pairs) -> dict[tuple[int, int], tuple[int, int, int]]:
    """{(lo, hi): (owner, t, d)}"""
    return {
        (min(i, j), max(i, j)): (i, t, d)
        for i, j, t, d in zip(
            found.i.tolist(), found.j.tolist(), found.t.tolist(), found.d.tolist(), strict=True
        )
    }


def _thumb(fp: Fingerprint) -> np.ndarray:
    return np.frombuffer(fp.thumb, dtype=np.uint8).reshape(THUMB_SIDE, THUMB_SIDE)


# -- the group of turns --------------------------------------------------------------


def test_relation_is_the_turn_between_two_moves() -> None:
    probe = np.arange(25).reshape(5, 5)
    for gi in range(8):
        for gj in range(8):
            t = int(orientation.relation(np.array([gi]), np.array([gj]))[0])
            # picture i moved by gi is picture j moved by gj: so j is i turned by t
            moved_i = TRANSFORMS[gi][1](probe)
            j = TRANSFORMS[orientation.inverse_table()[gj]][1](moved_i)
            assert np.array_equal(TRANSFORMS[t][1](probe), j)


def test_candidate_moves_turn_with_the_picture() -> None:
    """The canonical orientation is the picture's own: a copy turned by h has the moves
    g with g after h among the original's."""
    compose = orientation.compose_table()
    for seed in range(12):
        fp = _fp(images.photo(seed))
        moves = orientation.candidate_moves(orientation.deciding_terms(_thumb(fp)[None]))[0]
        for h, (_, transform) in enumerate(TRANSFORMS):
            turned = np.ascontiguousarray(transform(_thumb(fp)))
            got = orientation.candidate_moves(orientation.deciding_terms(turned[None]))[0]
            expected = np.array([moves[compose[g, h]] for g in range(8)])
            assert np.array_equal(got, expected), (seed, h)


def test_one_move_far_from_a_tie_and_more_near_one() -> None:
    margin = orientation.AMBIGUITY_MARGIN
    terms = np.array(
        [
            [0.30, 0.10],  # clear: one move
            [0.30, margin / 2],  # top-bottom gradient near zero: two
            [0.20, 0.20 - margin / 2],  # the two gradients nearly equal: two
            [0.0, 0.0],  # flat: every move
        ]
    )
    assert orientation.candidate_moves(terms).sum(axis=1).tolist() == [1, 2, 2, 8]
    assert orientation.candidate_moves(terms, 0.0)[0].sum() == 1


def test_transported_hashes_keep_distances_and_leave_the_displayed_one() -> None:
    rng = np.random.default_rng(3)
    a = rng.integers(0, 2**63, size=200, dtype=np.int64).astype(np.uint64)
    b = rng.integers(0, 2**63, size=200, dtype=np.int64).astype(np.uint64)
    plain = np.bitwise_count(a ^ b)
    for g in range(8):
        moves = np.full(len(a), g)
        ta, tb = orientation.transported(a, moves), orientation.transported(b, moves)
        assert np.array_equal(np.bitwise_count(ta ^ tb), plain)
    assert np.array_equal(orientation.transported(a, np.zeros(len(a), np.int64)), a)
    # and it is the hash of the turned picture, but for a few bits near the median
    for seed in range(6):
        fp = _fp(images.photo(seed))
        for g in range(8):
            moved = orientation.transported(np.array([fp.hashes[0]], np.uint64), np.array([g]))
            assert (int(moved[0]) ^ fp.hashes[g]).bit_count() <= 16


# -- the search ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def turned_set() -> tuple[list[Fingerprint], list[tuple[int, int, int]]]:
    """Originals, each with a recompressed copy turned every way; unrelated photos.
    Returns the fingerprints and the true (original, copy, turn) triples."""
    fps: list[Fingerprint] = []
    truth: list[tuple[int, int, int]] = []
    for seed in (11, 12, 13):
        original = images.photo(seed)
        fps.append(_fp(original))
        at = len(fps) - 1
        for t, (_, transform) in enumerate(TRANSFORMS):
            turned = Image.fromarray(np.ascontiguousarray(transform(np.asarray(original))))
            fps.append(_fp(_jpeg(turned, 70)))
            truth.append((at, len(fps) - 1, t))
    for seed in range(20, 40):
        fps.append(_fp(images.photo(seed)))
    return fps, truth


def test_oriented_search_finds_every_turned_copy_with_its_turn(
    turned_set: tuple[list[Fingerprint], list[tuple[int, int, int]]],
) -> None:
    fps, truth = turned_set
    found = _pairs(_oriented(fps))
    for original, copy, t in truth:
        assert (original, copy) in found, f"turn {TRANSFORMS[t][0]} not found"
        owner, kind, d = found[(original, copy)]
        # confirm gets the transform that lines picture `owner` up with the other
        expected = t if owner == original else int(orientation.inverse_table()[t])
        assert kind == expected
        a, b = (original, copy) if owner == original else (copy, original)
        assert d == (fps[a].hashes[kind] ^ fps[b].hashes[0]).bit_count()  # the true distance


def test_oriented_search_finds_what_searching_every_orientation_finds(
    turned_set: tuple[list[Fingerprint], list[tuple[int, int, int]]],
) -> None:
    fps, _ = turned_set
    base, turned = _arrays(fps)
    exact = find_pairs(base, SAME.hamming, turned[:, 1:])
    found = _pairs(_oriented(fps))
    for (lo, hi), (_, _, d) in _pairs(exact).items():
        assert (lo, hi) in found
        assert found[(lo, hi)][2] == d


def _symmetric(seed: int, tilt: float) -> Image.Image:
    """A left-right symmetric photo with a faint left-to-right ramp of `tilt` grey
    levels: its left-right gradient term sits within `tilt` of zero."""
    half = np.asarray(images.photo(seed, (320, 480)), dtype=np.float64)
    whole = np.concatenate([half, half[:, ::-1]], axis=1)
    ramp = np.linspace(-tilt, tilt, whole.shape[1])[None, :, None]
    return Image.fromarray(np.clip(whole + ramp, 0, 255).astype(np.uint8))


def test_copies_whose_deciding_term_tips_either_way_still_meet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two copies of a picture whose left-right gradient is near zero, tipped to opposite
    sides by a faint edit: found as displayed, at their plain distance."""
    one, other = _symmetric(5, 1.5), _symmetric(5, -1.5)
    fps = [_fp(one), _fp(other)] + [_fp(images.photo(seed)) for seed in range(50, 56)]
    terms = orientation.deciding_terms(np.stack([_thumb(fp) for fp in fps[:2]]))
    assert terms[0, 0] * terms[1, 0] < 0  # tipped to opposite sides
    assert np.abs(terms[:, 0]).max() < orientation.AMBIGUITY_MARGIN
    plain = (fps[0].hashes[0] ^ fps[1].hashes[0]).bit_count()
    assert plain <= SAME.hamming
    found = _pairs(_oriented(fps))
    assert (0, 1) in found
    assert found[(0, 1)][2] == plain
    # without the margin each is entered once, in the orientations its own tip gives
    monkeypatch.setattr(orientation, "AMBIGUITY_MARGIN", 0.0)
    assert (0, 1) not in _pairs(_oriented(fps))


# -- whole scans ---------------------------------------------------------------------


def _subject(seed: int, facing: str) -> Image.Image:
    """A dark figure (body and head) facing left or right, on a photo of its own."""
    img = images.photo(seed)
    draw = ImageDraw.Draw(img)
    x0 = 60 if facing == "left" else 330
    draw.ellipse((x0, 80, x0 + 250, 440), fill=(30, 30, 30))
    draw.ellipse((x0 + 60, 30, x0 + 190, 150), fill=(40, 35, 30))
    return img


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("turned")
    original = images.photo(301)
    images.save(original, root / "original.jpg", quality=95)
    images.save(images.rotated90(original), root / "scanned sideways.jpg", quality=85)
    images.save(images.mirrored(original), root / "mirrored.png")
    images.save(Image.fromarray(np.asarray(original)[::-1, ::-1].copy()), root / "upside down.jpg")
    images.save(images.resized(original, 320), root / "small.jpg")
    for seed in range(302, 306):
        images.save(images.photo(seed), root / f"other{seed}.jpg")
    # different pictures whose figures face opposite ways: one is the other's layout mirrored
    images.save(_subject(3, "left"), root / "facing left.jpg")
    images.save(_subject(4, "right"), root / "facing right.jpg")
    return root


COPIES = {"original.jpg", "scanned sideways.jpg", "mirrored.png", "upside down.jpg", "small.jpg"}


def test_turned_and_mirrored_copies_are_found_by_default(library: Path) -> None:
    result = run_scan(ScanSettings(roots=(str(library),), workers=1), cache_path=None)
    assert images.group_names(result) == [COPIES]


def test_no_rotations_matches_pictures_only_as_displayed(library: Path) -> None:
    settings = ScanSettings(roots=(str(library),), workers=1, rotations=False)
    result = run_scan(settings, cache_path=None)
    assert images.group_names(result) == [{"original.jpg", "small.jpg"}]


def test_a_big_library_finds_them_in_canonical_orientations(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Libraries too big to search every orientation of every picture take the canonical
    search: same sets."""
    calls: list[int] = []

    def canonical(count: int) -> bool:
        calls.append(count)
        return False

    monkeypatch.setattr(cleaner.detect.matching, "exact_turns", canonical)
    result = run_scan(ScanSettings(roots=(str(library),), workers=1), cache_path=None)
    assert calls
    assert images.group_names(result) == [COPIES]


def test_a_figure_facing_the_other_way_is_another_picture() -> None:
    """Two photos whose dark figures face opposite ways: turned, the hashes meet (the
    figure dominates them), and the thumbnails tell the two pictures apart."""
    left, right = _fp(_subject(3, "left")), _fp(_subject(4, "right"))
    fps = [left, right, *(_fp(images.photo(seed)) for seed in range(60, 64))]
    pairs = _pairs(drain(candidate_pairs(fps, SAME, rotations=True)))
    assert (0, 1) in pairs  # a candidate: only the checks keep them apart
    assert pairs[(0, 1)][1] == 4 or pairs[(0, 1)][1] == int(orientation.inverse_table()[4])
