"""The keeper reason stored as a code and values, and said in the user's language.

A result file keeps the English sentence (`reason`) and, since issue 16, the same reason
in parts (`reason_parts`); the command line, the report and the window say it from the
parts, so a Spanish reader reads Spanish. A result saved before the parts existed shows
its sentence as stored.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import resultio
from cleaner.errors import ResultFormatError
from cleaner.i18n import _, set_language
from cleaner.keep import (
    CRITERIA,
    CRITERIA_KEYS,
    Candidate,
    PathRules,
    choose_keeper,
    keeper_reason_text,
    shown_reason,
)
from cleaner.models import DamageReason, DuplicateGroup, GroupKind, KeeperReasonParts
from cleaner.phrases import value_words
from tests.engine.test_keeper_criteria import BASE
from tests.engine.test_kept_over import groups
from tests.helpers.synthetic_result import result_of, synthetic_groups


def _group(cands: list[Candidate], criteria: tuple = CRITERIA) -> DuplicateGroup:
    choice = choose_keeper(cands, criteria, PathRules())
    return DuplicateGroup(1, GroupKind.SIMILAR, (), choice.reason, None, reason_parts=choice.parts)


def _sizes() -> DuplicateGroup:
    """Three copies: the keeper is the largest, the two others smaller."""
    return _group(
        [
            Candidate("/p/a.jpg", 3000, 5, replace(BASE, width=4000, height=3000)),
            Candidate("/p/b.jpg", 2000, 5, replace(BASE, width=1024, height=768)),
            Candidate("/p/c.jpg", 1000, 5, replace(BASE, width=800, height=600)),
        ]
    )


def test_a_new_reason_is_english_by_default_and_spanish_under_es() -> None:
    group = _sizes()
    assert group.reason_parts is not None
    assert (
        keeper_reason_text(group)
        == group.reason
        == ("kept: 4000x3000, original camera data; others are smaller (1024x768, 800x600)")
    )
    set_language("es")
    assert keeper_reason_text(group) == (
        "se conserva: 4000x3000, datos originales de la cámara; las demás son más pequeñas "
        "(1024x768, 800x600)"
    )
    assert group.reason.startswith("kept: ")  # what is stored stays English


def test_one_of_several_and_the_aside_in_spanish() -> None:
    damaged = replace(BASE, width=800, height=600, damage=DamageReason.TRUNCATED)
    group = _group(
        [
            Candidate("/p/a.jpg", 3000, 5, replace(BASE, width=4000, height=3000)),
            Candidate("/p/b.jpg", 2000, 5, replace(BASE, width=4000, height=3000, sharpness=1.0)),
            Candidate("/p/c.jpg", 1000, 5, replace(BASE, width=1024, height=768)),
            Candidate("/p/d.jpg", 1000, 5, damaged),
        ]
    )
    english = keeper_reason_text(group)
    assert english.lower() == group.reason.lower()
    set_language("es")
    spanish = keeper_reason_text(group)
    assert spanish.startswith("se conserva: ")
    assert "1 de las otras 3 copias está dañada (el archivo está cortado" in spanish, spanish
    assert "other" not in spanish
    assert shown_reason(group).aside.startswith("(las otras copias difieren en ")


@settings(max_examples=300, deadline=None)
@given(cands=groups(), order=st.permutations(CRITERIA))
def test_in_english_the_parts_say_the_stored_sentence(cands: list[Candidate], order) -> None:
    """One wording: what the parts say in English is the sentence the file stores (the
    aside's criterion names keep their capitals: "GPS", not "gps")."""
    group = _group(cands, tuple(order))
    assert group.reason_parts is not None
    assert keeper_reason_text(group).lower() == group.reason.lower()
    parts = shown_reason(group)
    assert f"kept: {parts.full}".lower() == group.reason.lower()


def test_a_result_saved_before_the_parts_loads_and_shows_its_sentence(tmp_path) -> None:
    group = _sizes()
    new = result_of([replace(group, members=synthetic_groups(1)[0].members)], ("/nonexistent/lib",))
    data = json.loads(resultio.dumps(new))
    del data["groups"][0]["reason_parts"]  # as the previous version wrote it
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data), encoding="utf-8")
    loaded = resultio.load(old).groups[0]
    assert loaded.reason_parts is None
    set_language("es")
    assert (
        keeper_reason_text(loaded)
        == "kept: 4000x3000, original camera data; others are smaller (1024x768, 800x600)"
    )
    assert (
        shown_reason(loaded).full
        == "4000x3000, original camera data; others are smaller (1024x768, 800x600)"
    )


def test_the_parts_round_trip_through_json(tmp_path) -> None:
    group = _sizes()
    result = result_of([replace(group, members=synthetic_groups(1)[0].members)], ("/x",))
    path = tmp_path / "r.json"
    resultio.save(result, path)
    back = resultio.load(path).groups[0]
    assert back.reason_parts == group.reason_parts
    assert back.reason == group.reason
    set_language("es")
    assert keeper_reason_text(back) == keeper_reason_text(group)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"code": "because"}, "reason_parts.code should be one of"),
        ({"code": "criterion", "criterion": "Big Files"}, "is not a keeper criterion"),
        ({"code": "criterion", "beaten": -1}, "beaten"),
        ({"code": "criterion", "others": [7]}, r"others\[0\] should be text"),
        ("kept", "reason_parts"),
    ],
)
def test_hand_edited_parts_are_refused_in_one_line(tmp_path, parts, message) -> None:
    result = result_of(synthetic_groups(1), ("/nonexistent/lib",))
    data = json.loads(resultio.dumps(result))
    data["groups"][0]["reason_parts"] = parts
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ResultFormatError, match=message) as caught:
        resultio.load(path)
    assert "\n" not in str(caught.value)


def test_parts_from_a_newer_version_fall_back_to_the_stored_sentence() -> None:
    group = DuplicateGroup(
        1,
        GroupKind.SIMILAR,
        (),
        "kept: brightest",
        None,
        reason_parts=KeeperReasonParts("criterion", criterion="brightness", keeper="bright"),
    )
    set_language("es")
    assert keeper_reason_text(group) == "kept: brightest"
    assert shown_reason(group).headline == "brightest"


@settings(max_examples=300, deadline=None)
@given(cands=groups(), order=st.permutations(CRITERIA))
def test_each_copys_values_said_from_their_phrases_are_the_stored_ones(
    cands: list[Candidate], order
) -> None:
    """In English, a value said from its phrases is the value the file stores (one
    wording, `cleaner.phrases`); and every value a criterion gives has phrases, is a fixed
    phrase of the catalog or has no words ("6000x4000"), so Spanish has words for it."""
    set_language("en")  # each example starts in English (the one before ended in Spanish)
    choice = choose_keeper(cands, tuple(order), PathRules())
    values = [(k.criterion, k.keeper_value, k.keeper_phrases) for k in choice.kept_over if k]
    values += [(k.criterion, k.copy_value, k.copy_phrases) for k in choice.kept_over if k]
    parts = choice.parts
    if parts is not None and parts.code == "criterion":
        values.append((parts.criterion, parts.keeper, parts.keeper_phrases))
        others = parts.others_phrases or ((),) * len(parts.others)
        values += [(parts.criterion, v, ph) for v, ph in zip(parts.others, others, strict=True)]
    for _criterion, text, phrases in values:
        assert value_words(text, phrases) == text
    set_language("es")
    names = tuple(c.path.rsplit("/", 1)[-1] for c in cands)
    for criterion, text, phrases in values:
        if criterion in CRITERIA_KEYS and not phrases:
            no_words = re.fullmatch(r"\d+x\d+", text) or (  # a size, a folder and name
                criterion == "path_rules" and text.endswith(names)
            )
            assert _(text) != text or no_words, (criterion, text)
