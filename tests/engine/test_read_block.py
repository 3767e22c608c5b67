"""Pillow reads a picture in steps of `cleaner.detect.decode.READ_BLOCK` (one step for
most files, so a worker of the thread pool gives up and takes back the GIL twice, not
~40 times): the pixels, metrics and failures must be what 64 KiB steps gave."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import cleaner.detect.decode as decode
from cleaner.detect.analysis import analyse_file
from cleaner.detect.decode import DecodeFailure, open_small
from cleaner.models import DEFAULT_MAX_PIXELS, SkipReason
from tests.helpers import images

PILLOW_DEFAULT = 64 * 1024


def _noisy(seed: int, size: tuple[int, int]) -> Image.Image:
    """A photo with grain: JPEG and PNG cannot squeeze it, so the file is big."""
    rnd = np.random.default_rng(seed)
    base = np.asarray(images.photo(seed, size), dtype=np.int16)
    grain = rnd.integers(-40, 41, size=base.shape, dtype=np.int16)
    return Image.fromarray(np.clip(base + grain, 0, 255).astype(np.uint8))


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("blocks")
    big = _noisy(5, (2600, 1950))
    small = images.photo(6, (640, 480))
    made = {
        # 1-4 MiB: one step now; the PNG is bigger than a step (several of either size)
        "big.jpg": images.save(big.resize((2000, 1500)), root / "big.jpg", quality=95),
        "big.png": images.save(big, root / "big.png"),
        "small.jpg": images.save(small, root / "small.jpg"),
        "small.webp": images.save(small, root / "small.webp", quality=90),
        "big.tif": images.save(big.resize((1300, 975)), root / "big.tif"),
    }
    data = made["big.jpg"].read_bytes()
    cut = root / "big cut.jpg"
    cut.write_bytes(data[: len(data) * 2 // 3])
    made["big cut.jpg"] = cut
    return made


def test_the_big_files_are_read_in_more_than_one_default_step(pictures) -> None:
    # otherwise the comparison below would compare one step with one step
    assert pictures["big.jpg"].stat().st_size > 4 * PILLOW_DEFAULT
    assert pictures["big cut.jpg"].stat().st_size > 4 * PILLOW_DEFAULT
    assert pictures["big.jpg"].stat().st_size < decode.READ_BLOCK
    assert pictures["big.png"].stat().st_size > decode.READ_BLOCK


@pytest.mark.parametrize("name", ["big.jpg", "big.png", "small.jpg", "small.webp", "big.tif"])
def test_pixels_and_analysis_are_those_of_64_kib_steps(
    pictures, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(pictures[name])
    now = open_small(path, DEFAULT_MAX_PIXELS)
    now_analysis = analyse_file(path, DEFAULT_MAX_PIXELS)
    monkeypatch.setattr(decode, "READ_BLOCK", PILLOW_DEFAULT)
    before = open_small(path, DEFAULT_MAX_PIXELS)
    before_analysis = analyse_file(path, DEFAULT_MAX_PIXELS)
    assert not isinstance(now, DecodeFailure)
    assert not isinstance(before, DecodeFailure)
    assert now.image.tobytes() == before.image.tobytes()
    assert (now.width, now.height, now.jpeg_quality, now.damage) == (
        before.width,
        before.height,
        before.jpeg_quality,
        before.damage,
    )
    assert now_analysis == before_analysis


def test_a_cut_file_bigger_than_a_step_is_still_truncated(
    pictures, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(pictures["big cut.jpg"])
    now = open_small(path, DEFAULT_MAX_PIXELS)
    monkeypatch.setattr(decode, "READ_BLOCK", PILLOW_DEFAULT)
    before = open_small(path, DEFAULT_MAX_PIXELS)
    assert isinstance(before, DecodeFailure)
    assert before.reason is SkipReason.TRUNCATED
    assert isinstance(now, DecodeFailure)
    assert now.reason is SkipReason.TRUNCATED


def test_a_jpeg_is_read_in_one_step(pictures, monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the change: a 1-4 MB JPEG is handed to the decoder at once."""
    reads: list[int] = []
    real_open = Image.open

    def counting_open(fh, *args, **kwargs):  # type: ignore[no-untyped-def]
        real_read = fh.read

        def read(n: int = -1) -> bytes:
            reads.append(n)
            return real_read(n)

        fh.read = read
        return real_open(fh, *args, **kwargs)

    monkeypatch.setattr(decode.Image, "open", counting_open)
    result = open_small(str(pictures["big.jpg"]), DEFAULT_MAX_PIXELS)
    assert not isinstance(result, DecodeFailure)
    # one read that gets the whole file, one that finds its end
    assert 1 <= reads.count(decode.READ_BLOCK) <= 2
    assert PILLOW_DEFAULT not in reads
