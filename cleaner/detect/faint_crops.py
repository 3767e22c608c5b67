"""Light crops of faint fine-patterned pictures: a second look at twice the detail map's size.

A low-detail picture's crop is decided on the 64x64 detail maps of both ends
(`cleaner.detect.crops.low_detail_crops`). A faint field of tiny marks (the kit's
`gnome__symbolic.jpg`: icons ~1 % of the side apart, a few grey levels deep) puts a mark
about every pixel and a half of such a map: there the pattern aliases, and a crop, whose
marks fall on other phases of the map's pixels, lines up with its own original at 0.60
(seed 1), under the maps' bar (`LOW_DETAIL_CROP`, 0.80) as under the marks of different
pictures (0.68 at most on seeds 1-3). At 128 px a side the marks are resolved.

So a light-crop pair (found by the crop-window search, `Pairs.t` = `CROP_KIND + w`) with
a low-detail end that the maps refused is looked at again on the two files decoded
again (`grey(k)`: the picture in grey, as the scan decodes it, `ANALYSIS_SIZE` on its
long edge), when the scan can read them (nothing is added to fingerprints or the cache):

- the original is reduced to `FAINT_SIDE` square and high-passed (`_high_pass`, the
  detail maps' 5x5 local mean taken away);
- the crop is reduced to each window size a 3-8 % crop a side leaves (`FAINT_SIZES`,
  every pixel of `FAINT_SIDE`; the other axis follows from the two pictures' shapes),
  high-passed, and correlated with every window of that size of the original, at every
  whole-pixel position (`_window_correlations`: one FFT product per size, each window's
  own mean and spread from running sums): the best correlation counts;
- at `FAINT_CROP` or above the pair is a crop (`faint_looks`).

Each crop is looked at with its `LOOKS_PER_CROP` closest candidates at most, as the
other second looks.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from PIL import Image

from cleaner.detect.crops import LOOKS_PER_CROP, remembered

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
BOOL = npt.NDArray[np.bool_]

FAINT_SIDE = 128  # the original at 128x128 (the detail maps are 64x64)
# Window sizes (fraction of a side) tried: what a crop of 2-8 % off each side keeps.
FAINT_SIZES = (0.84, 0.96)
_RADIUS = 2  # the high pass takes away a 5x5 local mean, as the detail maps' does
# The bar. On seed 1 of the kit (benchmarks/README.md, "Faint fine-patterned crops,
# session 12") the `crop_sides` copy of `gnome__symbolic.jpg` lines up with its original
# and with that original's other copy at 0.89; the 1,336 other ordered pairs of a low-detail
# picture (as the crop) and a picture with a detail map (copies of one picture left out)
# reach 0.50 at most (two scanned documents of one layout), 5 of them over 0.40.
FAINT_CROP = 0.75


def grey_pixels(image: Image.Image) -> U8:
    """What the faint crops' look reads of a picture decoded again: it in grey, as decoded."""
    return np.asarray(image if image.mode == "L" else image.convert("L"), dtype=np.uint8)


def faint_looks(i: I64, j: I64, d: I64, grey: Callable[[int], U8 | None]) -> BOOL:
    """Which light-crop pairs (a window of i, all of j; `d` their hash distance) pass the
    second look on the files decoded again (`grey(k)`: grey, long edge ANALYSIS_SIZE, or
    None when unreadable): each crop j with its `LOOKS_PER_CROP` closest candidates."""
    out = np.zeros(len(i), dtype=bool)
    tried: dict[int, int] = {}
    get = remembered(grey)  # an original with several crops is decoded once
    for r in np.lexsort((d, j)).tolist():
        b = int(j[r])
        if tried.get(b, 0) >= LOOKS_PER_CROP:
            continue
        tried[b] = tried.get(b, 0) + 1
        original, crop = get(int(i[r])), get(int(j[r]))
        if original is not None and crop is not None:
            out[r] = faint_alignment(original, crop) >= FAINT_CROP
    return out


def faint_alignment(original: U8, crop: U8) -> float:
    """Best correlation of the high-passed `crop` (grey, any size) with a window of the
    high-passed `original` (grey, any size) at `FAINT_SIDE`, over the window sizes of
    `FAINT_SIZES` and every position on a half-pixel grid: first every size at whole-pixel
    positions, then the best size and its two neighbours on the original shifted by half
    a pixel across, down, or both (`_fields`)."""
    side = FAINT_SIDE
    fields = _fields(original, side)
    # the window's shape in the original's square: a crop keeps its own proportions
    aspect = (crop.shape[1] / crop.shape[0]) / (original.shape[1] / original.shape[0])
    lo, hi = FAINT_SIZES
    picture = Image.fromarray(crop)
    parts: dict[int, F64 | None] = {}

    def part(w: int) -> F64 | None:  # the crop at the size of a window w pixels wide
        if w not in parts:
            h = round(w / aspect)
            fits = lo * side <= h <= hi * side and lo * side <= w <= hi * side
            resized = picture.resize((w, h), Image.Resampling.BOX) if fits else None
            parts[w] = None if resized is None else _high_pass(np.asarray(resized, np.float64))
        return parts[w]

    def best_of(field: tuple[F64, Spectrum], widths: range) -> tuple[float, int]:
        scores = [
            (float(_window_correlations(*field, cut).max()), w)
            for w in widths
            if (cut := part(w)) is not None
        ]
        return max(scores, default=(-1.0, 0))

    best, width = best_of(fields[0], range(int(np.ceil(lo * side)), int(hi * side) + 1))
    if width == 0:
        return best
    for field in fields[1:]:
        best = max(best, best_of(field, range(width - 1, width + 2))[0])
    return best


Spectrum = npt.NDArray[np.complex128]


def _fields(original: U8, side: int) -> list[tuple[F64, Spectrum]]:
    """The high-passed original at `side` (square) and on the three grids half a pixel
    off it (across, down, both; one pixel smaller), each with its rfft2: a pattern of
    marks a pixel or two apart correlates with its crop only where the two grids meet."""
    twice = Image.fromarray(original).resize((2 * side, 2 * side), Image.Resampling.BOX)
    fine = np.asarray(twice, dtype=np.float64)
    out = []
    for dy, dx in ((0, 0), (0, 1), (1, 0), (1, 1)):
        h, w = side - dy, side - dx
        cells = fine[dy : dy + 2 * h, dx : dx + 2 * w].reshape(h, 2, w, 2).mean(axis=(1, 3))
        field = _high_pass(cells)
        out.append((field, np.fft.rfft2(field)))
    return out


def _window_correlations(field: F64, spectrum: Spectrum, part: F64) -> F64:
    """Correlation of `part` (h, w) with the window of `field` (rows, columns; `spectrum`
    its rfft2) at each whole-pixel position (rows - h + 1, columns - w + 1)."""
    rows, columns = field.shape
    h, w = part.shape
    centred = part - part.mean()
    unit = centred / max(float(np.linalg.norm(centred)), 1e-9)
    kernel = np.zeros((rows, columns))
    kernel[:h, :w] = unit
    # a correlation, not a convolution: the kernel's conjugate spectrum (circular, but the
    # positions kept never wrap: the kernel fits inside from each of them)
    dot = np.fft.irfft2(spectrum * np.conj(np.fft.rfft2(kernel)), s=(rows, columns))
    dot = dot[: rows - h + 1, : columns - w + 1]
    count = h * w
    total = _window_sums(field, h, w)
    power = _window_sums(field * field, h, w)
    spread = np.sqrt(np.maximum(power - total * total / count, 1e-12))
    return np.asarray(dot / spread, dtype=np.float64)


def _window_sums(a: F64, h: int, w: int) -> F64:
    """Sum of `a` over each h x w window (top-left corner at each position that fits)."""
    c = np.zeros((a.shape[0] + 1, a.shape[1] + 1))
    c[1:, 1:] = np.cumsum(np.cumsum(a, axis=0), axis=1)
    return np.asarray(c[h:, w:] - c[:-h, w:] - c[h:, :-w] + c[:-h, :-w], dtype=np.float64)


def _high_pass(a: F64) -> F64:
    """`a` less its (2 `_RADIUS` + 1)^2 local mean, edges repeated (as
    `cleaner.detect.checks.high_pass` makes the detail maps')."""
    k = 2 * _RADIUS + 1
    pad = np.pad(a, _RADIUS, mode="edge")
    sums = _window_sums(pad, k, k)
    return np.asarray(a - sums / (k * k), dtype=np.float64)
