"""The Qt-free half of `photosift --smoke-test`: can this build read pictures?

A frozen build (PyInstaller) can start and still be unable to read a HEIC or a RAW
file, because a decoder library or a Pillow plugin was left out of the bundle. So
the smoke test loads every image plugin, then decodes a tiny bundled sample of each
kind through the engine's own `open_small`, and checks the pixels, not just that
something came back.

The samples (cleaner/demo/smoke_samples/, written by packaging/make_samples.py) all show the
same 48x32 scene: red left half, blue right half, a white square in the left half.

`check_samples()` prints one line per check and returns the problems found, each a
sentence naming the sample or plugin and the reason; an empty list means the build
can read every format the smoke test covers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cleaner.formats import FORMATS, Decoder

SAMPLES_DIR = Path(__file__).resolve().parent / "smoke_samples"

SAMPLE_WIDTH, SAMPLE_HEIGHT = 48, 32

# Pillow's open plugins that the README promises (format IDs in Image.OPEN).
REQUIRED_PILLOW_FORMATS = tuple(f.name for f in FORMATS if f.bundle_reader)
# Codecs compiled into Pillow that those formats need (PIL.features names).
REQUIRED_PILLOW_FEATURES = tuple(f.bundle_codec for f in FORMATS if f.bundle_codec is not None)


@dataclass(frozen=True, slots=True)
class Sample:
    filename: str
    format: str  # Decoded.format expected from open_small


# One per format that has a sample: Pillow's first, then each optional decoder's (a
# stable sort, so the table's order within each decoder).
SAMPLES = tuple(
    Sample(f.smoke_sample, f.name)
    for f in sorted(FORMATS, key=lambda f: list(Decoder).index(f.decoder))
    if f.smoke_sample is not None
)

# (name, x, y as fractions of the picture, test on the RGB value)
_PROBES: tuple[tuple[str, float, float, Callable[[tuple[int, int, int]], bool]], ...] = (
    ("red", 0.08, 0.12, lambda p: p[0] > 150 and p[1] < 90 and p[2] < 90),
    ("blue", 0.75, 0.5, lambda p: p[2] > 150 and p[0] < 90 and p[1] < 90),
    ("white", 0.25, 0.5, lambda p: min(p) > 200),
)


def load_plugins() -> list[str]:
    """Load every image plugin the engine uses; return the problems (empty if none)."""
    problems: list[str] = []
    try:
        from PIL import Image, features
    except ImportError as exc:  # pragma: no cover - Pillow is a hard dependency
        return [f"Pillow cannot be imported: {exc}"]
    Image.init()
    from cleaner.detect.decode import register_plugins

    status = register_plugins()
    for name, loaded in sorted(status.items()):
        if not loaded:
            module = Decoder(name).module
            problems.append(f"the {name.upper()} decoder ({module}) cannot be imported")
    for fmt in REQUIRED_PILLOW_FORMATS:
        if fmt not in Image.OPEN:
            problems.append(f"Pillow has no {fmt} reader (plugin missing from this build)")
    if status.get("heif") and "HEIF" not in Image.OPEN:
        problems.append("pillow_heif loaded but did not register the HEIF reader")
    for feature in REQUIRED_PILLOW_FEATURES:
        try:
            ok = bool(features.check(feature))
        except Exception as exc:  # features.check raises for unknown names
            ok = False
            problems.append(f"Pillow feature {feature!r} cannot be checked: {exc}")
            continue
        if not ok:
            problems.append(f"Pillow was built without {feature!r} (codec missing from this build)")
    return problems


def check_sample(sample: Sample, folder: Path = SAMPLES_DIR) -> str | None:
    """Decode one sample with the engine; None if it is right, else the reason."""
    from cleaner.detect.decode import Decoded, open_small

    path = folder / sample.filename
    if not path.is_file():
        return f"{sample.filename}: sample file missing from this build ({path})"
    result = open_small(str(path), max_pixels=SAMPLE_WIDTH * SAMPLE_HEIGHT * 4)
    if not isinstance(result, Decoded):
        detail = f" ({result.detail})" if result.detail else ""
        return f"{sample.filename}: not decoded: {result.reason.value}{detail}"
    if result.format != sample.format:
        return f"{sample.filename}: read as {result.format}, expected {sample.format}"
    if (result.width, result.height) != (SAMPLE_WIDTH, SAMPLE_HEIGHT):
        return (
            f"{sample.filename}: size {result.width}x{result.height}, "
            f"expected {SAMPLE_WIDTH}x{SAMPLE_HEIGHT}"
        )
    image = result.image.convert("RGB")
    w, h = image.size
    for name, fx, fy, test in _PROBES:
        x, y = min(w - 1, int(fx * w)), min(h - 1, int(fy * h))
        value = image.getpixel((x, y))
        assert isinstance(value, tuple)
        pixel = (int(value[0]), int(value[1]), int(value[2]))
        if not test(pixel):
            return f"{sample.filename}: wrong colours: expected {name} at ({x}, {y}), got {pixel}"
    return None


def check_samples(report: Callable[[str], None] = print, folder: Path = SAMPLES_DIR) -> list[str]:
    """Load the plugins and decode every sample; return the problems (empty: all good)."""
    problems = load_plugins()
    report("smoke test: image plugins " + ("ok" if not problems else f"{len(problems)} problem(s)"))
    for sample in SAMPLES:
        problem = check_sample(sample, folder)
        report(f"smoke test: {sample.filename} " + ("ok" if problem is None else "FAILED"))
        if problem is not None:
            problems.append(problem)
    return problems


def main() -> int:
    """`python -m cleaner.demo.smoke`: the engine half alone, without Qt."""
    import sys

    problems = check_samples()
    for problem in problems:
        print(f"smoke test: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
