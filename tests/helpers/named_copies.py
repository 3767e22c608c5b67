"""Sets of copies at chosen paths, as a finished scan result: for the tests of what the
window shows to tell one copy from another (names, folders, the compare dialog)."""

from __future__ import annotations

from dataclasses import replace

from cleaner.models import DuplicateGroup, ScanResult
from tests.helpers.synthetic_result import result_of, synthetic_groups


def named_group(paths: list[str], group_id: int = 1) -> DuplicateGroup:
    """One set whose copies are `paths` (the first is the suggested keeper)."""
    template = synthetic_groups(1, per_group=len(paths))[0]
    members = tuple(
        replace(m, entry=replace(m.entry, path=p, inode=group_id * 1000 + k))
        for k, (m, p) in enumerate(zip(template.members, paths, strict=True))
    )
    return replace(template, id=group_id, members=members)


def named_result(groups: list[DuplicateGroup], roots: tuple[str, ...]) -> ScanResult:
    return result_of(groups, roots)
