"""What matched, copy by copy: the `MatchEvidence` each copy of a set carries.

The searches find pairs and `cleaner.detect.matching.confirm` checks them; `Matches`
keeps, per confirmed pair, the transform it was found with (`Pairs.t`), its hash
distance and the correlation that confirmed it. Sets are stars
(`cleaner.detect.grouping`): every copy matched the set's representative directly,
so the pair that says how sure is the one between a copy and the representative.

`star_links` picks those pairs out of `Matches` (by picture index, not by pair: a
million pictures stay arrays). `member_evidence` turns one into the evidence of a
copy, next to the keeper when the keeper is one end of the pair, else next to the
representative (and says so: `MatchEvidence.against`).

To add a new kind of match (a new search, a new `Pairs.t` code): give it a code range
in `Pairs.t`, one branch in `_describe` that names its `MatchKind` (add one to
`cleaner.models.MatchKind` if none fits) and its `MatchSearch`, and its words in
`cleaner.humanize.match_words`; the result file, the window, the report and `--list`
follow.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from cleaner.detect.checks import CROP_KIND, detail_correlation, thumb_correlation
from cleaner.detect.crops import GRID, GRID_KIND
from cleaner.detect.fingerprint import CROP_WINDOWS, THUMB_SIDE, TRANSFORMS
from cleaner.detect.matching import Matches
from cleaner.detect.side_crops import SIDE_KIND, SIDE_WINDOWS
from cleaner.detect.smooth import SMOOTH_KIND
from cleaner.models import (
    TRANSFORM_NAMES,
    Fingerprint,
    ImageMetrics,
    MatchEvidence,
    MatchKind,
    MatchSearch,
)

# The inverse of each dihedral transform (TRANSFORM_NAMES order): a quarter turn one way
# undoes a quarter turn the other way; every mirroring undoes itself.
_INVERSE = (0, 3, 2, 1, 4, 5, 6, 7)


def _composition() -> tuple[tuple[int, ...], ...]:
    """`_COMPOSE[a][b]`: the transform that is b, then a (as `TRANSFORMS` act on arrays)."""
    probe = np.arange(9).reshape(3, 3)
    made = [f(probe) for _, f in TRANSFORMS]
    return tuple(
        tuple(
            next(c for c, m in enumerate(made) if np.array_equal(m, fa(fb(probe))))
            for _, fb in TRANSFORMS
        )
        for _, fa in TRANSFORMS
    )


_COMPOSE = _composition()

# A copy whose proportions (width / height) differ from the other's by more than this
# (as |log| of the ratio: 0.07 is about 7 %) was resized without keeping them: "squashed".
# Chosen above what the same proportions give after rounding to whole pixels (1 pixel in
# 32 is 3 %) and above what a light crop found by the plain hash search changes (a few
# per cent off one side), and well below what "Same picture" lets through (0.25), so a
# copy squashed enough to see is called so.
SQUASH_LOG = 0.07


@dataclass(frozen=True, slots=True)
class Link:
    """One confirmed pair, as it was found: picture `j` is picture `i` under `t`
    (`Pairs.t`: a turn or mirroring of i, or crop window `t - CROP_KIND` of i). Indices
    are the scan's units; `correlation` is NaN when it was not recorded."""

    i: int
    j: int
    t: int
    distance: int
    correlation: float


class Links(Protocol):
    """Confirmed pairs by (representative, member) unit: `StarLinks`, or a plain dict."""

    def get(self, key: tuple[int, int], /) -> Link | None: ...


@dataclass(frozen=True, slots=True)
class StarLinks:
    """The confirmed pair of each star's member with its representative, as arrays (a
    million pictures make no million objects): `row[unit]` is the member's pair in the
    other arrays (-1 for none: a representative, or a unit in no star); `i`, `j` are the
    pair's units as found (`Link`)."""

    row: npt.NDArray[np.int64]
    i: npt.NDArray[np.int64]
    j: npt.NDArray[np.int64]
    t: npt.NDArray[np.int64]
    distance: npt.NDArray[np.int64]
    correlation: npt.NDArray[np.float32]

    def get(self, key: tuple[int, int], /) -> Link | None:
        rep, member = key
        r = int(self.row[member]) if 0 <= member < len(self.row) else -1
        if r < 0:
            return None
        i, j = int(self.i[r]), int(self.j[r])
        if {i, j} != {rep, member}:
            return None
        return Link(i, j, int(self.t[r]), int(self.distance[r]), float(self.correlation[r]))


_NONE = np.zeros(0, dtype=np.int64)
_NO_LINKS = StarLinks(_NONE, _NONE, _NONE, _NONE, _NONE, np.zeros(0, dtype=np.float32))


def star_links(
    matches: Matches, stars: Sequence[Sequence[int]], units: npt.NDArray[np.int64]
) -> StarLinks:
    """The confirmed pair of each star's member with its representative (the star's
    first), by unit (`units[k]` is the unit of picture k of `matches`). None found when
    `matches` did not record what matched."""
    if matches.t is None or matches.swapped is None or matches.distance is None:
        return _NO_LINKS
    if not stars or len(matches) == 0 or len(units) == 0:
        return _NO_LINKS
    n = max(int(matches.i.max()), int(matches.j.max())) + 1
    keys = matches.i * n + matches.j
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    reps = np.fromiter((s[0] for s in stars for _ in s[1:]), dtype=np.int64)
    members = np.fromiter((m for s in stars for m in s[1:]), dtype=np.int64)
    wanted = np.minimum(reps, members) * n + np.maximum(reps, members)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    found = keys[at] == wanted
    rows = order[at[found]]
    lo, hi = matches.i[rows], matches.j[rows]
    swapped = matches.swapped[rows]
    corr = (
        np.full(len(rows), np.nan, dtype=np.float32)
        if matches.correlation is None
        else matches.correlation[rows].astype(np.float32)
    )
    # `confirm` starts every pair at -1 (no check ran on it): a confirmed pair still there
    # was confirmed some other way (a check that records nothing), so no number is said
    corr[corr == -1.0] = np.nan
    row_of = np.full(int(units.max()) + 1, -1, dtype=np.int64)
    row_of[units[members[found]]] = np.arange(len(rows), dtype=np.int64)
    return StarLinks(
        row=row_of,
        i=units[np.where(swapped, hi, lo)],
        j=units[np.where(swapped, lo, hi)],
        t=matches.t[rows].astype(np.int64),
        distance=matches.distance[rows].astype(np.int64),
        correlation=corr,
    )


def exact_evidence(against: str) -> MatchEvidence:
    """A copy with the same bytes as `against`: found by its digest, no hashes."""
    return MatchEvidence(MatchKind.EXACT, against, MatchSearch.DIGEST)


def member_evidence(
    link: Link,
    member: int,
    against: int,
    against_path: str,
    member_metrics: ImageMetrics | None,
    against_metrics: ImageMetrics | None,
) -> MatchEvidence | None:
    """The evidence of unit `member` next to unit `against` (the two ends of `link`),
    or None when the link's code is one this module does not know (say nothing rather
    than guess)."""
    if {link.i, link.j} != {member, against} or member == against:
        return None
    forward = link.i == against  # the member is the found pair's picture j
    facts = _describe(link.t, forward)
    if facts is None:
        return None
    kind, search, transform, window = facts
    if kind is None:  # the same picture, not turned: resaved, resized, converted, squashed
        kind = _same_picture(member_metrics, against_metrics)
    low = any(m is not None and m.low_detail for m in (member_metrics, against_metrics))
    corr = None if math.isnan(link.correlation) else round(link.correlation, 4)
    return MatchEvidence(
        kind=kind,
        against=against_path,
        search=search,
        transform=TRANSFORM_NAMES[transform],
        distance=link.distance,
        correlation=corr,
        detail=low and search is not MatchSearch.CROP,
        window=window,
    )


def _through(
    to_member: Link | None,
    to_keeper: Link | None,
    rep: int,
    fingerprint: Callable[[int], Fingerprint | None] | None,
    low: bool,
) -> Link | None:
    """The keeper and a copy that each matched the representative `rep` by a turn or a
    mirroring (or as displayed): the one link from the keeper to the copy, with the
    turns combined and its distance and correlation measured on the two pictures
    themselves (on their fine detail when `low`, as `confirm` does for a low-detail
    picture); None when either was a crop (a crop of a crop is no single window) or the
    fingerprints are not at hand."""
    if fingerprint is None or to_member is None or to_keeper is None:
        return None
    if not (0 <= to_member.t < CROP_KIND and 0 <= to_keeper.t < CROP_KIND):
        return None

    def turn_from_rep(link: Link) -> int:  # X = turn(representative)
        return link.t if link.i == rep else _INVERSE[link.t]

    member = to_member.j if to_member.i == rep else to_member.i
    keeper = to_keeper.j if to_keeper.i == rep else to_keeper.i
    a, b = fingerprint(member), fingerprint(keeper)
    if a is None or b is None:
        return None
    # copy = A(rep), keeper = B(rep): copy = A(B^-1(keeper))
    t = _COMPOSE[turn_from_rep(to_member)][_INVERSE[turn_from_rep(to_keeper)]]
    distance = (b.hashes[t] ^ a.hashes[0]).bit_count()
    if len(a.thumb) != THUMB_SIDE * THUMB_SIDE or len(b.thumb) != THUMB_SIDE * THUMB_SIDE:
        return None
    thumbs = np.frombuffer(b.thumb + a.thumb, dtype=np.uint8).reshape(2, -1)
    one = np.array([0], dtype=np.int64)
    if not low:
        corr = float(thumb_correlation(thumbs, one, one + 1, np.array([t], dtype=np.int64))[0])
    elif a.detail_map is not None and b.detail_map is not None:
        corr = detail_correlation(b.detail_map, a.detail_map, t)  # as `confirm` would
    else:
        corr = float("nan")
    return Link(keeper, member, t, distance, corr)


def _describe(
    t: int, forward: bool
) -> tuple[MatchKind | None, MatchSearch, int, tuple[float, float, float, float] | None] | None:
    """(kind or None for "the same picture", search, transform index, crop window) of a
    pair found with `Pairs.t` code `t`, seen from its j side (`forward`) or its i side."""
    if t == SMOOTH_KIND:  # the smooth pictures' search: the same picture, as displayed
        return None, MatchSearch.SMOOTH, 0, None
    if 0 <= t < CROP_KIND:  # the hash search: picture j is picture i turned by t
        turn = t if forward else _INVERSE[t]
        if turn == 0:
            return None, MatchSearch.HASH, 0, None
        kind = (
            MatchKind.TURNED if TRANSFORM_NAMES[turn].startswith("rotate") else MatchKind.MIRRORED
        )
        return kind, MatchSearch.HASH, turn, None
    if CROP_KIND <= t < CROP_KIND + len(CROP_WINDOWS):  # picture j is a window of picture i
        kind = MatchKind.CROPPED if forward else MatchKind.UNCROPPED
        return kind, MatchSearch.CROP, 0, CROP_WINDOWS[t - CROP_KIND]
    if GRID_KIND <= t < GRID_KIND + len(GRID):  # a heavy crop: near grid window t - GRID_KIND
        kind = MatchKind.CROPPED if forward else MatchKind.UNCROPPED
        return kind, MatchSearch.CROP, 0, GRID[t - GRID_KIND]
    if SIDE_KIND <= t < SIDE_KIND + len(SIDE_WINDOWS):  # a lopsided light crop
        kind = MatchKind.CROPPED if forward else MatchKind.UNCROPPED
        return kind, MatchSearch.CROP, 0, SIDE_WINDOWS[t - SIDE_KIND]
    return None


def _same_picture(member: ImageMetrics | None, against: ImageMetrics | None) -> MatchKind:
    """How a copy that is neither turned nor cropped differs from the other one."""
    if member is None or against is None:
        return MatchKind.RESAVED
    if min(member.width, member.height, against.width, against.height) > 0:
        ratio = (member.width / member.height) / (against.width / against.height)
        if abs(math.log(ratio)) > SQUASH_LOG:
            return MatchKind.SQUASHED
    if (member.width, member.height) != (against.width, against.height):
        return MatchKind.RESIZED
    if member.format != against.format:
        return MatchKind.CONVERTED
    return MatchKind.RESAVED


def group_evidence(
    cluster: Sequence[int],
    files: Sequence[tuple[str, int]],
    keeper: int,
    metrics: Callable[[int], ImageMetrics | None],
    links: Links,
    fingerprint: Callable[[int], Fingerprint | None] | None = None,
) -> list[MatchEvidence | None]:
    """The evidence of each copy of one set, in `files` order ((path, unit) of each copy;
    None for the keeper, `files[keeper]`). `cluster` is the set's units, its
    representative first; `metrics(unit)` its metrics. A copy with the keeper's bytes is
    an exact copy of it; any other copy is said next to the keeper when one of the two
    is the representative. Otherwise both matched the representative: when both were
    turned or mirrored (or neither), the two turns make one, and the copy is measured
    against the keeper directly with that turn (`fingerprint(unit)` gives what to measure);
    else (a crop on either side) it is said next to the representative, which it names."""
    keeper_path, keeper_unit = files[keeper]
    rep = cluster[0]
    rep_path = next((path for path, unit in files if unit == rep), None)
    out: list[MatchEvidence | None] = []
    for n, (_, unit) in enumerate(files):
        if n == keeper:
            out.append(None)
            continue
        if unit == keeper_unit or len(cluster) == 1:
            out.append(exact_evidence(keeper_path))
            continue
        against_path: str | None
        if keeper_unit == rep:
            link, against, against_path = links.get((rep, unit)), rep, keeper_path
        elif unit == rep:
            link, against, against_path = links.get((rep, keeper_unit)), keeper_unit, keeper_path
        else:
            link, against, against_path = links.get((rep, unit)), rep, rep_path
            low = any(m is not None and m.low_detail for m in (metrics(unit), metrics(keeper_unit)))
            direct = _through(link, links.get((rep, keeper_unit)), rep, fingerprint, low)
            if direct is not None:
                link, against, against_path = direct, keeper_unit, keeper_path
        if link is None or against_path is None:
            out.append(None)
            continue
        out.append(
            member_evidence(link, unit, against, against_path, metrics(unit), metrics(against))
        )
    return out
