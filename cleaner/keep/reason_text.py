"""A group's keeper reason in the user's language, made when it is shown.

A result file stores the reason twice: as one English sentence (`DuplicateGroup.reason`,
for people and scripts reading the file, and for results saved before the parts were
recorded) and as a code and values (`DuplicateGroup.reason_parts`). The command line,
the report and the window all say it through `keeper_reason_text` / `shown_reason`,
which build it from the parts with the catalog's sentences; a result without parts
shows its stored sentence as it is. In English the words are the stored sentence's
(a test compares them), so a result reads the same however it is shown.
"""

from __future__ import annotations

from collections.abc import Callable

from cleaner.humanize import criterion_label
from cleaner.i18n import N_, _, ngettext, number
from cleaner.keep.reason import KeeperReason
from cleaner.models import (
    REASON_CRITERION,
    REASON_IDENTICAL,
    REASON_ONLY_COPY,
    REASON_ONLY_INTACT,
    REASON_PROTECTED,
    DamageReason,
    DuplicateGroup,
    KeeperReasonParts,
)
from cleaner.phrases import value_words

_FIXED = {
    REASON_ONLY_COPY: N_("the only copy"),
    REASON_ONLY_INTACT: N_("the only intact copy"),
    REASON_PROTECTED: N_("in a protected folder"),
    REASON_IDENTICAL: N_("all copies are identical; the first by name"),
}

# How the copies a criterion beat are said, singular and plural by how many it beat
# ("{who}" is the subject with its verb: "the other copy is", "others are"). The same
# words as each criterion's `others_phrase`, which writes the stored English sentence.
# Translators: {who} is the subject, "the other copy is" / "others are" / "2 of the 3
# other copies are", translated on its own; in a language whose verb must agree with the
# adjective, translate {who} without the verb and put the verb here (Spanish does).
_OTHERS: dict[str, Callable[[int], str]] = {
    "resolution": lambda n: ngettext("{who} smaller ({theirs})", "{who} smaller ({theirs})", n),
    "metadata": lambda n: ngettext(
        "{who} without that metadata ({theirs})", "{who} without that metadata ({theirs})", n
    ),
    "lossless": lambda n: ngettext("{who} {theirs}", "{who} {theirs}", n),
    "jpeg_quality": lambda n: ngettext(
        "{who} more compressed ({theirs})", "{who} more compressed ({theirs})", n
    ),
    "sharpness": lambda n: ngettext("{who} blurrier", "{who} blurrier", n),
    "not_export": lambda n: ngettext("{who} {theirs}", "{who} {theirs}", n),
    "oldest_capture": lambda n: ngettext("{who} newer ({theirs})", "{who} newer ({theirs})", n),
    "path_rules": lambda n: ngettext(
        "{who} in less preferred places ({theirs})", "{who} in less preferred places ({theirs})", n
    ),
    "largest_file": lambda n: ngettext(
        "{who} smaller files ({theirs})", "{who} smaller files ({theirs})", n
    ),
    "oldest_file": lambda n: ngettext("{who} newer files", "{who} newer files", n),
}

# A damaged copy's damage as it reads inside the reason (the label without "damaged: ").
_DAMAGE_WORDS = {
    DamageReason.PNG_CHECKSUM.value: N_("a checksum inside the PNG file does not match"),
    DamageReason.JPEG_CORRUPT_DATA.value: N_("the JPEG picture data is corrupt"),
    DamageReason.TRUNCATED.value: N_("the file is cut short (its end is missing)"),
}


def _word(value: str) -> str:
    """One stored value in the user's language: a marked phrase is translated, anything
    else ("6000x4000") is shown as stored."""
    return _(value) if value else ""


def _other(p: KeeperReasonParts, n: int) -> str:
    """The n-th beaten copy's value, from its phrases when they were recorded ("JPEG
    quality 85" in the user's language), else as `_word` says it."""
    phrases = p.others_phrases[n] if n < len(p.others_phrases) else ()
    return value_words(p.others[n], phrases)


def _subject(beaten: int, of: int) -> str:
    if beaten == of:
        return _("the other copy is") if of == 1 else _("others are")
    return ngettext(
        "{n} of the {of} other copies is", "{n} of the {of} other copies are", beaten
    ).format(n=number(beaten), of=number(of))


def _headline(p: KeeperReasonParts) -> str | None:
    if p.code in _FIXED:
        return _(_FIXED[p.code])
    if p.code != REASON_CRITERION or p.criterion not in _OTHERS:
        return None  # written by a newer PhotoSift: its stored sentence says it
    theirs = ", ".join(_other(p, n) for n in range(len(p.others))) + (" ..." if p.more else "")
    others = _OTHERS[p.criterion](p.beaten).format(who=_subject(p.beaten, p.of), theirs=theirs)
    # Translators: the keeper's value, then how the other copies lost: "6000x4000; others
    # are smaller (1024x683)"
    keeper = value_words(p.keeper, p.keeper_phrases) + _word(p.note)
    return _("{keeper}; {others}").format(keeper=keeper, others=others)


def _damaged(p: KeeperReasonParts) -> str:
    if not p.damaged:
        return ""
    words = "; ".join(_(_DAMAGE_WORDS[c]) if c in _DAMAGE_WORDS else c for c in p.damage)
    if p.damaged_of == 1:
        return _("; the other copy is damaged ({damage})").format(damage=words)
    return ngettext(
        "; {n} of the {of} other copies is damaged ({damage})",
        "; {n} of the {of} other copies are damaged ({damage})",
        p.damaged,
    ).format(n=number(p.damaged), of=number(p.damaged_of), damage=words)


def shown_reason(group: DuplicateGroup) -> KeeperReason:
    """The group's keeper reason in its two parts (headline, aside), in the user's
    language; as stored when the result has no parts (an older result) or parts this
    version cannot say. Neither part has the "kept: " prefix."""
    p = group.reason_parts
    headline = None if p is None else _headline(p)
    if p is None or headline is None:
        return KeeperReason.from_stored(group.reason)
    aside = ""
    if p.differ_by:
        labels = ", ".join(criterion_label(k) for k in p.differ_by)
        aside = _("(other copies differ by {criteria})").format(criteria=labels)
    # a note on damaged copies is written last, so it belongs to the aside when there is
    # one (as `KeeperReason.from_stored` reads the stored sentence)
    if aside:
        return KeeperReason(headline, aside + _damaged(p))
    return KeeperReason(headline + _damaged(p))


def keeper_reason_text(group: DuplicateGroup) -> str:
    """The whole reason as one line in the user's language ("kept: 6000x4000; others are
    smaller (1024x683)"), for the command line and the reports; the stored sentence as it
    is for a result without parts."""
    p = group.reason_parts
    if p is None or _headline(p) is None:
        return group.reason
    return _("kept: {reason}").format(reason=shown_reason(group).full)
