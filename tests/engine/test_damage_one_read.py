"""The damage check reads nothing twice (issue 13, cold-scan cost).

A JPEG, PNG, HEIF or AVIF file is read whole once, decoded from memory and checked for
damage in the same bytes (it used to be opened and read a second time for the check),
and a JPEG's entropy-coded data is searched for markers in numpy blocks instead of by
a regular expression. What the check finds must not change: the same verdict and the
same words for every file, damaged or not, as the regular expression's walk (kept here
as the reference) and as the two-read path (still taken by files over the size limit).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from cleaner.detect import damage, decode
from cleaner.detect.decode import Decoded, DecodeFailure, open_small
from cleaner.models import DamageReason, SkipReason
from tests.engine.test_damage import (
    heic_bytes,
    heic_tiled_cut_in_half,
    heic_tiled_zero_filled,
    heic_truncated,
    jpeg_early_end_marker,
    jpeg_flipped_near_end,
    jpeg_truncated,
    jpeg_without_end_marker,
    png_bad_checksum,
    png_flipped_near_end,
    png_truncated_after_pixels,
)
from tests.helpers import images

MAX_PIXELS = 10**9
_MARKER = re.compile(rb"\xff[^\x00]", re.DOTALL)


def _reference_skip(data: bytes, pos: int) -> tuple[int, damage.Damage | None]:
    """`_skip_entropy_data` as it was, with the regular expression (the reference)."""
    expected = 0
    while True:
        found = _MARKER.search(data, pos)
        if found is None:
            return len(data), (
                DamageReason.TRUNCATED,
                f"JPEG picture data runs to the end of the file (byte {len(data)}) "
                "without an end marker",
            )
        marker = data[found.start() + 1]
        if 0xD0 <= marker <= 0xD7:
            if marker != 0xD0 + expected:
                return found.start(), (
                    DamageReason.JPEG_CORRUPT_DATA,
                    f"restart marker FF{marker:02X} out of order at byte {found.start()}",
                )
            expected = (expected + 1) % 8
            pos = found.end()
            continue
        if marker == 0xFF:
            end = found.start()
            while end + 1 < len(data) and data[end + 1] == 0xFF:
                end += 1
            return end, None
        return found.start(), None


def _reference_jpeg_damage(data: bytes) -> Any:
    with pytest.MonkeyPatch.context() as m:
        m.setattr(damage, "_skip_entropy_data", lambda d, p, _markers: _reference_skip(d, p))
        return damage.jpeg_damage(data)


@pytest.fixture(scope="module")
def jpegs() -> list[bytes]:
    """Baseline, progressive (several scans) and restart-marker JPEGs, big and small."""
    out = []
    for seed, size, options in (
        (3, (320, 240), {}),
        (4, (640, 480), {"progressive": True}),
        (5, (640, 480), {"restart_marker_rows": 1}),
        (6, (480, 640), {"progressive": True, "restart_marker_rows": 2}),
    ):
        buf = io.BytesIO()
        images.detailed_photo(seed, size).save(buf, "JPEG", quality=95, **options)
        out.append(buf.getvalue())
    return out


@settings(max_examples=300, deadline=None)
@given(data=st.binary(min_size=0, max_size=600), start=st.integers(0, 40), block=st.integers(1, 64))
def test_marker_positions_are_where_the_regular_expression_matches(
    data: bytes, start: int, block: int
) -> None:
    # bytes heavy in FF, 00 and restart markers, searched in blocks of every small size
    data = data.replace(b"\x01", b"\xff").replace(b"\x02", b"\x00").replace(b"\x03", b"\xd3")
    expected = [p for p in range(start, len(data) - 1) if data[p] == 0xFF and data[p + 1] != 0]
    with pytest.MonkeyPatch.context() as m:
        m.setattr(damage, "_MARKER_BLOCK", block)
        assert damage._marker_positions(data, start) == expected


@settings(max_examples=400, deadline=None)
@given(
    which=st.integers(0, 3),
    edits=st.lists(
        st.tuples(
            st.floats(0.0, 1.0),
            st.sampled_from([0x00, 0xD0, 0xD1, 0xD3, 0xD7, 0xD9, 0xDA, 0xC4, 0xFF, 0x12]),
        ),
        max_size=3,
    ),
    cut=st.one_of(st.none(), st.floats(0.0, 1.0)),
    block=st.sampled_from([7, 64, 1 << 17]),
)
def test_the_damage_check_says_what_the_regular_expression_said(
    jpegs: list[bytes],
    which: int,
    edits: list[tuple[float, int]],
    cut: float | None,
    block: int,
) -> None:
    data = bytearray(jpegs[which])
    for where, byte in edits:  # two bytes flipped into FF xx, anywhere in the file
        at = min(int(where * len(data)), len(data) - 2)
        data[at : at + 2] = bytes((0xFF, byte))
    if cut is not None:
        data = data[: int(cut * len(data))]
    reference = _reference_jpeg_damage(bytes(data))
    with pytest.MonkeyPatch.context() as m:
        m.setattr(damage, "_MARKER_BLOCK", block)
        assert damage.jpeg_damage(bytes(data)) == reference


def test_a_stray_marker_across_two_blocks_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    buf = io.BytesIO()
    images.detailed_photo(8, (1600, 1200)).save(buf, "JPEG", quality=98)
    data = bytearray(buf.getvalue())
    assert len(data) > 2 * damage._MARKER_BLOCK + 4096
    sos = data.find(b"\xff\xda")
    # the FF is the last byte of a block of entropy-coded data, the D3 the first of the next
    at = sos + 2 + (data[sos + 2] << 8 | data[sos + 3]) + damage._MARKER_BLOCK - 1
    data[at : at + 2] = b"\xff\xd3"
    assert damage.jpeg_damage(bytes(data)) == (
        DamageReason.JPEG_CORRUPT_DATA,
        f"restart marker FFD3 out of order at byte {at}",
    )


# ------------------------------------------------------------------ one read of the file

DAMAGED: list[tuple[str, Any]] = [
    (".png", png_bad_checksum),
    (".png", png_truncated_after_pixels),
    (".png", png_flipped_near_end),
    (".jpg", jpeg_flipped_near_end),
    (".jpg", jpeg_without_end_marker),
    (".jpg", jpeg_early_end_marker),
    (".jpg", jpeg_truncated),
    (".heic", heic_tiled_cut_in_half),
    (".heic", heic_tiled_zero_filled),
    (".heic", heic_truncated),
]


def _opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file `decode` and `damage` open, in order."""
    opened: list[str] = []
    real = decode.open_regular

    def counting(path: Any, **kwargs: Any) -> Any:
        opened.append(str(path))
        return real(path, **kwargs)

    monkeypatch.setattr(decode, "open_regular", counting)
    monkeypatch.setattr(damage, "open_regular", counting)
    return opened


@pytest.mark.parametrize(("suffix", "make"), DAMAGED, ids=lambda v: getattr(v, "__name__", v))
def test_a_damaged_file_is_read_once_and_judged_as_before(
    tmp_path: Path, suffix: str, make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / f"copy{suffix}"
    path.write_bytes(make(images.photo(41, (640, 480))))
    opened = _opens(monkeypatch)
    once = open_small(str(path), MAX_PIXELS)
    # the 64-byte look at the header, then the whole file: never a third open to check it
    assert opened == [str(path), str(path)]
    monkeypatch.setattr(decode, "WHOLE_READ_LIMIT", 0)  # the two-read path, as before
    twice = open_small(str(path), MAX_PIXELS)
    if isinstance(once, DecodeFailure):
        assert once == twice
        assert once.reason in (SkipReason.CORRUPT, SkipReason.TRUNCATED)
    else:
        assert isinstance(twice, Decoded)
        assert once.damage == twice.damage
        assert once.damage is not None
        assert "\n" not in once.damage[1]
        assert once.image.tobytes() == twice.image.tobytes()


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95, 0.999])
def test_a_jpeg_cut_inside_its_picture_data_is_refused_in_one_line(
    tmp_path: Path, fraction: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = images.jpeg_bytes(images.detailed_photo(9, (800, 600)), quality=95)
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: int(len(data) * fraction)])
    once = open_small(str(path), MAX_PIXELS)
    monkeypatch.setattr(decode, "WHOLE_READ_LIMIT", 0)
    assert once == open_small(str(path), MAX_PIXELS)
    assert isinstance(once, DecodeFailure)
    assert once.reason is SkipReason.TRUNCATED
    assert "\n" not in once.detail


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".heic", ".webp", ".tif"])
def test_an_intact_picture_reads_the_same_either_way(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    img = images.photo(42, (900, 600))
    if suffix == ".heic":
        path = tmp_path / "ok.heic"
        path.write_bytes(heic_bytes(img))
    else:
        path = images.save(img, tmp_path / f"ok{suffix}")
    once = open_small(str(path), MAX_PIXELS)
    monkeypatch.setattr(decode, "WHOLE_READ_LIMIT", 0)
    twice = open_small(str(path), MAX_PIXELS)
    assert isinstance(once, Decoded)
    assert isinstance(twice, Decoded)
    assert once.damage is None
    assert twice.damage is None
    assert (once.format, once.width, once.height, once.exif) == (
        twice.format,
        twice.width,
        twice.height,
        twice.exif,
    )
    assert once.image.tobytes() == twice.image.tobytes()


def test_a_file_over_the_limit_is_still_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.jpg"
    path.write_bytes(jpeg_flipped_near_end(images.photo(43, (640, 480))))
    monkeypatch.setattr(decode, "WHOLE_READ_LIMIT", 1000)
    opened = _opens(monkeypatch)
    result = open_small(str(path), MAX_PIXELS)
    assert isinstance(result, Decoded)
    assert result.damage is not None
    assert result.damage[0] is DamageReason.JPEG_CORRUPT_DATA
    assert len(opened) == 4  # head, the whole-read's size look, the decode, the check


def test_a_file_that_vanishes_after_its_header_was_read_is_vanished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "gone.jpg"
    path.write_bytes(images.jpeg_bytes(images.photo(44, (320, 240))))
    real = decode.open_regular
    calls: list[str] = []

    def vanish_after_head(p: Any, **kwargs: Any) -> Any:
        calls.append(str(p))
        if len(calls) == 2:
            path.unlink()
        return real(p, **kwargs)

    monkeypatch.setattr(decode, "open_regular", vanish_after_head)
    assert open_small(str(path), MAX_PIXELS) == DecodeFailure(SkipReason.VANISHED)


def test_image_modes_survive_decoding_from_memory(tmp_path: Path) -> None:
    # a grey JPEG decodes grey, a palette PNG keeps its colour count
    grey = images.save(images.photo(45, (500, 400)).convert("L"), tmp_path / "g.jpg")
    palette = tmp_path / "p.png"
    images.photo(46, (300, 200)).convert("P", palette=Image.Palette.ADAPTIVE, colors=40).save(
        palette
    )
    g = open_small(str(grey), MAX_PIXELS)
    p = open_small(str(palette), MAX_PIXELS)
    assert isinstance(g, Decoded)
    assert g.image.mode == "L"
    assert isinstance(p, Decoded)
    assert p.colour_count == 40
