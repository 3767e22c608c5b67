"""A first end-to-end check of the engine; the full engine suite lives beside it."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from cleaner.detect.scan import run_scan
from cleaner.models import ScanSettings


def _photo(path: Path, size: tuple[int, int] = (640, 480)) -> None:
    img = Image.radial_gradient("L").resize(size).convert("RGB")
    img.save(path, quality=92)


def test_exact_and_resized_copies_form_one_group(tmp_path: Path) -> None:
    _photo(tmp_path / "a.jpg")
    (tmp_path / "b.jpg").write_bytes((tmp_path / "a.jpg").read_bytes())
    Image.open(tmp_path / "a.jpg").resize((320, 240)).save(tmp_path / "small.png")
    result = run_scan(ScanSettings(roots=(str(tmp_path),)), cache_path=None)
    assert len(result.groups) == 1
    paths = sorted(Path(m.path).name for m in result.groups[0].members)
    assert paths == ["a.jpg", "b.jpg", "small.png"]
    assert Path(result.groups[0].keeper.path).name in {"a.jpg", "b.jpg"}
