"""Numbers in words a volunteer reads at a glance; shared by the command line,
the reports and the window."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cleaner import i18n
from cleaner.i18n import N_, _, day, ngettext, number, percent, time_of
from cleaner.models import (
    KEPT_OVER_TIE,
    ImageMetrics,
    KeptOver,
    MatchEvidence,
    MatchKind,
    MatchSearch,
    SkippedFile,
)
from cleaner.phrases import value_words

# What each keeper criterion is called, by its key (`cleaner.keep.criteria`, where each
# criterion's entry takes its label from here): the one table the window, the reports and
# the command line name criteria from, so a report never says "resolution" where the
# window said "Highest resolution". Here, not in `keep`, because the report may not read
# another room.
# The labels stay English here (a result's stored keeper reason names criteria by them);
# `criterion_label` and `criterion_title` give them in the user's language.
CRITERION_LABELS: dict[str, str] = {
    "resolution": N_("Highest resolution"),
    "metadata": N_("Richest metadata (camera, date, GPS)"),
    "lossless": N_("Lossless format"),
    "jpeg_quality": N_("Least compressed"),
    "sharpness": N_("Sharpest"),
    "not_export": N_("Not an export, thumbnail or screenshot"),
    "oldest_capture": N_("Oldest capture date"),
    "path_rules": N_("Preferred folders and names"),
    "largest_file": N_("Largest file"),
    "oldest_file": N_("Oldest file"),
}

# The special `KeptOver` criteria in words, for `criterion_label`.
_SPECIAL_CRITERIA = {
    "tie": N_("tie"),
    "damaged": N_("damaged"),
    "protected": N_("protected"),
}


def criterion_title(key: str) -> str:
    """A criterion's label in the user's language, as a heading ("Highest resolution")."""
    label = CRITERION_LABELS.get(key)
    return _(label) if label is not None else key.replace("_", " ")


def criterion_label(key: str) -> str:
    """A criterion's label as it reads inside a sentence ("highest resolution"), in the
    user's language; a key with no label (the special "tie", "damaged", "protected") in
    words."""
    label = CRITERION_LABELS.get(key)
    if label is None:
        special = _SPECIAL_CRITERIA.get(key)
        return _(special) if special is not None else key.replace("_", " ")
    text = _(label)
    return text[:1].lower() + text[1:]


def kept_over_summary(k: KeptOver) -> str:
    """Both copies' values in the user's language ("2560x1600 vs. 1024x640"). The values
    are stored in English: one that is a marked phrase ("an original", "intact") is
    translated, one made of parts ("JPEG quality 85") is said from its phrases
    (`cleaner.phrases`), or as stored in a result saved before they were recorded."""
    if k.criterion == KEPT_OVER_TIE:
        return _("equal on every criterion; the kept copy comes first by name")
    return _("{keeper} vs. {copy}").format(
        keeper=value_words(k.keeper_value, k.keeper_phrases),
        copy=value_words(k.copy_value, k.copy_phrases),
    )


def damage_words(metrics: ImageMetrics | None) -> str:
    """A damaged picture's damage in the user's language, or "" for an intact one
    (`ImageMetrics.damage_message` is the English a result file stores)."""
    if metrics is None or metrics.damage is None:
        return ""
    label = _(metrics.damage.label)
    return f"{label} ({metrics.damage_detail})" if metrics.damage_detail else label


def skipped_words(skip: SkippedFile) -> str:
    """Why a file was skipped, in the user's language ("permission denied: ..."); the
    result file stores the reason's code and `SkippedFile.message` in English."""
    label = _(skip.reason.label)
    return f"{label}: {skip.detail}" if skip.detail else label


def plural(n: int, one: str, many: str | None = None) -> str:
    """``1 file``, ``2 files``, ``1,000 batches`` (with `many` for irregular plurals)."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def human_bytes(n: float) -> str:
    """1 KB = 1000 bytes, as the file managers of Windows 11 and macOS count: "2.4 MB".
    English whatever the language (stored keeper reasons use it): `cleaner.i18n.human_size`
    in the "en" locale, which the window and the reports use to speak the user's."""
    return i18n.human_size(n, "en")


def human_duration(seconds: float) -> str:
    """A clock-style duration: 0:42, 12:05, 1:02:03."""
    total = max(0, round(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def plain_number(value: float) -> str:
    """A number as people write it, never in scientific notation: 0.00001, 0.023, 3."""
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def money(amount: float, currency: str) -> str:
    """An amount in plain decimals: ``1,234.50 USD``, ``0.02 USD``; below a cent it is
    ``less than 0.01 USD`` (never ``5.1e-05 USD``). English whatever the language:
    `cleaner.i18n.money` in the "en" locale (shown amounts use `i18n.money`)."""
    return i18n.money(amount, currency, "en")


def about_money(amount: float, currency: str) -> str:
    """``about 1.25 USD``, or ``less than 0.01 USD`` (which needs no "about"); English,
    `cleaner.i18n.about_money` in the "en" locale."""
    return i18n.about_money(amount, currency, "en")


def human_time(iso: str) -> str:
    """``27 Nov 2026, 12:27`` in local time from an ISO 8601 time (one without a time zone
    is taken as local); the text itself if it does not parse. English whatever the
    language: `cleaner.i18n.time_of` in the "en" locale."""
    return time_of(iso, "en")


def human_day(when: date) -> str:
    """``27 Nov 2026``: English month names whatever the locale, as everywhere PhotoSift
    names a day (the command line's history, the window's saved review)."""
    return day(when, "en")


# -- what matched, in words (`cleaner.models.MatchEvidence`) ------------------------------
# Every phrase the window, the report and the command line show for it is here, so that
# they say it the same way (and can be translated in one place).


@dataclass(frozen=True, slots=True)
class MatchWords:
    """A copy's evidence in words: `short` beside the copy ("turned 90° left"), `details`
    for its tooltip or a report's note, with the numbers ("Compared with harbour.jpg:
    hash 6 of 64 bits apart, thumbnails 97% alike.")."""

    short: str
    details: str
    numbers: str = ""  # "hash 6 of 64 bits apart, thumbnails 97% alike"; "" for an exact copy
    against: str = ""  # the file name of the copy compared with, when it is not the keeper

    def one_line(self) -> str:
        """For a list or a spreadsheet cell: "turned 90° left (hash 6 of 64 bits apart,
        thumbnails 97% alike)", with "compared with NAME" when that is not the keeper."""
        against = _("compared with {name}").format(name=self.against) if self.against else ""
        extra = [x for x in (self.numbers, against) if x]
        return f"{self.short} ({'; '.join(extra)})" if extra else self.short


_KIND_WORDS = {
    MatchKind.EXACT: N_("exact copy"),
    MatchKind.RESAVED: N_("same picture, re-saved"),
    MatchKind.RESIZED: N_("same picture, resized"),
    MatchKind.CONVERTED: N_("same picture, other file type"),
    MatchKind.SQUASHED: N_("squashed or stretched"),
    MatchKind.CROPPED: N_("cropped"),
    MatchKind.UNCROPPED: N_("uncropped"),
}

# How `against` was turned or mirrored into this copy (`TRANSFORM_NAMES`): numpy's and
# Pillow's quarter turn ("rotate90") is anticlockwise, a turn to the left.
_TRANSFORM_WORDS = {
    "identity": "",
    "rotate90": N_("turned 90° left"),
    "rotate180": N_("turned upside down"),
    "rotate270": N_("turned 90° right"),
    "mirror": N_("mirrored"),
    "mirror+rotate90": N_("mirrored and turned 90° left"),
    "mirror+rotate180": N_("mirrored top to bottom"),
    "mirror+rotate270": N_("mirrored and turned 90° right"),
}

_KIND_SENTENCES = {
    MatchKind.EXACT: N_("The same file contents, byte for byte, as {name}."),
    MatchKind.RESAVED: N_("The same picture as {name}, saved again."),
    MatchKind.RESIZED: N_("The same picture as {name}, at another size."),
    MatchKind.CONVERTED: N_("The same picture as {name}, saved as another file type."),
    MatchKind.SQUASHED: N_("The same picture as {name}, resized without keeping its proportions."),
    MatchKind.TURNED: N_("The same picture as {name}, {turn}."),
    MatchKind.MIRRORED: N_("The same picture as {name}, {turn}."),
    MatchKind.CROPPED: N_("A cropped part of {name}: it shows about {share} of it."),
    MatchKind.UNCROPPED: N_("{Name} is a cropped part of this copy: about {share} of it."),
}


def match_words(evidence: MatchEvidence | None, keeper: str | None = None) -> MatchWords | None:
    """What matched, in words; None when it is not known (a result saved before it was
    recorded): say nothing rather than guess. `keeper` is the path of the set's kept
    copy: the copy compared with is called "the kept copy" when it is that one, and by
    its file name otherwise."""
    if evidence is None:
        return None
    turn = _TRANSFORM_WORDS.get(evidence.transform, "")
    turn = _(turn) if turn else ""
    short = turn if evidence.kind in (MatchKind.TURNED, MatchKind.MIRRORED) else ""
    kind_words = _KIND_WORDS.get(evidence.kind)
    short = short or (_(kind_words) if kind_words else evidence.kind.value)
    name = os.path.basename(evidence.against) or evidence.against
    named = _("the kept copy ({name})").format(name=name) if evidence.against == keeper else name
    share = 100
    if evidence.window is not None:
        left, top, right, bottom = evidence.window
        share = round(100 * (right - left) * (bottom - top))
    sentence = _(_KIND_SENTENCES[evidence.kind]).format(
        name=named, Name=named[:1].upper() + named[1:], turn=turn, share=percent(share)
    )
    if evidence.kind in (MatchKind.CROPPED, MatchKind.UNCROPPED) and turn:
        sentence = sentence[:-1] + f", {turn}."
    numbers = []
    if evidence.distance is not None:
        numbers.append(
            ngettext(
                "hash {n} of 64 bits apart", "hash {n} of 64 bits apart", evidence.distance
            ).format(n=number(evidence.distance))
        )
    if evidence.correlation is not None:
        alike = percent(_percent(evidence.correlation))
        if evidence.detail:
            numbers.append(_("fine detail {percent} alike").format(percent=alike))
        elif evidence.search is MatchSearch.CROP:
            numbers.append(_("the cropped part {percent} alike").format(percent=alike))
        else:
            numbers.append(_("thumbnails {percent} alike").format(percent=alike))
    joined = ", ".join(numbers)
    details = sentence
    if joined:
        details += " " + joined[:1].upper() + joined[1:] + "."
    if evidence.detail:
        details += " " + _("A plain picture: compared on its fine detail, not its thumbnail.")
    if evidence.search is MatchSearch.SMOOTH:
        details += " " + _(
            "Found by the second search for smooth pictures (sky, soft backgrounds)."
        )
    against = "" if keeper is None or evidence.against == keeper else name
    return MatchWords(short, details, joined, against)


def _percent(correlation: float) -> int:
    """A correlation as a whole percentage, rounded down (0.996 is "99%", not "100%")."""
    return max(0, min(100, math.floor(correlation * 100 + 1e-9)))
