"""The heavy-crop candidate step alone, on `grouping_1m`'s saved fingerprints.

`python -m benchmarks.heavy_step FILE [--pictures N] [--budget B] [--ranks Q]`

FILE is a fingerprint file `grouping_1m` saves (`benchmarks.grouping_1m.save`; its own run
keeps it only in a scratch folder, so save one with `generate` + `save`). The first N
pictures are taken with their share of the plants (the generator puts the distinct
pictures first and the planted copies last: both are cut in proportion, so a picture's
copy is in the subset when the picture is). Two measures, each in one process, CPU
seconds (user + sys, `time.process_time`) next to wall time, because the machine is
usually shared:

* `indexed`: what the engine's indexed heavy search (`cleaner.detect.crops.whitening`,
  `sketches`, `_nearest_indexed`) finds at that size, with `HEAVY_WORK_BUDGET` = B:
  heavy-crop plants among its candidates, the tables planned, CPU seconds of each part,
  peak RSS (VmHWM, reset once the thumbnails are loaded) and how far over its start;
* `ranks` (Q heavy plants, a fixed draw): how many other pictures rank above a crop's
  original, by the best of the 16 windows' float cosine (the 6x6 reductions, whitened as
  the index does and plain), by the best window's 64-bit sketch distance (what the index
  ranks by), and by the whole picture's float cosine (a search without windows). This says
  which measure can pick the original out of a big library, whatever search finds it.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]


def load(path: Path, pictures: int) -> tuple[npt.NDArray[np.uint8], I64, I64]:
    """(thumbnails (N, 256), heavy originals, their crops) of the first `pictures`."""
    from benchmarks.synth_fingerprints import HEAVY_CROP

    data = np.load(path)
    kind, originals = data["planted_kind"], data["planted_i"]
    planted, total = len(originals), len(data["hashes"])
    distinct = total - planted
    count = min(pictures, total) if pictures else total
    first = count * distinct // total
    copies = count - first
    rows = np.concatenate([np.arange(first), distinct + np.arange(copies)])
    thumbs = np.ascontiguousarray(data["thumbs"][rows])
    heavy = (kind[:copies] == HEAVY_CROP) & (originals[:copies] < first)
    return thumbs, originals[:copies][heavy], first + np.flatnonzero(heavy)


def _peak_mib() -> float:
    """Peak RSS since `_reset_peak` (Linux), else since the start (getrusage)."""
    from benchmarks.grouping_1m import _rss_mb

    return _rss_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def indexed(thumbs: npt.NDArray[np.uint8], pi: I64, pj: I64, budget: int) -> dict[str, Any]:
    import cleaner.detect.crops as crops
    from cleaner.detect.crop_index import window_plan
    from cleaner.progress import drain

    n = len(thumbs)
    k, tables = window_plan(n, n * len(crops.GRID), crops.HEAVY_INDEX_DISTANCE, budget)
    from benchmarks.grouping_1m import _reset_peak, _rss_mb

    gc.collect()
    start_mib = _rss_mb()
    _reset_peak()  # loading the file is not the step's: its peak is counted from here
    c0, w0 = time.process_time(), time.perf_counter()
    whole, windows = crops.sketches(thumbs, crops.whitening(thumbs))
    c1, w1 = time.process_time(), time.perf_counter()
    engine_budget, crops.HEAVY_WORK_BUDGET = crops.HEAVY_WORK_BUDGET, budget
    try:
        found = drain(crops._nearest_indexed(whole, windows))
    finally:
        crops.HEAVY_WORK_BUDGET = engine_budget
    c2, w2 = time.process_time(), time.perf_counter()
    keys = np.minimum(found.i, found.j) * n + np.maximum(found.i, found.j)
    truth = np.minimum(pi, pj) * n + np.maximum(pi, pj)
    return {
        "pictures": n,
        "heavy_plants": len(pi),
        "budget": budget,
        "key_bits": k,
        "tables": tables,
        "sketch_cpu_s": round(c1 - c0, 2),
        "sketch_wall_s": round(w1 - w0, 2),
        "search_cpu_s": round(c2 - c1, 2),
        "search_wall_s": round(w2 - w1, 2),
        "candidates_per_picture": round(len(found) / n, 2),
        "heavy_found_percent": round(float(np.isin(truth, keys).mean()) * 100, 2),
        "rss_at_start_mib": round(start_mib, 1),
        "peak_rss_mib": round(_peak_mib(), 1),
        "peak_over_start_mib": round(_peak_mib() - start_mib, 1),
    }


def cells(thumbs: npt.NDArray[np.uint8], pi: I64, pj: I64) -> dict[str, Any]:
    """The cell search (`cleaner.detect.heavy_cells.cell_pairs`) at this size: heavy plants
    among its candidates, false candidates (what the thumbnail check must refuse), CPU
    seconds of placing (pass 1, with training) and of scoring (pass 2), peak RSS."""
    from benchmarks.grouping_1m import _reset_peak, _rss_mb
    from cleaner.detect.heavy_cells import _CHUNK, cell_pairs

    n = len(thumbs)
    gc.collect()
    start_mib = _rss_mb()
    _reset_peak()
    c0, w0 = time.process_time(), time.perf_counter()
    marks: list[float] = []
    search = cell_pairs(thumbs)
    try:
        while True:
            done, _ = next(search)
            if done == -(-n // _CHUNK) and not marks:
                marks.append(time.process_time())
    except StopIteration as stop:
        found = stop.value
    c2, w2 = time.process_time(), time.perf_counter()
    keys = found.i * n + found.j
    truth = pi * n + pj
    hit = np.isin(keys, truth)
    place = (marks[0] if marks else c2) - c0
    return {
        "pictures": n,
        "heavy_plants": len(pi),
        "place_cpu_s": round(place, 2),
        "score_cpu_s": round(c2 - c0 - place, 2),
        "cpu_s": round(c2 - c0, 2),
        "wall_s": round(w2 - w0, 2),
        "candidates_per_picture": round(len(found) / n, 3),
        "false_candidates": int((~hit).sum()),
        "heavy_found_percent": round(float(np.isin(truth, keys).mean()) * 100, 2),
        "rss_at_start_mib": round(start_mib, 1),
        "peak_rss_mib": round(_peak_mib(), 1),
        "peak_over_start_mib": round(_peak_mib() - start_mib, 1),
    }


def _rank_summary(above: I64) -> dict[str, float]:
    return {
        "p50": float(np.percentile(above, 50)),
        "p90": float(np.percentile(above, 90)),
        "p99": float(np.percentile(above, 99)),
        "max": float(above.max()),
        "original_first_percent": round(float((above == 0).mean()) * 100, 1),
        "original_in_top5_percent": round(float((above < 5).mean()) * 100, 1),
    }


def ranks(thumbs: npt.NDArray[np.uint8], pi: I64, pj: I64, queries: int) -> dict[str, Any]:
    """Pictures ranked above each sampled crop's original, by each measure."""
    import cleaner.detect.crops as crops

    n = len(thumbs)
    pick = np.sort(np.random.default_rng(3).choice(len(pi), min(queries, len(pi)), False))
    qi, qj = pi[pick], pj[pick]
    whiten = crops.whitening(thumbs)
    centre = np.eye(36) - 1.0 / 36
    out: dict[str, Any] = {"pictures": n, "queries": len(qi)}
    for name, transform in (("whitened", whiten), ("plain", None)):
        t = np.eye(36) if transform is None else transform.astype(np.float64)
        mats = []
        for w in ((0.0, 0.0, 1.0, 1.0), *crops.GRID):
            ax = crops._axis_map(w[0], w[2], 6)
            ay = crops._axis_map(w[1], w[3], 6)
            mats.append(t @ centre @ np.kron(ay, ax))
        matrix = np.concatenate(mats).astype(np.float32).T  # (256, 17 x 36)

        def unit(rows: npt.NDArray[np.uint8], m: npt.NDArray[np.float32] = matrix) -> Any:
            v = (rows.astype(np.float32) @ m).reshape(len(rows), 17, 36)
            return v / (np.linalg.norm(v, axis=2, keepdims=True) + 1e-6)

        q = unit(thumbs[qj])[:, 0]
        own = unit(thumbs[qi])
        true_window = np.einsum("qgk,qk->qg", own[:, 1:], q).max(axis=1)
        true_whole = np.einsum("qk,qk->q", own[:, 0], q)
        above_window = np.zeros(len(qi), dtype=np.int64)
        above_whole = np.zeros(len(qi), dtype=np.int64)
        for s in range(0, n, 16384):
            v = unit(thumbs[s : s + 16384])
            ids = np.arange(s, s + len(v))[:, None]
            mine = (ids == qi[None, :]) | (ids == qj[None, :])
            best = (v[:, 1:].reshape(-1, 36) @ q.T).reshape(len(v), 16, -1).max(axis=1)
            above_window += ((best > true_window[None, :]) & ~mine).sum(axis=0)
            whole = v[:, 0] @ q.T
            above_whole += ((whole > true_whole[None, :]) & ~mine).sum(axis=0)
        out[f"best_window_cosine_{name}"] = _rank_summary(above_window)
        out[f"whole_cosine_{name}"] = _rank_summary(above_whole)
        out[f"true_best_window_cosine_{name}_p10_p50"] = [
            round(float(x), 3) for x in np.percentile(true_window, [10, 50])
        ]
    whole_s, windows_s = crops.sketches(thumbs, whiten)
    true_d = np.bitwise_count(windows_s[qi] ^ whole_s[qj, None]).min(axis=1)
    above = np.zeros(len(qi), dtype=np.int64)
    for s in range(0, n, 16384):
        d = np.bitwise_count(windows_s[s : s + 16384, :, None] ^ whole_s[None, None, qj]).min(1)
        ids = np.arange(s, s + len(d))[:, None]
        mine = (ids == qi[None, :]) | (ids == qj[None, :])
        above += ((d < true_d[None, :]) & ~mine).sum(axis=0)
    out["best_window_sketch_distance_strictly_closer"] = _rank_summary(above)
    out["true_sketch_distance_p50_p90_p99"] = [
        float(x) for x in np.percentile(true_d, [50, 90, 99])
    ]
    return out


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.heavy_step")
    parser.add_argument("file", type=Path)
    parser.add_argument("--pictures", type=int, default=0, help="first N (0: all)")
    parser.add_argument(
        "--budget", type=float, default=0, help="HEAVY_WORK_BUDGET (0: the engine's)"
    )
    parser.add_argument("--ranks", type=int, default=0, help="rank Q heavy plants instead")
    parser.add_argument("--cells", action="store_true", help="the cell search instead")
    args = parser.parse_args(argv)
    thumbs, pi, pj = load(args.file, args.pictures)
    if args.ranks:
        result = ranks(thumbs, pi, pj, args.ranks)
    elif args.cells:
        result = cells(thumbs, pi, pj)
    else:
        import cleaner.detect.crops as crops

        result = indexed(thumbs, pi, pj, int(args.budget) or crops.HEAVY_WORK_BUDGET)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
