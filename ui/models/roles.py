"""Custom item roles shared by the models and the delegates."""

from __future__ import annotations

from PySide6.QtCore import Qt

_BASE = int(Qt.ItemDataRole.UserRole)

GroupRole = _BASE + 1  # DuplicateGroup
MemberRole = _BASE + 2  # GroupMember
ThumbnailRole = _BASE + 3  # QPixmap | None (None: not decoded yet or failed)
ThumbnailErrorRole = _BASE + 4  # str | None: why there is no picture
MarkedRole = _BASE + 5  # bool: this copy is marked for removal
LockedRole = _BASE + 6  # bool: in a protected folder, cannot be marked
KeeperRole = _BASE + 7  # bool: the engine's suggested keeper
ReasonRole = _BASE + 8  # str: the group's reason for its keeper
SortRole = _BASE + 9  # tuple: the group's sort key under the current order
CopiesRole = _BASE + 10  # int
ReclaimRole = _BASE + 11  # int: bytes the engine's suggestion frees
FolderRole = _BASE + 12  # str: the keeper's folder
MarkedCountRole = _BASE + 13  # int: copies marked in the group
MarkedBytesRole = _BASE + 14  # int: bytes the group's marks free
PathRole = _BASE + 15  # str
SessionRowRole = _BASE + 16  # int: the row of the group in ReviewSession.groups
QualityTipRole = _BASE + 17  # str: what the quality score is made of, in words
# (30: apart from the roles above, so roles added beside them do not collide)
LinesRole = _BASE + 30  # tuple[str, ...]: the text a delegate paints, before eliding
ChangedRole = _BASE + 40  # bool: changed on disk since a saved review, cannot be marked
MatchRole = _BASE + 50  # str: what matched a copy, in a few words ("" for the keeper)
# A review of catalogs (ui.catalog_places): the server label of a copy ("" otherwise), and
# the labels a set's copies are on when there are several (() otherwise)
LabelRole = _BASE + 60  # str
SpansRole = _BASE + 61  # tuple[str, ...]
