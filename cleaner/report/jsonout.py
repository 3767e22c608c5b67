"""The report as JSON: the full result (`cleaner.resultio` schema) plus a ``report`` section.

The file is a valid result file: `cleaner.resultio.load` (and so ``photosift clean``
and ``photosift report --from``) reads it back and ignores the ``report`` section,
which holds the figures of `cleaner.report.summary` and what happened to each file.
The layout is documented field by field in ``docs/result-json.md``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any, TextIO

from cleaner.atomic import atomic_text_file
from cleaner.models import ScanResult
from cleaner.report.summary import ReportSummary
from cleaner.resultio import result_to_dict

REPORT_SCHEMA_VERSION = 1


def report_to_dict(summary: ReportSummary) -> dict[str, Any]:
    t = summary.totals
    o = summary.options
    r = summary.removal
    return {
        "report_version": REPORT_SCHEMA_VERSION,
        "generated_at": summary.generated_at,
        "generated_by": summary.generated_by,
        "options": {
            "times": o.times,
            "price_per_gb_month": o.price_per_gb_month,
            "currency": o.currency,
        },
        "totals": {
            "files_seen": t.files_seen,
            "bytes_seen": t.bytes_seen,
            "images": t.images,
            "skipped": t.skipped,
            "skipped_by_reason": [{"reason": k, "count": c} for k, c in t.skipped_by_reason],
            "groups": t.groups,
            "exact_groups": t.exact_groups,
            "similar_groups": t.similar_groups,
            "files_in_groups": t.files_in_groups,
            "redundant_copies": t.redundant_copies,
            "protected_copies": t.protected_copies,
            "reclaimable_bytes": t.reclaimable_bytes,
            "hardlinks": t.hardlinks,
            "redundant_share": round(t.redundant_share, 6),
            "reclaimable_share": round(t.reclaimable_share, 6),
            "cost_per_month": round(t.cost_per_month, 6),
            "cost_per_year": round(t.cost_per_year, 6),
        },
        "over_represented": [
            {
                "group_id": x.group_id,
                "appearances": x.appearances,
                "copies": x.copies,
                "kind": x.kind.value,
                "keeper_path": x.keeper_path,
                "keeper_sha256": x.keeper_sha256,
                "reclaimable_bytes": x.reclaimable_bytes,
            }
            for x in summary.over_represented
        ],
        "removal": None
        if r is None
        else {
            "moved": r.moved,
            "moved_bytes": r.moved_bytes,
            "failed": r.failed,
            "left_in_place": r.left_in_place,
            "restored": r.restored,
            "batches": list(r.batches),
        },
        "outcomes": [
            {
                "path": path,
                "outcome": x.fate.value,
                "text": x.text,
                "batch_id": x.batch_id,
                "when": x.when,
                "method": x.method,
                "destination": x.destination,
                "detail": x.detail,
            }
            for path, x in sorted(summary.outcomes.items())
        ],
    }


def write_json(result: ScanResult, summary: ReportSummary, path: str | os.PathLike[str]) -> None:
    """Stream the result and the report section to `path`, one group per line.

    The top level has resultio's keys in resultio's order plus ``report``. Groups and
    skipped files are converted and encoded a chunk at a time (with the C encoder), so a
    50,000-file result is neither held twice in memory nor encoded by the slow
    pure-Python path that ``json.dump(indent=...)`` takes.
    """
    head = result_to_dict(replace(result, groups=(), skipped=()))
    with atomic_text_file(path, newline="\n") as fh:
        fh.write("{")
        first = True
        for key, value in head.items():
            fh.write(("\n " if first else ",\n ") + _dumps(key) + ": ")
            first = False
            if key == "groups":
                _write_list(fh, _group_dicts(result))
            elif key == "skipped":
                _write_list(fh, _skipped_dicts(result))
            else:
                fh.write(_dumps(value))
        fh.write(",\n " + _dumps("report") + ": " + _dumps(report_to_dict(summary)) + "\n}\n")


def _dumps(value: object) -> str:
    # ensure_ascii keeps lone surrogates (non-UTF-8 names) as \udcXX escapes, as resultio.
    return json.dumps(value, ensure_ascii=True)


_CHUNK = 500


def _group_dicts(result: ScanResult) -> Iterator[object]:
    """resultio's dicts for the groups, made a chunk at a time."""
    for start in range(0, len(result.groups), _CHUNK):
        part = replace(result, groups=result.groups[start : start + _CHUNK], skipped=())
        yield from result_to_dict(part)["groups"]


def _skipped_dicts(result: ScanResult) -> Iterator[object]:
    for start in range(0, len(result.skipped), _CHUNK):
        part = replace(result, groups=(), skipped=result.skipped[start : start + _CHUNK])
        yield from result_to_dict(part)["skipped"]


def _write_list(fh: TextIO, items: Iterable[object]) -> None:
    fh.write("[")
    sep = "\n  "
    for item in items:
        fh.write(sep + _dumps(item))
        sep = ",\n  "
    fh.write("\n ]" if sep != "\n  " else "]")
