"""One copy as the keeper choice sees it, and the facts the criteria read off it.

Its own module so that the criteria table (`cleaner.keep.criteria`) and the choice
(`cleaner.keep.quality`) can both read it without importing each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cleaner.models import ImageMetrics

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
