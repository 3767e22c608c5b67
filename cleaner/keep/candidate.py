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
# compiled once: the keeper choice scores every member of every set (2 million at 10M
# pictures), and `re.search(pattern, ...)` looks each pattern up in re's cache every time
_DEFAULT_AVOID = tuple(re.compile(pattern) for pattern in DEFAULT_AVOID)


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
        for compiled in _DEFAULT_AVOID:
            if compiled.search(low):
                s += 1
        return s


_SEPARATORS = re.compile(r"[/\\]")


@dataclass(frozen=True, slots=True)
class PathMatch:
    """One part of a path that a path rule matched: a folder's name or the file's."""

    part: str  # as spelled in the path
    index: int  # which part of the path (0: the first)
    is_name: bool  # the file's name, not a folder's
    preferred: bool  # a preferred fragment (else an avoided one)
    builtin: bool  # one of DEFAULT_AVOID (names and folders that mark a copy)


def path_matches(rules: PathRules, path: str) -> list[PathMatch]:
    """What `rules.score(path)` counted, part by part, in the order it counts them."""
    low = path.lower()
    parts = _SEPARATORS.split(path)
    low_parts = _SEPARATORS.split(low)
    if len(parts) != len(low_parts):  # lower() never adds a separator, but be safe
        parts = low_parts
    starts: list[int] = []
    at = 0
    for part in low_parts:
        starts.append(at)
        at += len(part) + 1

    def part_at(pos: int) -> int:
        if 0 <= pos < len(low) and low[pos] in "/\\" and pos + 1 < len(low):
            pos += 1  # a pattern that starts at the separator before a folder
        n = 0
        for k, start in enumerate(starts):
            if start <= pos:
                n = k
        return n

    found: list[PathMatch] = []

    def add(pos: int, preferred: bool, builtin: bool) -> None:
        k = part_at(pos)
        found.append(PathMatch(parts[k], k, k == len(parts) - 1, preferred, builtin))

    for fragment in rules.prefer:
        if fragment and (pos := low.find(fragment.lower())) >= 0:
            add(pos, True, False)
    for fragment in rules.avoid:
        if fragment and (pos := low.find(fragment.lower())) >= 0:
            add(pos, False, False)
    for compiled in _DEFAULT_AVOID:
        if (hit := compiled.search(low)) is not None:
            add(hit.start(), False, True)
    return found


def shared_folder_parts(paths: list[str]) -> int:
    """How many leading parts of their paths all these files' folders share."""
    folders = [_SEPARATORS.split(p)[:-1] for p in paths]
    if not folders:
        return 0
    n = 0
    for column in zip(*folders, strict=False):
        if any(part != column[0] for part in column):
            break
        n += 1
    return n


def metadata_richness(m: ImageMetrics | None) -> int:
    if m is None:
        return 0
    return int(m.camera is not None) + int(m.capture_time is not None) + int(m.has_gps)


def damaged(c: Candidate) -> bool:
    return c.metrics is not None and c.metrics.damage is not None


def palette_reduced(m: ImageMetrics | None) -> bool:
    """A colour picture stored with 256 colours or fewer (a palette PNG or GIF)."""
    return m is not None and m.colour_count is not None and m.colour_count <= 256
