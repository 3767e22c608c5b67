"""The keeper criteria: one table, one entry per criterion.

A criterion is a small object: its key (what `--keep-order` and a result file's
settings name it by), its label (what a person reads), how two copies compare (a sort
key of one copy: smaller is better) and how the difference is said (the winner's words,
the losers' phrase). `CRITERIA` lists them in the default order; everything that lists,
parses or applies criteria reads it: the keeper choice (`cleaner.keep.quality`), the
scan's settings, the CLI's `--keep-order` and its help text. Adding a criterion is one
entry in `CRITERIA`, with its small functions above it.

There is no `Criterion` enum beside the table any more: an enum would be a second list
of the same names to keep in step, so a new criterion would touch two places. The keys
are what outlives a run (a result file stores them in `settings.criteria` and in each
group's `deciding_criterion`), so a key is never renamed; the objects themselves are
compared by identity, one per criterion.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from cleaner.humanize import CRITERION_LABELS
from cleaner.i18n import N_
from cleaner.keep.candidate import (
    Candidate,
    PathRules,
    metadata_richness,
    palette_reduced,
    path_matches,
    shared_folder_parts,
)
from cleaner.models import ImageMetrics, Phrase
from cleaner.phrases import phrase, phrases_of, worded


@dataclass(frozen=True, slots=True)
class CopyContext:
    """What a criterion knows besides the copy itself: the user's path rules and what
    the other copies of the picture are."""

    rules: PathRules
    full_colour: bool  # some copy is a full-colour picture: palette copies are reductions
    sharpest: float = 0.0  # the highest sharpness of the copies (0: none is known)
    # leading parts of the path every copy's folder shares ("/home/ann/tmp"): a rule they
    # all match there is no difference between them, so their words leave it out
    shared_parts: int = 0

    @classmethod
    def of(cls, candidates: Sequence[Candidate], rules: PathRules) -> CopyContext:
        return cls(
            rules,
            any(c.metrics is not None and not palette_reduced(c.metrics) for c in candidates),
            max((c.metrics.sharpness for c in candidates if c.metrics is not None), default=0.0),
            shared_folder_parts([c.path for c in candidates]),
        )

    def reduced(self, m: ImageMetrics | None) -> bool:
        """A palette copy of a picture some other copy has in full colour: a lossy copy."""
        return self.full_colour and palette_reduced(m)


SortKey = tuple[float, ...]


def _no_note(c: Candidate) -> str:
    return ""


# eq=False: there is one object per criterion, so identity is equality (and hashing by
# identity lets a criterion be a dict key without hashing its functions)
@dataclass(frozen=True, slots=True, eq=False)
class KeeperCriterion:
    """One way to rank the copies of a picture."""

    key: str  # stored in result files and typed on the command line: never rename
    label: str  # "Highest resolution"; lower-cased in "(other copies differ by ...)"
    sort_key: Callable[[Candidate, CopyContext], SortKey]  # smaller is better
    describe: Callable[[Candidate, CopyContext], str]  # one copy in words: "6000x4000"
    # how the copies that lost are said: (subject, their descriptions) -> phrase, where the
    # subject is "the other copy is" or "others are"
    others_phrase: Callable[[str, str], str]
    # what the keeper's words add when this criterion decided (", original camera data")
    keeper_note: Callable[[Candidate], str] = _no_note
    # one copy's value when the keeper is compared with one other copy (`compare`); None:
    # `describe`. Two copies this criterion tells apart must get different words.
    value: Callable[[Candidate, CopyContext], str] | None = None
    # finer words for when two copies' values read the same ("2.4 MB" and "2.4 MB")
    exact: Callable[[Candidate, CopyContext], str] | None = None

    def compare(self, keeper: Candidate, other: Candidate, ctx: CopyContext) -> tuple[str, str]:
        """The keeper's value and the other copy's, in words that tell them apart."""
        words = self.value or self.describe
        mine, theirs = words(keeper, ctx), words(other, ctx)
        if mine == theirs and self.exact is not None:
            mine, theirs = self.exact(keeper, ctx), self.exact(other, ctx)
        if mine == theirs:  # a last resort (two files modified in the same millisecond)
            mine = _ranked(mine, self.sort_key(keeper, ctx))
            theirs = _ranked(theirs, self.sort_key(other, ctx))
        return mine, theirs

    def __repr__(self) -> str:
        return f"KeeperCriterion({self.key!r})"


def _ranked(words: str, key: SortKey) -> str:
    """ "modified ... UTC (ranked (5,))": a value and its place in the ranking."""
    phrases = phrases_of(words)
    if phrases:
        return worded(*phrases, phrase("ranked", rank=str(key)))
    return f"{words} (ranked {key})"


# ----------------------------------------------------------------------------- resolution


def _resolution_key(c: Candidate, ctx: CopyContext) -> SortKey:
    return (-(c.metrics.pixels if c.metrics else 0),)


def _resolution_words(c: Candidate, ctx: CopyContext) -> str:
    m = c.metrics
    return f"{m.width}x{m.height}" if m else N_("unknown size")


def _camera_note(c: Candidate) -> str:
    return N_(", original camera data") if c.metrics is not None and c.metrics.camera else ""


# ----------------------------------------------------------------------------- metadata


def _metadata_key(c: Candidate, ctx: CopyContext) -> SortKey:
    return (-metadata_richness(c.metrics),)


def _metadata_words(c: Candidate, ctx: CopyContext) -> str:
    m = c.metrics
    parts = []
    if m is not None and m.camera:
        parts.append(phrase("camera_data", camera=m.camera))
    if m is not None and m.capture_time:
        parts.append(phrase("capture_date"))
    if m is not None and m.has_gps:
        parts.append(phrase("gps"))
    return worded(*parts) if parts else N_("no camera data")


# ----------------------------------------------------------------------------- lossless


def _lossless_key(c: Candidate, ctx: CopyContext) -> SortKey:
    m = c.metrics
    return (0 if m is not None and m.lossless and not ctx.reduced(m) else 1,)


def _lossless_words(c: Candidate, ctx: CopyContext) -> str:
    m = c.metrics
    if m is None:
        return N_("compressed file")
    if ctx.reduced(m):
        return worded(phrase("reduced_format", format=m.format, colours=m.colour_count or 0))
    code = "lossless_format" if m.lossless else "compressed_format"
    return worded(phrase(code, format=m.format))


# ----------------------------------------------------------------------------- compression

# The quality a lossy copy whose quality cannot be read (WebP, AVIF, HEIF) is taken for:
# what encoders use when asked for nothing (WebP 75-80, phone HEIF about 85).
UNKNOWN_LOSSY_QUALITY = 85


def _unknown_lossy(m: ImageMetrics | None) -> bool:
    """Lossy, and its quality cannot be read (WebP, AVIF, HEIF): no evidence either way."""
    return m is not None and not m.lossless and m.jpeg_quality is None


def _compression_key(c: Candidate, ctx: CopyContext) -> SortKey:
    m = c.metrics
    if ctx.reduced(m):
        return (1, 0)  # its colours were thrown away: below every full-colour copy
    if _unknown_lossy(m):
        # no evidence of an original: taken for an encoder's usual default, so a
        # quality-97 JPEG beats a WebP made from it and a quality-60 one does not
        q = UNKNOWN_LOSSY_QUALITY
    else:
        q = m.jpeg_quality if m is not None and m.jpeg_quality is not None else 100
    return (0, -(q // 3))  # one or two points apart is the same quality


def _compression_words(c: Candidate, ctx: CopyContext) -> str:
    m = c.metrics
    if ctx.reduced(m) and m is not None:
        return worded(phrase("reduced", colours=m.colour_count or 0))
    if _unknown_lossy(m) and m is not None:
        return worded(phrase("quality_unknown", format=m.format))
    q = m.jpeg_quality if m else None
    return worded(phrase("jpeg_quality", quality=q)) if q is not None else N_("not recompressed")


# ----------------------------------------------------------------------------- sharpness


def _sharpness_key(c: Candidate, ctx: CopyContext) -> SortKey:
    return (-_sharpness_bucket(c.metrics),)


def relative_sharpness(sharpness: float, sharpest: float) -> str:
    """One copy's sharpness against the sharpest copy of the set, in words. Sharpness is
    the variance of the Laplacian, which grows with the square of the edges' strength:
    its square root is what is compared ("60% as sharp" has edges 60% as strong)."""
    if sharpest <= 0 or sharpness >= sharpest:
        return N_("the sharpest of the set")
    share = math.sqrt(max(sharpness, 0.0) / sharpest)
    percent = math.floor(share * 100)
    if percent >= 98:
        return N_("as sharp as the sharpest")
    return worded(phrase("sharp_share", percent=percent))


def _sharpness_value(c: Candidate, ctx: CopyContext) -> str:
    m = c.metrics
    return relative_sharpness(m.sharpness, ctx.sharpest) if m else N_("unknown sharpness")


def _sharpness_exact(c: Candidate, ctx: CopyContext) -> str:
    m = c.metrics
    return (
        worded(phrase("sharpness_exact", value=repr(m.sharpness))) if m else N_("unknown sharpness")
    )


def _sharpness_bucket(m: ImageMetrics | None) -> int:
    # 10% steps on a log scale: differences smaller than that are noise, not quality
    if m is None or m.sharpness <= 0:
        return 0
    return int(math.log(m.sharpness + 1.0) / math.log(1.10))


# ----------------------------------------------------------------------------- not an export


def _derived_key(c: Candidate, ctx: CopyContext) -> SortKey:
    m = c.metrics
    looks_derived = m is not None and (m.looks_like_export or m.looks_like_screenshot)
    return (1 if looks_derived else 0,)


def _derived_words(c: Candidate, ctx: CopyContext) -> str:
    m = c.metrics
    if m is not None and m.looks_like_screenshot:
        return N_("a screenshot")
    if m is not None and m.looks_like_export:
        return N_("an export or thumbnail")
    return N_("an original")


# ----------------------------------------------------------------------------- capture date


def _capture_key(c: Candidate, ctx: CopyContext) -> SortKey:
    t = c.metrics.capture_time if c.metrics is not None else None
    return (0, _time_key(t)) if t else (1, 0.0)


def _time_key(text: str) -> float:
    digits = re.sub(r"\D", "", text)
    return float(digits) if digits else 0.0


def _capture_words(c: Candidate, ctx: CopyContext) -> str:
    t = c.metrics.capture_time if c.metrics else None
    return worded(phrase("taken", when=t)) if t else N_("no capture date")


# ----------------------------------------------------------------------------- path rules


def _path_key(c: Candidate, ctx: CopyContext) -> SortKey:
    return (ctx.rules.score(c.path),)


def _path_words(c: Candidate, ctx: CopyContext) -> str:
    # folder and name: copies in one folder differ by name ("IMG (1).jpg", "IMG copy.jpg")
    # as text anyone can show: a name that is not UTF-8 gets U+FFFD, not a lone surrogate
    shown = os.fsencode(c.path).decode("utf-8", "replace")
    folder = os.path.basename(os.path.dirname(shown))
    name = os.path.basename(shown)
    return f"{folder}/{name}" if folder else name


def _path_value(c: Candidate, ctx: CopyContext) -> str:
    """What the path rules saw in this copy's path: "in a preferred folder (Originals)",
    "in an avoided folder (Downloads)", "named like a copy (IMG (1).jpg)"."""
    words: list[Phrase] = []
    for hit in path_matches(ctx.rules, c.path):
        if hit.index < ctx.shared_parts:
            continue  # every copy is under this folder: it tells none apart
        part = os.fsencode(hit.part).decode("utf-8", "replace")
        if hit.preferred:
            code = "preferred_name" if hit.is_name else "preferred_folder"
        elif hit.is_name:
            code = "copy_name" if hit.builtin else "avoided_name"
        else:
            code = "avoided_folder"
        said = phrase(code, part=part)
        if said not in words:
            words.append(said)
    if words:
        return worded(*words)
    shown = os.fsencode(c.path).decode("utf-8", "replace")
    folder = os.path.basename(os.path.dirname(shown)) or shown
    return worded(phrase("neither", folder=folder))


# ----------------------------------------------------------------------------- file date


def _file_date(c: Candidate, ctx: CopyContext) -> str:
    return _modified(c.mtime_ns, "modified")


def _file_date_exact(c: Candidate, ctx: CopyContext) -> str:
    # Only said when both copies were modified in the same minute: seconds to the
    # millisecond tell them apart in words a reader knows ("11:38:17.841"), where a raw
    # nanosecond count ("+840842654 ns") did not.
    return _modified(c.mtime_ns, "modified_exact")


def _modified(ns: int, code: str) -> str:
    """ "modified 2026-11-27 11:38 UTC" (`cleaner.phrases` says the date); a time no
    clock can hold as its nanoseconds."""
    try:
        _dt.datetime.fromtimestamp(ns // 10**9, _dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return worded(phrase("modified_ns", ns=str(ns)))
    return worded(phrase(code, when=ns))


# ----------------------------------------------------------------------------- the table

CRITERIA: tuple[KeeperCriterion, ...] = (
    KeeperCriterion(
        key="resolution",
        label=CRITERION_LABELS["resolution"],
        sort_key=_resolution_key,
        describe=_resolution_words,
        others_phrase=lambda who, theirs: f"{who} smaller ({theirs})",
        keeper_note=_camera_note,
    ),
    KeeperCriterion(
        key="metadata",
        label=CRITERION_LABELS["metadata"],
        sort_key=_metadata_key,
        describe=_metadata_words,
        others_phrase=lambda who, theirs: f"{who} without that metadata ({theirs})",
    ),
    KeeperCriterion(
        key="lossless",
        label=CRITERION_LABELS["lossless"],
        sort_key=_lossless_key,
        describe=_lossless_words,
        others_phrase=lambda who, theirs: f"{who} {theirs}",
    ),
    KeeperCriterion(
        key="jpeg_quality",
        label=CRITERION_LABELS["jpeg_quality"],
        sort_key=_compression_key,
        describe=_compression_words,
        others_phrase=lambda who, theirs: f"{who} more compressed ({theirs})",
    ),
    KeeperCriterion(
        key="sharpness",
        label=CRITERION_LABELS["sharpness"],
        sort_key=_sharpness_key,
        describe=lambda c, ctx: N_("sharper") if c.metrics else N_("unknown sharpness"),
        others_phrase=lambda who, theirs: f"{who} blurrier",
        value=_sharpness_value,
        exact=_sharpness_exact,
    ),
    KeeperCriterion(
        key="not_export",
        label=CRITERION_LABELS["not_export"],
        sort_key=_derived_key,
        describe=_derived_words,
        others_phrase=lambda who, theirs: f"{who} {theirs}",
    ),
    KeeperCriterion(
        key="oldest_capture",
        label=CRITERION_LABELS["oldest_capture"],
        sort_key=_capture_key,
        describe=_capture_words,
        others_phrase=lambda who, theirs: f"{who} newer ({theirs})",
    ),
    KeeperCriterion(
        key="path_rules",
        label=CRITERION_LABELS["path_rules"],
        sort_key=_path_key,
        describe=_path_words,
        others_phrase=lambda who, theirs: f"{who} in less preferred places ({theirs})",
        value=_path_value,
        exact=lambda c, ctx: os.fsencode(c.path).decode("utf-8", "replace"),
    ),
    KeeperCriterion(
        key="largest_file",
        label=CRITERION_LABELS["largest_file"],
        sort_key=lambda c, ctx: (-c.size,),
        describe=lambda c, ctx: worded(phrase("size", size=c.size)),
        others_phrase=lambda who, theirs: f"{who} smaller files ({theirs})",
        exact=lambda c, ctx: worded(phrase("bytes", n=c.size)),
    ),
    KeeperCriterion(
        key="oldest_file",
        label=CRITERION_LABELS["oldest_file"],
        sort_key=lambda c, ctx: (c.mtime_ns,),
        describe=lambda c, ctx: N_("older file"),
        others_phrase=lambda who, theirs: f"{who} newer files",
        value=_file_date,
        exact=_file_date_exact,
    ),
)

# The table's order is the default order, and the order in which the CLI's help and the
# "choose from" error list the keys.
DEFAULT_CRITERIA: tuple[KeeperCriterion, ...] = CRITERIA
CRITERIA_BY_KEY: Mapping[str, KeeperCriterion] = MappingProxyType({c.key: c for c in CRITERIA})
CRITERIA_KEYS: tuple[str, ...] = tuple(CRITERIA_BY_KEY)


def parse_criteria(names: Sequence[str]) -> tuple[KeeperCriterion, ...]:
    """Criteria in the user's order, then the remaining defaults in theirs."""
    chosen: list[KeeperCriterion] = []
    for name in names:
        criterion = CRITERIA_BY_KEY.get(name)
        if criterion is None:
            valid = ", ".join(CRITERIA_KEYS)
            raise ValueError(f"unknown keeper criterion {name!r}; choose from {valid}")
        if criterion not in chosen:
            chosen.append(criterion)
    return tuple(chosen) + tuple(c for c in DEFAULT_CRITERIA if c not in chosen)
