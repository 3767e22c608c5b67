"""The pair index: exact against brute force, LSH recall, rotation variants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner.detect.index
from cleaner.detect.index import find_pairs, lsh_plan, popcount64


def _popcount(x: int) -> int:
    return bin(x).count("1")


def _brute(hashes: list[int], threshold: int) -> dict[tuple[int, int], int]:
    out = {}
    for a in range(len(hashes)):
        for b in range(a + 1, len(hashes)):
            d = _popcount(hashes[a] ^ hashes[b])
            if d <= threshold:
                out[(a, b)] = d
    return out


def _as_dict(pairs: cleaner.detect.index.Pairs) -> dict[tuple[int, int], int]:
    out = {}
    for i, j, d in zip(pairs.i.tolist(), pairs.j.tolist(), pairs.d.tolist(), strict=True):
        key = (min(i, j), max(i, j))
        assert key not in out, f"pair {key} reported twice"
        out[key] = d
    return out


# hashes near a few centres, so that pairs within small thresholds exist
_near_hashes = st.lists(
    st.tuples(st.sampled_from([0, 2**63 + 12345, 0xFFFF_0000_FFFF_0000]),
              st.integers(0, 2**64 - 1), st.integers(0, 16)),
    min_size=0, max_size=40,
).map(lambda rows: [c ^ (noise & ((1 << k) - 1) << (noise % 48)) & (2**64 - 1)
                    for c, noise, k in rows])  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(_near_hashes, st.integers(0, 20))
def test_find_pairs_equals_brute_force(hashes: list[int], threshold: int) -> None:
    base = np.array(hashes, dtype=np.uint64)
    assert _as_dict(find_pairs(base, threshold)) == _brute(hashes, threshold)


@settings(max_examples=30, deadline=None)
@given(_near_hashes, st.integers(4, 16))
def test_lsh_path_never_reports_a_pair_beyond_the_threshold(
    hashes: list[int], threshold: int
) -> None:
    base = np.array(hashes, dtype=np.uint64)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cleaner.detect.index, "BRUTE_FORCE_LIMIT", 0)
        found = _as_dict(find_pairs(base, threshold))
    truth = _brute(hashes, threshold)
    assert set(found) <= set(truth)
    assert all(found[k] == truth[k] for k in found)


def test_lsh_finds_planted_near_pairs_among_20000(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    n, planted, threshold = 20_000, 500, 12
    base = rng.integers(0, 2**64, size=n, dtype=np.uint64)
    partners = rng.choice(n, size=planted, replace=False)
    sources = (partners + 1 + rng.integers(0, n - 1, size=planted)) % n
    # each planted copy is its source with exactly 1..threshold bits flipped
    for p, s in zip(partners.tolist(), sources.tolist(), strict=True):
        flips = rng.choice(64, size=int(rng.integers(1, threshold + 1)), replace=False)
        mask = 0
        for bit in flips.tolist():
            mask |= 1 << bit
        base[p] = np.uint64(int(base[s]) ^ mask)
    planted_pairs = {(min(p, s), max(p, s)) for p, s in zip(partners, sources, strict=True)}
    # a source may itself have been overwritten later: keep pairs that are still near
    planted_pairs = {
        (a, b) for a, b in planted_pairs if _popcount(int(base[a]) ^ int(base[b])) <= threshold
    }
    assert len(planted_pairs) > 400
    monkeypatch.setattr(cleaner.detect.index, "BRUTE_FORCE_LIMIT", 0)
    pairs = find_pairs(base, threshold)
    found = _as_dict(pairs)
    recall = len(planted_pairs & set(found)) / len(planted_pairs)
    assert recall >= 0.99
    assert int(pairs.d.max()) <= threshold
    true_d = popcount64(base[pairs.i] ^ base[pairs.j])
    assert np.array_equal(true_d, pairs.d)


def test_lsh_plan_is_sane() -> None:
    for n in (10, 1_000, 1_000_000):
        for threshold in (4, 12, 20):
            k, tables = lsh_plan(n, threshold)
            assert 1 <= k <= 64 - threshold - 1
            assert tables >= 1


def test_fewer_than_two_hashes_give_no_pairs() -> None:
    assert len(find_pairs(np.zeros(0, dtype=np.uint64), 10)) == 0
    assert len(find_pairs(np.array([5], dtype=np.uint64), 10)) == 0


@pytest.mark.parametrize("lsh", [False, True])
def test_variants_find_rotated_copies_with_the_best_variant(
    lsh: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if lsh:
        monkeypatch.setattr(cleaner.detect.index, "BRUTE_FORCE_LIMIT", 0)
    rng = np.random.default_rng(3)
    base = rng.integers(0, 2**64, size=50, dtype=np.uint64)
    variants = rng.integers(0, 2**64, size=(50, 7), dtype=np.uint64)
    # item 10's "rotate90" variant (t=1 .. index 0) is item 20's upright hash, 2 bits off
    base[20] = variants[10, 0] ^ np.uint64(0b101)
    # item 30's mirror variant (t=4) is item 31's hash exactly; its rotate180 is 3 bits off
    base[31] = variants[30, 3]
    variants[30, 1] = base[31] ^ np.uint64(0b111)
    pairs = find_pairs(base, 6, variants)
    got = {
        (min(i, j), max(i, j)): (i, t, d)
        for i, j, t, d in zip(
            pairs.i.tolist(), pairs.j.tolist(), pairs.t.tolist(), pairs.d.tolist(), strict=True
        )
    }
    assert got[(10, 20)][1:] == (1, 2)
    assert got[(10, 20)][0] == 10
    assert got[(30, 31)][1:] == (4, 0)
    assert got[(30, 31)][0] == 30
    # without variants, neither pair is found
    plain = _as_dict(find_pairs(base, 6))
    assert (10, 20) not in plain
    assert (30, 31) not in plain


@pytest.mark.parametrize("lsh", [False, True])
def test_variant_only_search_leaves_out_base_pairs(
    lsh: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if lsh:
        monkeypatch.setattr(cleaner.detect.index, "BRUTE_FORCE_LIMIT", 0)
    rng = np.random.default_rng(5)
    base = rng.integers(0, 2**64, size=60, dtype=np.uint64)
    windows = rng.integers(0, 2**64, size=(60, 1), dtype=np.uint64)
    base[1] = base[0] ^ np.uint64(0b11)  # a plain pair: left to the other search
    base[7] = windows[3, 0] ^ np.uint64(0b1)  # item 3's window is item 7, 1 bit off
    windows[9, 0] = base[9]  # a picture's own window never pairs it with itself
    pairs = find_pairs(base, 4, windows, base_pairs=False)
    columns = (pairs.i.tolist(), pairs.j.tolist(), pairs.t.tolist(), pairs.d.tolist())
    got = {(i, j): (t, d) for i, j, t, d in zip(*columns, strict=True)}
    assert got == {(3, 7): (1, 1)}
    assert (0, 1) in _as_dict(find_pairs(base, 4, windows))  # found when base pairs are wanted


def _flip(value: int, rng: np.random.Generator, bits: int) -> int:
    for bit in rng.choice(64, size=bits, replace=False).tolist():
        value ^= 1 << bit
    return value


def test_variant_lsh_finds_planted_window_pairs_among_20000(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Windows lie near their own picture's hash (as crop windows do); each planted
    picture is another picture's window, 1..10 bits off."""
    rng = np.random.default_rng(11)
    n, planted, threshold = 20_000, 500, 10
    base = rng.integers(0, 2**64, size=n, dtype=np.uint64)
    windows = np.array(
        [_flip(int(h), rng, int(rng.integers(2, 9))) for h in base.tolist()], dtype=np.uint64
    ).reshape(n, 1)
    owners = rng.choice(n // 2, size=planted, replace=False)
    copies = n // 2 + rng.choice(n // 2, size=planted, replace=False)
    for o, c in zip(owners.tolist(), copies.tolist(), strict=True):
        base[c] = np.uint64(_flip(int(windows[o, 0]), rng, int(rng.integers(1, threshold + 1))))
        windows[c, 0] = np.uint64(_flip(int(base[c]), rng, 4))
    monkeypatch.setattr(cleaner.detect.index, "BRUTE_FORCE_LIMIT", 0)
    pairs = find_pairs(base, threshold, windows, base_pairs=False)
    assert not np.any(pairs.i == pairs.j)
    assert np.all(pairs.t == 1)
    assert np.array_equal(popcount64(windows[pairs.i, 0] ^ base[pairs.j]), pairs.d)
    assert int(pairs.d.max()) <= threshold
    found = set(zip(pairs.i.tolist(), pairs.j.tolist(), strict=True))
    recall = np.mean(
        [(o, c) in found for o, c in zip(owners.tolist(), copies.tolist(), strict=True)]
    )
    assert recall >= 0.99
    # every pair the exact search finds, the LSH found too (or it is at the threshold)
    monkeypatch.setattr(cleaner.detect.index, "BRUTE_FORCE_LIMIT", 10**12)
    exact = find_pairs(base, threshold, windows, base_pairs=False)
    close = exact.d < threshold - 2
    exact_close = set(zip(exact.i[close].tolist(), exact.j[close].tolist(), strict=True))
    assert exact_close <= found


def _near_pairs_among(n: int, seed: int) -> np.ndarray:  # type: ignore[type-arg]
    """n random hashes, every other one a copy of the one before with 0..12 bits flipped."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 2**64, size=n, dtype=np.uint64)
    for k in range(1, n, 2):
        base[k] = base[k - 1]
        for bit in rng.choice(64, size=int(rng.integers(0, 13)), replace=False).tolist():
            base[k] ^= np.uint64(1 << bit)
    return base


def test_lsh_on_threads_finds_exactly_what_one_thread_finds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = _near_pairs_among(6_000, 11)
    monkeypatch.setattr(cleaner.detect.index, "BRUTE_FORCE_LIMIT", 0)
    monkeypatch.setattr(cleaner.detect.index, "INDEX_THREADS", 1)
    one = find_pairs(base, 10, slack=2)
    monkeypatch.setattr(cleaner.detect.index, "INDEX_THREADS", 4)
    monkeypatch.setattr(cleaner.detect.index, "_threads", lambda: 4)  # even on one core
    many = find_pairs(base, 10, slack=2)
    assert len(one) > 2_000
    for field in ("i", "j", "t", "d"):
        assert np.array_equal(getattr(one, field), getattr(many, field))


@pytest.mark.parametrize("lsh", [False, True])
def test_verify_keeps_only_the_pairs_it_accepts(lsh: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    base = _near_pairs_among(4_000, 12)
    if lsh:
        monkeypatch.setattr(cleaner.detect.index, "BRUTE_FORCE_LIMIT", 0)
    asked: list[int] = []

    def even_pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
        asked.append(len(a))
        return (np.minimum(a, b) % 4) == 0

    every = _as_dict(find_pairs(base, 10, slack=2))
    kept = _as_dict(find_pairs(base, 10, slack=2, verify=even_pairs))
    assert sum(asked) >= len(every)
    assert kept == {key: d for key, d in every.items() if key[0] % 4 == 0}
    assert len(kept) > 200


def test_sampled_keys_are_the_sampled_bits() -> None:
    rng = np.random.default_rng(5)
    hashes = rng.integers(0, 2**64, size=500, dtype=np.uint64)
    tables = cleaner.detect.index._Tables(hashes, 20)
    for k in (1, 7, 20, 33):
        positions = rng.choice(64, size=k, replace=False)
        keys = cleaner.detect.index._sample_key(tables.word_columns, positions, 9)
        for h, key in zip(hashes.tolist(), keys.tolist(), strict=True):
            bits = [(h >> (63 - p)) & 1 for p in sorted(positions.tolist())]
            assert key == sum(bit << (slot + 9) for slot, bit in enumerate(bits))


def test_a_search_closed_half_way_stops_its_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    base = _near_pairs_among(20_000, 13)
    monkeypatch.setattr(cleaner.detect.index, "BRUTE_FORCE_LIMIT", 0)
    monkeypatch.setattr(cleaner.detect.index, "_threads", lambda: 2)
    search = cleaner.detect.index.search_pairs(base, 10)
    done, total = next(search)
    done, total = next(search)
    assert 0 < done < total
    search.close()  # what a cancelled scan does
    assert not [t for t in threading.enumerate() if t.name.startswith("lsh")]
