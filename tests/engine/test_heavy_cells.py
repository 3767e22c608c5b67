"""The cell search for heavy crops in very big libraries (`cleaner.detect.heavy_cells`)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest
from PIL import Image

import cleaner.detect.crops as crops
from cleaner.detect import heavy_cells
from cleaner.detect.crops import GRID, GRID_KIND
from cleaner.detect.index import Pairs
from cleaner.models import Fingerprint
from cleaner.progress import drain
from tests.engine.test_crops_at_scale import _smooth_library


def _pairs(thumbs: Any) -> Pairs:
    found: Pairs = drain(heavy_cells.cell_pairs(thumbs))
    return found


def test_window_vectors_are_the_sketched_reductions() -> None:
    """The folded products give the 6x6 reductions the sketches hash (`crops._reduce`),
    centred, whitened and at unit length, for the whole and every grid window."""
    thumbs, _ = _smooth_library(2500, 0, 3)
    transform = crops.whitening(thumbs)
    assert transform is not None
    whole, windows = heavy_cells.window_vectors(thumbs[:300], transform)
    source = thumbs[:300].astype(np.float32)
    for k, window in enumerate(((0.0, 0.0, 1.0, 1.0), *GRID)):
        raw = crops._reduce(source, window, crops.SKETCH_SIDE)
        raw = (raw - raw.mean(axis=1, keepdims=True)) @ transform.T
        expected = raw / np.linalg.norm(raw, axis=1, keepdims=True)
        got = whole if k == 0 else windows[:, k - 1]
        assert np.abs(got - expected).max() < 1e-4
        if k:
            one = heavy_cells._one_window(thumbs[:300], k - 1, transform)
            assert np.abs(one - expected).max() < 1e-4


def test_the_cell_search_finds_heavy_crops_anywhere() -> None:
    """3,000 smooth pictures, 40 of them 80 % crops of others, anywhere: the crop's
    original is among its candidates, through the window nearest the crop, for all but
    one of them; nothing pairs a picture with itself and no crop gets more than
    CELL_NEAREST candidates."""
    thumbs, planted = _smooth_library(3000, 40, 6)
    n = len(thumbs)
    found = _pairs(thumbs)
    keys = (found.i * n + found.j).tolist()
    missed = [p for p in planted if p[0] * n + p[1] not in keys]
    assert len(missed) <= 1, missed
    assert not (found.i == found.j).any()
    assert ((found.t >= GRID_KIND) & (found.t < GRID_KIND + len(GRID))).all()
    assert max(Counter(found.j.tolist()).values()) <= heavy_cells.CELL_NEAREST
    # far fewer candidates than pictures: each is a thumbnail check to pay
    assert len(found) < n // 2


def _library_with_a_crop_at_every_grid_position(n: int) -> tuple[np.ndarray, list[int]]:
    """`n` smooth pictures (`_smooth_library`) whose last 16 are 80 % crops, at grid
    position g exactly, of picture 100 + g; returns the thumbnails and the crops' rows."""
    from tests.engine.test_crops_at_scale import _spline, _window

    rng = np.random.default_rng(21)
    u6, u16 = _spline(64, 6), _spline(64, 16)
    pictures = u6 @ rng.standard_normal((n, 6, 6)) @ u6.T
    pictures += 0.45 * (u16 @ rng.standard_normal((n, 16, 16)) @ u16.T)
    crop_rows = []
    for g, (x, y, _, _) in enumerate(GRID):
        row = n - 1 - g
        pictures[row] = _window(y) @ pictures[100 + g] @ _window(x).T
        crop_rows.append(row)
    pictures += rng.normal(0, 0.05, pictures.shape)  # a re-encode
    pictures = (pictures - pictures.mean(axis=(1, 2), keepdims=True)) * 40 + 128
    thumbs = pictures.reshape(n, 16, 4, 16, 4).mean(axis=(2, 4))
    return np.clip(np.rint(thumbs), 0, 255).astype(np.uint8).reshape(n, 256), crop_rows


def test_a_heavy_crop_at_every_grid_position_is_found_among_thousands() -> None:
    """4,000 pictures, 16 of them 80 % crops of others at each of the 16 grid positions:
    every crop's original is among its candidates, through the window at that very
    position (each window's own reduction matrix, `_window_matrix`, is right, across and
    down), in small steps on two threads as in the default ones."""
    import cleaner.detect.index as index

    thumbs, crop_rows = _library_with_a_crop_at_every_grid_position(4000)
    for chunk, per_step in ((heavy_cells._CHUNK, heavy_cells._LEAVES_PER_STEP), (333, 5)):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(heavy_cells, "_CHUNK", chunk)
            patch.setattr(heavy_cells, "_LEAVES_PER_STEP", per_step)
            patch.setattr(index, "INDEX_THREADS", 2)
            found = _pairs(thumbs)
        listed = set(zip(found.i.tolist(), found.j.tolist(), found.t.tolist(), strict=True))
        missed = [
            g for g, row in enumerate(crop_rows) if (100 + g, row, GRID_KIND + g) not in listed
        ]
        assert missed == [], (chunk, per_step)


def test_a_library_too_small_to_whiten_gets_no_candidates() -> None:
    thumbs, _ = _smooth_library(crops.WHITEN_MIN_SAMPLE - 1, 10, 4)
    assert len(_pairs(thumbs)) == 0


def test_libraries_above_the_sketch_index_go_to_the_cells(monkeypatch: Any) -> None:
    """Above HEAVY_INDEX_MAX_PICTURES `heavy_crop_pairs` searches the cells (it found no
    heavy crop there before); at or below it, the sketch searches as before (3,000
    pictures: the exact one)."""
    thumbs, planted = _smooth_library(3000, 40, 6)
    n = len(thumbs)
    fps = [Fingerprint(hash_bytes=bytes(8 * 8), thumb=t.tobytes()) for t in thumbs]
    monkeypatch.setattr(crops, "HEAVY_INDEX_MAX_PICTURES", n - 1)
    above: Pairs = drain(crops.heavy_crop_pairs(fps))
    assert (above.i * n + above.j).tolist() == (_pairs(thumbs).i * n + _pairs(thumbs).j).tolist()
    keys = (above.i * n + above.j).tolist()
    assert sum(p[0] * n + p[1] in keys for p in planted) >= len(planted) - 1
    monkeypatch.setattr(crops, "HEAVY_INDEX_MAX_PICTURES", n)
    below: Pairs = drain(crops.heavy_crop_pairs(fps))
    exact: Pairs = drain(crops._nearest(*crops.sketches(thumbs), crops.SKETCH_LIMIT))
    assert (below.i * n + below.j).tolist() == (exact.i * n + exact.j).tolist()


def test_the_second_look_holds_a_bounded_number_of_decoded_pictures(monkeypatch: Any) -> None:
    """300 looks at 300 different crops, a cache of 50 (`crops.remembered`, which the
    caller of the looks makes): the decoded pictures kept alive at once stay within it
    (every one was kept until the end before), and every look still gets both pictures
    (the same answers as with an unbounded cache)."""
    import weakref

    monkeypatch.setattr(crops, "LOOK_CACHE", 50)
    rng = np.random.default_rng(2)
    base = rng.uniform(0, 255, (64, 64)).astype(np.float32)
    window = Image.fromarray(base).resize((64, 64), Image.Resampling.BILINEAR, (6, 6, 57, 57))
    cut = np.asarray(window, dtype=np.float32)
    alive: list[weakref.ref[np.ndarray]] = []
    most = 0

    def pixels(k: int) -> np.ndarray:
        nonlocal most
        out = (cut if k >= 100 else base) + k % 3  # crops (k >= 100) of one picture
        alive.append(weakref.ref(out))
        most = max(most, sum(r() is not None for r in alive[-2 * crops.LOOK_CACHE :]))
        return out

    i = np.arange(300, dtype=np.int64) % 7
    j = 100 + np.arange(300, dtype=np.int64)
    corr = np.ones(300, dtype=np.float32)
    bounded = crops.second_look(i, j, corr, crops.remembered(pixels))
    assert most <= crops.LOOK_CACHE + 1
    assert bounded.all()
    monkeypatch.setattr(crops, "LOOK_CACHE", 10**9)
    assert bounded.tolist() == crops.second_look(i, j, corr, crops.remembered(pixels)).tolist()


def test_the_pairs_do_not_depend_on_threads_or_step_sizes(monkeypatch: Any) -> None:
    """Chunks and leaf batches run on the index's threads: in many small steps on one
    thread or on four, and in the default steps, the candidate pairs are the same list
    (order, windows and distances included)."""
    import cleaner.detect.index as index

    thumbs, _ = _smooth_library(3000, 40, 6)

    def listed(found: Pairs) -> list[tuple[int, int, int, int]]:
        columns = (found.i, found.j, found.t, found.d)
        return list(zip(*(c.tolist() for c in columns), strict=True))

    default = listed(_pairs(thumbs))
    monkeypatch.setattr(heavy_cells, "_CHUNK", 256)
    monkeypatch.setattr(heavy_cells, "_LEAVES_PER_STEP", 3)
    runs = []
    for threads in (1, 4):
        monkeypatch.setattr(index, "INDEX_THREADS", threads)
        runs.append(listed(_pairs(thumbs)))
    assert runs[0] == runs[1] == default
    assert len(default) >= 39  # the crops, found (see above)


def _straight_cell_pairs(thumbs: np.ndarray) -> Pairs:
    """The cell search written straight: one table of thumbnails, every vector of the
    library at once, each leaf's windows and probing wholes found by a full scan."""
    from cleaner.detect.heavy_cells import _CELLS, _PER, CELL_FLOOR, CELL_PROBES

    transform = crops.whitening(thumbs)
    assert transform is not None
    coarse, fine = heavy_cells._tree(heavy_cells.Thumbnails.of_table(thumbs), transform)
    whole, windows = heavy_cells.window_vectors(thumbs, transform)
    probes = heavy_cells._probes(whole, coarse, fine).reshape(-1)
    leaf = heavy_cells._leaves(windows.reshape(-1, _CELLS), coarse, fine)
    scored = np.stack([heavy_cells._one_window(thumbs, g, transform) for g in range(_PER)])
    found = []
    for lf in range(len(coarse) * fine.shape[1]):
        ids = np.flatnonzero(leaf == lf)
        q = np.flatnonzero(probes == lf) // CELL_PROBES
        if not len(ids) or not len(q):
            continue
        cosines = whole[q].astype(np.float16).astype(np.float32) @ scored[ids % _PER, ids // _PER].T
        best = cosines.argmax(axis=1)
        top = cosines[np.arange(len(q)), best]
        ok = top >= CELL_FLOOR
        found.append((ids[best[ok]], q[ok], top[ok]))
    return heavy_cells._nearest(found)


def _listed(found: Pairs) -> list[tuple[int, int, int, int]]:
    columns = (found.i, found.j, found.t, found.d)
    return list(zip(*(c.tolist() for c in columns), strict=True))


def test_thumbnails_read_by_rows_and_leaves_grouped_by_range_give_the_straight_pairs(
    monkeypatch: Any,
) -> None:
    """The search reads thumbnails a chunk at a time (`Thumbnails`, no table of them all)
    and groups the leaves a range at a time (`_LeafGroups`): at every chunk, batch, range
    and grouping step, ending inside a leaf or not, it gives the straight search's list
    (order, windows and distances included), from a table or from rows."""
    import cleaner.detect.index as index

    thumbs, _ = _smooth_library(3000, 40, 6)

    def rows(index: Any) -> Any:
        return np.ascontiguousarray(thumbs[index])

    straight = _listed(_straight_cell_pairs(thumbs))
    assert len(straight) >= 39
    monkeypatch.setattr(index, "INDEX_THREADS", 2)
    for chunk, per_step, per_pass, group_step in (
        (4096, 64, 16, 1 << 20),
        (1000, 5, 3, 7919),
        (256, 3, 1, 4096),
        (777, 7, 2, 48000),
    ):
        monkeypatch.setattr(heavy_cells, "_CHUNK", chunk)
        monkeypatch.setattr(heavy_cells, "_LEAVES_PER_STEP", per_step)
        monkeypatch.setattr(heavy_cells, "_BATCHES_PER_PASS", per_pass)
        monkeypatch.setattr(heavy_cells, "_GROUP_STEP", group_step)
        by_rows = drain(heavy_cells.cell_pairs(heavy_cells.Thumbnails(len(thumbs), rows)))
        assert _listed(by_rows) == straight, (chunk, per_step, per_pass, group_step)
        assert _listed(_pairs(thumbs)) == straight


def test_big_libraries_read_their_thumbnails_from_the_fingerprints(monkeypatch: Any) -> None:
    """Above the sketch index, `heavy_crop_pairs` hands the cells the fingerprints'
    thumbnails by rows (`crops.thumb_rows`), never one table of them all: the same pairs."""
    thumbs, _ = _smooth_library(3000, 40, 6)
    fps = [Fingerprint(hash_bytes=bytes(8 * 8), thumb=t.tobytes()) for t in thumbs]
    straight = _listed(_pairs(thumbs))

    def no_table(_: Any) -> Any:
        raise AssertionError("a table of every thumbnail")

    monkeypatch.setattr(crops, "HEAVY_INDEX_MAX_PICTURES", 2999)
    monkeypatch.setattr(crops, "thumb_table", no_table)
    assert _listed(drain(crops.heavy_crop_pairs(fps))) == straight
    index = np.array([5, 0, 2999, 5], dtype=np.int64)
    assert crops.thumb_rows(fps, index).tolist() == thumbs[index].tolist()


def test_every_half_float_reads_as_numpy_converts_it() -> None:
    """The scoring reads the wholes (half floats) through a table of all 65,536: the same
    bits as numpy's conversion, zeros of both signs, subnormals, infinities and NaNs."""
    halves = np.arange(1 << 16, dtype=np.uint16)
    table = heavy_cells._HALF_TO_SINGLE[halves]
    straight = halves.view(np.float16).astype(np.float32)
    assert table.dtype == np.float32
    assert np.array_equal(table.view(np.uint32), straight.view(np.uint32))


def test_each_window_goes_to_its_greedy_leaf_among_128_coarse_cells() -> None:
    """`_leaves` at a million pictures' tree (128 x 128 leaves: a leaf number needs 14
    bits, a coarse cell 7): each row's best coarse cell, then its best fine cell there,
    row by row as the straight definition says."""
    rng = np.random.default_rng(3)
    side = heavy_cells.CELL_SIDE
    v = heavy_cells._unit(rng.standard_normal((20_000, 36)).astype(np.float32))
    coarse = heavy_cells._unit(rng.standard_normal((side, 36)).astype(np.float32))
    fine = heavy_cells._unit(rng.standard_normal((side, side, 36)).astype(np.float32))
    got = heavy_cells._leaves(v, coarse, fine)
    top = np.argmax(v @ coarse.T, axis=1)
    assert len(np.unique(top)) == side
    expected = np.empty(len(v), dtype=np.int64)
    for c in range(side):
        rows = np.flatnonzero(top == c)
        expected[rows] = c * side + np.argmax(v[rows] @ fine[c].T, axis=1)
    assert got.tolist() == expected.tolist()


@pytest.mark.parametrize("count", [2, heavy_cells.CELL_PROBES])
def test_the_largest_scores_are_those_argpartition_picks(count: int) -> None:
    """`_largest` against numpy's argpartition, row by row, on a chunk's shape (4,096
    wholes, 2 x 128 leaves or 128 coarse cells), with scores rounded so that a third of
    the rows tie among their largest (a fifth to a third): the same set in every row (ties broken as
    argpartition breaks them), and for two the same order (the best coarse cell first)."""
    rng = np.random.default_rng(5)
    width = 128 if count == 2 else 256
    scores = rng.standard_normal((4096, width)).astype(np.float32)
    scores[::3] = np.round(scores[::3] * 4) / 4  # ties, in some of these rows
    got = heavy_cells._largest(scores, count)
    expected = np.argpartition(-scores, count - 1, axis=1)[:, :count]
    if count == 2:
        assert got.tolist() == expected.tolist()
    else:
        assert np.sort(got, axis=1).tolist() == np.sort(expected, axis=1).tolist()
    ties = [len(set(np.sort(row)[-count - 1 :].tolist())) <= count for row in scores]
    assert 500 < sum(ties) < 1400


def test_the_scoring_gives_freed_memory_back_before_ranking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After the last leaf batch, the threads' freed memory is given back before the pairs
    are ranked (`_nearest`: at 1M it peaked 54 MiB lower so)."""
    thumbs, _ = _smooth_library(2500, 0, 3)
    trims: list[int] = []
    monkeypatch.setattr(heavy_cells, "give_back_freed_memory", lambda: trims.append(1))
    original = heavy_cells._nearest
    before: list[int] = []

    def nearest(found: Any) -> Pairs:
        before.append(len(trims))
        return original(found)

    search = heavy_cells.cell_pairs(thumbs)
    monkeypatch.setattr(heavy_cells, "_nearest", nearest)
    at_last_batch = 0
    while True:
        try:
            next(search)
        except StopIteration:
            break
        at_last_batch = len(trims)
    assert before == [at_last_batch + 1]
