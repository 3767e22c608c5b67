"""Property: whatever is changed in a valid result, reading it gives a `ScanResult` or one
`ResultFormatError`, never another exception (issue 10, class 7)."""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import resultio
from cleaner.errors import ResultFormatError
from cleaner.models import (
    DuplicateGroup,
    FileEntry,
    GroupKind,
    GroupMember,
    ImageMetrics,
    KeptOver,
    ScanResult,
    ScanSettings,
    ScanStats,
    SkippedFile,
    SkipReason,
)
from cleaner.removal.plan import plan_removal

_METRICS = ImageMetrics("JPEG", 400, 300, False, 90, 120.5, 40.2, "2020-01-01 10:00:00",
                        "Canon X", True, True, False, False, 6)  # fmt: skip


def _valid() -> dict[str, Any]:
    members = tuple(
        GroupMember(
            FileEntry(f"/lib/a{k}/IMG_1.jpg", 2048, 10**18 + k, 7, 100 + k, ("/lib/h.jpg",), 2),
            _METRICS if k else None,
            "ab" * 32,
            80 - k,
            k,
            is_keeper=k == 0,
            suggested_remove=k != 0,
            kept_over=KeptOver("resolution", "400x300", "200x150") if k else None,
        )
        for k in range(3)
    )
    result = ScanResult(
        settings=ScanSettings(roots=("/lib",), protected=("/lib/a0",), criteria=("resolution",)),
        groups=(DuplicateGroup(1, GroupKind.SIMILAR, members, "kept: bigger", "resolution"),),
        skipped=(SkippedFile("/lib/x.jpg", SkipReason.CORRUPT, "bad"),),
        stats=ScanStats(files_seen=4, groups=1, seconds=1.5),
        started_at="2025-01-01T00:00:00+00:00",
        finished_at="2025-01-01T00:00:01+00:00",
        app_version="test",
        machine="test",
    )
    data: dict[str, Any] = json.loads(resultio.dumps(result))
    return data


VALID = _valid()

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["", "/lib/a1/IMG_1.jpg", "/lib/../x.jpg", "exact", "similar", "\0"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _places(node: Any, found: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key) in the document, depth first."""
    items: list[tuple[Any, Any]] = []
    if isinstance(node, dict):
        items = list(node.items())
    elif isinstance(node, list):
        items = list(enumerate(node))
    for key, child in items:
        found.append((node, key))
        _places(child, found)
    return found


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 4))):
        places = _places(data, [])
        if not places:
            break
        container, key = places[draw(st.integers(0, len(places) - 1))]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            container[key] = draw(json_values)
        elif action == "delete":
            del container[key]
        elif isinstance(container, dict):
            container[draw(st.text(max_size=8))] = draw(json_values)
        else:
            container.insert(key, draw(json_values))
    return data


def _outcome(read: Any, source: Any) -> ScanResult | ResultFormatError:
    try:
        result: ScanResult = read(source)
    except ResultFormatError as exc:
        return exc
    return result


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_result_from_dict_gives_a_result_or_one_clear_error(data: dict[str, Any]) -> None:
    outcome = _outcome(resultio.result_from_dict, data)
    if isinstance(outcome, ResultFormatError):
        assert "\n" not in str(outcome)
    else:
        plan_removal(outcome)  # a result that reads must also plan without an exception


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_load_gives_a_result_or_one_clear_error(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "result.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        outcome = _outcome(resultio.load, path)
    assert not isinstance(outcome, ResultFormatError) or "\n" not in str(outcome)


def test_the_unmutated_document_reads() -> None:
    assert resultio.result_from_dict(copy.deepcopy(VALID)).groups[0].members[1].metrics == _METRICS


# -- the result read a list element at a time (resultio.loads_in_steps) ------------------

_JSON_TEXTS = [
    "{}",
    ' { "a" : 1 , "groups" : [ ] , "skipped":[{"x": [1, 2]}, 3] } ',
    '{"groups": [{"id": 1}, {"id": 2}], "groups": [7]}',  # a repeated key: the last wins
    '{"groups": "not a list", "b": {"groups": [1]}}',
    "[1, 2]",
    '"text"',
]
_BAD_TEXTS = [
    "",
    "{",
    '{"a" 1}',
    '{"a": 1,}',
    '{"groups": [1, 2}',
    '{"groups": [1 2]}',
    '{"groups": [1,]}',
    "{a: 1}",
    '{"a": 1} x',
    '{"a": 1}{}',
    '{"skipped": [',
]


@pytest.mark.parametrize("text", _JSON_TEXTS)
def test_stepped_reading_gives_what_json_gives(text: str) -> None:
    from cleaner.resultio import loads_in_steps

    assert loads_in_steps(text) == json.loads(text)


@pytest.mark.parametrize("text", _BAD_TEXTS)
def test_stepped_reading_refuses_what_json_refuses(text: str) -> None:
    from cleaner.resultio import loads_in_steps

    with pytest.raises(json.JSONDecodeError) as ours:
        loads_in_steps(text)
    with pytest.raises(json.JSONDecodeError) as theirs:
        json.loads(text)
    assert (ours.value.msg, ours.value.pos) == (theirs.value.msg, theirs.value.pos)


def test_a_long_result_is_read_a_set_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """json's decoder keeps Python's lock for the whole of one call: a 100 MB result read
    in one call froze the window reading it on another thread for seconds."""
    from cleaner import resultio
    from tests.helpers.synthetic_result import synthetic_result

    result = synthetic_result(500)
    calls: list[int] = []
    real = json.JSONDecoder.raw_decode

    def counted(self: json.JSONDecoder, s: str, idx: int = 0) -> tuple[object, int]:
        calls.append(idx)
        return real(self, s, idx)

    monkeypatch.setattr(json.JSONDecoder, "raw_decode", counted)
    monkeypatch.setattr(json, "loads", lambda *a, **k: pytest.fail("read in one call"))
    assert resultio.result_from_dict(resultio.loads_in_steps(resultio.dumps(result))) == result
    assert len(calls) > 500
