"""Write a `ScanResult` to JSON and read it back.

The JSON is the engine's full result, with a schema version, so that
`photosift clean` and `photosift report` can work from a saved scan. Paths that
are not valid UTF-8 keep their `os.fsdecode()` spelling: JSON escapes the lone
surrogate (``\\udced``) and reading it back gives the same `str`, so
`os.fsencode()` finds the same file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cleaner.atomic import atomic_text_file
from cleaner.errors import ResultFormatError
from cleaner.models import (
    DEFAULT_MAX_PIXELS,
    DamageReason,
    DuplicateGroup,
    FileEntry,
    GroupKind,
    GroupMember,
    ImageMetrics,
    ScanResult,
    ScanSettings,
    ScanStats,
    Similarity,
    SkippedFile,
    SkipReason,
)

SCHEMA = "photosift-result"
SCHEMA_VERSION = 1


def result_to_dict(result: ScanResult) -> dict[str, Any]:
    return {
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
    }


def metrics_from_dict(d: dict[str, Any]) -> ImageMetrics:
    return ImageMetrics(
        format=str(d["format"]),
        width=int(d["width"]),
        height=int(d["height"]),
        lossless=bool(d["lossless"]),
        jpeg_quality=None if d.get("jpeg_quality") is None else int(d["jpeg_quality"]),
        sharpness=float(d["sharpness"]),
        detail=float(d["detail"]),
        capture_time=d.get("capture_time"),
        camera=d.get("camera"),
        has_gps=bool(d.get("has_gps", False)),
        has_exif=bool(d.get("has_exif", False)),
        looks_like_screenshot=bool(d.get("looks_like_screenshot", False)),
        looks_like_export=bool(d.get("looks_like_export", False)),
        orientation=int(d.get("orientation", 1)),
        damage=None if not d.get("damaged") else DamageReason(d["damaged"]["code"]),
        damage_detail=str(d["damaged"].get("detail", "")) if d.get("damaged") else "",
        colour_count=None if d.get("colour_count") is None else int(d["colour_count"]),
    )


def _group_to_dict(g: DuplicateGroup) -> dict[str, Any]:
    return {
        "id": g.id,
        "kind": g.kind.value,
        "reason": g.reason,
        "deciding_criterion": g.deciding_criterion,
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
                "sha256": m.sha256,
                "metrics": None if m.metrics is None else metrics_to_dict(m.metrics),
                "quality": m.quality,
                "distance": m.distance,
                "keeper": m.is_keeper,
                "protected": m.protected,
                "suggested_remove": m.suggested_remove,
            }
            for m in g.members
        ],
    }


def result_from_dict(data: dict[str, Any]) -> ScanResult:
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ResultFormatError("not a PhotoSift result file")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ResultFormatError(
            f"result file has schema version {version}; this PhotoSift reads version "
            f"{SCHEMA_VERSION}. Scan again to make a new one."
        )
    try:
        s = data["settings"]
        settings = ScanSettings(
            roots=tuple(s["roots"]),
            similarity=Similarity(s["similarity"]),
            threshold=s.get("threshold"),
            rotations=bool(s.get("rotations", False)),
            excludes=tuple(s.get("excludes", ())),
            follow_symlinks=bool(s.get("follow_symlinks", False)),
            protected=tuple(s.get("protected", ())),
            max_pixels=int(s.get("max_pixels", DEFAULT_MAX_PIXELS)),
            workers=int(s.get("workers", 0)),
            criteria=tuple(s.get("criteria", ())),
            prefer_paths=tuple(s.get("prefer_paths", ())),
            avoid_paths=tuple(s.get("avoid_paths", ())),
        )
        st = data["stats"]
        stats = ScanStats(**{k: st[k] for k in ScanStats.__dataclass_fields__ if k in st})
        groups = tuple(_group_from_dict(g) for g in data["groups"])
        skipped = tuple(
            SkippedFile(x["path"], SkipReason(x["reason"]), x.get("detail", ""))
            for x in data["skipped"]
        )
        return ScanResult(
            settings=settings,
            groups=groups,
            skipped=skipped,
            stats=stats,
            started_at=str(data["started_at"]),
            finished_at=str(data["finished_at"]),
            app_version=str(data["app_version"]),
            machine=str(data.get("machine", "")),
            cancelled=bool(data.get("cancelled", False)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ResultFormatError(f"result file is damaged or incomplete ({exc!r})") from exc


def _group_from_dict(g: dict[str, Any]) -> DuplicateGroup:
    members = tuple(
        GroupMember(
            entry=FileEntry(
                path=m["path"],
                size=int(m["size"]),
                mtime_ns=int(m["mtime_ns"]),
                device=int(m.get("device", 0)),
                inode=int(m.get("inode", 0)),
                hardlinks=tuple(m.get("hardlinks", ())),
                nlink=int(m.get("nlink", 1)),
            ),
            metrics=None if m.get("metrics") is None else metrics_from_dict(m["metrics"]),
            sha256=m.get("sha256"),
            quality=int(m["quality"]),
            distance=int(m["distance"]),
            is_keeper=bool(m["keeper"]),
            protected=bool(m.get("protected", False)),
            suggested_remove=bool(m.get("suggested_remove", False)),
        )
        for m in g["members"]
    )
    return DuplicateGroup(
        id=int(g["id"]),
        kind=GroupKind(g["kind"]),
        members=members,
        reason=str(g.get("reason", "")),
        deciding_criterion=g.get("deciding_criterion"),
    )


def dumps(result: ScanResult) -> str:
    # ensure_ascii keeps lone surrogates (non-UTF-8 names) as \\udcXX escapes.
    return json.dumps(result_to_dict(result), indent=1, ensure_ascii=True)


def save(result: ScanResult, path: str | os.PathLike[str]) -> None:
    """Write atomically: a crash leaves the old file or the new one, never half of one."""
    write_text_atomic(Path(path), dumps(result))


def load(path: str | os.PathLike[str]) -> ScanResult:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ResultFormatError(f"result file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ResultFormatError(f"cannot read result file {path}: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultFormatError(f"{path} is not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    return result_from_dict(data)


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    with atomic_text_file(path, encoding=encoding) as fh:
        fh.write(text)
