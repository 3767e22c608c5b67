"""What reading one picture costs above the decode floor, step by step, in CPU seconds.

The cold scan is measured against the decode floor (`benchmarks.cold_scan`); on a
machine shared with other work its wall time says more about the others than about
PhotoSift. This measures the per-picture work alone, in one thread, in CPU seconds
(`time.process_time`): the floor's decode (`benchmarks.decode_floor.decode_one`), then
the scan's `open_small` and `analyse_decoded` of the same file, with the time inside
each of their steps, over every n-th distinct picture of a corpus, after a few untimed
pictures (the imports a worker pays once), two rounds (their mean is reported).

    python -m benchmarks.reading_cost profile ROOT [--pictures 300] [--rounds 2]

`digest` writes what the reading gives for the same pictures (every metric, every hash,
the thumbnail, the detail map, the colour signature, the damage found): a change that
is only meant to make reading cheaper must leave it byte for byte as it was.

    python -m benchmarks.reading_cost digest ROOT --out before.json   # old code
    python -m benchmarks.reading_cost digest ROOT --out after.json    # new code
    cmp before.json after.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.decode_floor import decode_one, image_files
from cleaner.detect import analysis, decode, fingerprint
from cleaner.detect.decode import DecodeFailure
from cleaner.models import DEFAULT_MAX_PIXELS
from cleaner.resultio import metrics_to_dict

# (module, function) timed inside open_small and analyse_decoded; nested ones are
# counted in their callers too (fingerprint_of_grey holds dihedral_phashes and the rest)
STEPS: tuple[tuple[Any, str], ...] = (
    (decode, "_read_exif"),
    (decode, "estimate_jpeg_quality"),
    (decode, "_colour_count"),
    (decode, "_shrink"),
    (decode, "_to_8bit"),
    (decode, "file_damage"),
    (analysis, "grey"),
    (analysis, "grey32_of"),
    (analysis, "sharpness"),
    (analysis, "detail_of_grey32"),
    (analysis, "colour_signature"),
    (analysis, "fingerprint_of_grey"),
    (fingerprint, "dihedral_phashes"),
    (fingerprint, "crop_grey32"),
    (fingerprint, "phash_int"),
)


def sample(root: str, pictures: int) -> list[str]:
    """Every n-th distinct picture of `root` (sorted), `pictures` of them."""
    files = image_files(root, distinct=True)
    step = max(1, len(files) // max(1, pictures))
    return files[::step][:pictures]


def _timed(totals: dict[str, float], key: str, f: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        t = time.process_time()
        try:
            return f(*args, **kwargs)
        finally:
            totals[key] += time.process_time() - t

    return timed


def profile(paths: Sequence[str], rounds: int) -> dict[str, Any]:
    """CPU seconds per picture of the floor, the scan's reading and each step of it."""
    decode.register_plugins()
    for path in paths[:3]:  # the imports a first call pays (scipy's DCT): once a worker
        analysis.analyse_file(path, DEFAULT_MAX_PIXELS)
    totals: dict[str, float] = defaultdict(float)
    originals = [(module, name, getattr(module, name)) for module, name in STEPS]
    for module, name, f in originals:
        setattr(module, name, _timed(totals, f"{module.__name__.rsplit('.', 1)[-1]}.{name}", f))
    try:
        for _ in range(rounds):
            for path in paths:
                t = time.process_time()
                decode_one(path)
                totals["floor (decode_one)"] += time.process_time() - t
                t = time.process_time()
                decoded = decode.open_small(path, DEFAULT_MAX_PIXELS)
                totals["scan: open_small"] += time.process_time() - t
                if isinstance(decoded, DecodeFailure):
                    continue
                t = time.process_time()
                analysis.analyse_decoded(decoded, os.path.basename(path))
                totals["scan: analyse_decoded"] += time.process_time() - t
    finally:
        for module, name, f in originals:
            setattr(module, name, f)
    per = {k: v / rounds / len(paths) * 1000 for k, v in totals.items()}
    scan = per["scan: open_small"] + per["scan: analyse_decoded"]
    return {
        "pictures": len(paths),
        "rounds": rounds,
        "ms_per_picture": dict(sorted(per.items(), key=lambda kv: -kv[1])),
        "scan_over_floor": scan / per["floor (decode_one)"],
        "load": os.getloadavg(),
    }


def digest(paths: Sequence[str], root: str) -> dict[str, Any]:
    """What reading gives for each picture, as JSON-ready values (bytes as SHA-256)."""

    def h(data: bytes | None) -> str | None:
        return None if data is None else hashlib.sha256(data).hexdigest()

    out: dict[str, Any] = {}
    for path in paths:
        result = analysis.analyse_file(path, DEFAULT_MAX_PIXELS)
        key = os.path.relpath(path, root)
        if isinstance(result, DecodeFailure):
            out[key] = {"failure": [result.reason.value, result.detail]}
            continue
        fp = result.fingerprint
        out[key] = {
            "metrics": metrics_to_dict(result.metrics),
            "hashes": fp.hash_bytes.hex(),
            "thumb": h(fp.thumb),
            "detail_map": h(fp.detail_map),
            "colour": fp.colour.hex(),
        }
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reading_cost")
    parser.add_argument("what", choices=("profile", "digest"))
    parser.add_argument("root")
    parser.add_argument("--pictures", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", help="digest: the JSON file to write")
    args = parser.parse_args(argv)
    paths = sample(args.root, args.pictures)
    if args.what == "profile":
        print(json.dumps(profile(paths, args.rounds), indent=1))
        return 0
    text = json.dumps(digest(paths, args.root), indent=1, sort_keys=True)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
