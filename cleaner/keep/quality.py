"""Quality score and the choice of the copy to keep.

The keeper is decided by an ordered list of criteria that the user can reorder.
Each criterion gives every copy a sort key (smaller is better) and a phrase
that describes the winner. The keeper is the first copy under the combined key,
and the reason names the criterion that separated it from the others:
"kept: 6000x4000, camera EXIF; others are smaller (1024x683)".

The 0-100 quality score is separate: an absolute grade of one file, shown on
every tile, that does not depend on the other copies.
"""

from __future__ import annotations

import enum
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cleaner.humanize import human_bytes
from cleaner.models import ImageMetrics


class Criterion(str, enum.Enum):
    RESOLUTION = "resolution"
    METADATA = "metadata"
    LOSSLESS = "lossless"
    JPEG_QUALITY = "jpeg_quality"
    SHARPNESS = "sharpness"
    NOT_EXPORT = "not_export"
    OLDEST_CAPTURE = "oldest_capture"
    PATH_RULES = "path_rules"
    LARGEST_FILE = "largest_file"
    OLDEST_FILE = "oldest_file"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Criterion.RESOLUTION: "Highest resolution",
    Criterion.METADATA: "Richest metadata (camera, date, GPS)",
    Criterion.LOSSLESS: "Lossless format",
    Criterion.JPEG_QUALITY: "Least compressed",
    Criterion.SHARPNESS: "Sharpest",
    Criterion.NOT_EXPORT: "Not an export, thumbnail or screenshot",
    Criterion.OLDEST_CAPTURE: "Oldest capture date",
    Criterion.PATH_RULES: "Preferred folders and names",
    Criterion.LARGEST_FILE: "Largest file",
    Criterion.OLDEST_FILE: "Oldest file",
}

DEFAULT_CRITERIA: tuple[Criterion, ...] = (
    Criterion.RESOLUTION,
    Criterion.METADATA,
    Criterion.LOSSLESS,
    Criterion.JPEG_QUALITY,
    Criterion.SHARPNESS,
    Criterion.NOT_EXPORT,
    Criterion.OLDEST_CAPTURE,
    Criterion.PATH_RULES,
    Criterion.LARGEST_FILE,
    Criterion.OLDEST_FILE,
)

# Names and folders that mark a copy as the one to lose when all else is equal.
DEFAULT_AVOID = (
    r"[/\\]downloads?[/\\]",
    r"[/\\](temp|tmp)[/\\]",
    r"[/\\]whatsapp",
    r"[/\\]email attachments[/\\]",
    r"\bcopy\b",
    r"kopie",
    r"copie",
    r"\(\d+\)\.\w+$",
    r" - copy",
    r"_copy",
    r"[/\\]backup",
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One copy as the keeper choice sees it."""

    path: str
    size: int
    mtime_ns: int
    metrics: ImageMetrics | None
    protected: bool = False


@dataclass(frozen=True, slots=True)
class PathRules:
    prefer: tuple[str, ...] = ("originals",)
    avoid: tuple[str, ...] = ()

    def score(self, path: str) -> int:
        """Lower is better: -1 per preferred fragment matched, +1 per avoided one."""
        low = path.lower()
        s = 0
        for fragment in self.prefer:
            if fragment and fragment.lower() in low:
                s -= 1
        for fragment in self.avoid:
            if fragment and fragment.lower() in low:
                s += 1
        for pattern in DEFAULT_AVOID:
            if re.search(pattern, low):
                s += 1
        return s


def metadata_richness(m: ImageMetrics | None) -> int:
    if m is None:
        return 0
    return int(m.camera is not None) + int(m.capture_time is not None) + int(m.has_gps)


def damaged(c: Candidate) -> bool:
    return c.metrics is not None and c.metrics.damage is not None


def palette_reduced(m: ImageMetrics | None) -> bool:
    """A colour picture stored with 256 colours or fewer (a palette PNG or GIF)."""
    return m is not None and m.colour_count is not None and m.colour_count <= 256


@dataclass(frozen=True, slots=True)
class _Group:
    """What a copy's sort key needs to know about the other copies."""

    full_colour: bool  # some copy is a full-colour picture: palette copies are reductions

    @classmethod
    def of(cls, candidates: Sequence[Candidate]) -> _Group:
        return cls(
            any(c.metrics is not None and not palette_reduced(c.metrics) for c in candidates)
        )

    def reduced(self, m: ImageMetrics | None) -> bool:
        """A palette copy of a picture some other copy has in full colour: a lossy copy."""
        return self.full_colour and palette_reduced(m)


_ALONE = _Group(full_colour=False)
# The quality a lossy copy whose quality cannot be read (WebP, AVIF, HEIF) is taken for:
# what encoders use when asked for nothing (WebP 75-80, phone HEIF about 85).
UNKNOWN_LOSSY_QUALITY = 85


def _unknown_lossy(m: ImageMetrics | None) -> bool:
    """Lossy, and its quality cannot be read (WebP, AVIF, HEIF): no evidence either way."""
    return m is not None and not m.lossless and m.jpeg_quality is None


def _sharpness_bucket(m: ImageMetrics | None) -> int:
    # 10% steps on a log scale: differences smaller than that are noise, not quality
    if m is None or m.sharpness <= 0:
        return 0
    return int(math.log(m.sharpness + 1.0) / math.log(1.10))


def _sort_key(
    criterion: Criterion, c: Candidate, rules: PathRules, group: _Group = _ALONE
) -> tuple[float, ...]:
    m = c.metrics
    if criterion is Criterion.RESOLUTION:
        return (-(m.pixels if m else 0),)
    if criterion is Criterion.METADATA:
        return (-metadata_richness(m),)
    if criterion is Criterion.LOSSLESS:
        return (0 if m is not None and m.lossless and not group.reduced(m) else 1,)
    if criterion is Criterion.JPEG_QUALITY:
        if group.reduced(m):
            return (1, 0)  # its colours were thrown away: below every full-colour copy
        if _unknown_lossy(m):
            # no evidence of an original: taken for an encoder's usual default, so a
            # quality-97 JPEG beats a WebP made from it and a quality-60 one does not
            q = UNKNOWN_LOSSY_QUALITY
        else:
            q = m.jpeg_quality if m is not None and m.jpeg_quality is not None else 100
        return (0, -(q // 3))  # one or two points apart is the same quality
    if criterion is Criterion.SHARPNESS:
        return (-_sharpness_bucket(m),)
    if criterion is Criterion.NOT_EXPORT:
        looks_derived = m is not None and (m.looks_like_export or m.looks_like_screenshot)
        return (1 if looks_derived else 0,)
    if criterion is Criterion.OLDEST_CAPTURE:
        t = m.capture_time if m is not None else None
        return (0, _time_key(t)) if t else (1, 0.0)
    if criterion is Criterion.PATH_RULES:
        return (rules.score(c.path),)
    if criterion is Criterion.LARGEST_FILE:
        return (-c.size,)
    if criterion is Criterion.OLDEST_FILE:
        return (c.mtime_ns,)
    raise ValueError(criterion)


def _time_key(text: str) -> float:
    digits = re.sub(r"\D", "", text)
    return float(digits) if digits else 0.0


def _describe(criterion: Criterion, c: Candidate, rules: PathRules, group: _Group = _ALONE) -> str:
    m = c.metrics
    if criterion is Criterion.RESOLUTION:
        return f"{m.width}x{m.height}" if m else "unknown size"
    if criterion is Criterion.METADATA:
        parts = []
        if m is not None and m.camera:
            parts.append(f"camera data ({m.camera})")
        if m is not None and m.capture_time:
            parts.append("capture date")
        if m is not None and m.has_gps:
            parts.append("GPS")
        return ", ".join(parts) if parts else "no camera data"
    if criterion is Criterion.LOSSLESS:
        fmt = m.format if m else "file"
        if group.reduced(m) and m is not None:
            return f"{fmt} reduced to {m.colour_count} colours"
        return f"lossless {fmt}" if m is not None and m.lossless else f"compressed {fmt}"
    if criterion is Criterion.JPEG_QUALITY:
        if group.reduced(m) and m is not None:
            return f"reduced to {m.colour_count} colours"
        if _unknown_lossy(m) and m is not None:
            return f"compressed {m.format} (quality unknown)"
        q = m.jpeg_quality if m else None
        return f"JPEG quality {q}" if q is not None else "not recompressed"
    if criterion is Criterion.SHARPNESS:
        return "sharper" if m else "unknown sharpness"
    if criterion is Criterion.NOT_EXPORT:
        if m is not None and m.looks_like_screenshot:
            return "a screenshot"
        if m is not None and m.looks_like_export:
            return "an export or thumbnail"
        return "an original"
    if criterion is Criterion.OLDEST_CAPTURE:
        t = m.capture_time if m else None
        return f"taken {t}" if t else "no capture date"
    if criterion is Criterion.PATH_RULES:
        # folder and name: copies in one folder differ by name ("IMG (1).jpg", "IMG copy.jpg")
        # as text anyone can show: a name that is not UTF-8 gets U+FFFD, not a lone surrogate
        shown = os.fsencode(c.path).decode("utf-8", "replace")
        folder = os.path.basename(os.path.dirname(shown))
        name = os.path.basename(shown)
        return f"{folder}/{name}" if folder else name
    if criterion is Criterion.LARGEST_FILE:
        return human_bytes(c.size)
    if criterion is Criterion.OLDEST_FILE:
        return "older file"
    raise ValueError(criterion)


def parse_criteria(names: Sequence[str]) -> tuple[Criterion, ...]:
    """Criteria in the user's order, then the remaining defaults in theirs."""
    chosen: list[Criterion] = []
    for name in names:
        try:
            criterion = Criterion(name)
        except ValueError:
            valid = ", ".join(c.value for c in Criterion)
            raise ValueError(f"unknown keeper criterion {name!r}; choose from {valid}") from None
        if criterion not in chosen:
            chosen.append(criterion)
    return tuple(chosen) + tuple(c for c in DEFAULT_CRITERIA if c not in chosen)


@dataclass(frozen=True, slots=True)
class KeeperChoice:
    keeper: int  # index into the candidates
    deciding: Criterion | None  # the first criterion that set the keeper apart; None: a full tie
    reason: str


def choose_keeper(
    candidates: Sequence[Candidate],
    criteria: Sequence[Criterion] = DEFAULT_CRITERIA,
    rules: PathRules | None = None,
) -> KeeperChoice:
    """Pick the copy to keep and say why, in words."""
    rules = rules or PathRules()
    if not candidates:
        raise ValueError("no candidates")
    group = _Group.of(candidates)

    def key(index: int) -> tuple[object, ...]:
        c = candidates[index]
        # a damaged copy never beats an intact one: not the criteria, not a protected
        # folder (a protected copy is never suggested for removal anyway)
        parts: list[object] = [1 if damaged(c) else 0, 0 if c.protected else 1]
        for criterion in criteria:
            parts.extend(_sort_key(criterion, c, rules, group))
        parts.append(c.path)  # the final, stable tie-break
        return tuple(parts)

    order = sorted(range(len(candidates)), key=key)
    keeper = order[0]
    k = candidates[keeper]
    if len(candidates) == 1:
        return KeeperChoice(keeper, None, "kept: the only copy")
    broken = [i for i in order[1:] if damaged(candidates[i])]
    if broken and not damaged(k):
        # decide among the intact copies, then say why the damaged ones lost
        intact = [i for i in order if not damaged(candidates[i])]
        inner = choose_keeper([candidates[i] for i in intact], criteria, rules)
        reason = "kept: the only intact copy" if len(intact) == 1 else inner.reason
        # plain words only ("a checksum inside the PNG file does not match"): the technical
        # detail is in the copy's own flag (tooltip, compare, report)
        words = sorted(
            {
                m.damage.label.removeprefix("damaged: ")
                for i in broken
                if (m := candidates[i].metrics) and m.damage
            }
        )
        subject = "the other copy is" if len(broken) == 1 else f"{len(broken)} copies are"
        reason += f"; {subject} damaged ({'; '.join(words)})"
        return KeeperChoice(intact[inner.keeper], inner.deciding, reason)
    deciding: Criterion | None = None
    beaten: dict[Criterion, list[int]] = {}
    for other in order[1:]:
        o = candidates[other]
        for criterion in criteria:
            if _sort_key(criterion, k, rules, group) != _sort_key(criterion, o, rules, group):
                beaten.setdefault(criterion, []).append(other)
                break
    if beaten:
        deciding = min(beaten, key=lambda c: list(criteria).index(c))
    if k.protected and any(not candidates[i].protected for i in order[1:]):
        return KeeperChoice(keeper, deciding, "kept: in a protected folder")
    if deciding is None:
        return KeeperChoice(keeper, None, "kept: all copies are identical; the first by name")
    others = beaten[deciding]
    mine = _describe(deciding, k, rules, group)
    theirs = sorted({_describe(deciding, candidates[i], rules, group) for i in others})
    extra = ""
    if deciding is Criterion.RESOLUTION and k.metrics is not None and k.metrics.camera:
        extra = ", original camera data"
    reason = f"kept: {mine}{extra}; " + _others_phrase(deciding, theirs, len(others))
    if len(beaten) > 1:
        reason += (
            " (other copies differ by "
            + ", ".join(c.label.lower() for c in criteria if c in beaten and c is not deciding)
            + ")"
        )
    return KeeperChoice(keeper, deciding, reason)


def _others_phrase(criterion: Criterion, theirs: list[str], count: int) -> str:
    subject = "the other copy is" if count == 1 else "others are"
    joined = ", ".join(theirs[:3]) + (" ..." if len(theirs) > 3 else "")
    phrases: dict[Criterion, Callable[[], str]] = {
        Criterion.RESOLUTION: lambda: f"{subject} smaller ({joined})",
        Criterion.METADATA: lambda: f"{subject} without that metadata ({joined})",
        Criterion.LOSSLESS: lambda: f"{subject} {joined}",
        Criterion.JPEG_QUALITY: lambda: f"{subject} more compressed ({joined})",
        Criterion.SHARPNESS: lambda: f"{subject} blurrier",
        Criterion.NOT_EXPORT: lambda: f"{subject} {joined}",
        Criterion.OLDEST_CAPTURE: lambda: f"{subject} newer ({joined})",
        Criterion.PATH_RULES: lambda: f"{subject} in less preferred places ({joined})",
        Criterion.LARGEST_FILE: lambda: f"{subject} smaller files ({joined})",
        Criterion.OLDEST_FILE: lambda: f"{subject} newer files",
    }
    return phrases[criterion]()


def quality_score(m: ImageMetrics | None, size: int) -> int:
    """An absolute 0-100 grade of one file: resolution, compression, sharpness, provenance."""
    if m is None:
        return 0
    if m.damage is not None:
        return min(10, _grade(m, size) // 4)  # whatever it shows, part of it may be wrong
    return _grade(m, size)


def _grade(m: ImageMetrics, size: int) -> int:
    # resolution: 40 points, log scale, 24 MP and more is full marks
    mp = max(m.megapixels, 0.01)
    resolution = 40.0 * min(1.0, max(0.0, math.log(mp / 0.05) / math.log(24 / 0.05)))
    # compression: 25 points
    if m.lossless:
        compression = 25.0
    elif m.jpeg_quality is not None:
        compression = 25.0 * min(1.0, max(0.0, (m.jpeg_quality - 40) / 55))
    else:
        bpp = size * 8 / max(m.pixels, 1)  # HEIF/WebP/AVIF: bits per pixel as a proxy
        compression = 25.0 * min(1.0, bpp / 2.0)
    # sharpness: 20 points, log scale
    sharp = 20.0 * min(1.0, max(0.0, math.log1p(m.sharpness) / math.log1p(800.0)))
    # provenance: 15 points
    provenance = 5.0 * min(metadata_richness(m), 2) + (
        0.0 if (m.looks_like_export or m.looks_like_screenshot) else 5.0
    )
    return round(min(100.0, resolution + compression + sharp + provenance))
