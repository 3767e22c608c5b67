"""Issue 14: ten catalogs of 1,000,000 pictures merged and grouped in < 15 min, < 16 GB
peak, >= 99 % of the planted cross-catalog pairs found (a 2-core, 24 GB machine).

The catalogs are synthesised the way `benchmarks.grouping_1m` synthesises fingerprints
(`benchmarks.synth_fingerprints.generate`: distinct pictures plus perturbed copies whose
pHash is within the preset's threshold of their original) and written the way a build
writes them (`benchmarks.catalog_size.write_catalog`). Pictures are dealt to the
catalogs in turn; every planted copy goes to **another** catalog than its original, so
each planted pair is a cross-catalog pair. Then `cleaner.catalog.estate.scan_catalogs`
reads, groups and scores them, as `photosift scan --catalog ...` does; a planted pair is
found when both files end in one set.

    python -m benchmarks.estate_10m                          # the target: 10 x 1,000,000
    python -m benchmarks.estate_10m --catalogs 2 --per-catalog 250000   # a few minutes

Writing the catalogs takes longer than grouping them (~3,500 rows a second a core); they
are kept in --keep DIR when given, and reused when present there.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.catalog_size import EVENTS, SynthRow, synthetic_analysis, write_catalog
from cleaner.catalog.estate import scan_catalogs
from cleaner.models import ScanSettings
from cleaner.progress import drain

TARGET_SECONDS = 15 * 60
TARGET_PEAK_BYTES = 16 * 1024**3
TARGET_RECALL = 0.99


def plan(catalogs: int, per_catalog: int, planted_share: float) -> tuple[int, int, Any]:
    """(total, planted, catalog of each picture): distinct pictures dealt in turn, each
    planted copy to the catalog after its original's."""
    total = catalogs * per_catalog
    planted = int(total * planted_share)
    distinct = total - planted
    where = np.empty(total, np.int64)
    where[:distinct] = np.arange(distinct) % catalogs
    where[distinct:] = (where[:planted] + 1) % catalogs
    return total, planted, where


def colour_of(k: int) -> bytes:
    """The colour signature of picture k: a planted copy has its original's (colour is
    one of the checks; a grey picture, one in ten, has none)."""
    return b"" if k % 10 == 0 else hashlib.sha256(b"colour%d" % k).digest()


def rel_of(k: int) -> str:
    return f"{2010 + k % 12}/{EVENTS[k % len(EVENTS)]} {k // 1000:05d}/IMG_{k:08d}.JPG"


def synthesise(
    folder: Path, catalogs: int, per_catalog: int, planted_share: float, seed: int = 11
) -> dict[str, Any]:
    from benchmarks.synth_fingerprints import generate

    total, planted, where = plan(catalogs, per_catalog, planted_share)
    t0 = time.perf_counter()
    fps = generate(total, planted, threshold=10, rotations=True, seed=seed)
    generate_seconds = time.perf_counter() - t0
    maps = {int(k): n for n, k in enumerate(fps.detail_index.tolist())}
    distinct = total - planted
    t1 = time.perf_counter()
    for c in range(catalogs):
        out = folder / f"server-{c:02d}.catalog"
        if out.exists():
            continue
        rng = np.random.default_rng(seed + c)

        def rows(c: int = c, rng: np.random.Generator = rng) -> Iterator[SynthRow]:
            for k in np.nonzero(where == c)[0].tolist():
                m = maps.get(k)
                detail = None if m is None else fps.detail_maps[m].tobytes()
                yield SynthRow(
                    rel=rel_of(k),
                    size=int(rng.integers(500_000, 12_000_000)),
                    mtime_ns=1_300_000_000_000_000_000 + k * 1_000_003_000,
                    inode=1_000_000 + k,
                    sha256=hashlib.sha256(k.to_bytes(8, "big")).digest(),
                    analysis=synthetic_analysis(
                        rng, fps, k, detail, colour_of(k if k < distinct else k - distinct)
                    ),
                )

        write_catalog(out, f"server-{c:02d}", rows())
    return {
        "generate_seconds": round(generate_seconds, 1),
        "write_seconds": round(time.perf_counter() - t1, 1),
        "planted_i": fps.planted_i,
        "planted_j": fps.planted_j,
        "where": where,
    }


def measure(folder: Path, catalogs: int, planted: dict[str, Any]) -> dict[str, Any]:
    paths = [str(folder / f"server-{c:02d}.catalog") for c in range(catalogs)]
    t0 = time.perf_counter()
    scanned = drain(scan_catalogs(paths, ScanSettings(roots=())))
    seconds = time.perf_counter() - t0
    set_of: dict[str, int] = {}
    for g in scanned.result.groups:
        for m in g.members:
            set_of[m.path] = g.id
    where = planted["where"]
    found = 0
    pairs = list(zip(planted["planted_i"].tolist(), planted["planted_j"].tolist(), strict=True))
    for i, j in pairs:
        a = set_of.get(f"server-{int(where[i]):02d}:{rel_of(i)}")
        b = set_of.get(f"server-{int(where[j]):02d}:{rel_of(j)}")
        found += a is not None and a == b
    return {
        "rows": scanned.result.stats.files_seen,
        "seconds": round(seconds, 1),
        "sets": len(scanned.result.groups),
        "planted_pairs": len(pairs),
        "planted_found": found,
        "recall": round(found / max(len(pairs), 1), 5),
    }


def run(
    catalogs: int = 10,
    per_catalog: int = 1_000_000,
    planted_share: float = 0.1,
    keep: Path | None = None,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="photosift-estate-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        made = synthesise(folder, catalogs, per_catalog, planted_share)
        catalog_bytes = sum(f.stat().st_size for f in folder.glob("server-*.catalog"))
        result = measure(folder, catalogs, made)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    total = catalogs * per_catalog
    scale = 10_000_000 / total
    return {
        "catalogs": catalogs,
        "per_catalog": per_catalog,
        "planted_share": planted_share,
        "generate_seconds": made["generate_seconds"],
        "write_seconds": made["write_seconds"],
        "catalog_bytes": catalog_bytes,
        **result,
        "rows_per_second": round(total / max(result["seconds"], 1e-9)),
        "peak_rss_bytes": peak,
        "note": "peak includes synthesising the fingerprints in the same process",
        "extrapolated_10m_seconds_linear": round(result["seconds"] * scale),
        "target_seconds": TARGET_SECONDS,
        "target_peak_bytes": TARGET_PEAK_BYTES,
        "target_recall": TARGET_RECALL,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.estate_10m", description=__doc__)
    p.add_argument("--catalogs", type=int, default=10)
    p.add_argument("--per-catalog", type=int, default=1_000_000)
    p.add_argument("--planted", type=float, default=0.1, help="share of planted copies")
    p.add_argument("--keep", type=Path, help="write (or reuse) the catalogs in this folder")
    args = p.parse_args(argv)
    result = run(args.catalogs, args.per_catalog, args.planted, args.keep)
    print(json.dumps(result, indent=1))
    ok = result["seconds"] < TARGET_SECONDS and result["recall"] >= TARGET_RECALL
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
