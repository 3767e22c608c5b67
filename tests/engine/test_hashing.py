"""Fingerprints and digests: value semantics, rotation variants, low-detail maps."""

from __future__ import annotations

import hashlib
from pathlib import Path

import imagehash
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from cleaner.detect.fingerprint import (
    DETAIL_SIDE,
    PREFIX_BYTES,
    THUMB_SIDE,
    TRANSFORMS,
    dihedral_phashes,
    fingerprint,
    phash_int,
    prefix_digest,
    sha256_file,
)
from cleaner.models import PerceptualHash
from tests.helpers import images

U64 = st.integers(min_value=0, max_value=2**64 - 1)


@given(U64, U64)
def test_hash_difference_is_the_hamming_distance(a: int, b: int) -> None:
    assert PerceptualHash(a) - PerceptualHash(b) == bin(a ^ b).count("1")
    assert PerceptualHash(a) - PerceptualHash(a) == 0


@given(U64)
def test_hash_hex_round_trip(value: int) -> None:
    h = PerceptualHash(value)
    assert len(h.hex()) == 16
    assert PerceptualHash.from_hex(h.hex()) == h
    assert str(h) == h.hex()
    assert hash(h) == hash(PerceptualHash(value))


def test_hashes_of_different_sizes_do_not_compare() -> None:
    with pytest.raises(ValueError, match="64-bit"):
        _ = PerceptualHash(1, 64) - PerceptualHash(1, 256)


def test_phash_matches_imagehash() -> None:
    grey32 = images.photo(3, (32, 32)).convert("L")
    expected = imagehash.phash(grey32, hash_size=8)
    assert PerceptualHash(phash_int(grey32)).hex() == str(expected)


@pytest.mark.parametrize("seed", range(12))
def test_all_eight_hashes_from_one_dct_equal_imagehash_on_the_turned_picture(seed: int) -> None:
    grey32 = images.detailed_photo(seed, (32, 32)).convert("L")
    if seed % 2:
        grey32 = images.photo(seed, (32, 32)).convert("L")
    pixels = np.asarray(grey32)
    expected = tuple(
        int(str(imagehash.phash(Image.fromarray(np.ascontiguousarray(turn(pixels))))), 16)
        for _, turn in TRANSFORMS
    )
    assert dihedral_phashes(grey32) == expected


def test_fingerprint_shape() -> None:
    fp = fingerprint(images.photo(1, (320, 240)))
    assert len(fp.hashes) == len(TRANSFORMS) == 8
    assert len(fp.thumb) == THUMB_SIDE * THUMB_SIDE
    assert fp.detail_map is None  # a busy photo needs no detail map
    assert fp.phash == PerceptualHash(fp.hashes[0])


def test_low_detail_pictures_keep_a_detail_map() -> None:
    fp = fingerprint(images.blank_page(1))
    assert fp.detail_map is not None
    assert len(fp.detail_map) == DETAIL_SIDE * DETAIL_SIDE


@pytest.mark.parametrize(
    ("transform", "index"),
    [
        (Image.Transpose.ROTATE_90, 1),
        (Image.Transpose.ROTATE_180, 2),
        (Image.Transpose.ROTATE_270, 3),
        (Image.Transpose.FLIP_LEFT_RIGHT, 4),
    ],
)
def test_rotation_variants_match_rotated_copies(transform: Image.Transpose, index: int) -> None:
    img = images.photo(5, (256, 256))
    fp = fingerprint(img)
    turned = fingerprint(img.transpose(transform))
    assert TRANSFORMS[index][0] in {"rotate90", "rotate180", "rotate270", "mirror"}
    # the turned copy looks like one of the stored variants, and not like the upright hash
    assert min(PerceptualHash(h) - turned.phash for h in fp.hashes[1:]) <= 4
    assert fp.phash - turned.phash > 12


def test_different_photos_have_distant_hashes() -> None:
    hashes = [fingerprint(images.photo(seed, (256, 192))).phash for seed in range(8)]
    distances = [a - b for n, a in enumerate(hashes) for b in hashes[n + 1 :]]
    assert min(distances) > 12


def test_sha256_and_prefix_digest(tmp_path: Path) -> None:
    data = bytes(range(256)) * 1024 * 5  # 1.25 MiB: more than one chunk
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    calls = []
    assert sha256_file(path, check=lambda: calls.append(1)) == hashlib.sha256(data).hexdigest()
    assert len(calls) >= 2  # cancel is checked between chunks
    assert prefix_digest(path) == hashlib.sha256(data[:PREFIX_BYTES]).hexdigest()


def test_sha256_check_can_abort(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"x" * (3 << 20))

    class Stop(Exception):
        pass

    def check() -> None:
        raise Stop

    with pytest.raises(Stop):
        sha256_file(path, check=check)
