"""Write a `ScanResult` to JSON and read it back.

The JSON is the engine's full result, with a schema version, so that
`photosift clean` and `photosift report` can work from a saved scan. Paths that
are not valid UTF-8 keep their `os.fsdecode()` spelling: JSON escapes the lone
surrogate (``\\udced``) and reading it back gives the same `str`, so
`os.fsencode()` finds the same file.
"""

from __future__ import annotations

import enum
import json
import math
import os
import re
from pathlib import Path
from typing import Any, TypeVar

from cleaner.atomic import atomic_text_file
from cleaner.errors import ResultFormatError
from cleaner.i18n import N_, _, ngettext, number, pgettext
from cleaner.models import (
    DEFAULT_MAX_PIXELS,
    KEPT_OVER_SPECIAL,
    REASON_CODES,
    TRANSFORM_NAMES,
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
    PhraseArg,
    ScanResult,
    ScanSettings,
    ScanStats,
    Sidecar,
    Similarity,
    SkippedFile,
    SkipReason,
    TimeSource,
)
from cleaner.safeopen import open_regular
from cleaner.sidecars import belongs_to

SCHEMA = "photosift-result"
SCHEMA_VERSION = 1


# A result of `photosift scan --catalog` says so: its paths are labelled
# ("LABEL:RELPATH"), names of files on other machines, never local paths.
SOURCE_KEY = "source"


def result_to_dict(result: ScanResult) -> dict[str, Any]:
    source = result.extra.get(SOURCE_KEY)
    return ({SOURCE_KEY: source} if source else {}) | {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "app_version": result.app_version,
        "machine": result.machine,
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "cancelled": result.cancelled,
        "settings": _settings_to_dict(result.settings),
        "stats": _stats_to_dict(result.stats),
        "groups": [_group_to_dict(g) for g in result.groups],
        "skipped": [
            {"path": s.path, "reason": s.reason.value, "message": s.message, "detail": s.detail}
            for s in result.skipped
        ],
    }


def _settings_to_dict(s: ScanSettings) -> dict[str, Any]:
    return {
        "roots": list(s.roots),
        "similarity": s.similarity.value,
        "threshold": s.threshold,
        "rotations": s.rotations,
        "excludes": list(s.excludes),
        "follow_symlinks": s.follow_symlinks,
        "protected": list(s.protected),
        "max_pixels": s.max_pixels,
        "workers": s.workers,
        "criteria": list(s.criteria),
        "prefer_paths": list(s.prefer_paths),
        "avoid_paths": list(s.avoid_paths),
        "min_file_size": s.min_file_size,
        "min_width": s.min_width,
        "min_height": s.min_height,
    }


def _stats_to_dict(s: ScanStats) -> dict[str, Any]:
    return {
        "files_seen": s.files_seen,
        "bytes_seen": s.bytes_seen,
        "images": s.images,
        "skipped": s.skipped,
        "groups": s.groups,
        "redundant_copies": s.redundant_copies,
        "reclaimable_bytes": s.reclaimable_bytes,
        "hardlinks": s.hardlinks,
        "cache_hits": s.cache_hits,
        "seconds": s.seconds,
    }


def metrics_to_dict(m: ImageMetrics) -> dict[str, Any]:
    return {
        "format": m.format,
        "width": m.width,
        "height": m.height,
        "megapixels": round(m.megapixels, 2),
        "lossless": m.lossless,
        "jpeg_quality": m.jpeg_quality,
        # Full precision: the cache stores metrics through this too, and a rounded `detail`
        # can cross LOW_DETAIL_STD, so a cached scan could match differently from a fresh one.
        "sharpness": m.sharpness,
        "detail": m.detail,
        "capture_time": m.capture_time,
        "camera": m.camera,
        "has_gps": m.has_gps,
        "has_exif": m.has_exif,
        "looks_like_screenshot": m.looks_like_screenshot,
        "looks_like_export": m.looks_like_export,
        "orientation": m.orientation,
        "damaged": None
        if m.damage is None
        else {"code": m.damage.value, "reason": m.damage.label, "detail": m.damage_detail},
        "colour_count": m.colour_count,
    } | _time_source_dict(m.capture_time_source)


def _time_source_dict(source: TimeSource | None) -> dict[str, str]:
    # written only with a source (a dated picture): an undated picture's row, the bulk of
    # a scanned archive's catalog, costs not a byte more than before it was recorded
    return {} if source is None else {"capture_time_source": source.value}


def metrics_from_dict(d: dict[str, Any]) -> ImageMetrics:
    """Metrics written by `metrics_to_dict`, every value checked (the fingerprint cache
    reads them back through this too). Raises `ResultFormatError` in one line."""
    return _metrics(d, "metrics")


def _group_to_dict(g: DuplicateGroup) -> dict[str, Any]:
    return {
        "id": g.id,
        "kind": g.kind.value,
        "reason": g.reason,
        "deciding_criterion": g.deciding_criterion,
        "reason_parts": _reason_parts_to_dict(g.reason_parts),
        "reclaimable_bytes": g.reclaimable_bytes,
        "members": [
            {
                "path": m.entry.path,
                "size": m.entry.size,
                "mtime_ns": m.entry.mtime_ns,
                "device": m.entry.device,
                "inode": m.entry.inode,
                "hardlinks": list(m.entry.hardlinks),
                "nlink": m.entry.nlink,
                "sidecars": [_sidecar_to_dict(c) for c in m.entry.sidecars],
                "sha256": m.sha256,
                "metrics": None if m.metrics is None else metrics_to_dict(m.metrics),
                "quality": m.quality,
                "distance": m.distance,
                "keeper": m.is_keeper,
                "protected": m.protected,
                "suggested_remove": m.suggested_remove,
                "kept_over": _kept_over_to_dict(m.kept_over),
                "match": _match_to_dict(m.match),
            }
            for m in g.members
        ],
    }


def _reason_parts_to_dict(p: KeeperReasonParts | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "code": p.code,
        "criterion": p.criterion,
        "keeper": p.keeper,
        "note": p.note,
        "others": list(p.others),
        "more": p.more,
        "beaten": p.beaten,
        "of": p.of,
        "differ_by": list(p.differ_by),
        "damaged": p.damaged,
        "damaged_of": p.damaged_of,
        "damage": list(p.damage),
        **_phrase_keys(
            keeper_phrases=_phrases_to_list(p.keeper_phrases),
            others_phrases=[_phrases_to_list(v) for v in p.others_phrases],
        ),
    }


def _phrases_to_list(phrases: tuple[Phrase, ...]) -> list[dict[str, Any]]:
    return [{"code": ph.code, **dict(ph.args)} for ph in phrases]


def _phrase_keys(**lists: list[Any]) -> dict[str, list[Any]]:
    """Only the phrase lists that hold something: most values have none, and a result of
    millions of copies should not carry millions of empty lists."""
    return {key: value for key, value in lists.items() if value}


def _kept_over_to_dict(k: KeptOver | None) -> dict[str, Any] | None:
    if k is None:
        return None
    return {
        "criterion": k.criterion,
        "keeper": k.keeper_value,
        "copy": k.copy_value,
        **_phrase_keys(
            keeper_phrases=_phrases_to_list(k.keeper_phrases),
            copy_phrases=_phrases_to_list(k.copy_phrases),
        ),
    }


def _match_to_dict(e: MatchEvidence | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {
        "kind": e.kind.value,
        "against": e.against,
        "search": e.search.value,
        "transform": e.transform,
        "distance": e.distance,
        "correlation": e.correlation,
        "detail": e.detail,
        "window": None if e.window is None else list(e.window),
    }


def result_from_dict(data: dict[str, Any]) -> ScanResult:
    """The result a dict (parsed JSON) describes; `ResultFormatError` with one line saying
    where and what is wrong when any value is missing or of the wrong kind. Nothing in the
    dict is trusted: it may have been edited by hand or written by another program."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ResultFormatError(_("not a PhotoSift result file"))
    version = data.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:
        shown = str(version) if type(version) is int else pgettext("schema version", "unknown")
        raise ResultFormatError(
            _(
                "result file has schema version {found}; this PhotoSift reads version "
                "{version}. Scan again to make a new one."
            ).format(found=shown, version=SCHEMA_VERSION)
        )
    try:
        return _result(data)
    except ResultFormatError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError, RecursionError) as exc:
        # A safety net only: every value is checked above; the reason stays one line.
        raise ResultFormatError(
            _("result file is damaged or incomplete ({error})").format(error=type(exc).__name__)
        ) from exc


def _result(data: dict[str, Any]) -> ScanResult:
    settings = _settings(_get(data, "settings", ""), "settings")
    stats = _stats(_get(data, "stats", ""), "stats")
    groups = tuple(
        _group(g, f"groups[{n}]") for n, g in enumerate(_list(_get(data, "groups", ""), "groups"))
    )
    skipped = tuple(
        _skip(x, f"skipped[{n}]") for n, x in enumerate(_list(_get(data, "skipped", ""), "skipped"))
    )
    return ScanResult(
        settings=settings,
        groups=groups,
        skipped=skipped,
        stats=stats,
        started_at=_text(_get(data, "started_at", ""), "started_at"),
        finished_at=_text(_get(data, "finished_at", ""), "finished_at"),
        app_version=_text(_get(data, "app_version", ""), "app_version"),
        machine=_text(data.get("machine", ""), "machine"),
        cancelled=_bool(data.get("cancelled", False), "cancelled"),
        extra={SOURCE_KEY: _text(data[SOURCE_KEY], SOURCE_KEY)} if SOURCE_KEY in data else {},
    )


# -- checked reading: each helper names the place in the file when a value is wrong ---------


def _kind(value: object) -> str:
    if value is None:
        return "null"  # JSON's own words, as the file has them
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return pgettext("kind of value", "a number")
    if isinstance(value, str):
        return pgettext("kind of value", "text")
    if isinstance(value, list):
        return pgettext("kind of value", "a list")
    if isinstance(value, dict):
        return pgettext("kind of value", "an object")
    return type(value).__name__


def _damaged(problem: str) -> ResultFormatError:
    """The one-line refusal of a result file with a wrong value; `problem` is one of the
    sentences below, in the user's language, naming the place in the file (`where`, a key
    path such as "groups[3].members[0].size", is the file's own and is not translated)."""
    # Translators: {problem} is one of the messages "{where} is missing", "{where} should
    # be ...", and so on
    return ResultFormatError(
        _("result file is damaged or incomplete: {problem}").format(problem=problem)
    )


def _wrong(where: str, expected: str, value: object) -> ResultFormatError:
    """`expected` is already in the user's language (a "kind of value" word)."""
    return _damaged(
        _("{where} should be {expected}, not {found}").format(
            where=where, expected=expected, found=_kind(value)
        )
    )


def _at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _get(d: dict[str, Any], key: str, where: str) -> Any:
    if key not in d:
        raise _damaged(_("{where} is missing").format(where=_at(where, key)))
    return d[key]


def _obj(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _wrong(where, pgettext("kind of value", "an object"), value)
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _wrong(where, pgettext("kind of value", "a list"), value)
    return value


def _int(value: object, where: str, minimum: int | None = None) -> int:
    if type(value) is not int:
        raise _wrong(where, pgettext("kind of value", "a whole number"), value)
    if minimum is not None and value < minimum:
        raise _damaged(
            _("{where} should be at least {minimum}").format(where=where, minimum=number(minimum))
        )
    return value


def _opt_int(value: object, where: str) -> int | None:
    return None if value is None else _int(value, where)


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _wrong(where, pgettext("kind of value", "a number"), value)
    if isinstance(value, float) and not math.isfinite(value):
        raise _wrong(where, pgettext("kind of value", "a finite number"), value)
    return float(value)


def _bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise _wrong(where, pgettext("kind of value", "true or false"), value)
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise _wrong(where, pgettext("kind of value", "text"), value)
    return value


def _opt_text(value: object, where: str) -> str | None:
    return None if value is None else _text(value, where)


def _path(value: object, where: str) -> str:
    text = _text(value, where)
    if not text or "\0" in text or not _encodable(text):
        raise _damaged(_("{where} is not a usable path").format(where=where))
    return text


def _encodable(path: str) -> bool:
    """Whether `path` is a name the file system could give (a lone surrogate that is no
    `os.fsdecode()` spelling, such as ``\\ud800``, makes every `os` call raise)."""
    try:
        os.fsencode(path)
    except UnicodeError:
        return False
    return True


def _texts(value: object, where: str) -> tuple[str, ...]:
    return tuple(_text(v, f"{where}[{n}]") for n, v in enumerate(_list(value, where)))


def _paths(value: object, where: str) -> tuple[str, ...]:
    return tuple(_path(v, f"{where}[{n}]") for n, v in enumerate(_list(value, where)))


E = TypeVar("E", bound=enum.Enum)


def _choice(cls: type[E], value: object, where: str) -> E:
    for item in cls:
        if isinstance(value, str) and item.value == value:
            return item
    raise _one_of(where, [str(item.value) for item in cls])


def _one_of(where: str, codes: list[str]) -> ResultFormatError:
    """A value that is not one of `codes` (the file's codes, listed as they are)."""
    return _damaged(
        _("{where} should be one of {choices}").format(where=where, choices=", ".join(codes))
    )


def _settings(value: object, where: str) -> ScanSettings:
    s = _obj(value, where)
    return ScanSettings(
        roots=_paths(_get(s, "roots", where), _at(where, "roots")),
        similarity=_choice(Similarity, _get(s, "similarity", where), _at(where, "similarity")),
        threshold=_opt_int(s.get("threshold"), _at(where, "threshold")),
        rotations=_bool(s.get("rotations", False), _at(where, "rotations")),
        excludes=_texts(s.get("excludes", []), _at(where, "excludes")),
        follow_symlinks=_bool(s.get("follow_symlinks", False), _at(where, "follow_symlinks")),
        protected=_paths(s.get("protected", []), _at(where, "protected")),
        max_pixels=_int(s.get("max_pixels", DEFAULT_MAX_PIXELS), _at(where, "max_pixels"), 1),
        workers=_int(s.get("workers", 0), _at(where, "workers"), 0),
        criteria=_texts(s.get("criteria", []), _at(where, "criteria")),
        prefer_paths=_texts(s.get("prefer_paths", []), _at(where, "prefer_paths")),
        avoid_paths=_texts(s.get("avoid_paths", []), _at(where, "avoid_paths")),
        # absent from results written before they existed: 0, no limit
        min_file_size=_int(s.get("min_file_size", 0), _at(where, "min_file_size"), 0),
        min_width=_int(s.get("min_width", 0), _at(where, "min_width"), 0),
        min_height=_int(s.get("min_height", 0), _at(where, "min_height"), 0),
    )


def _stats(value: object, where: str) -> ScanStats:
    st = _obj(value, where)
    counts = {
        k: _int(st[k], _at(where, k), 0)
        for k in ScanStats.__dataclass_fields__
        if k in st and k != "seconds"
    }
    seconds = _number(st.get("seconds", 0.0), _at(where, "seconds"))
    return ScanStats(**counts, seconds=seconds)


def _skip(value: object, where: str) -> SkippedFile:
    x = _obj(value, where)
    return SkippedFile(
        _path(_get(x, "path", where), _at(where, "path")),
        _choice(SkipReason, _get(x, "reason", where), _at(where, "reason")),
        _text(x.get("detail", ""), _at(where, "detail")),
    )


def _group(value: object, where: str) -> DuplicateGroup:
    g = _obj(value, where)
    members = _list(_get(g, "members", where), _at(where, "members"))
    parsed = tuple(_member(m, f"{where}.members[{n}]") for n, m in enumerate(members))
    # a set is two or more copies with one suggested keeper, which is never suggested for
    # removal: the review, the plan and the report all lean on that
    if len(parsed) < 2:
        raise ResultFormatError(
            _("{where}: a set needs at least 2 copies").format(where=_at(where, "members"))
        )
    keepers = [m for m in parsed if m.is_keeper]
    if len(keepers) != 1:
        raise ResultFormatError(
            _("{where}: a set needs exactly 1 keeper, not {n}").format(
                where=_at(where, "members"), n=number(len(keepers))
            )
        )
    if keepers[0].suggested_remove:
        raise ResultFormatError(
            _("{where}: the keeper is suggested for removal").format(where=_at(where, "members"))
        )
    return DuplicateGroup(
        id=_int(_get(g, "id", where), _at(where, "id")),
        kind=_choice(GroupKind, _get(g, "kind", where), _at(where, "kind")),
        members=parsed,
        reason=_text(g.get("reason", ""), _at(where, "reason")),
        deciding_criterion=_opt_text(g.get("deciding_criterion"), _at(where, "deciding_criterion")),
        reason_parts=_reason_parts(g.get("reason_parts"), _at(where, "reason_parts")),
    )


def _reason_parts(value: object, where: str) -> KeeperReasonParts | None:
    """A group's `reason_parts`: absent or null (a result saved before they were recorded)
    is None, and the stored `reason` is shown as it is. Every value is checked: they are
    put into sentences when shown."""
    if value is None:
        return None
    d = _obj(value, where)
    code = _text(_get(d, "code", where), _at(where, "code"))
    if code not in REASON_CODES:
        raise _one_of(_at(where, "code"), list(REASON_CODES))
    criterion = _text(d.get("criterion", ""), _at(where, "criterion"))
    keys = _texts(d.get("differ_by", []), _at(where, "differ_by"))
    for key, at in [
        (criterion, _at(where, "criterion")),
        *((k, _at(where, "differ_by")) for k in keys),
    ]:
        if key and not _KEY.fullmatch(key):
            raise _not_a_criterion(at)
    others = tuple(
        _short_text(v, f"{_at(where, 'others')}[{n}]")
        for n, v in enumerate(_list(d.get("others", []), _at(where, "others")))
    )
    damage = _texts(d.get("damage", []), _at(where, "damage"))
    return KeeperReasonParts(
        code,
        criterion=criterion,
        keeper=_short_text(d.get("keeper", ""), _at(where, "keeper")),
        note=_short_text(d.get("note", ""), _at(where, "note")),
        others=others,
        more=_bool(d.get("more", False), _at(where, "more")),
        beaten=_int(d.get("beaten", 0), _at(where, "beaten"), 0),
        of=_int(d.get("of", 0), _at(where, "of"), 0),
        differ_by=keys,
        damaged=_int(d.get("damaged", 0), _at(where, "damaged"), 0),
        damaged_of=_int(d.get("damaged_of", 0), _at(where, "damaged_of"), 0),
        damage=damage,
        keeper_phrases=_phrases(d.get("keeper_phrases", []), _at(where, "keeper_phrases")),
        others_phrases=tuple(
            _phrases(v, f"{_at(where, 'others_phrases')}[{n}]")
            for n, v in enumerate(_list(d.get("others_phrases", []), _at(where, "others_phrases")))
        ),
    )


def _phrases(value: object, where: str) -> tuple[Phrase, ...]:
    """A value's phrases (absent in results saved before them: none). Each is an object
    with a `code` written like a key and its values, text or numbers; whether this
    version knows the code is for the words to say (`cleaner.phrases.value_words` falls back
    to the stored value)."""
    out = []
    for n, item in enumerate(_list(value, where)):
        at = f"{where}[{n}]"
        d = _obj(item, at)
        code = _text(_get(d, "code", at), _at(at, "code"))
        args: list[tuple[str, PhraseArg]] = []
        for key, arg in d.items():
            if key == "code":
                continue
            if not _KEY.fullmatch(key):
                raise _damaged(
                    _("{where} is not a value PhotoSift writes").format(where=_at(at, key))
                )
            if isinstance(arg, str):
                args.append((key, _short_text(arg, _at(at, key))))
            elif isinstance(arg, int) and not isinstance(arg, bool):
                args.append((key, arg))
            else:
                args.append((key, _number(arg, _at(at, key))))
        if not _KEY.fullmatch(code):
            raise _damaged(
                _("{where} is not a value PhotoSift writes").format(where=_at(at, "code"))
            )
        out.append(Phrase(code, tuple(args)))
    return tuple(out)


def _member(value: object, where: str) -> GroupMember:
    m = _obj(value, where)

    def need(key: str) -> Any:
        return _get(m, key, where)

    metrics = m.get("metrics")
    path = _path(need("path"), _at(where, "path"))
    return GroupMember(
        entry=FileEntry(
            path=path,
            size=_int(need("size"), _at(where, "size"), 0),
            mtime_ns=_int(need("mtime_ns"), _at(where, "mtime_ns")),
            device=_int(need("device"), _at(where, "device"), 0),
            inode=_int(need("inode"), _at(where, "inode"), 0),
            hardlinks=_paths(m.get("hardlinks", []), _at(where, "hardlinks")),
            nlink=_int(m.get("nlink", 1), _at(where, "nlink"), 0),
            sidecars=_sidecars(m.get("sidecars", []), path, _at(where, "sidecars")),
        ),
        metrics=None if metrics is None else _metrics(metrics, _at(where, "metrics")),
        sha256=_opt_text(m.get("sha256"), _at(where, "sha256")),
        quality=_int(need("quality"), _at(where, "quality")),
        distance=_int(need("distance"), _at(where, "distance")),
        is_keeper=_bool(need("keeper"), _at(where, "keeper")),
        protected=_bool(m.get("protected", False), _at(where, "protected")),
        suggested_remove=_bool(m.get("suggested_remove", False), _at(where, "suggested_remove")),
        kept_over=_kept_over(m.get("kept_over"), _at(where, "kept_over")),
        match=_match(m.get("match"), _at(where, "match")),
    )


def _kept_over(value: object, where: str) -> KeptOver | None:
    """A member's `kept_over`: absent or null (the keeper, or an older result) is None."""
    if value is None:
        return None
    d = _obj(value, where)
    criterion = _text(_get(d, "criterion", where), _at(where, "criterion"))
    # the criteria are a room's table and this module reads no room: it takes any key
    # written like one, and the window says an unknown one in plain words
    if not (criterion in KEPT_OVER_SPECIAL or _KEY.fullmatch(criterion)):
        raise _not_a_criterion(_at(where, "criterion"))
    return KeptOver(
        criterion,
        _short_text(_get(d, "keeper", where), _at(where, "keeper")),
        _short_text(_get(d, "copy", where), _at(where, "copy")),
        _phrases(d.get("keeper_phrases", []), _at(where, "keeper_phrases")),
        _phrases(d.get("copy_phrases", []), _at(where, "copy_phrases")),
    )


def _not_a_criterion(where: str) -> ResultFormatError:
    return _damaged(_("{where} is not a keeper criterion").format(where=where))


def _between(where: str, low: int, high: int) -> ResultFormatError:
    return _damaged(
        _("{where} should be between {low} and {high}").format(
            where=where, low=number(low), high=number(high)
        )
    )


def _match(value: object, where: str) -> MatchEvidence | None:
    """A member's `match`: absent or null (the keeper, or an older result) is None."""
    if value is None:
        return None
    d = _obj(value, where)
    transform = d.get("transform", TRANSFORM_NAMES[0])
    if transform not in TRANSFORM_NAMES:
        raise _one_of(_at(where, "transform"), list(TRANSFORM_NAMES))
    distance = d.get("distance")
    if distance is not None and not 0 <= _int(distance, _at(where, "distance")) <= 64:
        raise _between(_at(where, "distance"), 0, 64)
    correlation = d.get("correlation")
    if correlation is not None and not -1 <= _number(correlation, _at(where, "correlation")) <= 1:
        raise _between(_at(where, "correlation"), -1, 1)
    return MatchEvidence(
        kind=_choice(MatchKind, _get(d, "kind", where), _at(where, "kind")),
        against=_path(_get(d, "against", where), _at(where, "against")),
        search=_choice(MatchSearch, d.get("search", "hash"), _at(where, "search")),
        transform=str(transform),
        distance=None if distance is None else int(distance),
        correlation=None if correlation is None else float(correlation),
        detail=_bool(d.get("detail", False), _at(where, "detail")),
        window=_window(d.get("window"), _at(where, "window")),
    )


def _window(value: object, where: str) -> tuple[float, float, float, float] | None:
    """A crop window: left, top, right, bottom as fractions, left < right, top < bottom."""
    if value is None:
        return None
    items = _list(value, where)
    numbers = [_number(v, f"{where}[{n}]") for n, v in enumerate(items)]
    if (
        len(numbers) != 4
        or not all(0 <= v <= 1 for v in numbers)
        or not (numbers[0] < numbers[2] and numbers[1] < numbers[3])
    ):
        raise _damaged(
            _(
                "{where} should be 4 fractions (left, top, right, bottom, each 0 to 1, left "
                "before right, top before bottom)"
            ).format(where=where)
        )
    return numbers[0], numbers[1], numbers[2], numbers[3]


_KEY = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
_MAX_WORDS = 4096  # a value in words; anything longer was not written by PhotoSift


def _short_text(value: object, where: str) -> str:
    text = _text(value, where)
    if len(text) > _MAX_WORDS:
        raise _damaged(
            ngettext(
                "{where} is longer than {n} character",
                "{where} is longer than {n} characters",
                _MAX_WORDS,
            ).format(where=where, n=number(_MAX_WORDS))
        )
    return text


def _metrics(value: object, where: str) -> ImageMetrics:
    d = _obj(value, where)

    def at(key: str) -> str:
        return _at(where, key)

    return ImageMetrics(
        format=_text(_get(d, "format", where), at("format")),
        width=_int(_get(d, "width", where), at("width"), 0),
        height=_int(_get(d, "height", where), at("height"), 0),
        lossless=_bool(_get(d, "lossless", where), at("lossless")),
        jpeg_quality=_opt_int(d.get("jpeg_quality"), at("jpeg_quality")),
        sharpness=_number(_get(d, "sharpness", where), at("sharpness")),
        detail=_number(_get(d, "detail", where), at("detail")),
        capture_time=_opt_text(d.get("capture_time"), at("capture_time")),
        camera=_opt_text(d.get("camera"), at("camera")),
        has_gps=_bool(d.get("has_gps", False), at("has_gps")),
        has_exif=_bool(d.get("has_exif", False), at("has_exif")),
        looks_like_screenshot=_bool(
            d.get("looks_like_screenshot", False), at("looks_like_screenshot")
        ),
        looks_like_export=_bool(d.get("looks_like_export", False), at("looks_like_export")),
        orientation=_int(d.get("orientation", 1), at("orientation")),
        damage=_damage(d.get("damaged"), at("damaged")),
        damage_detail=_damage_detail(d.get("damaged"), at("damaged")),
        colour_count=_opt_int(d.get("colour_count"), at("colour_count")),
        capture_time_source=_time_source(d.get("capture_time_source"), at("capture_time_source")),
    )


def _damage(value: object, where: str) -> DamageReason | None:
    if value is None:
        return None
    d = _obj(value, where)
    return _choice(DamageReason, _get(d, "code", where), _at(where, "code"))


def _time_source(value: object, where: str) -> TimeSource | None:
    # absent for an undated picture, and in metrics written before it was recorded
    return None if value is None else _choice(TimeSource, value, where)


def _damage_detail(value: object, where: str) -> str:
    if value is None:
        return ""
    return _text(_obj(value, where).get("detail", ""), _at(where, "detail"))


def _sidecar_to_dict(c: Sidecar) -> dict[str, Any]:
    return {
        "path": c.path,
        "size": c.size,
        "mtime_ns": c.mtime_ns,
        "device": c.device,
        "inode": c.inode,
        "shared_with": list(c.shared_with),
    }


def _sidecars(value: object, picture: str, where: str) -> tuple[Sidecar, ...]:
    """A member's sidecars. Each must be a sidecar name of that picture in its own folder,
    so an edited result cannot make `clean` move some other file "with" a picture."""
    out: list[Sidecar] = []
    for n, item in enumerate(_list(value, where)):
        at = f"{where}[{n}]"
        d = _obj(item, at)
        path = _path(_get(d, "path", at), _at(at, "path"))
        if not belongs_to(path, picture):
            raise _damaged(_("{where} is not a sidecar file of its picture").format(where=at))
        out.append(
            Sidecar(
                path,
                _int(_get(d, "size", at), _at(at, "size"), 0),
                _int(_get(d, "mtime_ns", at), _at(at, "mtime_ns")),
                _int(d.get("device", 0), _at(at, "device"), 0),
                _int(d.get("inode", 0), _at(at, "inode"), 0),
                shared_with=_paths(d.get("shared_with", []), _at(at, "shared_with")),
            )
        )
    return tuple(out)


def dumps(result: ScanResult) -> str:
    # ensure_ascii keeps lone surrogates (non-UTF-8 names) as \\udcXX escapes.
    return json.dumps(result_to_dict(result), indent=1, ensure_ascii=True)


def save(result: ScanResult, path: str | os.PathLike[str]) -> None:
    """Write atomically: a crash leaves the old file or the new one, never half of one."""
    write_text_atomic(Path(path), dumps(result))


def load(path: str | os.PathLike[str]) -> ScanResult:
    try:
        with open_regular(path) as fh:  # a FIFO in its place must not hang the command
            text = fh.read().decode("utf-8")
    except FileNotFoundError as exc:
        raise ResultFormatError(_("result file not found: {path}").format(path=path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        # {reason}: the system's own words (Python's), as it gives them
        raise ResultFormatError(
            _("cannot read result file {path}: {reason}").format(path=path, reason=exc)
        ) from exc
    try:
        data = loads_in_steps(text)
    except json.JSONDecodeError as exc:
        # Translators: {reason} is what is wrong, one of the JSON reader's messages below
        # ("Expecting value"); {line} is a line number
        raise ResultFormatError(
            _("{path} is not valid JSON ({reason}, line {line})").format(
                path=path, reason=_(exc.msg), line=exc.lineno
            )
        ) from exc
    except RecursionError as exc:
        raise ResultFormatError(
            _("{path} is not a result file (nested too deeply)").format(path=path)
        ) from exc
    except ValueError as exc:  # e.g. a number with thousands of digits
        raise ResultFormatError(
            _("{path} is not a result file (a value is out of range)").format(path=path)
        ) from exc
    return result_from_dict(data)


# The messages of Python's JSON reader (`json.JSONDecodeError.msg`, the same from
# `loads_in_steps`), marked so that `load` says what is wrong in the user's language; a
# message not listed here (one Python adds later) is shown as Python gives it.
_JSON_READER_MESSAGES = (
    N_("Expecting value"),
    N_("Expecting property name enclosed in double quotes"),
    N_("Expecting ':' delimiter"),
    N_("Expecting ',' delimiter"),
    N_("Extra data"),
    N_("Unterminated string starting at"),
    N_("Invalid control character at"),
    N_("Invalid \\uXXXX escape"),
    N_("Illegal trailing comma before end of object"),
    N_("Illegal trailing comma before end of array"),
)

_SPACE = re.compile(r"[ \t\n\r]*")
_STEPPED = frozenset({"groups", "skipped"})  # the lists that grow with the library


def loads_in_steps(text: str) -> Any:
    """`json.loads(text)`, with the same result and errors, but a top-level object's
    long lists ("groups", "skipped") decoded one element at a time. json's C decoder keeps
    Python's lock for the whole of one call: seconds for a 100 MB result, during which a
    window reading it on a worker thread could not paint. Between elements, other
    threads run."""
    decoder = json.JSONDecoder()
    pos = _skip_space(text, 0)
    if not text.startswith("{", pos):
        return json.loads(text)
    data: dict[str, Any] = {}
    pos = _skip_space(text, pos + 1)
    if text.startswith("}", pos):
        pos += 1
    else:
        while True:
            if not text.startswith('"', pos):
                raise json.JSONDecodeError(
                    "Expecting property name enclosed in double quotes", text, pos
                )
            key, pos = decoder.raw_decode(text, pos)  # a string: it starts with a quote
            pos = _skip_space(text, pos)
            if not text.startswith(":", pos):
                raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
            pos = _skip_space(text, pos + 1)
            if key in _STEPPED and text.startswith("[", pos):
                data[key], pos = _list_in_steps(decoder, text, pos)
            else:
                data[key], pos = decoder.raw_decode(text, pos)
            pos = _skip_space(text, pos)
            if text.startswith(",", pos):
                pos = _skip_space(text, pos + 1)
            elif text.startswith("}", pos):
                pos += 1
                break
            else:
                raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
    if (end := _skip_space(text, pos)) != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return data


def _list_in_steps(decoder: json.JSONDecoder, text: str, pos: int) -> tuple[list[Any], int]:
    """The JSON list at `pos` (its "["), an element per call of the decoder; and where it
    ends."""
    items: list[Any] = []
    pos = _skip_space(text, pos + 1)
    if text.startswith("]", pos):
        return items, pos + 1
    while True:
        item, pos = decoder.raw_decode(text, pos)
        items.append(item)
        pos = _skip_space(text, pos)
        if text.startswith(",", pos):
            pos = _skip_space(text, pos + 1)
        elif text.startswith("]", pos):
            return items, pos + 1
        else:
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)


def _skip_space(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match is not None else pos


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    with atomic_text_file(path, encoding=encoding) as fh:
        fh.write(text)
