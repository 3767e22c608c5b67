"""Marking many copies at once (Marks menu): every copy inside a folder, keep the newest /
oldest / largest / the one inside a folder in every set, invert one set's marks.

Each action works out the wanted marks of every set, then `_settle` holds them to the
review's rules before `ReviewSession.replace_marks` sets them in one go:

- a locked copy is never marked (`ReviewSession.is_locked`): one in a protected folder, or
  one changed or gone since the review was saved (counted apart: it is not protected);
- a copy of the picture stays in every set (at least one copy unmarked), and one still as
  scanned: a copy that changed or vanished since the review was saved
  (`ReviewSession.is_changed`) is no copy to lean on;
- an intact copy is marked only while another intact copy stays: a damaged copy is no copy
  to lean on (the same rule as `cleaner.plan_removal`'s "only damaged copies left").

A copy the rules keep is counted with its reason; `BulkOutcome.message()` says it all in
one sentence for the status bar.
"""

from __future__ import annotations

import enum
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cleaner import GroupMember, _, ngettext, number
from ui.format import plural
from ui.models.session import ReviewSession, in_folders


class KeptBecause(str, enum.Enum):
    PROTECTED = "in a protected folder"
    CHANGED = "changed or gone since the review was saved"  # locked by `set_changed`
    LAST_COPY = "the last copy of its set"
    ONLY_DAMAGED_LEFT = "the last intact copy of its set"
    OTHERS_CHANGED = "the last copy of its set not changed or gone"


def _kept_words(reason: KeptBecause, n: int) -> str:
    """ "3 copies in a protected folder": one whole message per reason, with its plural."""
    if reason is KeptBecause.PROTECTED:
        text = ngettext("{n} copy in a protected folder", "{n} copies in a protected folder", n)
    elif reason is KeptBecause.CHANGED:
        text = ngettext(
            "{n} copy changed or gone since the review was saved",
            "{n} copies changed or gone since the review was saved",
            n,
        )
    elif reason is KeptBecause.LAST_COPY:
        text = ngettext(
            "{n} copy the last copy of its set", "{n} copies the last copy of its set", n
        )
    elif reason is KeptBecause.ONLY_DAMAGED_LEFT:
        text = ngettext(
            "{n} copy the last intact copy of its set",
            "{n} copies the last intact copy of its set",
            n,
        )
    else:
        text = ngettext(
            "{n} copy the last copy of its set not changed or gone",
            "{n} copies the last copy of its set not changed or gone",
            n,
        )
    return text.format(n=number(n))


# What the Marks menu says of the sets an action left alone (`BulkOutcome.message`'s
# `skipped_words`, passed in English by ui.marks_menu): each a whole sentence here.
NO_COPY_IN_FOLDER = "have no copy in that folder"
NO_COPY_LEFT_ALONE = "have no copy in that folder, left as they were"


def _skipped_sentence(words: str, n: int) -> str:
    if words == NO_COPY_IN_FOLDER:
        text = ngettext(
            "{n} set has no copy in that folder.", "{n} sets have no copy in that folder.", n
        )
    elif words == NO_COPY_LEFT_ALONE:
        text = ngettext(
            "{n} set has no copy in that folder, left as it was.",
            "{n} sets have no copy in that folder, left as they were.",
            n,
        )
    else:  # words not known here: as written
        return f"{plural(n, 'set')} {words}."
    return text.format(n=number(n))


@dataclass
class BulkOutcome:
    """What a bulk action did."""

    marked: int = 0  # copies newly marked for removal
    unmarked: int = 0  # copies newly kept
    sets_changed: int = 0
    kept: Counter[KeptBecause] = field(default_factory=Counter)  # copies the rules kept
    sets_skipped: int = 0  # sets the action did not apply to (no copy in the folder)

    def message(self, skipped_words: str = "") -> str:
        marked = ngettext(
            "{n} copy marked for removal", "{n} copies marked for removal", self.marked
        ).format(n=number(self.marked))
        sets = self.sets_changed
        if self.unmarked:
            unmarked = ngettext("{n} copy now kept", "{n} copies now kept", self.unmarked).format(
                n=number(self.unmarked)
            )
            text = ngettext(
                "{marked}, {unmarked} (in {n} set).", "{marked}, {unmarked} (in {n} sets).", sets
            ).format(marked=marked, unmarked=unmarked, n=number(sets))
        else:
            text = ngettext("{marked} (in {n} set).", "{marked} (in {n} sets).", sets).format(
                marked=marked, n=number(sets)
            )
        if self.kept:
            why = "; ".join(_kept_words(reason, n) for reason, n in self.kept.items())
            text += " " + _("Not marked, because always kept: {reasons}.").format(reasons=why)
        if self.sets_skipped and skipped_words:
            text += " " + _skipped_sentence(skipped_words, self.sets_skipped)
        return text


def is_damaged(member: GroupMember) -> bool:
    return member.metrics is not None and member.metrics.damaged


def _settle(
    session: ReviewSession, row: int, wanted: list[bool], outcome: BulkOutcome
) -> list[bool]:
    """`wanted` held to the rules; copies it had to keep are counted in `outcome`."""
    members = session.groups[row].members
    before = [session.is_marked(row, i) for i in range(len(members))]
    # changed since the review was saved: locked (never marked), and no copy to lean on
    changed = [session.is_changed(row, i) for i in range(len(members))]
    for i in range(len(members)):
        if wanted[i] and session.is_locked(row, i):
            wanted[i] = False
            if not before[i]:
                outcome.kept[KeptBecause.CHANGED if changed[i] else KeptBecause.PROTECTED] += 1

    def best_marked(candidates: list[int]) -> int:
        # keep back a copy this action marked rather than one the user had marked; the
        # best of them (quality), so the copy that stays is the one worth keeping
        return max(candidates, key=lambda i: (not before[i], members[i].quality, -i))

    # the copies that may count as the one that stays
    sound = [i for i in range(len(members)) if not changed[i]]
    last = KeptBecause.OTHERS_CHANGED if any(changed) else KeptBecause.LAST_COPY
    intact = [i for i in sound if not is_damaged(members[i])]
    if intact and all(wanted[i] for i in intact):
        i = best_marked(intact)
        wanted[i] = False
        # only damaged copies would stay: or none at all, when they are marked too
        damaged_stay = any(not wanted[k] for k in sound if k not in intact)
        reason = KeptBecause.ONLY_DAMAGED_LEFT if damaged_stay else last
        if not before[i]:
            outcome.kept[reason] += 1
    if sound and all(wanted[i] for i in sound):  # every sound copy damaged, every one marked
        i = best_marked(sound)
        wanted[i] = False
        if not before[i]:
            outcome.kept[last] += 1
    return wanted


def _apply(session: ReviewSession, wanted_of: Callable[[int], list[bool] | None]) -> BulkOutcome:
    outcome = BulkOutcome()
    changes: dict[int, list[bool]] = {}
    for row in range(len(session.groups)):
        wanted = wanted_of(row)
        if wanted is None:
            outcome.sets_skipped += 1
            continue
        wanted = _settle(session, row, wanted, outcome)
        before = [session.is_marked(row, i) for i in range(len(wanted))]
        if wanted == before:
            continue
        changes[row] = wanted
        outcome.marked += sum(1 for w, b in zip(wanted, before, strict=True) if w and not b)
        outcome.unmarked += sum(1 for w, b in zip(wanted, before, strict=True) if b and not w)
    outcome.sets_changed = len(changes)
    if changes:
        refused = session.replace_marks(changes)
        assert not refused, refused  # _settle already holds every rule replace_marks checks
    return outcome


def _folder(path: str) -> list[str]:
    return [os.path.normcase(os.path.abspath(path)).rstrip(os.sep)]


def mark_folder(session: ReviewSession, folder: str) -> BulkOutcome:
    """Mark every copy inside `folder` (and below), in every set; other marks stay.
    Sets with no copy there are counted in `sets_skipped`."""
    folders = _folder(folder)

    def wanted(row: int) -> list[bool] | None:
        members = session.groups[row].members
        inside = [in_folders(m.path, folders) for m in members]
        if not any(inside):
            return None
        return [session.is_marked(row, i) or inside[i] for i in range(len(members))]

    return _apply(session, wanted)


class Pick(str, enum.Enum):
    NEWEST = "newest"
    OLDEST = "oldest"
    LARGEST = "largest"


def _pick_key(pick: Pick) -> Callable[[GroupMember], float]:
    if pick is Pick.NEWEST:
        return lambda m: m.entry.mtime_ns
    if pick is Pick.OLDEST:
        return lambda m: -m.entry.mtime_ns
    return lambda m: m.entry.size


def _keep_only(
    members: Sequence[GroupMember], candidates: list[int], key: Callable[[GroupMember], float]
) -> int:
    """The copy to keep among `candidates`: intact ones first, then by `key`; a tie goes
    to the engine's keeper, then to the better quality."""
    intact = [i for i in candidates if not is_damaged(members[i])] or candidates
    return max(
        intact,
        key=lambda i: (key(members[i]), members[i].is_keeper, members[i].quality, -i),
    )


def keep_one(session: ReviewSession, pick: Pick) -> BulkOutcome:
    """In every set keep the newest / oldest (file date) / largest (file size) copy and mark
    every other one."""
    key = _pick_key(pick)

    def wanted(row: int) -> list[bool]:
        members = session.groups[row].members
        keep = _keep_only(members, list(range(len(members))), key)
        return [i != keep for i in range(len(members))]

    return _apply(session, wanted)


def keep_in_folder(session: ReviewSession, folder: str) -> BulkOutcome:
    """In every set with a copy inside `folder` keep that copy (the best one, if several)
    and mark every other one; sets without one are left as they are (`sets_skipped`)."""
    folders = _folder(folder)

    def wanted(row: int) -> list[bool] | None:
        members = session.groups[row].members
        inside = [i for i, m in enumerate(members) if in_folders(m.path, folders)]
        if not inside:
            return None
        keep = _keep_only(members, inside, lambda m: 0)
        return [i != keep for i in range(len(members))]

    return _apply(session, wanted)


def invert_set(session: ReviewSession, row: int) -> BulkOutcome:
    """Marked copies of set `row` become kept and kept ones marked (protected ones stay)."""

    def wanted(r: int) -> list[bool] | None:
        if r != row:
            return None
        return [not session.is_marked(r, i) for i in range(len(session.groups[r].members))]

    outcome = _apply(session, wanted)
    outcome.sets_skipped = 0
    return outcome
