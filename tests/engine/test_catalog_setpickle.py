"""The score workers' sets as `cleaner.catalog.setpickle` sends them back: every field of
every object as it was (those `==` does not compare too), each entry the receiver's own."""

from __future__ import annotations

from cleaner.catalog import setpickle
from cleaner.models import (
    DamageReason,
    DuplicateGroup,
    FileEntry,
    GroupKind,
    GroupMember,
    ImageMetrics,
    KeeperReasonParts,
    KeptOver,
    MatchEvidence,
    MatchKind,
    MatchSearch,
    Phrase,
    TimeSource,
)


def _metrics(width: int, damage: DamageReason | None) -> ImageMetrics:
    return ImageMetrics(
        format="JPEG", width=width, height=3000, lossless=False, jpeg_quality=85,
        sharpness=-0.0, detail=31.5, capture_time="2019-07-16 12:16:07", camera="X100V",
        has_gps=True, has_exif=True, looks_like_screenshot=False, looks_like_export=False,
        orientation=6, damage=damage, damage_detail="bad CRC" if damage else "",
        colour_count=None, capture_time_source=TimeSource.ORIGINAL,
    )  # fmt: skip


def _sets(entries: list[FileEntry]) -> list[DuplicateGroup | int | None]:
    camera = (Phrase("camera_data", (("camera", "X100V"),)), Phrase("gps"))
    kept = KeptOver("metadata", "camera data (X100V), GPS", "none", camera, ())
    keeper, copy, third = entries
    members = (
        GroupMember(keeper, _metrics(4000, None), "ab" * 32, 94, 0, True),
        GroupMember(
            copy, _metrics(2000, next(iter(DamageReason))), "cd" * 32, 80, 3, False,
            protected=False, suggested_remove=True, kept_over=kept,
            match=MatchEvidence(
                MatchKind.RESIZED, keeper.path, MatchSearch.CROP, "rot90", 4, 0.93, True,
                (0.1, 0.0, 0.9, 1.0),
            ),
        ),
        GroupMember(third, None, None, 0, 0, False, protected=True, kept_over=kept),
    )  # fmt: skip
    parts = KeeperReasonParts(
        "criterion", "metadata", "camera data (X100V), GPS", others=("none",), beaten=1,
        of=2, keeper_phrases=camera, others_phrases=((),),
    )  # fmt: skip
    group = DuplicateGroup(0, GroupKind.SIMILAR, members, "kept: camera data", "metadata", parts)
    return [group, None, 7]


def test_sets_come_back_whole_around_the_receivers_entries() -> None:
    sent = [
        FileEntry("nas-1:2019/a.jpg", 10, 1, 2049, 5),
        FileEntry("nas-2:2019/a.jpg", 11, 2, 2049, 6, hardlinks=("nas-2:b.jpg",), nlink=2),
        FileEntry("nas-2:masters/a.jpg", 12, 3, 2049, 7),
    ]
    data = setpickle.dumps(_sets(sent), sent)
    # the receiver's entries: equal to the ones sent, other objects
    own = [FileEntry(*(getattr(e, f) for f in e.__slots__)) for e in sent]
    got = setpickle.loads(data, own)
    want = _sets(own)
    assert got == want
    assert repr(got) == repr(want)  # the phrases, which == does not compare, too
    members = got[0].members
    assert all(m.entry is e for m, e in zip(members, own, strict=True))
    assert b"masters" not in data  # entries travel as positions only
    assert b"nas-2:b.jpg" not in data
