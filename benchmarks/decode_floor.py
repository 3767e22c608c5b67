"""The decode floor: every picture decoded once, as small as its format allows, no hashing.

As the issue defines it: "the time to decode every file once at the smallest scale
its format allows, on all cores, with no hashing". Each file is opened with Pillow
(pillow-heif registered for HEIC), asked for the smallest decode there is with
`draft(mode, (1, 1))`, and `load()`ed:

- JPEG: 1/8 DCT scaling, the smallest libjpeg offers (a 12 MP picture decodes to
  500x375), in RGB (grey for a grey JPEG);
- HEIC/HEIF: pillow-heif's smallest embedded thumbnail if the file has one (of any
  size, even one smaller than the engine could use), else the whole picture; the
  scale corpus has none, so every HEIC decodes in full;
- PNG, WebP, TIFF and the rest: Pillow has no smaller decode for them, so in full.

No EXIF, no resize, no conversion, no fingerprint, no digest.

    python -m benchmarks.decode_floor ROOT [--executor processes|threads] [--distinct]

prints one JSON line: {"seconds": ..., "files": ..., "failed": ...}.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import sys
import time
from collections.abc import Sequence

from PIL import Image

from cleaner.detect.decode import register_plugins
from cleaner.detect.fingerprint import sha256_file
from cleaner.detect.walk import FoundFile, normalise_roots, walk
from cleaner.formats import is_image_candidate


def image_files(root: str, distinct: bool = False) -> list[str]:
    """Regular files under `root` that the engine would try to decode (links not followed).

    With `distinct`, one file per byte-identical set, as the engine decodes them.
    """
    found = sorted(
        item.path
        for item in walk(normalise_roots([root]))
        if isinstance(item, FoundFile) and is_image_candidate(item.path)
    )
    if not distinct:
        return found
    seen: set[tuple[int, str]] = set()
    kept: list[str] = []
    for path in found:
        key = (os.path.getsize(path), sha256_file(path))
        if key not in seen:
            seen.add(key)
            kept.append(path)
    return kept


def decode_one(path: str) -> bool:
    """Decode `path` at the smallest scale its format allows. False if it cannot be read."""
    register_plugins()
    try:
        with Image.open(path) as im:
            im.draft("RGB" if im.mode not in ("L", "1") else "L", (1, 1))
            im.load()
    except Exception:
        return False
    return True


def decode_all(
    paths: Sequence[str], executor: str = "processes", workers: int = 0
) -> dict[str, float]:
    """Decode every path once in a pool over all cores; the pool start-up is included."""
    workers = workers or os.cpu_count() or 2
    t0 = time.perf_counter()
    pool: cf.Executor
    if executor == "processes":
        pool = cf.ProcessPoolExecutor(max_workers=workers)
    else:
        pool = cf.ThreadPoolExecutor(max_workers=workers)
    with pool:
        chunk = 1 if executor == "threads" else 4
        ok = sum(pool.map(decode_one, paths, chunksize=chunk))
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "files": len(paths), "failed": len(paths) - ok}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.decode_floor")
    parser.add_argument("root")
    parser.add_argument("--executor", choices=("processes", "threads"), default="processes")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--distinct", action="store_true", help="one file per exact-copy set")
    args = parser.parse_args(argv)
    paths = image_files(args.root, args.distinct)
    print(json.dumps(decode_all(paths, args.executor, args.workers)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
