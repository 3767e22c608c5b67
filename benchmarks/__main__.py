"""Run the benchmarks: `python -m benchmarks [NAME...] [--out DIR]`.

Names: accuracy, warm_rescan, cold_scan, naive_baseline, grouping_1m, review_100k,
catalog_size, cluster_build (default: all).
Each writes `<out>/<name>.json`; `<out>/machine.json` describes the machine and a
Markdown summary table is printed at the end (and saved as `<out>/summary.md`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import (
    accuracy,
    catalog_size,
    cluster_build,
    cold_scan,
    grouping_1m,
    naive_baseline,
    review_100k,
    warm_rescan,
)
from benchmarks.common import ENV_ACC, ENV_SCALE, MissingCorpusError, corpus, machine
from benchmarks.report import Row, rows_for, table

NAMES = (
    "accuracy",
    "warm_rescan",
    "cold_scan",
    "naive_baseline",
    "grouping_1m",
    "review_100k",
    "catalog_size",
    "cluster_build",
)


def _runners(args: argparse.Namespace) -> dict[str, Callable[[], dict[str, Any]]]:
    return {
        "accuracy": lambda: accuracy.run(corpus(ENV_ACC, args.acc)),
        "warm_rescan": lambda: warm_rescan.run(args.library, count=args.library_size),
        "cold_scan": lambda: cold_scan.run(
            corpus(ENV_SCALE, args.scale), reps=args.reps, scan_workers=args.scan_workers
        ),
        "naive_baseline": lambda: naive_baseline.run(corpus(ENV_SCALE, args.scale)),
        "grouping_1m": lambda: grouping_1m.run(
            count=args.fingerprints,
            planted=args.planted,
            rotations=args.rotations,
            both=args.both,
        ),
        "review_100k": lambda: review_100k.run(
            args.review_library, review_100k.TINY if args.tiny else review_100k.Size()
        ),
        "catalog_size": lambda: catalog_size.run(args.catalog_rows),
        "cluster_build": lambda: cluster_build.run(
            corpus(ENV_SCALE, args.scale), count=args.cluster_pictures, reps=args.reps
        ),
    }


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument(
        "names", nargs="*", metavar="NAME", help=f"any of {', '.join(NAMES)} (default: all)"
    )
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    p.add_argument("--acc", help=f"accuracy corpus (default: ${ENV_ACC})")
    p.add_argument("--scale", help=f"scale corpus (default: ${ENV_SCALE})")
    p.add_argument("--library", type=Path, help="folder for the synthetic warm-rescan library")
    p.add_argument("--library-size", type=int, default=2000)
    p.add_argument("--reps", type=int, default=3, help="cold-scan repetitions")
    p.add_argument(
        "--scan-workers",
        type=int,
        default=0,
        help="cold_scan: also time a thread-pool scan with this many workers",
    )
    p.add_argument("--fingerprints", type=int, default=1_000_000)
    p.add_argument("--planted", type=int, default=100_000)
    p.add_argument(
        "--rotations",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="grouping_1m with turned and mirrored copies matched, as a scan does by default",
    )
    p.add_argument(
        "--both", action="store_true", help="grouping_1m with and without rotations, one by one"
    )
    p.add_argument(
        "--review-library",
        type=Path,
        help="folder for review_100k's hard-linked pictures (default: $TMPDIR)",
    )
    p.add_argument("--tiny", action="store_true", help="review_100k at a tiny size (a smoke run)")
    p.add_argument("--catalog-rows", type=int, default=100_000, help="catalog_size's rows")
    p.add_argument(
        "--cluster-pictures",
        type=int,
        default=300,
        help="cluster_build's slice of the scale corpus",
    )
    args = p.parse_args(argv)
    unknown = [n for n in args.names if n not in NAMES]
    if unknown:
        p.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    names = args.names or list(NAMES)
    args.out.mkdir(parents=True, exist_ok=True)
    info = machine()
    info["date"] = dt.date.today().isoformat()
    (args.out / "machine.json").write_text(json.dumps(info, indent=1))
    runners = _runners(args)
    rows: list[Row] = []
    failed = False
    for name in names:
        print(f"== {name}", file=sys.stderr)
        t0 = time.perf_counter()
        try:
            result = runners[name]()
        except MissingCorpusError as exc:
            print(f"{name}: skipped: {exc}", file=sys.stderr)
            failed = True
            continue
        except Exception:
            traceback.print_exc()
            failed = True
            continue
        seconds = time.perf_counter() - t0
        (args.out / f"{name}.json").write_text(json.dumps(result, indent=1, default=str))
        print(f"{name}: done in {seconds:.0f} s", file=sys.stderr)
        rows.extend(rows_for(name, result))
    text = table(info, rows)
    (args.out / "summary.md").write_text(text)
    print(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
