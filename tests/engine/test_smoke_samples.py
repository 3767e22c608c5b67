"""The engine half of `photosift --smoke-test` (cleaner/demo/smoke.py) and its bundled samples."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cleaner.demo import smoke
from cleaner.demo.smoke import SAMPLES, SAMPLES_DIR, check_sample, check_samples, load_plugins


@pytest.fixture
def samples_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "samples"
    shutil.copytree(SAMPLES_DIR, folder)
    return folder


def test_every_sample_decodes_with_the_right_pixels() -> None:
    lines: list[str] = []
    assert check_samples(lines.append) == []
    assert lines[0] == "smoke test: image plugins ok"
    assert [line.rsplit(" ", 1)[1] for line in lines[1:]] == ["ok"] * len(SAMPLES)


def test_samples_are_tiny_and_cover_jpeg_png_heic_raw() -> None:
    assert {s.format for s in SAMPLES} == {"JPEG", "PNG", "HEIF", "RAW"}
    for sample in SAMPLES:
        size = (SAMPLES_DIR / sample.filename).stat().st_size
        assert 0 < size < 8 * 1024, sample.filename


def test_raw_sample_is_a_real_dng_that_libraw_demosaics() -> None:
    rawpy = pytest.importorskip("rawpy")
    with rawpy.imread(str(SAMPLES_DIR / "sample.dng")) as raw:
        assert (raw.sizes.width, raw.sizes.height) == (48, 32)
        assert raw.color_desc == b"RGBG"
        with pytest.raises(rawpy.LibRawNoThumbnailError):
            raw.extract_thumb()  # no preview: the engine must demosaic it
        rgb = raw.postprocess(use_camera_wb=True, output_bps=8)
    assert rgb.shape == (32, 48, 3)
    left, right = rgb[:, :6].reshape(-1, 3).mean(0), rgb[:, -6:].reshape(-1, 3).mean(0)
    assert left[0] > 2 * left[2]  # red half
    assert right[2] > 2 * right[0]  # blue half


def test_plugins_all_load_in_the_test_environment() -> None:
    assert load_plugins() == []


def test_missing_sample_is_reported_by_name(samples_copy: Path) -> None:
    (samples_copy / "sample.heic").unlink()
    problems = check_samples(lambda _line: None, samples_copy)
    assert len(problems) == 1
    assert problems[0].startswith("sample.heic: sample file missing")


def test_damaged_sample_is_reported_with_the_skip_reason(samples_copy: Path) -> None:
    path = samples_copy / "sample.jpg"
    path.write_bytes(path.read_bytes()[:200])
    problem = check_sample(SAMPLES[0], samples_copy)
    assert problem is not None
    assert problem.startswith("sample.jpg: not decoded: ")


def test_wrong_pixels_are_reported(samples_copy: Path) -> None:
    green = np.zeros((32, 48, 3), dtype=np.uint8)
    green[..., 1] = 200
    Image.fromarray(green, "RGB").save(samples_copy / "sample.png")
    problem = check_sample(SAMPLES[1], samples_copy)
    assert problem is not None
    assert "wrong colours: expected red" in problem


def test_wrong_size_is_reported(samples_copy: Path) -> None:
    Image.new("RGB", (10, 10), (220, 30, 30)).save(samples_copy / "sample.png")
    problem = check_sample(SAMPLES[1], samples_copy)
    assert problem == "sample.png: size 10x10, expected 48x32"


def test_a_missing_decoder_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "cleaner.detect.decode.register_plugins", lambda: {"heif": True, "raw": False}
    )
    assert "the RAW decoder (rawpy) cannot be imported" in load_plugins()


def test_main_exits_non_zero_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(smoke, "load_plugins", lambda: ["Pillow has no AVIF reader"])
    assert smoke.main() == 1
    assert "smoke test: Pillow has no AVIF reader" in capsys.readouterr().err


def test_main_exits_zero_when_all_is_well(capsys: pytest.CaptureFixture[str]) -> None:
    assert smoke.main() == 0
    assert capsys.readouterr().err == ""
