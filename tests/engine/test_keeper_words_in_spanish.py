"""A keeper reason in Spanish has no English left, whichever criterion decided.

Each case below builds copies of one picture that differ in one criterion's value, puts
that criterion first, and reads the group's reason (`keeper_reason_text`) and why each
other copy lost (`kept_over_words`) in English and in Spanish: no English word of the
English text may be left in the Spanish one, except the values themselves (a folder's
name, a camera, a file format). The values the engine composes ("JPEG quality 60", "in
an avoided folder (Downloads)", "modified 2026-11-27 11:38 UTC") are stored as phrases
(`cleaner.phrases`) and said from them; a result saved before phrases existed still
loads and shows its stored English values.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from cleaner import resultio
from cleaner.i18n import set_language
from cleaner.keep import (
    CRITERIA_KEYS,
    Candidate,
    PathRules,
    choose_keeper,
    keeper_reason_text,
    kept_over_words,
    parse_criteria,
)
from cleaner.keep.quality import KeeperChoice
from cleaner.models import DuplicateGroup, GroupKind, ImageMetrics
from tests.engine.test_keeper_criteria import BASE
from tests.helpers.synthetic_result import result_of, synthetic_groups

RULES = PathRules(prefer=("originals",), avoid=("downloads",))
MINUTE = 60 * 10**9
T0 = 1_764_243_497_840_000_000  # 2025-11-27 11:38:17.840 UTC


def _c(path: str, m: ImageMetrics | None = BASE, size: int = 1000, mtime: int = T0) -> Candidate:
    return Candidate(path, size, mtime, m)


# (the deciding criterion, the copies); the first copy is the one that should be kept
CASES: list[tuple[str, list[Candidate]]] = [
    ("resolution", [_c("/p/a.jpg"), _c("/p/b.jpg", replace(BASE, width=1024, height=768))]),
    (
        "metadata",
        [
            _c("/p/a.jpg", replace(BASE, has_gps=True)),
            _c("/p/b.jpg", replace(BASE, camera=None, capture_time=None)),
            _c("/p/c.jpg", replace(BASE, camera=None)),
        ],
    ),
    (
        "lossless",
        [
            _c("/p/a.png", replace(BASE, format="PNG", lossless=True, jpeg_quality=None)),
            _c("/p/b.jpg"),
            _c(
                "/p/c.gif",
                replace(BASE, format="GIF", lossless=True, jpeg_quality=None, colour_count=32),
            ),
        ],
    ),
    (
        "jpeg_quality",
        [
            _c("/p/a.jpg"),
            _c("/p/b.jpg", replace(BASE, jpeg_quality=60)),
            _c("/p/c.webp", replace(BASE, format="WEBP", jpeg_quality=None)),
            _c(
                "/p/d.png",
                replace(BASE, format="PNG", lossless=True, jpeg_quality=None, colour_count=1),
            ),
        ],
    ),
    ("sharpness", [_c("/p/a.jpg"), _c("/p/b.jpg", replace(BASE, sharpness=40.0))]),
    ("not_export", [_c("/p/a.jpg"), _c("/p/b.jpg", replace(BASE, looks_like_export=True))]),
    (
        "oldest_capture",
        [
            _c("/p/a.jpg", replace(BASE, capture_time="2019:07:14 12:00:00")),
            _c("/p/b.jpg", replace(BASE, capture_time="2021-01-02 08:30:00")),
        ],
    ),
    (
        "path_rules",
        [
            _c("/p/Originals/harbour.jpg"),
            _c("/p/Downloads/harbour.jpg"),
            _c("/p/Misc/harbour (1).jpg"),
            _c("/p/Misc/harbour.jpg"),
        ],
    ),
    (
        "largest_file",
        [
            _c("/p/a.jpg", size=2_400_001),
            _c("/p/b.jpg", size=2_400_000),  # the same "2.4 MB": said in bytes
            _c("/p/c.jpg", size=1_000),
            _c("/p/d.jpg", size=1),
        ],
    ),
    (
        "oldest_file",
        [
            _c("/p/a.jpg", mtime=T0),
            _c("/p/b.jpg", mtime=T0 + 5 * MINUTE),
            _c("/p/c.jpg", mtime=T0 + 1_000_000),  # the same minute: to the millisecond
        ],
    ),
]

# Words that are the same in both languages, and the values in the cases above.
SAME = {"original", "gps", "jpeg", "png", "gif", "webp", "utc", "bytes", "byte"}
VALUES = {"canon", "eos", "originals", "downloads", "misc", "harbour", "jpg"}
WORD = re.compile(r"[A-Za-z]{3,}")


def _choose(key: str, cands: list[Candidate]) -> KeeperChoice:
    choice = choose_keeper(cands, parse_criteria([key]), RULES)
    assert choice.keeper == 0
    assert choice.deciding is not None
    assert choice.deciding.key == key
    return choice


def _group(choice: KeeperChoice) -> DuplicateGroup:
    key = choice.deciding.key if choice.deciding else None
    return DuplicateGroup(1, GroupKind.SIMILAR, (), choice.reason, key, reason_parts=choice.parts)


def _texts(choice: KeeperChoice) -> list[str]:
    return [keeper_reason_text(_group(choice))] + [
        kept_over_words(k) for k in choice.kept_over if k is not None
    ]


def test_every_criterion_is_covered() -> None:
    assert sorted(key for key, _ in CASES) == sorted(CRITERIA_KEYS)


@pytest.mark.parametrize(("key", "cands"), CASES, ids=[key for key, _ in CASES])
def test_no_english_word_is_left_in_a_spanish_keeper_reason(
    key: str, cands: list[Candidate]
) -> None:
    choice = _choose(key, cands)
    english = _texts(choice)
    assert english[0] == choice.reason  # in English, the stored sentence
    set_language("es")
    spanish = _texts(choice)
    assert spanish[0].startswith("se conserva: ")
    for en, es in zip(english, spanish, strict=True):
        left = {
            w
            for w in WORD.findall(en)
            if w.lower() not in SAME | VALUES and re.search(rf"\b{w}\b", es)
        }
        assert left == set(), f"{en!r} -> {es!r}"


def test_the_spanish_words_of_composed_values() -> None:
    set_language("es_MX")
    said = {key: " | ".join(_texts(_choose(key, cands))) for key, cands in CASES}
    assert "calidad JPEG 60" in said["jpeg_quality"]
    assert "WEBP comprimido (calidad desconocida)" in said["jpeg_quality"]
    assert "reducida a 1 color" in said["jpeg_quality"]  # the plural form for one
    assert "un GIF reducido a 32 colores" in said["lossless"]
    assert "datos de la cámara (Canon EOS 5D), fecha de toma, GPS" in said["metadata"]
    assert "tomada el 14 jul 2019, 12:00" in said["oldest_capture"]
    assert "en una carpeta preferida (Originals)" in said["path_rules"]
    assert "en una carpeta que se evita (Downloads)" in said["path_rules"]
    assert "con nombre de copia (harbour (1).jpg)" in said["path_rules"]
    assert "en Misc (ni preferida ni evitada)" in said["path_rules"]
    assert "2,400,001 bytes frente a 2,400,000 bytes" in said["largest_file"]
    assert "1 byte" in said["largest_file"]
    assert "modificado el 27 nov 2025, 11:38 UTC" in said["oldest_file"]
    assert "modificado el 27 nov 2025, 11:38:17.840 UTC" in said["oldest_file"]
    assert "% de la nitidez de la más nítida" in said["sharpness"]
    set_language("es_ES")  # Spain's digits
    sizes = " | ".join(_texts(_choose("largest_file", CASES[8][1])))
    assert "2.400.001 bytes frente a 2.400.000 bytes" in sizes
    assert "2,4 MB" in sizes


def test_the_phrases_round_trip_through_the_result_file(tmp_path) -> None:
    choice = _choose("jpeg_quality", CASES[3][1])
    members = synthetic_groups(1)[0].members
    group = replace(_group(choice), members=members)
    assert group.reason_parts is not None
    assert group.reason_parts.others_phrases
    path = tmp_path / "r.json"
    resultio.save(result_of([group], ("/x",)), path)
    back = resultio.load(path).groups[0]
    assert back.reason_parts == group.reason_parts
    set_language("es")
    assert keeper_reason_text(back) == keeper_reason_text(group)
    assert "calidad JPEG 60" in keeper_reason_text(back)


def test_a_result_saved_before_phrases_shows_its_stored_values(tmp_path) -> None:
    """Parts without phrases (as the previous version wrote them) and a kept_over without
    them: they load, and the composed values are shown as stored, in English."""
    choice = _choose("jpeg_quality", CASES[3][1])
    synthetic = synthetic_groups(1)[0]
    group = replace(_group(choice), members=synthetic.members)
    data = json.loads(resultio.dumps(result_of([group], ("/nonexistent/lib",))))
    parts = data["groups"][0]["reason_parts"]
    assert "others_phrases" in parts
    del parts["keeper_phrases"], parts["others_phrases"]
    member = data["groups"][0]["members"][1]
    member["kept_over"] = {"criterion": "jpeg_quality", "keeper": "JPEG quality 92",
                           "copy": "JPEG quality 60"}  # fmt: skip
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data), encoding="utf-8")
    loaded = resultio.load(old).groups[0]
    assert loaded.reason_parts is not None
    assert loaded.reason_parts.others_phrases == ()
    kept_over = loaded.members[1].kept_over
    assert kept_over is not None
    assert kept_over.copy_phrases == ()
    assert keeper_reason_text(loaded) == choice.reason
    set_language("es")
    said = keeper_reason_text(loaded)
    assert said.startswith("se conserva: JPEG quality 92; ")
    assert "JPEG quality 60" in said
    assert (
        kept_over_words(kept_over) == "menos comprimida: JPEG quality 92 frente a JPEG quality 60"
    )


@pytest.mark.parametrize(
    ("phrases", "message"),
    [
        ([{"code": "Jpeg Quality", "quality": 60}], r"keeper_phrases\[0\]\.code is not a value"),
        ([{"quality": 60}], r"keeper_phrases\[0\]\.code is missing"),
        ([{"code": "jpeg_quality", "quality": [60]}], r"keeper_phrases\[0\]\.quality should be"),
        ("JPEG quality 60", "keeper_phrases should be a list"),
    ],
)
def test_hand_edited_phrases_are_refused_in_one_line(tmp_path, phrases, message) -> None:
    from cleaner.errors import ResultFormatError

    group = replace(
        _group(_choose("jpeg_quality", CASES[3][1])), members=synthetic_groups(1)[0].members
    )
    data = json.loads(resultio.dumps(result_of([group], ("/nonexistent/lib",))))
    data["groups"][0]["reason_parts"]["keeper_phrases"] = phrases
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ResultFormatError, match=message) as caught:
        resultio.load(path)
    assert "\n" not in str(caught.value)


def test_phrases_this_version_cannot_say_show_the_stored_value() -> None:
    """A newer PhotoSift's code, or an argument missing: the stored English, no error."""
    from cleaner.models import Phrase
    from cleaner.phrases import value_words

    set_language("es")
    assert value_words("brightness 7", (Phrase("brightness", (("level", 7),)),)) == "brightness 7"
    assert value_words("JPEG quality 60", (Phrase("jpeg_quality"),)) == "JPEG quality 60"
    assert value_words("JPEG quality 60", (Phrase("jpeg_quality", (("quality", 60),)),)) == (
        "calidad JPEG 60"
    )
