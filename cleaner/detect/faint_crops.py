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
  detail maps' 5x5 local mean taken away), on its own grid and on the three grids half a
  pixel off it (`_fields`: marks a pixel or two apart line up only where the grids meet;
  the kit's icon field 0.889 on whole pixels alone, 0.894 with them; the generated ones
  of the tests, `tests.helpers.images.icon_field`, 0.68-0.74 and 0.85-0.90);
- the crop is reduced to each window size a 2-8 % crop a side leaves (`FAINT_SIZES`,
  every pixel of `FAINT_SIDE`; the other axis follows from the two pictures' shapes),
  high-passed, and correlated with every window of that size of the original at every
  whole-pixel position (`_Field.correlations`: one FFT product per size and grid, each
  window's own mean and spread from running sums); every size on the original's grid,
  then the best one and its neighbours on the other three: the best correlation counts;
- at `FAINT_CROP` or above the pair is a crop (`faint_looks`). A look costs ~25 ms.

Each crop is looked at with its `LOOKS_PER_CROP` closest candidates at most, as the
other second looks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
# and with that original's other copy at 0.894; the 1,336 other ordered pairs of a
# low-detail picture (as the crop) and a picture with a detail map (copies of one picture
# left out) reach 0.511 at most (two scanned documents of one layout), 8 of them over 0.40.
# A scan of seed 1 takes 10 such looks: those 2 and 8 pairs of scanned documents
# (0.33-0.51). The bar sits 0.24 over the documents and 0.14 under the icon field.
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
    kernels: dict[int, tuple[Spectrum, int, int] | None] = {}

    def kernel(w: int) -> tuple[Spectrum, int, int] | None:
        """The crop at the size of a window w pixels wide, high-passed, as a unit vector,
        as the conjugate spectrum that correlates it with a field (circularly: the
        positions kept never wrap), and its height and width."""
        if w not in kernels:
            h = round(w / aspect)
            kernels[w] = None
            if lo * side <= h <= hi * side and lo * side <= w <= hi * side:
                part = _high_pass(np.asarray(picture.resize((w, h), Image.Resampling.BOX), F))
                part -= part.mean()
                padded = np.zeros((side, side))
                # (not np.linalg.norm: BLAS threads, ~15 ms a call on a loaded machine)
                padded[:h, :w] = part / max(float(np.sqrt((part * part).sum())), 1e-9)
                kernels[w] = (np.conj(np.fft.rfft2(padded)), h, w)
        return kernels[w]

    def best_of(field: _Field, widths: range) -> tuple[float, int]:
        scores = [
            (float(field.correlations(*found).max()), w)
            for w in widths
            if (found := kernel(w)) is not None
        ]
        return max(scores, default=(-1.0, 0))

    best, width = best_of(fields[0], range(int(np.ceil(lo * side)), int(hi * side) + 1))
    if width == 0:
        return best
    for field in fields[1:]:
        best = max(best, best_of(field, range(width - 1, width + 2))[0])
    return best


F = np.float64
Spectrum = npt.NDArray[np.complex128]


@dataclass(frozen=True, slots=True)
class _Field:
    """The high-passed original on one grid (`rows` x `columns`, zero-padded to
    `FAINT_SIDE` square): its rfft2, and the running sums of it and of its square."""

    rows: int
    columns: int
    spectrum: Spectrum
    sums: F64
    squares: F64

    def correlations(self, kernel: Spectrum, h: int, w: int) -> F64:
        """Correlation of the crop (`kernel`, see `faint_alignment`; h x w) with the window
        of this field at each whole-pixel position where it fits."""
        side = FAINT_SIDE
        dot = np.fft.irfft2(self.spectrum * kernel, s=(side, side))
        dot = dot[: self.rows - h + 1, : self.columns - w + 1]
        total, power = _windows(self.sums, h, w), _windows(self.squares, h, w)
        spread = np.sqrt(np.maximum(power - total * total / (h * w), 1e-12))
        return np.asarray(dot / spread, dtype=np.float64)


def _fields(original: U8, side: int) -> list[_Field]:
    """The high-passed original at `side` (square) and on the three grids half a pixel
    off it (across, down, both; one pixel smaller): a pattern of marks a pixel or two
    apart correlates with its crop only where the two grids meet."""
    twice = Image.fromarray(original).resize((2 * side, 2 * side), Image.Resampling.BOX)
    fine = np.asarray(twice, dtype=np.float64)
    out = []
    for dy, dx in ((0, 0), (0, 1), (1, 0), (1, 1)):
        h, w = side - dy, side - dx
        cells = fine[dy : dy + 2 * h, dx : dx + 2 * w].reshape(h, 2, w, 2).mean(axis=(1, 3))
        field = _high_pass(cells)
        padded = np.zeros((side, side))
        padded[:h, :w] = field
        sums, squares = _running(field), _running(field * field)
        out.append(_Field(h, w, np.fft.rfft2(padded), sums, squares))
    return out


def _running(a: F64) -> F64:
    """(rows + 1, columns + 1): the sum of `a` above and left of each corner."""
    c = np.zeros((a.shape[0] + 1, a.shape[1] + 1))
    c[1:, 1:] = np.cumsum(np.cumsum(a, axis=0), axis=1)
    return c


def _windows(running: F64, h: int, w: int) -> F64:
    """The sum over each h x w window (top-left corner at each position that fits), from
    the `_running` sums."""
    c = running
    return np.asarray(c[h:, w:] - c[:-h, w:] - c[h:, :-w] + c[:-h, :-w], dtype=np.float64)


def _high_pass(a: F64) -> F64:
    """`a` less its (2 `_RADIUS` + 1)^2 local mean, edges repeated (as
    `cleaner.detect.checks.high_pass` makes the detail maps')."""
    k = 2 * _RADIUS + 1
    sums = _windows(_running(np.pad(a, _RADIUS, mode="edge")), k, k)
    return np.asarray(a - sums / (k * k), dtype=np.float64)
