"""Detection end to end: which copies join a group, which never do, and no chaining."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner.detect.scan
from cleaner.detect.fingerprint import THUMB_SIDE
from cleaner.detect.grouping import safe_centres, star_clusters
from cleaner.detect.scan import run_scan
from cleaner.models import (
    Analysis,
    Fingerprint,
    GroupKind,
    ImageMetrics,
    ScanResult,
    ScanSettings,
    Similarity,
)
from tests.helpers import images

SIZE = (640, 480)

# name -> how the copy is made from the original (all must join the original's group)
SAME_PICTURE = {
    "resized.jpg": lambda o, p: images.save(images.resized(o, 320), p),
    "q50.jpg": lambda o, p: images.save(o, p, quality=50),
    "converted.png": lambda o, p: images.save(o, p),
    "converted.webp": lambda o, p: images.save(o, p),
    "converted.heic": lambda o, p: images.save(o, p),
    "converted.tif": lambda o, p: images.save(o, p),
    "exif6.jpg": lambda o, p: images.save_exif_rotated(o, p, 6),
    "exif8.jpg": lambda o, p: images.save_exif_rotated(o, p, 8),
    "exif6.tif": lambda o, p: images.save_exif_rotated(o, p, 6),
    "stripped.jpg": lambda o, p: images.save(o, p, quality=88),
    "brighter.jpg": lambda o, p: images.save(images.brightened(o, 1.10), p),
    "stamped.jpg": lambda o, p: images.save(images.stamped(o), p),
    "cropped.jpg": lambda o, p: images.save(images.cropped(o, (0.04, 0.03, 0.05, 0.04)), p),
    "black and white.jpg": lambda o, p: images.save(o.convert("L"), p),
}
TURNED = {
    "turned90.jpg": lambda o, p: images.save(images.rotated90(o), p),
    "mirrored.jpg": lambda o, p: images.save(images.mirrored(o), p),
}


@pytest.fixture(scope="module")
def variant_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("variants")
    original = images.photo(101, SIZE)
    exif = images.exif_bytes(camera=("Nikon", "D750"), taken="2019:05:06 07:08:09")
    images.save(original, root / "Originals" / "original.jpg", exif=exif, quality=95)
    for name, make in {**SAME_PICTURE, **TURNED}.items():
        make(original, root / "copies" / name)
    # hard negatives
    for seed in range(102, 106):
        images.save(images.photo(seed, SIZE), root / "others" / f"other{seed}.jpg")
    for seed in range(3):
        images.save(images.blank_page(seed), root / "scans" / f"page{seed}.png")
    crop_source = images.photo(107, (900, 300))
    images.save(images.third(crop_source, "left"), root / "crops" / "left.jpg")
    images.save(images.third(crop_source, "right"), root / "crops" / "right.jpg")
    return root


def _scan(root: Path, **kwargs: object) -> ScanResult:
    return run_scan(ScanSettings(roots=(str(root),), workers=2, **kwargs), cache_path=None)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def same_result(variant_library: Path) -> ScanResult:
    return _scan(variant_library)


@pytest.fixture(scope="module")
def no_rotations_result(variant_library: Path) -> ScanResult:
    return _scan(variant_library, rotations=False)


def _group_of(result: ScanResult, name: str) -> set[str] | None:
    for g in result.groups:
        members = images.names(g)
        if name in members:
            return members
    return None


def test_the_same_picture_forms_one_group(same_result: ScanResult) -> None:
    assert same_result.skipped == ()
    group = _group_of(same_result, "original.jpg")
    assert group == {"original.jpg", *SAME_PICTURE, *TURNED}
    (g,) = [g for g in same_result.groups if "original.jpg" in images.names(g)]
    assert g.kind is GroupKind.SIMILAR
    assert os.path.basename(g.keeper.path) == "original.jpg"


@pytest.mark.parametrize("name", sorted(SAME_PICTURE))
def test_each_variant_is_in_the_originals_group(same_result: ScanResult, name: str) -> None:
    group = _group_of(same_result, name)
    assert group is not None, f"{name} was not grouped"
    assert "original.jpg" in group


def test_turned_copies_stay_apart_without_rotations(no_rotations_result: ScanResult) -> None:
    for name in TURNED:
        assert _group_of(no_rotations_result, name) is None
    group = _group_of(no_rotations_result, "original.jpg")
    assert group == {"original.jpg", *SAME_PICTURE}


@pytest.mark.parametrize("result_name", ["same_result", "no_rotations_result"])
def test_hard_negatives_are_never_grouped(request: pytest.FixtureRequest, result_name) -> None:
    result: ScanResult = request.getfixturevalue(result_name)
    assert len(result.groups) == 1  # only the original's group
    for name in ("other102.jpg", "page0.png", "page1.png", "page2.png", "left.jpg", "right.jpg"):
        assert _group_of(result, name) is None


def test_near_blank_scans_are_not_grouped_even_loosely(variant_library: Path) -> None:
    result = _scan(variant_library / "scans", similarity=Similarity.LOOSE)
    assert result.groups == ()


def test_a_rescanned_blank_page_still_matches_itself(tmp_path: Path) -> None:
    page = images.blank_page(5)
    images.save(page, tmp_path / "page.png")
    images.save(images.resized(page, 400), tmp_path / "page_small.jpg")
    images.save(images.blank_page(6), tmp_path / "other_page.png")
    result = _scan(tmp_path)
    assert images.group_names(result) == [{"page.png", "page_small.jpg"}]


def test_identical_preset_groups_byte_identical_files_only(tmp_path: Path) -> None:
    original = images.photo(9, (320, 240))
    a = images.save(original, tmp_path / "a.jpg")
    (tmp_path / "b.jpg").write_bytes(a.read_bytes())
    images.save(images.resized(original, 200), tmp_path / "small.jpg")
    images.save(original, tmp_path / "a.png")
    result = _scan(tmp_path, similarity=Similarity.IDENTICAL)
    assert images.group_names(result) == [{"a.jpg", "b.jpg"}]
    assert result.groups[0].kind is GroupKind.EXACT
    same = _scan(tmp_path)
    assert images.group_names(same) == [{"a.jpg", "b.jpg", "small.jpg", "a.png"}]


# ------------------------------------------------------------------------ chaining


def _chain_hashes() -> dict[str, int]:
    """a~b~c~d: each within 9 bits of the next, a and c 18 apart, a and d 27 apart."""
    return {"a": 0, "b": (1 << 9) - 1, "c": (1 << 18) - 1, "d": (1 << 27) - 1}


def _synthetic_analysis(value: int) -> Analysis:
    # a busy thumbnail, whose pHash would be stable, so that the hashes above decide: the
    # smooth search (cleaner.detect.smooth) matches fragile pictures by thumbnail alone
    thumb = bytes(
        (x * 37 + y * 101 + x * y * 13) % 251 for y in range(THUMB_SIDE) for x in range(THUMB_SIDE)
    )
    metrics = ImageMetrics(
        format="PNG", width=640, height=480, lossless=True, jpeg_quality=None,
        sharpness=100.0, detail=60.0, capture_time=None, camera=None, has_gps=False,
        has_exif=False, looks_like_screenshot=False, looks_like_export=False,
    )  # fmt: skip
    return Analysis(metrics, Fingerprint.from_hashes((value,) * 8, thumb))


def test_no_chaining_through_a_middle_picture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashes = _chain_hashes()
    for n, name in enumerate(hashes):
        (tmp_path / f"{name}.png").write_bytes(b"x" * (100 + n))  # distinct sizes and bytes

    def fake_analyse(path: str, max_pixels: int) -> Analysis:
        return _synthetic_analysis(hashes[os.path.basename(path)[0]])

    monkeypatch.setattr(cleaner.detect.scan, "analyse_file", fake_analyse)
    result = _scan(tmp_path)
    threshold = 12
    assert result.groups, "the chain's links must still be found"
    for g in result.groups:
        members = [hashes[os.path.basename(m.path)[0]] for m in g.members]
        # a star: some member (the representative) is within the threshold of all others
        assert any(
            all(bin(rep ^ other).count("1") <= threshold for other in members) for rep in members
        ), f"chained group: {images.names(g)}"
        assert not {"a.png", "d.png"} <= images.names(g)


@settings(max_examples=80, deadline=None)
@given(
    st.integers(2, 12).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(
                    lambda e: e[0] != e[1]
                ),
                max_size=30,
            ),
        )
    )
)
def test_star_clusters_are_disjoint_stars(case: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = case
    i = np.array([a for a, _ in edges], dtype=np.int64)
    j = np.array([b for _, b in edges], dtype=np.int64)
    adjacent = {(a, b) for a, b in edges} | {(b, a) for a, b in edges}
    clusters = star_clusters(n, i, j)
    seen: set[int] = set()
    for cluster in clusters:
        assert len(cluster) >= 2
        rep, *others = cluster
        assert all((rep, o) in adjacent for o in others)  # every member matches the rep
        assert not seen & set(cluster)
        seen |= set(cluster)
    # nothing that has a free matching neighbour is left out of every group
    for a, b in edges:
        assert a in seen or b in seen


def test_star_clusters_split_a_chain() -> None:
    # 0-1-2-3-4: a chain; union-find would make one group of five
    i = np.array([0, 1, 2, 3], dtype=np.int64)
    j = np.array([1, 2, 3, 4], dtype=np.int64)
    clusters = star_clusters(5, i, j)
    assert all(len(c) <= 3 for c in clusters)
    assert not any({0, 4} <= set(c) for c in clusters)
    assert clusters[0][0] in (1, 2, 3)  # a middle node is the representative


def test_star_clusters_put_preferred_nodes_at_the_centre() -> None:
    # node 3 (a black-and-white copy) matches 0, 1 and 2; 2 (another colour) matches only 3
    i = np.array([0, 0, 1, 3], dtype=np.int64)
    j = np.array([1, 3, 3, 2], dtype=np.int64)
    assert star_clusters(4, i, j) == [[3, 0, 1, 2]]  # by degree alone, 3 takes them all
    first = np.array([True, True, True, False])
    assert star_clusters(4, i, j, first=first) == [[0, 1, 3]]


def test_a_faint_original_keeps_the_centre_from_its_coloured_heavy_crop() -> None:
    # 0 the original, 1 turned, 2 resized, 3 re-saved: their colour is faint (no colour
    # to compare); 4, a heavy crop, has its colour cells closer together and just over
    # the line. 1 matches 0, 2 and 3 but not the crop (a turned crop is not searched).
    i = np.array([0, 0, 0, 0, 1, 1, 2, 2, 3], dtype=np.int64)
    j = np.array([1, 2, 3, 4, 2, 3, 3, 4, 4], dtype=np.int64)
    coloured = np.array([False, False, False, False, True])
    first = safe_centres(5, i, j, coloured)
    assert first.tolist() == [True, True, True, True, True]
    assert star_clusters(5, i, j, first=first) == [[0, 1, 2, 3, 4]]
    # (with colour alone first, the crop took the centre and the turned copy was left out)
    assert star_clusters(5, i, j, first=coloured) == [[4, 0, 2, 3]]


def test_a_grey_copy_between_two_coloured_versions_still_waits() -> None:
    # 3, a black-and-white copy, matches a red (0, 1) and a green (2) version
    i = np.array([0, 0, 1, 3], dtype=np.int64)
    j = np.array([1, 3, 3, 2], dtype=np.int64)
    coloured = np.array([True, True, True, False])
    first = safe_centres(4, i, j, coloured)
    assert first.tolist() == [True, True, True, False]
    assert star_clusters(4, i, j, first=first) == [[0, 1, 3]]
    # one coloured match is not enough to wait: nothing it could join disagrees
    assert safe_centres(4, i[:1], j[:1], coloured).tolist() == [True, True, True, True]


def _star_clusters_by_dicts(
    i: np.ndarray, j: np.ndarray, weight: np.ndarray | None, first: np.ndarray | None, n: int
) -> list[list[int]]:
    """`star_clusters` as it was written first (dicts of lists, one heap of every node): the
    reference the array version must agree with, list for list."""
    import heapq

    neighbours: dict[int, list[int]] = {}
    for a, b in zip(i.tolist(), j.tolist(), strict=True):
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    strength: dict[int, float] = {}
    if weight is not None:
        for a, b, w in zip(i.tolist(), j.tolist(), weight.tolist(), strict=True):
            strength[a] = strength.get(a, 0.0) + w
            strength[b] = strength.get(b, 0.0) + w
    free = set(neighbours)
    later = [False] * n if first is None else (~first).tolist()
    heap = [(later[v], -len(neighbours[v]), -strength.get(v, 0.0), v) for v in neighbours]
    heapq.heapify(heap)
    clusters: list[list[int]] = []
    while heap:
        is_later, neg_degree, neg_strength, v = heapq.heappop(heap)
        if v not in free:
            continue
        members = [u for u in neighbours[v] if u in free]
        if len(members) != -neg_degree:
            if members:
                heapq.heappush(heap, (is_later, -len(members), neg_strength, v))
            continue
        if not members:
            continue
        free.discard(v)
        for u in members:
            free.discard(u)
        clusters.append([v, *sorted(members)])
    return clusters


@pytest.mark.parametrize("seed", range(6))
def test_star_clusters_on_arrays_are_the_dict_version_list_for_list(seed: int) -> None:
    # thousands of pairs over a few thousand pictures: stars, chains and dense knots, with
    # weights that tie (a grid of distances) and without, with preferred nodes and without
    rng = np.random.default_rng(seed)
    n = 6000
    pairs = {(int(a), int(b)) for a, b in rng.integers(0, n, size=(5000, 2)) if a != b}
    knot = rng.choice(n, 40, replace=False)  # a dense group: many degree ties and re-ranks
    pairs |= {(int(a), int(b)) for a in knot for b in knot if a < b and rng.random() < 0.3}
    edges = sorted(pairs, key=lambda e: rng.random())
    edges += edges[:: len(edges) // 20]  # a few pairs twice (a multigraph, as given)
    i = np.array([a for a, _ in edges], dtype=np.int64)
    j = np.array([b for _, b in edges], dtype=np.int64)
    weight = None if seed % 3 == 0 else 1.0 - rng.integers(0, 11, len(i)) / 64.0
    first = None if seed < 3 else rng.random(n) < 0.8
    expected = _star_clusters_by_dicts(i, j, weight, first, n)
    assert len(expected) > 500
    assert star_clusters(n, i, j, weight, first) == expected
