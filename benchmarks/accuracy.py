"""Target 4: detection quality on the kit's public accuracy corpus.

Runs `photosift scan` (default settings, then `--no-rotations`) on the corpus with
`--no-cache`, converts the result with `benchmarks.to_bench_result` and scores
it with the kit's `score.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from benchmarks.common import KIT, check, load_json, photosift_cmd, run_measured, scratch
from benchmarks.to_bench_result import convert_file

TARGET_F1 = 0.95
# every attack in these tiers must be found (recall 1.0)
FULL_RECALL_ATTACKS = (
    "exact_copy",
    "resize_50",
    "resize_1024",
    "jpeg_q85",
    "jpeg_q50",
    "to_png",
    "to_webp",
    "to_heic",
    "to_tiff",
    "exif_orientation",
    "strip_metadata",
)
VARIANTS: dict[str, tuple[str, ...]] = {"default": (), "no-rotations": ("--no-rotations",)}


def score(acc: Path, result: Path, work: Path) -> dict[str, Any]:
    scorer = KIT / "score.py"
    if not scorer.is_file():
        raise FileNotFoundError(f"the kit's score.py is not at {scorer} (set PHOTOSIFT_BENCH_KIT)")
    out = work / "score.json"
    run = run_measured(
        [
            sys.executable,
            str(scorer),
            str(acc / "truth.json"),
            str(result),
            "--root",
            str(acc),
            "--json",
            str(out),
        ]
    )
    check(run, "score.py")
    data: dict[str, Any] = load_json(out)
    data["summary_line"] = run.stdout.strip().splitlines()[-1]
    return data


def run_variant(acc: Path, flags: tuple[str, ...], work: Path) -> dict[str, Any]:
    raw = work / "photosift.json"
    run = run_measured(
        photosift_cmd("scan", str(acc), "--json", str(raw), "--no-cache", "-q", *flags)
    )
    check(run, "photosift scan")
    bench = work / "RESULT.json"
    convert_file(raw, bench, acc, seconds=run.seconds, peak_rss_mb=run.peak_rss_mb)
    return score(acc, bench, work)


def run(acc: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, flags in VARIANTS.items():
        with scratch(f"acc-{name}") as work:
            results[name] = summarise(run_variant(acc, flags, work))
    return results


def summarise(scored: dict[str, Any]) -> dict[str, Any]:
    """The numbers the README records, and pass/fail of each target."""
    by_attack = {k: v["recall"] for k, v in scored["recall_by_attack"].items()}
    must = {a: by_attack[a] for a in FULL_RECALL_ATTACKS if a in by_attack}
    hardneg_fp = int(scored["hardneg"]["pairs_wrongly_grouped"])
    bad_grouped = int(scored["bad"]["grouped"])
    checks = {
        "f1": scored["f1"] >= TARGET_F1,
        "full_recall_attacks": all(r == 1.0 for r in must.values()),
        "hardneg_fp": hardneg_fp == 0,
        "bad_grouped": bad_grouped == 0,
    }
    return {
        "f1": scored["f1"],
        "precision": scored["precision"],
        "recall": scored["recall"],
        "pairs": scored["pairs"],
        "recall_by_tier": {k: v["recall"] for k, v in scored["recall_by_tier"].items()},
        "recall_by_attack": by_attack,
        "full_recall_attacks": must,
        "hardneg_fp": hardneg_fp,
        "bad_grouped": bad_grouped,
        "link_grouped": int(scored["links"]["link_grouped_with_target"]),
        "valid_unreadable": int(scored["unreadable"]["valid_files_listed"]),
        "missed_examples": scored["examples"]["missed"],
        "false_positive_examples": scored["examples"]["false_positives"],
        "seconds": scored.get("seconds"),
        "peak_rss_mb": scored.get("peak_rss_mb"),
        "summary": scored["summary_line"],
        "checks": checks,
        "pass": all(checks.values()),
    }
