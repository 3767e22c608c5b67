"""Choosing the copy to keep: score every copy of a picture and rank them by the
user's criteria. Reads only `cleaner.models` (and `cleaner.humanize` for sizes); the
scan calls it at the end.

- `candidate`: one copy as the choice sees it, and the user's path rules;
- `criteria`: the table of keeper criteria (one entry per criterion);
- `quality`: the 0-100 score and the keeper choice, which reads the table;
- `reason`: the stored keeper reason, written and split into its parts;
- `reason_text`: the keeper reason in the user's language, from its code and values.
"""

from cleaner.keep.candidate import Candidate, PathRules
from cleaner.keep.criteria import (
    CRITERIA,
    CRITERIA_BY_KEY,
    CRITERIA_KEYS,
    DEFAULT_CRITERIA,
    CopyContext,
    KeeperCriterion,
    parse_criteria,
    relative_sharpness,
)
from cleaner.keep.quality import KeeperChoice, choose_keeper
from cleaner.keep.reason import KeeperReason, kept_over_words
from cleaner.keep.reason_text import keeper_reason_text, shown_reason
from cleaner.keep.score import (
    QualityBreakdown,
    QualityPart,
    part_label,
    part_words,
    quality_breakdown,
    quality_score,
)

__all__ = [
    "CRITERIA",
    "CRITERIA_BY_KEY",
    "CRITERIA_KEYS",
    "DEFAULT_CRITERIA",
    "Candidate",
    "CopyContext",
    "KeeperChoice",
    "KeeperCriterion",
    "KeeperReason",
    "PathRules",
    "QualityBreakdown",
    "QualityPart",
    "choose_keeper",
    "keeper_reason_text",
    "kept_over_words",
    "parse_criteria",
    "part_label",
    "part_words",
    "quality_breakdown",
    "quality_score",
    "relative_sharpness",
    "shown_reason",
]
