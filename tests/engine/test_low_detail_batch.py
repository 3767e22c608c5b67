"""The low-detail crop check lines pairs up in batches (`crops.fine_alignments`): the same
values as one pair at a time (`crops.fine_alignment`), list to list, and the same
decisions in `low_detail_crops`."""

from __future__ import annotations

import numpy as np
import pytest

from cleaner.detect import crops
from cleaner.detect.checks import CROP_KIND, high_pass
from cleaner.detect.fingerprint import CROP_WINDOWS, DETAIL_SIDE
from cleaner.detect.index import _threads
from cleaner.models import Fingerprint

SIZES = sorted({w[2] - w[0] for w in (*CROP_WINDOWS, *crops.GRID)})


def _pages(rng: np.random.Generator, n: int) -> np.ndarray:
    """n near-blank 64x64 pages with a few dark marks (uint8)."""
    page = rng.normal(235, 2, (n, DETAIL_SIDE, DETAIL_SIDE))
    for k in range(n):
        for _ in range(rng.integers(3, 12)):
            y, x = rng.integers(2, DETAIL_SIDE - 6, 2)
            page[k, y : y + rng.integers(1, 5), x : x + rng.integers(1, 6)] -= rng.uniform(20, 90)
    return np.clip(np.rint(page), 0, 255).astype(np.uint8)


def _window(page: np.ndarray, left: int, top: int, side: int) -> np.ndarray:
    """A crop of `page` (side x side from left, top), resized back to 64x64."""
    from PIL import Image

    cut = Image.fromarray(page[top : top + side, left : left + side])
    return np.asarray(cut.resize((DETAIL_SIDE, DETAIL_SIDE), Image.Resampling.BILINEAR))


def _maps(pages: np.ndarray) -> np.ndarray:
    return np.stack([high_pass(p.tobytes()).reshape(DETAIL_SIDE, DETAIL_SIDE) for p in pages])


@pytest.mark.parametrize("size", SIZES)
def test_batched_alignment_equals_one_pair_at_a_time(size: float) -> None:
    rng = np.random.default_rng(int(size * 1000))
    pages = _pages(rng, 120)
    side = round(DETAIL_SIDE * size)
    room = DETAIL_SIDE - side
    # half true crops (anywhere, edges included), half pages against other pages
    cropped = np.stack(
        [_window(p, int(rng.integers(0, room + 1)), int(rng.integers(0, room + 1)), side)
         for p in pages[:60]]
    )  # fmt: skip
    originals = _maps(pages)
    others = _maps(np.concatenate([cropped, pages[60:][::-1]]))
    one = [crops.fine_alignment(a, b, size) for a, b in zip(originals, others, strict=True)]
    many = crops.fine_alignments(originals, others, size)
    assert many.tolist() == pytest.approx(one, abs=1e-6)
    # the true crops line up, the other pages do not: the comparison covers both sides
    assert min(one[:60]) > crops.LOW_DETAIL_CROP
    assert max(one[60:]) < crops.LOW_DETAIL_CROP


def test_low_detail_crops_decide_as_before() -> None:
    rng = np.random.default_rng(5)
    pages = _pages(rng, 90)
    side = round(DETAIL_SIDE * crops.CROP_SIZE)
    cropped = [
        _window(p, int(rng.integers(0, 13)), int(rng.integers(0, 13)), side) for p in pages[:40]
    ]
    blank = np.full((DETAIL_SIDE, DETAIL_SIDE), 240, np.uint8)
    maps = [*pages, *cropped, blank]
    fps = [
        Fingerprint(hash_bytes=bytes(72), thumb=bytes(256), detail_map=m.tobytes()) for m in maps
    ]
    fps.append(Fingerprint(hash_bytes=bytes(72), thumb=bytes(256), detail_map=None))
    n = len(maps)
    i = np.array([*range(40), *range(40, 80), 0, 1, n - 1, n], dtype=np.int64)
    j = np.array([*range(90, 130), *range(50, 90), n - 1, n, 2, 3], dtype=np.int64)
    kinds = np.array([crops.GRID_KIND + 5] * 40 + [CROP_KIND] * 40 + [crops.GRID_KIND] * 4)
    got = crops.low_detail_crops(i, j, kinds, fps)
    expected = []
    for a, b, kind in zip(i.tolist(), j.tolist(), kinds.tolist(), strict=True):
        ma, mb = fps[a].detail_map, fps[b].detail_map
        if ma is None or mb is None or crops.is_bare(ma) or crops.is_bare(mb):
            expected.append(False)
            continue
        window = CROP_WINDOWS[kind - CROP_KIND] if kind < crops.GRID_KIND else crops.GRID[0]
        pa = high_pass(ma).reshape(DETAIL_SIDE, DETAIL_SIDE)
        pb = high_pass(mb).reshape(DETAIL_SIDE, DETAIL_SIDE)
        expected.append(
            crops.fine_alignment(pa, pb, window[2] - window[0]) >= crops.LOW_DETAIL_CROP
        )
    assert got.tolist() == expected
    assert sum(expected[:40]) == 40  # the crops found
    assert not any(expected[40:])


def test_low_detail_crops_hold_the_high_passes_of_one_batch_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pages meeting others in many batches, more pairs than a batch: the same decisions
    as the straight computation, with at most a batch's high-passes alive at once (all of
    them were held: ~320 MB at 1M catalog rows)."""
    import gc
    import weakref

    rng = np.random.default_rng(11)
    pages = _pages(rng, 150)
    side = round(DETAIL_SIDE * crops.CROP_SIZE)
    cropped = [
        _window(p, int(rng.integers(0, 13)), int(rng.integers(0, 13)), side) for p in pages[:60]
    ]
    maps = [*pages, *cropped]
    fps = [
        Fingerprint(hash_bytes=bytes(72), thumb=bytes(256), detail_map=m.tobytes()) for m in maps
    ]
    # true crops, and pages 0-2 against every fourth other page (in many batches)
    i = np.array([*range(60), *([0, 1, 2] * 40)], dtype=np.int64)
    j = np.array([*range(150, 210), *range(30, 150)], dtype=np.int64)
    kinds = np.array([crops.GRID_KIND + 5] * 60 + [CROP_KIND] * 120)
    alive: list[weakref.ref[np.ndarray]] = []
    most = 0
    passing = crops.high_pass

    def counted(detail_map: bytes) -> np.ndarray:
        nonlocal most
        out = passing(detail_map)
        gc.collect()
        alive[:] = [r for r in alive if r() is not None]
        held = out  # the buffer the views of it keep alive
        while isinstance(held.base, np.ndarray):
            held = held.base
        alive.append(weakref.ref(held))
        most = max(most, len(alive))
        return out

    monkeypatch.setattr(crops, "high_pass", counted)
    got = crops.low_detail_crops(i, j, kinds, fps)
    monkeypatch.setattr(crops, "high_pass", passing)
    expected = _one_pair_at_a_time(i, j, kinds, maps)
    assert got.tolist() == expected
    assert sum(expected[:60]) == 60
    assert not any(expected[60:])
    # one batch's ends per thread lining one up (and the one being made)
    assert most <= _threads() * 2 * crops._ALIGN_BATCH + 1


def test_low_detail_crops_on_threads_keep_each_batch_in_its_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The batches are lined up on two threads: every pair keeps its own decision, over
    many batches of two window sizes, crops and non-crops in turn (a batch's answers put
    in another's place, or a size mixed up, changes them)."""
    import cleaner.detect.index as index

    monkeypatch.setattr(index, "_threads", lambda: 2)  # two threads even on one core
    rng = np.random.default_rng(23)
    pages = _pages(rng, 120)
    big, small = crops.GRID[5], CROP_WINDOWS[0]  # an 80 % window and the light crop's
    side_big, side_small = (round(DETAIL_SIDE * (w[2] - w[0])) for w in (big, small))
    # pages 0-63 cropped to the 80 % window, 64-95 to the light crop's
    cropped = [
        _window(p, int(rng.integers(0, DETAIL_SIDE - side + 1)),
                int(rng.integers(0, DETAIL_SIDE - side + 1)), side)
        for k, p in enumerate(pages[:96])
        for side in [side_big if k < 64 else side_small]
    ]  # fmt: skip
    maps = [*pages, *cropped]
    fps = [
        Fingerprint(hash_bytes=bytes(72), thumb=bytes(256), detail_map=m.tobytes()) for m in maps
    ]
    # batches of 32 (crops: C, other pages: P): 80 % windows C C P, light crops P C; a
    # batch's answers in another's place change them (the order is not symmetric)
    rows = [
        *[(k, 120 + k, crops.GRID_KIND + 5) for k in range(64)],
        *[(96 + k % 24, k, crops.GRID_KIND + 5) for k in range(32)],
        *[(96 + k % 24, 64 + k, CROP_KIND) for k in range(32)],
        *[(64 + k, 184 + k, CROP_KIND) for k in range(32)],
    ]
    i, j, kinds = (np.array(v, dtype=np.int64) for v in zip(*rows, strict=True))
    got = crops.low_detail_crops(i, j, kinds, fps)
    expected = _one_pair_at_a_time(i, j, kinds, maps)
    assert len(got) > 4 * crops._ALIGN_BATCH
    assert got.tolist() == expected
    assert expected == [True] * 64 + [False] * 64 + [True] * 32


def _one_pair_at_a_time(
    i: np.ndarray, j: np.ndarray, kinds: np.ndarray, maps: list[np.ndarray]
) -> list[bool]:
    """What `low_detail_crops` must answer, pair by pair: the two high-passed maps lined up
    at the pair's window size against the bar."""
    expected = []
    for a, b, kind in zip(i.tolist(), j.tolist(), kinds.tolist(), strict=True):
        window = CROP_WINDOWS[kind - CROP_KIND] if kind < crops.GRID_KIND else crops.GRID[5]
        pa = high_pass(maps[a].tobytes()).reshape(DETAIL_SIDE, DETAIL_SIDE)
        pb = high_pass(maps[b].tobytes()).reshape(DETAIL_SIDE, DETAIL_SIDE)
        expected.append(
            bool(crops.fine_alignment(pa, pb, window[2] - window[0]) >= crops.LOW_DETAIL_CROP)
        )
    return expected
