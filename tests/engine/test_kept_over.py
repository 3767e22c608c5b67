"""Why the keeper was chosen over each other copy (`GroupMember.kept_over`).

Issue 12: a group's one reason ("the other copy is without that metadata") was false of
some copies. Each copy now carries the first criterion, in the user's order, on which the
keeper beat it, with both values; these tests check that it is true of every copy.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.keep import (
    CRITERIA,
    CRITERIA_KEYS,
    Candidate,
    CopyContext,
    KeeperCriterion,
    KeeperReason,
    PathRules,
    choose_keeper,
    parse_criteria,
)
from cleaner.keep.candidate import damaged
from cleaner.models import (
    KEPT_OVER_DAMAGED,
    KEPT_OVER_PROTECTED,
    KEPT_OVER_SPECIAL,
    KEPT_OVER_TIE,
    DamageReason,
    KeptOver,
)
from tests.engine.test_keeper_criteria import BASE, PATHS, metrics


@st.composite
def groups(draw: st.DrawFn) -> list[Candidate]:
    """Up to 6 copies: some damaged, some protected, some unreadable, sizes and dates
    that often tie, so that every kind of first difference comes up."""
    paths = draw(st.lists(st.sampled_from(PATHS), min_size=2, max_size=6, unique=True))
    out = []
    for path in paths:
        m = draw(st.one_of(st.none(), metrics))
        if m is not None and draw(st.integers(0, 5)) == 0:
            m = replace(m, damage=DamageReason.TRUNCATED)
        out.append(
            Candidate(
                path,
                draw(st.sampled_from([1000, 2000, 2_000_001])),
                draw(st.sampled_from([5, 10**18, 10**18 + 1])),
                m,
                protected=draw(st.integers(0, 4)) == 0,
            )
        )
    return out


def _context(cands: list[Candidate], keeper: int, rules: PathRules) -> CopyContext:
    """The context the keeper was ranked in: an intact keeper among damaged copies was
    chosen among the intact copies only."""
    if not damaged(cands[keeper]) and any(damaged(c) for c in cands):
        return CopyContext.of([c for c in cands if not damaged(c)], rules)
    return CopyContext.of(cands, rules)


def _check(cands: list[Candidate], order: list[KeeperCriterion], rules: PathRules) -> None:
    choice = choose_keeper(cands, order, rules)
    assert len(choice.kept_over) == len(cands)
    assert choice.kept_over[choice.keeper] is None
    k = cands[choice.keeper]
    ctx = _context(cands, choice.keeper, rules)
    for i, (c, over) in enumerate(zip(cands, choice.kept_over, strict=True)):
        if i == choice.keeper:
            continue
        assert isinstance(over, KeptOver)
        assert over.keeper_value != over.copy_value
        if damaged(c) and not damaged(k):
            assert over.criterion == KEPT_OVER_DAMAGED
            assert over.keeper_value == "intact"
            continue
        if k.protected and not c.protected:
            assert over.criterion == KEPT_OVER_PROTECTED
            continue
        differing = [cr for cr in order if cr.sort_key(k, ctx) != cr.sort_key(c, ctx)]
        if not differing:
            assert over.criterion == KEPT_OVER_TIE
            assert k.path < c.path  # the final tie-break: the first by path
            continue
        first = differing[0]
        # the stated criterion is the first in the user's order where the keeper's sort
        # key is smaller (better) than this copy's, and the values are these two copies'
        assert over.criterion == first.key
        assert first.sort_key(k, ctx) < first.sort_key(c, ctx)
        assert (over.keeper_value, over.copy_value) == first.compare(k, c, ctx)
        _values_are_the_copies(over, k, c)


def _values_are_the_copies(over: KeptOver, k: Candidate, c: Candidate) -> None:
    """The words said of each copy, checked against the copy itself (not the table's own
    wording functions) for the criteria whose words are plain facts."""
    for value, cand in ((over.keeper_value, k), (over.copy_value, c)):
        m = cand.metrics
        if over.criterion == "resolution":
            assert value == (f"{m.width}x{m.height}" if m else "unknown size")
        elif over.criterion == "metadata":
            assert (m is not None and m.camera is not None) == value.startswith("camera data (")
            if m is not None and m.camera:
                assert f"({m.camera})" in value
            assert ("GPS" in value) == (m is not None and m.has_gps)
        elif over.criterion == "jpeg_quality" and m is not None and m.jpeg_quality:
            if "colours" not in value and "unknown" not in value and not m.lossless:
                assert value == f"JPEG quality {m.jpeg_quality}"
        elif over.criterion == "largest_file":
            assert value.endswith(("B", "bytes"))
            if value.endswith("bytes"):
                assert value == f"{cand.size:,} bytes"
        elif over.criterion == "oldest_capture":
            t = m.capture_time if m else None
            assert value == (f"taken {t}" if t else "no capture date")


@settings(max_examples=400, deadline=None)
@given(cands=groups(), order=st.permutations(CRITERIA))
def test_every_copy_states_the_first_criterion_the_keeper_beat_it_on(
    cands: list[Candidate], order: list[KeeperCriterion]
) -> None:
    _check(cands, order, PathRules())


@settings(max_examples=200, deadline=None)
@given(
    cands=groups(),
    order=st.permutations(CRITERIA),
    prefer=st.lists(st.sampled_from(["originals", "album", "img_1", "p/"]), max_size=2),
    avoid=st.lists(st.sampled_from(["backup", "tmp", "copy", ".png"]), max_size=2),
)
def test_with_the_users_path_rules_too(
    cands: list[Candidate],
    order: list[KeeperCriterion],
    prefer: list[str],
    avoid: list[str],
) -> None:
    _check(cands, order, PathRules(tuple(prefer), tuple(avoid)))


@settings(max_examples=300, deadline=None)
@given(cands=groups(), order=st.permutations(CRITERIA))
def test_the_groups_reason_never_speaks_of_all_when_some_copies_differ_otherwise(
    cands: list[Candidate], order: list[KeeperCriterion]
) -> None:
    choice = choose_keeper(cands, order)
    decided = [
        o for o in choice.kept_over if o is not None and o.criterion not in KEPT_OVER_SPECIAL
    ]
    headline = KeeperReason.from_stored(choice.reason).headline
    if choice.deciding is None or "protected" in headline:
        return
    beaten = sum(1 for o in decided if o.criterion == choice.deciding.key)
    others = len(cands) - 1
    if "the other copy is" in headline:
        assert others == 1
    if "others are" in headline:
        assert beaten == others
    if beaten < others:
        assert f"of the {others} other copies" in headline


def test_the_special_values_are_no_criterion_key() -> None:
    assert not set(KEPT_OVER_SPECIAL) & set(CRITERIA_KEYS)


def _two(a: Candidate, b: Candidate, order: tuple[str, ...] = ()) -> KeptOver:
    choice = choose_keeper([a, b], parse_criteria(order))
    over = choice.kept_over[1 - choice.keeper]
    assert over is not None
    return over


def test_the_issues_examples_read_as_a_volunteer_would_say_them() -> None:
    same = BASE
    over = _two(
        Candidate("/p/Originals/harbour.jpg", 10, 1, same),
        Candidate("/p/Downloads/harbour.jpg", 10, 1, same),
    )
    assert over == KeptOver(
        "path_rules", "in a preferred folder (Originals)", "in an avoided folder (Downloads)"
    )
    bare = replace(BASE, camera=None, capture_time=None, has_gps=False)
    over = _two(
        Candidate("/p/a/harbour.jpg", 10, 1, replace(BASE, camera="Canon EOS 80D")),
        Candidate("/p/Scans/harbour.png", 10, 1, bare),
    )
    assert over == KeptOver(
        "metadata", "camera data (Canon EOS 80D), capture date", "no camera data"
    )
    over = _two(
        Candidate("/p/a/x.jpg", 10, 1, replace(BASE, width=2560, height=1600)),
        Candidate("/p/b/x.jpg", 10, 1, replace(BASE, width=1024, height=640)),
    )
    assert over == KeptOver("resolution", "2560x1600", "1024x640")


def test_the_issues_false_reason_is_now_true_of_each_copy() -> None:
    # the keeper has camera data; one removed copy has it too and is only smaller, the
    # other has none: "the other copy is without that metadata" was false of the first
    keeper = Candidate("/p/a/IMG.jpg", 10, 1, BASE)
    smaller = Candidate("/p/b/IMG.jpg", 10, 1, replace(BASE, width=2000, height=1249))
    bare = Candidate("/p/c/IMG.jpg", 10, 1, replace(BASE, camera=None, capture_time=None))
    choice = choose_keeper([keeper, smaller, bare], parse_criteria(["metadata", "resolution"]))
    assert choice.keeper == 0
    assert [o.criterion if o else None for o in choice.kept_over] == [
        None,
        "resolution",
        "metadata",
    ]
    assert "1 of the 2 other copies is without that metadata" in choice.reason


def test_sharpness_is_said_against_the_sharpest_copy() -> None:
    over = _two(
        Candidate("/p/a/x.jpg", 10, 1, replace(BASE, sharpness=355.0)),
        Candidate("/p/b/x.jpg", 10, 1, replace(BASE, sharpness=42.0)),
        ("sharpness",),
    )
    assert over == KeptOver("sharpness", "the sharpest of the set", "34% as sharp as the sharpest")


def test_ties_on_every_criterion_say_so_with_both_names() -> None:
    over = _two(Candidate("/p/a/x.jpg", 10, 1, BASE), Candidate("/p/b/x.jpg", 10, 1, BASE))
    assert over == KeptOver(KEPT_OVER_TIE, "a/x.jpg", "b/x.jpg")


def test_damaged_and_protected_copies() -> None:
    broken = replace(BASE, width=8000, height=6000, damage=DamageReason.TRUNCATED)
    over = _two(Candidate("/p/a/x.jpg", 10, 1, BASE), Candidate("/p/b/x.jpg", 10, 1, broken))
    assert over.criterion == KEPT_OVER_DAMAGED
    assert over.copy_value == "damaged: the file is cut short (its end is missing)"
    small = replace(BASE, width=100, height=100)
    over = _two(
        Candidate("/p/a/x.jpg", 10, 1, small, protected=True),
        Candidate("/p/b/x.jpg", 10, 1, BASE),
    )
    assert over == KeptOver(
        KEPT_OVER_PROTECTED, "in a protected folder", "not in a protected folder"
    )


def test_file_sizes_that_read_the_same_are_said_in_bytes() -> None:
    over = _two(
        Candidate("/p/a/x.jpg", 2_400_001, 1, BASE),
        Candidate("/p/b/x.jpg", 2_400_000, 1, BASE),
        ("largest_file",),
    )
    assert over == KeptOver("largest_file", "2,400,001 bytes", "2,400,000 bytes")


def test_files_modified_in_one_minute_are_told_apart_to_the_millisecond() -> None:
    # 2026-11-27 11:38:17.840842654 and 11:38:18.016842660 UTC: the minute reads the same,
    # so the seconds are said, to the millisecond, never as a raw nanosecond count
    older = 1_795_779_497_840_842_654
    newer = 1_795_779_498_016_842_660
    over = _two(
        Candidate("/p/a/x.jpg", 10, older, BASE),
        Candidate("/p/b/x.jpg", 10, newer, BASE),
        ("oldest_file",),
    )
    assert over == KeptOver(
        "oldest_file",
        "modified 2026-11-27 11:38:17.840 UTC",
        "modified 2026-11-27 11:38:18.016 UTC",
    )


# ----------------------------------------------------------------------------- the result file


def _result_with(kept: KeptOver | None) -> dict[str, object]:
    import json

    from cleaner import resultio
    from tests.helpers.synthetic_result import synthetic_result

    result = synthetic_result(2)
    groups = tuple(
        replace(
            g,
            members=tuple(m if m.is_keeper else replace(m, kept_over=kept) for m in g.members),
        )
        for g in result.groups
    )
    data: dict[str, object] = json.loads(resultio.dumps(replace(result, groups=groups)))
    return data


def test_kept_over_is_written_and_read_back() -> None:
    from cleaner import resultio

    kept = KeptOver("path_rules", "in a preferred folder (Originals)", "in Downloads")
    data = _result_with(kept)
    member = data["groups"][0]["members"][1]  # type: ignore[index]
    assert member["kept_over"] == {  # documented in docs/result-json.md
        "criterion": "path_rules",
        "keeper": "in a preferred folder (Originals)",
        "copy": "in Downloads",
    }
    back = resultio.result_from_dict(data)
    assert [m.kept_over for m in back.groups[0].members] == [None, kept, kept]


def test_a_result_saved_before_kept_over_still_loads() -> None:
    from cleaner import resultio

    data = _result_with(KeptOver("resolution", "2x2", "1x1"))
    for group in data["groups"]:  # type: ignore[attr-defined]
        for member in group["members"]:
            del member["kept_over"]
    back = resultio.result_from_dict(data)
    assert all(m.kept_over is None for g in back.groups for m in g.members)


def test_a_scan_records_why_for_every_copy_but_the_keeper(tmp_path: object) -> None:
    import json
    from pathlib import Path

    from cleaner import resultio
    from cleaner.detect.scan import run_scan
    from cleaner.models import ScanSettings
    from tests.helpers.images import photo

    root = Path(str(tmp_path))
    for folder in ("Originals", "Downloads", "Backup"):
        (root / folder).mkdir()
        photo(3).save(root / folder / "harbour.jpg", quality=90)
    result = run_scan(ScanSettings(roots=(str(root),), workers=1), cache_path=None)
    (group,) = result.groups
    over = {m.path.split("/")[-2]: m.kept_over for m in group.members}
    assert over["Originals"] is None
    assert over["Downloads"] == KeptOver(
        "path_rules", "in a preferred folder (Originals)", "in an avoided folder (Downloads)"
    )
    assert over["Backup"] == KeptOver(
        "path_rules", "in a preferred folder (Originals)", "in an avoided folder (Backup)"
    )
    again = resultio.result_from_dict(json.loads(resultio.dumps(result)))
    assert again.groups[0].members == group.members


# ----------------------------------------------------------------------------- the outputs


def _small_result() -> object:
    from tests.helpers.synthetic_result import synthetic_result

    result = synthetic_result(1)
    (group,) = result.groups
    kept = KeptOver(
        "path_rules", "in a preferred folder (Originals)", "in an avoided folder (Downloads)"
    )
    members = tuple(m if m.is_keeper else replace(m, kept_over=kept) for m in group.members)
    return replace(result, groups=(replace(group, members=members),))


def test_scan_list_prints_each_copys_reason() -> None:
    import io

    from cleaner.cli.scan_cmd import print_summary

    out = io.StringIO()
    print_summary(_small_result(), listing=True, out=out)  # type: ignore[arg-type]
    lines = out.getvalue().splitlines()
    assert (
        lines.count(
            "         not kept: preferred folders and names: "
            "in a preferred folder (Originals) vs. in an avoided folder (Downloads)"
        )
        == 2
    )


def test_csv_and_html_carry_each_copys_reason(tmp_path: object) -> None:
    import csv
    from pathlib import Path

    from cleaner import write_report

    out = Path(str(tmp_path))
    write_report(_small_result(), {"csv": out / "r.csv", "html": out / "r.html"})  # type: ignore[arg-type]
    with open(out / "r.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["kept_over"] for r in rows] == [
        "",
        "preferred folders and names: in a preferred folder (Originals) vs. in an avoided "
        "folder (Downloads)",
        "preferred folders and names: in a preferred folder (Originals) vs. in an avoided "
        "folder (Downloads)",
    ]
    html = (out / "r.html").read_text(encoding="utf-8")
    assert (
        html.count(
            "Why the kept copy is preferred (preferred folders and names): in a preferred "
            "folder (Originals) "
            "vs. in an avoided folder (Downloads)"
        )
        == 2
    )


def test_every_criterion_is_named_from_one_table() -> None:
    """The window, the reports and `scan --list` name a criterion with the label of the
    settings' list (issue 12's leftover: the report said "resolution" where the window
    said "Highest resolution")."""
    from cleaner.humanize import CRITERION_LABELS, criterion_label
    from cleaner.keep import CRITERIA, CRITERIA_KEYS

    assert list(CRITERION_LABELS) == list(CRITERIA_KEYS)
    for c in CRITERIA:
        assert c.label == CRITERION_LABELS[c.key]
        assert criterion_label(c.key) == c.label[:1].lower() + c.label[1:]
        assert "_" not in criterion_label(c.key)
    assert criterion_label("resolution") == "highest resolution"
    assert criterion_label("tie") == "tie"  # the special values keep their words
