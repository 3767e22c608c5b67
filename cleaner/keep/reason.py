"""The keeper reason: written as one string, read back in its parts.

A group's reason is stored as one string in a result file ("kept: 6000x4000; others are
smaller (1024x683) (other copies differ by sharpest)"), and a saved result must read
the same as a fresh one, so the string's wording is fixed. The words that mark its
parts live here, used both by the writer (`cleaner.keep.quality.choose_keeper`) and by
`KeeperReason.from_stored`, so a reader never parses the engine's English itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cleaner.humanize import criterion_label, kept_over_summary
from cleaner.i18n import _
from cleaner.models import KEPT_OVER_DAMAGED, KEPT_OVER_PROTECTED, KEPT_OVER_TIE, KeptOver

KEPT_PREFIX = "kept: "
# opens the aside that names the other criteria the losing copies also differ by
_ASIDE_MARK = " (other copies differ by"


def aside(labels: Iterable[str]) -> str:
    """' (other copies differ by sharpest, largest file)': appended to a reason."""
    return f"{_ASIDE_MARK} {', '.join(labels)})"


@dataclass(frozen=True, slots=True)
class KeeperReason:
    """A stored reason in two parts: the headline says why the keeper won ("6000x4000;
    others are smaller (1024x683)"), the aside is detail for a tooltip ("(other copies
    differ by sharpest)"), or "" when there is none. Neither has the "kept: " prefix.

    The aside runs from its opening words to the end of the reason, so anything written
    after it (a note on damaged copies) belongs to the aside, not the headline.
    """

    headline: str
    aside: str = ""

    @classmethod
    def from_stored(cls, reason: str) -> KeeperReason:
        """Split a group's stored reason; any string is accepted (a result file may hold
        anything), and `full` gives back the text after "kept: " unchanged."""
        text = reason.removeprefix(KEPT_PREFIX)
        headline, mark, rest = text.partition(_ASIDE_MARK)
        return cls(headline, mark.lstrip() + rest if mark else "")

    @property
    def full(self) -> str:
        """Headline and aside together, as stored (without "kept: ")."""
        return f"{self.headline} {self.aside}" if self.aside else self.headline


def kept_over_words(k: KeptOver) -> str:
    """Why the keeper won over one copy, in one phrase that names the criterion, in the
    user's language: "highest resolution: 2560x1600 vs. 1024x640"; "this copy is damaged
    (...)". The values are stored in English: a value that is a marked phrase ("an
    original", "intact") is translated, one made of parts ("JPEG quality 85") is not yet."""
    if k.criterion == KEPT_OVER_DAMAGED:
        return _("this copy is {damage}").format(damage=_(k.copy_value))
    if k.criterion == KEPT_OVER_PROTECTED:
        return _("the kept copy is in a protected folder")
    if k.criterion == KEPT_OVER_TIE:
        return kept_over_summary(k)
    return f"{criterion_label(k.criterion)}: {kept_over_summary(k)}"
