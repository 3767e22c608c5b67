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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cleaner.detect.checks import CROP_KIND
from cleaner.detect.fingerprint import CROP_WINDOWS
from cleaner.detect.matching import Matches
from cleaner.models import (
    TRANSFORM_NAMES,
    ImageMetrics,
    MatchEvidence,
    MatchKind,
    MatchSearch,
)

# The inverse of each dihedral transform (TRANSFORM_NAMES order): a quarter turn one way
# undoes a quarter turn the other way; every mirroring undoes itself.
_INVERSE = (0, 3, 2, 1, 4, 5, 6, 7)

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


def star_links(
    matches: Matches, stars: Sequence[Sequence[int]], units: npt.NDArray[np.int64]
) -> dict[tuple[int, int], Link]:
    """The confirmed pair of each star's member with its representative (the star's
    first), keyed (representative, member) in unit indices (`units[k]` is the unit of
    picture k of `matches`). Empty when `matches` did not record what matched."""
    if matches.t is None or matches.swapped is None or matches.distance is None:
        return {}
    if not stars or len(matches) == 0:
        return {}
    n = max(int(matches.i.max()), int(matches.j.max())) + 1
    keys = matches.i * n + matches.j
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    reps = np.fromiter((s[0] for s in stars for _ in s[1:]), dtype=np.int64)
    members = np.fromiter((m for s in stars for m in s[1:]), dtype=np.int64)
    wanted = np.minimum(reps, members) * n + np.maximum(reps, members)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    found = keys[at] == wanted
    rows = order[at]
    corr = (
        np.full(len(matches), np.nan, dtype=np.float32)
        if matches.correlation is None
        else matches.correlation
    )
    links: dict[tuple[int, int], Link] = {}
    for rep, member, ok, row in zip(
        reps.tolist(), members.tolist(), found.tolist(), rows.tolist(), strict=True
    ):
        if not ok:
            continue
        lo, hi = int(matches.i[row]), int(matches.j[row])
        i, j = (hi, lo) if matches.swapped[row] else (lo, hi)
        links[int(units[rep]), int(units[member])] = Link(
            int(units[i]),
            int(units[j]),
            int(matches.t[row]),
            int(matches.distance[row]),
            float(corr[row]),
        )
    return links


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


def _describe(
    t: int, forward: bool
) -> tuple[MatchKind | None, MatchSearch, int, tuple[float, float, float, float] | None] | None:
    """(kind or None for "the same picture", search, transform index, crop window) of a
    pair found with `Pairs.t` code `t`, seen from its j side (`forward`) or its i side."""
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
    links: Mapping[tuple[int, int], Link],
) -> list[MatchEvidence | None]:
    """The evidence of each copy of one set, in `files` order ((path, unit) of each copy;
    None for the keeper, `files[keeper]`). `cluster` is the set's units, its
    representative first; `metrics(unit)` its metrics. A copy with the keeper's bytes is
    an exact copy of it; any other copy is said next to the keeper when one of the two
    is the representative, else next to the representative, which both matched."""
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
        if link is None or against_path is None:
            out.append(None)
            continue
        out.append(
            member_evidence(link, unit, against, against_path, metrics(unit), metrics(against))
        )
    return out
