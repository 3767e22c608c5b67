"""Damaged copies never win (issue 10, class 4).

A copy with a few bytes flipped near its end (PNG, JPEG) or a broken HEIC decoded
"successfully" as a half-grey or garbled picture, was grouped with its intact
original and suggested as the keeper. Every fixture here is made from a generated
picture by flipping or cutting bytes, the way a failing disk or an interrupted copy
damages a file.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from cleaner import resultio
from cleaner.detect.decode import Decoded, DecodeFailure, open_small
from cleaner.detect.scan import run_scan
from cleaner.keep import (
    CRITERIA,
    CRITERIA_BY_KEY,
    Candidate,
    KeeperCriterion,
    choose_keeper,
    parse_criteria,
    quality_score,
)
from cleaner.models import (
    DamageReason,
    ImageMetrics,
    ScanResult,
    ScanSettings,
    SkipReason,
)
from tests.helpers import images

MAX_PIXELS = 10**9


# ----------------------------------------------------------------------------- fixtures


def _png_chunks(data: bytes) -> list[tuple[int, bytes, int]]:
    """(offset of the length field, chunk type, data length) of every chunk."""
    out = []
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        out.append((pos, data[pos + 4 : pos + 8], length))
        pos += 12 + length
    return out


def png_flipped_near_end(img: Image.Image) -> bytes:
    """A few bytes of the compressed pixels flipped near the end of the last IDAT chunk:
    zlib fails on the last rows; the first 95 % of the picture still decodes."""
    data = bytearray(images.png_bytes(img))
    pos, _, length = [c for c in _png_chunks(bytes(data)) if c[1] == b"IDAT"][-1]
    start = pos + 8 + length - 40
    for k in range(4):
        data[start + 3 * k] ^= 0xFF
    return bytes(data)


def png_bad_checksum(img: Image.Image) -> bytes:
    """The pixels intact, one flipped byte in the CRC of the last IDAT chunk."""
    data = bytearray(images.png_bytes(img))
    pos, _, length = [c for c in _png_chunks(bytes(data)) if c[1] == b"IDAT"][-1]
    data[pos + 8 + length + 1] ^= 0x5A
    return bytes(data)


def png_truncated_after_pixels(img: Image.Image) -> bytes:
    """Cut just before IEND: every pixel is there, the file's end is not."""
    data = images.png_bytes(img)
    pos = next(c for c in _png_chunks(data) if c[1] == b"IEND")[0]
    return data[:pos]


def jpeg_flipped_near_end(img: Image.Image, quality: int = 95) -> bytes:
    """Two bytes of the entropy-coded data near the end flipped into a restart marker in a
    picture that has none (libjpeg: 'Corrupt JPEG data'); Pillow decodes it garbled."""
    data = bytearray(images.jpeg_bytes(img, quality=quality))
    at = len(data) - 60
    data[at] = 0xFF
    data[at + 1] = 0xD3
    return bytes(data)


def jpeg_early_end_marker(img: Image.Image, quality: int = 95) -> bytes:
    """Two bytes flipped into an end-of-image marker short of the end of the pixels
    (libjpeg: 'Premature end of JPEG file'); Pillow fills the rest and says nothing."""
    data = bytearray(images.jpeg_bytes(img, quality=quality))
    at = len(data) - 400
    data[at] = 0xFF
    data[at + 1] = 0xD9
    return bytes(data)


def jpeg_without_end_marker(img: Image.Image, quality: int = 95) -> bytes:
    """The end-of-image marker missing and zeros after the pixels: a copy interrupted
    into a file that had been given its full size beforehand."""
    data = images.jpeg_bytes(img, quality=quality)
    assert data.endswith(b"\xff\xd9")
    return data[:-2] + bytes(64)


def jpeg_truncated(img: Image.Image, quality: int = 95) -> bytes:
    data = images.jpeg_bytes(img, quality=quality)
    return data[: int(len(data) * 0.9)]


def heic_bytes(img: Image.Image, **options: object) -> bytes:
    import io

    import pillow_heif

    pillow_heif.register_heif_opener()
    buf = io.BytesIO()
    img.save(buf, format="HEIF", quality=90, **options)
    return buf.getvalue()


def heic_tiled_cut_in_half(img: Image.Image) -> bytes:
    """A phone-style HEIC (a grid of 256-px tiles) cut at half its bytes: libheif paints
    the missing tiles grey and reports nothing."""
    data = heic_bytes(img, tile_size=256)
    return data[: len(data) // 2]


def heic_tiled_zero_filled(img: Image.Image) -> bytes:
    """The same, copied into a file given its full size first: the tail is zeros."""
    data = heic_bytes(img, tile_size=256)
    kept = len(data) * 19 // 20
    return data[:kept] + bytes(len(data) - kept)


def heic_truncated(img: Image.Image) -> bytes:
    data = heic_bytes(img)
    return data[: int(len(data) * 0.97)]


def heic_broken_box(img: Image.Image) -> bytes:
    """The item-location box points past the end of the file (a damaged header)."""
    data = bytearray(heic_bytes(img))
    at = data.find(b"iloc")
    assert at > 0
    data[at + 20 : at + 24] = b"\x7f\xff\xff\xff"
    return bytes(data)


# ----------------------------------------------------------------------------- decoding


def _decode(path: Path) -> Decoded | DecodeFailure:
    return open_small(str(path), MAX_PIXELS)


@pytest.fixture(scope="module")
def picture() -> Image.Image:
    return images.photo(41, (640, 480))


def test_png_whose_pixels_fail_near_the_end_is_not_a_good_picture(
    tmp_path: Path, picture: Image.Image
) -> None:
    # caught on main: reading EXIF loaded the PNG and swallowed the zlib error; the next
    # load returned the half-decoded picture as if it were whole
    path = tmp_path / "copy.png"
    path.write_bytes(png_flipped_near_end(picture))
    result = _decode(path)
    assert isinstance(result, DecodeFailure)
    assert result.reason in (SkipReason.CORRUPT, SkipReason.TRUNCATED)


@pytest.mark.parametrize(
    ("make", "suffix", "reason"),
    [
        (png_bad_checksum, ".png", DamageReason.PNG_CHECKSUM),
        (png_truncated_after_pixels, ".png", DamageReason.TRUNCATED),
        (jpeg_flipped_near_end, ".jpg", DamageReason.JPEG_CORRUPT_DATA),
        (jpeg_without_end_marker, ".jpg", DamageReason.TRUNCATED),
        (jpeg_early_end_marker, ".jpg", DamageReason.JPEG_CORRUPT_DATA),
        (heic_tiled_cut_in_half, ".heic", DamageReason.TRUNCATED),
        (heic_tiled_zero_filled, ".heic", DamageReason.TRUNCATED),
    ],
)
def test_damage_that_still_decodes_is_flagged(
    tmp_path: Path, picture: Image.Image, make, suffix: str, reason: DamageReason
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / f"copy{suffix}"
    path.write_bytes(make(picture))
    result = _decode(path)
    assert isinstance(result, Decoded), result
    assert result.damage is not None
    assert result.damage[0] is reason
    assert result.damage[1]  # some words on where


@pytest.mark.parametrize("make", [jpeg_truncated, heic_truncated, heic_broken_box])
def test_damage_that_stops_the_decoder_is_skipped(
    tmp_path: Path, picture: Image.Image, make
) -> None:  # type: ignore[no-untyped-def]
    suffix = ".jpg" if make is jpeg_truncated else ".heic"
    path = tmp_path / f"copy{suffix}"
    path.write_bytes(make(picture))
    result = _decode(path)
    assert isinstance(result, DecodeFailure), result
    assert result.reason in (SkipReason.CORRUPT, SkipReason.TRUNCATED)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "HEIF", "WEBP", "GIF", "TIFF"])
def test_intact_pictures_are_not_flagged(tmp_path: Path, picture: Image.Image, fmt: str) -> None:
    suffix = {"PNG": ".png", "JPEG": ".jpg", "HEIF": ".heic", "WEBP": ".webp", "GIF": ".gif",
              "TIFF": ".tif"}[fmt]  # fmt: skip
    path = images.save(picture, tmp_path / f"ok{suffix}")
    result = _decode(path)
    assert isinstance(result, Decoded)
    assert result.damage is None


def test_progressive_jpeg_with_restart_markers_and_trailer_is_not_flagged(
    tmp_path: Path, picture: Image.Image
) -> None:
    path = images.save(picture, tmp_path / "p.jpg", progressive=True, restart_marker_rows=2)
    path.write_bytes(path.read_bytes() + b"\x00\x00vendor trailer")
    result = _decode(path)
    assert isinstance(result, Decoded)
    assert result.damage is None
    plain = images.save(picture, tmp_path / "r.jpg", restart_marker_blocks=3)
    result = _decode(plain)
    assert isinstance(result, Decoded)
    assert result.damage is None


def test_the_samples_heic_is_not_flagged() -> None:
    sample = Path(__file__).parents[2] / "cleaner" / "demo" / "smoke_samples" / "sample.heic"
    result = _decode(sample)
    assert isinstance(result, Decoded)
    assert result.damage is None


@pytest.mark.parametrize("options", [{"tile_size": 256}, {"exif": images.exif_bytes()}])
def test_intact_tiled_heic_and_heic_with_exif_are_not_flagged(
    tmp_path: Path, picture: Image.Image, options: dict[str, object]
) -> None:
    path = tmp_path / "ok.heic"
    path.write_bytes(heic_bytes(picture, **options))
    result = _decode(path)
    assert isinstance(result, Decoded)
    assert result.damage is None


# ----------------------------------------------------------------------------- scans


def _scan(root: Path, **kwargs: object) -> ScanResult:
    return run_scan(ScanSettings(roots=(str(root),), workers=2, **kwargs), cache_path=None)  # type: ignore[arg-type]


def _keepers(result: ScanResult) -> list[str]:
    return sorted(Path(g.keeper.path).name for g in result.groups)


@pytest.fixture(scope="module")
def damaged_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six intact originals, each next to a damaged copy that would win every criterion
    if it were whole (lossless, or a higher JPEG quality)."""
    root = tmp_path_factory.mktemp("damaged")
    makers = [
        ("png", png_flipped_near_end),
        ("png", png_bad_checksum),
        ("png", png_truncated_after_pixels),
        ("jpg", jpeg_flipped_near_end),
        ("jpg", jpeg_without_end_marker),
        ("jpg", jpeg_truncated),
        ("jpg", jpeg_early_end_marker),
    ]
    for n, (suffix, make) in enumerate(makers):
        original = images.photo(60 + n, (640, 480))
        images.save(original, root / "Originals" / f"photo{n}.jpg", quality=80)
        (root / "copies" / f"photo{n} copy.{suffix}").parent.mkdir(exist_ok=True)
        (root / "copies" / f"photo{n} copy.{suffix}").write_bytes(make(original))
    original = images.photo(70, (640, 480))
    (root / "Originals" / "phone.heic").write_bytes(heic_bytes(original))
    (root / "copies" / "phone copy.heic").write_bytes(heic_truncated(original))
    # a tiled HEIC original (kept as JPEG q80) and a copy whose last quarter is zeros
    original = images.photo(71, (1024, 768))
    images.save(original, root / "Originals" / "tiled.jpg", quality=80)
    (root / "copies" / "tiled copy.heic").write_bytes(heic_tiled_zero_filled(original))
    return root


ORDERS = [
    (),
    tuple(reversed([c.key for c in CRITERIA])),
    *[(c.key,) for c in CRITERIA],
]


@pytest.mark.parametrize("criteria", ORDERS)
def test_a_damaged_copy_is_never_the_keeper(damaged_library: Path, criteria: tuple[str]) -> None:
    # caught on main: the half-decoded PNG copies and the damaged JPEG copies were
    # grouped with their originals and kept (lossless, or higher JPEG quality)
    result = _scan(damaged_library, criteria=criteria)
    for group in result.groups:
        keeper = group.keeper
        assert keeper.metrics is None or keeper.metrics.damage is None, (
            group.reason,
            [m.path for m in group.members],
        )
        assert "copy" not in Path(keeper.path).name
    # every damaged copy is either flagged inside a group or listed as skipped, with a reason
    grouped = {
        Path(m.path).name: m.metrics.damage
        for g in result.groups
        for m in g.members
        if m.metrics is not None
    }
    skipped = {Path(s.path).name: s.reason for s in result.skipped}
    for path in sorted((damaged_library / "copies").iterdir()):
        if path.name in grouped:
            assert grouped[path.name] is not None, path.name
        elif path.name in skipped:
            assert skipped[path.name] in (SkipReason.CORRUPT, SkipReason.TRUNCATED), path.name
        else:  # too garbled to match its original: alone, but flagged all the same
            decoded = _decode(path)
            assert isinstance(decoded, Decoded)
            assert decoded.damage is not None, path.name


def test_damaged_copies_that_still_decode_are_grouped_as_the_worse_copy(
    damaged_library: Path,
) -> None:
    result = _scan(damaged_library)
    flagged = sorted(
        Path(m.path).name
        for g in result.groups
        for m in g.members
        if m.metrics is not None and m.metrics.damage is not None
    )
    # the flipped pixels of photo0 stop zlib or not, depending on the bits: skipped, or
    # decoded and caught by the chunk's CRC
    assert [name for name in flagged if name != "photo0 copy.png"] == [
        "photo1 copy.png",
        "photo2 copy.png",
        "photo3 copy.jpg",
        "photo4 copy.jpg",
        "photo6 copy.jpg",
        "tiled copy.heic",
    ]
    for g in result.groups:
        for m in g.members:
            if m.metrics is not None and m.metrics.damage is not None:
                assert m.suggested_remove
                assert "damaged" in g.reason
    # and the flag survives the result file
    again = resultio.result_from_dict(resultio.result_to_dict(result))
    assert [[m.metrics and m.metrics.damage for m in g.members] for g in again.groups] == [
        [m.metrics and m.metrics.damage for m in g.members] for g in result.groups
    ]


# ----------------------------------------------------------------------------- keeper choice


def _metrics(**kw: object) -> ImageMetrics:
    base: dict[str, object] = dict(
        format="JPEG", width=4000, height=3000, lossless=False, jpeg_quality=90,
        sharpness=100.0, detail=40.0, capture_time="2020-01-01 10:00:00", camera="Cam",
        has_gps=True, has_exif=True, looks_like_screenshot=False, looks_like_export=False,
    )  # fmt: skip
    base.update(kw)
    return ImageMetrics(**base)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(
    order=st.permutations(list(CRITERIA)),
    damaged_better=st.booleans(),
    protected=st.sampled_from(["none", "damaged", "intact", "both"]),
    reason=st.sampled_from(list(DamageReason)),
)
def test_choose_keeper_never_prefers_a_damaged_copy(
    order: list[KeeperCriterion], damaged_better: bool, protected: str, reason: DamageReason
) -> None:
    good = dict(width=6000, height=4000, lossless=True, format="PNG", sharpness=900.0)
    poor = dict(width=1000, height=750, jpeg_quality=40, sharpness=5.0, camera=None,
                capture_time=None, has_gps=False, looks_like_export=True)  # fmt: skip
    damaged = Candidate(
        "/downloads/a.png" if damaged_better else "/originals/a.png",
        10_000_000 if damaged_better else 10,
        1 if damaged_better else 2,
        _metrics(**(good if damaged_better else poor), damage=reason, damage_detail="x"),
        protected=protected in ("damaged", "both"),
    )
    intact = Candidate(
        "/originals/b.jpg",
        10,
        2,
        _metrics(**(poor if damaged_better else good)),
        protected=protected in ("intact", "both"),
    )
    for candidates in ([damaged, intact], [intact, damaged]):
        choice = choose_keeper(candidates, parse_criteria([c.key for c in order]))
        assert candidates[choice.keeper] is intact
        assert "damaged" in choice.reason


def test_when_every_copy_is_damaged_the_criteria_still_decide() -> None:
    cut = DamageReason.TRUNCATED
    small = Candidate("/a.jpg", 10, 1, _metrics(width=800, height=600, damage=cut))
    big = Candidate("/b.jpg", 10, 1, _metrics(damage=DamageReason.JPEG_CORRUPT_DATA))
    choice = choose_keeper([small, big])
    assert choice.keeper == 1
    assert choice.deciding is CRITERIA_BY_KEY["resolution"]


def test_a_damaged_file_scores_low() -> None:
    whole = _metrics()
    broken = _metrics(damage=DamageReason.PNG_CHECKSUM, damage_detail="x")
    assert quality_score(broken, 10**6) < 20 < quality_score(whole, 10**6)


def test_every_damage_reason_has_words() -> None:
    for reason in DamageReason:
        assert reason.label
        assert reason.value == reason.value.lower()
    assert len({r.label for r in DamageReason}) == len(DamageReason)


def test_the_report_shows_damaged_copies(damaged_library: Path, tmp_path: Path) -> None:
    import csv

    from cleaner.report import write_report

    result = _scan(damaged_library)
    html_out, csv_out = tmp_path / "r.html", tmp_path / "r.csv"
    write_report(result, {"html": html_out, "csv": csv_out})
    page = html_out.read_text(encoding="utf-8")
    flagged = [m for g in result.groups for m in g.members if m.metrics and m.metrics.damaged]
    assert len(flagged) >= 5
    assert page.count('class="badge damaged"') == len(flagged)
    with csv_out.open(encoding="utf-8-sig") as fh:
        rows = {Path(r["path"]).name: r for r in csv.DictReader(fh)}
    assert rows["photo1 copy.png"]["damaged"].startswith("damaged: a checksum")
    assert rows["photo1.jpg"]["damaged"] == ""


def test_the_damage_flag_survives_the_fingerprint_cache(damaged_library: Path, tmp_path: Path):
    cache = tmp_path / "cache.sqlite3"
    settings = ScanSettings(roots=(str(damaged_library),), workers=2)
    first = run_scan(settings, cache_path=cache)
    second = run_scan(settings, cache_path=cache)
    assert second.stats.cache_hits > 0

    def flags(result: ScanResult) -> list[tuple[str, object]]:
        return sorted(
            (m.path, m.metrics.damage if m.metrics else None)
            for g in result.groups
            for m in g.members
        )

    assert flags(second) == flags(first)
    assert sum(1 for _, damage in flags(second) if damage is not None) >= 5


# ----------------------------------------------------------------------------- any bytes


def _small_files() -> dict[str, bytes]:
    img = images.photo(99, (128, 96))
    return {
        ".png": images.png_bytes(img),
        ".jpg": images.jpeg_bytes(img, quality=90),
        ".heic": heic_bytes(img, tile_size=64),
    }


_SMALL = _small_files()


@settings(max_examples=150, deadline=None)
@given(
    suffix=st.sampled_from(sorted(_SMALL)),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=6),
    cut=st.floats(0.05, 1.0),
    pad=st.integers(0, 300),
)
def test_any_damage_gives_a_verdict_never_an_exception(
    tmp_path_factory: pytest.TempPathFactory,
    suffix: str,
    flips: list[tuple[float, int]],
    cut: float,
    pad: int,
) -> None:
    from cleaner.detect.damage import heif_damage, jpeg_damage, png_damage

    data = bytearray(_SMALL[suffix])
    for where, value in flips:
        data[int(where * len(data))] = value
    damaged = bytes(data[: max(1, int(len(data) * cut))]) + bytes(pad)
    check = {".png": png_damage, ".jpg": jpeg_damage, ".heic": heif_damage}[suffix]
    verdict = check(damaged)
    assert verdict is None or (isinstance(verdict[0], DamageReason) and verdict[1])
    path = tmp_path_factory.mktemp("any") / f"x{suffix}"
    path.write_bytes(damaged)
    result = _decode(path)
    assert isinstance(result, (Decoded, DecodeFailure))
    if isinstance(result, Decoded) and (cut < 0.999 or flips) and suffix == ".png":
        # a PNG that lost bytes or had any changed decodes only if a checksum caught it
        # or the change left the bytes as they were
        assert result.damage is not None or bytes(damaged[: len(_SMALL[suffix])]) == _SMALL[suffix]


def test_a_stale_tail_after_the_end_marker_is_not_damage(
    tmp_path: Path, picture: Image.Image
) -> None:
    """An editor that rewrote a file in place can leave the tail of the older, longer
    version after the new end marker: zeros, then old picture bytes ending in FF D9
    (seen in the mate-backgrounds package's Wood.jpg). The picture itself is whole."""
    data = images.jpeg_bytes(picture)
    older = images.jpeg_bytes(images.photo(7, (640, 480)))
    path = tmp_path / "rewritten.jpg"
    path.write_bytes(data + bytes(300) + older[len(older) // 2 :])
    result = _decode(path)
    assert isinstance(result, Decoded)
    assert result.damage is None


def test_the_damage_check_never_blocks_on_a_fifo(tmp_path: Path) -> None:
    import os
    import threading

    from cleaner.detect.damage import file_damage

    fifo = tmp_path / "photo.jpg"
    os.mkfifo(fifo)
    out: list[object] = []
    worker = threading.Thread(
        target=lambda: out.append(file_damage(str(fifo), "JPEG")), daemon=True
    )
    worker.start()
    worker.join(timeout=5)
    assert not worker.is_alive(), "file_damage blocked on a FIFO"
    assert out == [None]


def test_pillow_still_refuses_truncated_pictures() -> None:
    """Every check above assumes Pillow raises on a picture cut short. A module that set
    LOAD_TRUNCATED_IMAGES (a common 'fix' for decode errors) would turn every cut copy
    into a half-grey picture again."""
    import importlib

    from PIL import ImageFile

    from tests.helpers.engine_modules import importable_engine_modules

    for name in importable_engine_modules():
        importlib.import_module(name)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
