"""The choice of the copy to keep.

The keeper is decided by an ordered list of criteria that the user can reorder (the
table in `cleaner.keep.criteria`). Each criterion gives every copy a sort key (smaller
is better) and a phrase that describes the winner. The keeper is the first copy under
the combined key, and the reason names the criterion that separated it from the others:
"kept: 6000x4000, camera EXIF; others are smaller (1024x683)". This module knows no
criterion by name: it applies whichever the table holds, in the order it is given.

The 0-100 quality score is separate (`cleaner.keep.score`): an absolute grade of one
file, shown on every tile, that does not depend on the other copies.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace

from cleaner.i18n import N_
from cleaner.keep.candidate import Candidate, PathRules, damaged
from cleaner.keep.criteria import (
    DEFAULT_CRITERIA,
    CopyContext,
    KeeperCriterion,
)
from cleaner.keep.reason import KEPT_PREFIX, aside
from cleaner.models import (
    KEPT_OVER_DAMAGED,
    KEPT_OVER_PROTECTED,
    KEPT_OVER_TIE,
    REASON_CRITERION,
    REASON_IDENTICAL,
    REASON_ONLY_COPY,
    REASON_ONLY_INTACT,
    REASON_PROTECTED,
    KeeperReasonParts,
    KeptOver,
)
from cleaner.phrases import phrases_of


@dataclass(frozen=True, slots=True)
class KeeperChoice:
    keeper: int  # index into the candidates
    # the first criterion that set the keeper apart; None: a full tie
    deciding: KeeperCriterion | None
    reason: str
    # per candidate, why the keeper won over it (None for the keeper itself)
    kept_over: tuple[KeptOver | None, ...] = ()
    # `reason` as a code and values, to be said in the user's language when shown
    parts: KeeperReasonParts | None = None


def _shown(path: str) -> str:
    shown = os.fsencode(path).decode("utf-8", "replace")
    folder = os.path.basename(os.path.dirname(shown))
    name = os.path.basename(shown)
    return f"{folder}/{name}" if folder else name


def kept_over(
    keeper: Candidate,
    other: Candidate,
    criteria: Sequence[KeeperCriterion],
    ctx: CopyContext,
) -> KeptOver:
    """Why `keeper` goes before `other` in the keeper choice: the first part of the choice's
    sort key on which they differ (damage, then a protected folder, then each criterion in
    the user's order), with both copies' values in words; a tie when none differs."""
    if damaged(other) and not damaged(keeper):
        m = other.metrics
        words = m.damage_message if m is not None else "damaged"
        return KeptOver(KEPT_OVER_DAMAGED, N_("intact"), words)
    if keeper.protected and not other.protected:
        protected, unprotected = N_("in a protected folder"), N_("not in a protected folder")
        return KeptOver(KEPT_OVER_PROTECTED, protected, unprotected)
    for criterion in criteria:
        if criterion.sort_key(keeper, ctx) != criterion.sort_key(other, ctx):
            mine, theirs = criterion.compare(keeper, other, ctx)
            # plain English stored, and the phrases it was made of beside it
            return KeptOver(
                criterion.key, str(mine), str(theirs), phrases_of(mine), phrases_of(theirs)
            )
    return KeptOver(KEPT_OVER_TIE, _shown(keeper.path), _shown(other.path))


def choose_keeper(
    candidates: Sequence[Candidate],
    criteria: Sequence[KeeperCriterion] = DEFAULT_CRITERIA,
    rules: PathRules | None = None,
    *,
    _others: int = 0,  # how many other copies the reason speaks of (0: all but the keeper)
) -> KeeperChoice:
    """Pick the copy to keep and say why, in words."""
    rules = rules or PathRules()
    if not candidates:
        raise ValueError("no candidates")
    ctx = CopyContext.of(candidates, rules)

    def key(index: int) -> tuple[object, ...]:
        c = candidates[index]
        # a damaged copy never beats an intact one: not the criteria, not a protected
        # folder (a protected copy is never suggested for removal anyway)
        parts: list[object] = [1 if damaged(c) else 0, 0 if c.protected else 1]
        for criterion in criteria:
            parts.extend(criterion.sort_key(c, ctx))
        parts.append(c.path)  # the final, stable tie-break
        return tuple(parts)

    order = sorted(range(len(candidates)), key=key)
    keeper = order[0]
    k = candidates[keeper]
    if len(candidates) == 1:
        only = KeeperReasonParts(REASON_ONLY_COPY)
        return KeeperChoice(keeper, None, KEPT_PREFIX + "the only copy", (None,), only)
    broken = [i for i in order[1:] if damaged(candidates[i])]
    if broken and not damaged(k):
        # decide among the intact copies, then say why the damaged ones lost
        intact = [i for i in order if not damaged(candidates[i])]
        inner = choose_keeper(
            [candidates[i] for i in intact], criteria, rules, _others=len(candidates) - 1
        )
        reason = (KEPT_PREFIX + "the only intact copy") if len(intact) == 1 else inner.reason
        parts = KeeperReasonParts(REASON_ONLY_INTACT) if len(intact) == 1 else inner.parts
        # plain words only ("a checksum inside the PNG file does not match"): the technical
        # detail is in the copy's own flag (tooltip, compare, report)
        words = sorted(
            {
                m.damage.label.removeprefix("damaged: ")
                for i in broken
                if (m := candidates[i].metrics) and m.damage
            }
        )
        if len(candidates) == 2:
            subject = "the other copy is"
        else:
            of = f"of the {len(candidates) - 1} other copies"
            subject = f"1 {of} is" if len(broken) == 1 else f"{len(broken)} {of} are"
        reason += f"; {subject} damaged ({'; '.join(words)})"
        if parts is not None:
            codes = sorted(
                {m.damage.value for i in broken if (m := candidates[i].metrics) and m.damage}
            )
            parts = replace(
                parts, damaged=len(broken), damaged_of=len(candidates) - 1, damage=tuple(codes)
            )
        chosen = intact[inner.keeper]
        per_copy: list[KeptOver | None] = []
        won = candidates[chosen]
        for i, c in enumerate(candidates):
            if i == chosen:
                per_copy.append(None)
            elif damaged(c):
                per_copy.append(kept_over(won, c, criteria, ctx))
            else:  # the intact copies were ranked among themselves
                per_copy.append(inner.kept_over[intact.index(i)])
        return KeeperChoice(chosen, inner.deciding, reason, tuple(per_copy), parts)
    over = tuple(
        None if i == keeper else kept_over(k, c, criteria, ctx) for i, c in enumerate(candidates)
    )
    deciding: KeeperCriterion | None = None
    beaten: dict[KeeperCriterion, list[int]] = {}
    for other in order[1:]:
        o = candidates[other]
        for criterion in criteria:
            if criterion.sort_key(k, ctx) != criterion.sort_key(o, ctx):
                beaten.setdefault(criterion, []).append(other)
                break
    if beaten:
        deciding = min(beaten, key=lambda c: list(criteria).index(c))
    if k.protected and any(not candidates[i].protected for i in order[1:]):
        protected = KeeperReasonParts(REASON_PROTECTED)
        return KeeperChoice(
            keeper, deciding, KEPT_PREFIX + "in a protected folder", over, protected
        )
    if deciding is None:
        identical = KeeperReasonParts(REASON_IDENTICAL)
        return KeeperChoice(
            keeper,
            None,
            KEPT_PREFIX + "all copies are identical; the first by name",
            over,
            identical,
        )
    others = beaten[deciding]
    note = deciding.keeper_note(k)
    mine = deciding.describe(k, ctx) + note
    theirs = sorted({deciding.describe(candidates[i], ctx) for i in others})
    # true of every copy it speaks of: "the other copy" only when there is one other,
    # "others" only when the criterion beat all of them, else how many of how many
    rest = _others or len(candidates) - 1
    if len(others) == rest:
        subject = "the other copy is" if rest == 1 else "others are"
    elif len(others) == 1:
        subject = f"1 of the {rest} other copies is"
    else:
        subject = f"{len(others)} of the {rest} other copies are"
    joined = ", ".join(theirs[:3]) + (" ..." if len(theirs) > 3 else "")
    reason = f"{KEPT_PREFIX}{mine}; " + deciding.others_phrase(subject, joined)
    differ_by = [c for c in criteria if c in beaten and c is not deciding]
    if len(beaten) > 1:
        reason += aside(c.label.lower() for c in differ_by)
    keeper_value = deciding.describe(k, ctx)
    others_phrases = tuple(phrases_of(t) for t in theirs[:3])
    parts = KeeperReasonParts(
        REASON_CRITERION,
        criterion=deciding.key,
        keeper=str(keeper_value),
        note=note,
        others=tuple(str(t) for t in theirs[:3]),
        more=len(theirs) > 3,
        beaten=len(others),
        of=rest,
        differ_by=tuple(c.key for c in differ_by),
        keeper_phrases=phrases_of(keeper_value),
        others_phrases=others_phrases if any(others_phrases) else (),
    )
    return KeeperChoice(keeper, deciding, reason, over, parts)
