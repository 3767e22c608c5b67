"""Target 3: grouping 1,000,000 fingerprints with 100,000 planted near-duplicate pairs.

The fingerprints come from `benchmarks.synth_fingerprints` (generation is not
timed) and are saved to a scratch file. A subprocess then loads them, builds the
engine's own objects (one `_Unit` with an `Analysis` per picture, as a scan holds
them before grouping) and runs `cleaner.detect.scan._group_stage`, the very code a scan
runs: `cleaner.detect.matching.candidate_pairs` (two `search_pairs` over the LSH index:
plain hashes, then crop windows), `confirm` (shape, thumbnail, crop and
low-detail checks) and `star_clusters`. Each step is timed by wrapping the engine's own
functions, so the profile and the total come from the same run. Peak RSS is the
subprocess's (GNU time), and its RSS just before grouping is recorded too.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import check, run_measured, scratch
from benchmarks.synth_fingerprints import Fingerprints, generate

TARGET_SECONDS = 60.0
TARGET_RSS_MB = 2000 / 1.048576  # 2 GB in MiB


def save(fps: Fingerprints, path: Path) -> None:
    arrays = {k: v for k, v in vars(fps).items() if v is not None}
    np.savez(path, **arrays)


def _rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> bool:
    """Reset this process's peak RSS (Linux: write 5 to /proc/self/clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _build_units(data: Any) -> list[Any]:
    """The engine's per-picture objects, as the fingerprint stage leaves them."""
    from cleaner.detect.scan import _Unit
    from cleaner.models import Analysis, Fingerprint, ImageMetrics

    maps: dict[int, bytes] = {
        int(k): data["detail_maps"][n].tobytes() for n, k in enumerate(data["detail_index"])
    }
    hashes = data["hashes"].tolist()
    variants = data["variants"].tolist() if "variants" in data else None
    crops = data["crops"].tolist() if "crops" in data else [()] * len(hashes)
    thumbs = data["thumbs"]
    # Colour signatures: the synthetic pictures are grey, so each distinct picture gets a
    # random 4x4 Cb/Cr grid and its planted copy the same grid +-3 (a re-encode): the
    # memory of real fingerprints, and the colour check run on every candidate.
    rng = np.random.default_rng(5)
    colours = np.clip(rng.normal(128, 25, size=(len(hashes), 32)), 0, 255).astype(np.int16)
    pi, pj = data["planted_i"], data["planted_j"]
    colours[pj] = colours[pi] + rng.integers(-3, 4, size=(len(pj), 32))
    if "planted_turn" in data:  # a turned copy's colour grid is turned too
        from cleaner.detect.fingerprint import TRANSFORMS

        for t in np.unique(data["planted_turn"][data["planted_turn"] > 0]).tolist():
            rows = pj[data["planted_turn"] == t]
            grids = colours[rows].reshape(-1, 2, 4, 4)
            colours[rows] = np.stack(
                [np.stack([TRANSFORMS[t][1](plane) for plane in grid]) for grid in grids]
            ).reshape(len(rows), 32)
    colours = np.clip(colours, 0, 255).astype(np.uint8)
    units = []
    for k in range(len(hashes)):
        hs = (hashes[k], *variants[k]) if variants is not None else (hashes[k],) * 8
        metrics = ImageMetrics(
            format="JPEG", width=int(data["width"][k]), height=int(data["height"][k]),
            lossless=False, jpeg_quality=90, sharpness=100.0, detail=float(data["detail"][k]),
            capture_time=None, camera=None, has_gps=False, has_exif=True,
            looks_like_screenshot=False, looks_like_export=False,
        )  # fmt: skip
        fp = Fingerprint.from_hashes(
            hs, thumbs[k].tobytes(), maps.get(k), crops[k], colours[k].tobytes()
        )
        units.append(_Unit(files=[k], analysis=Analysis(metrics=metrics, fingerprint=fp)))
    return units


def _pixels(data: Any) -> Callable[[int], Any]:
    """The heavy-crop second look's `pixels(k)`: the 64x64 picture of a heavy-crop plant or
    its original (kept by the generator), None for every other picture, as for a file that
    cannot be read again (so a chance candidate is refused without its look: counted in
    `second_looks_without_pixels`)."""
    from cleaner.detect.fingerprint import DETAIL_SIDE

    rows = {int(k): n for n, k in enumerate(data.get("pixels_index", np.zeros(0)).tolist())}
    kept = data.get("pixels")
    asked = {"with": 0, "without": 0}

    def pixels(k: int) -> Any:
        n = rows.get(k)
        asked["with" if n is not None else "without"] += 1
        if n is None or kept is None:
            return None
        return kept[n].reshape(DETAIL_SIDE, DETAIL_SIDE).astype(np.float32)

    pixels.asked = asked  # type: ignore[attr-defined]
    return pixels


class _Timer:
    """Wraps engine functions by name and adds up the time spent in each."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.captured: dict[str, Any] = {}

    def wrap(self, module: Any, name: str, generator: bool = False) -> None:
        original: Callable[..., Any] = getattr(module, name)
        label = f"{module.__name__.split('.')[-1]}.{name}"

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            out = original(*args, **kwargs)
            self._add(label, t0, out)
            return out

        def timed_gen(*args: Any, **kwargs: Any) -> Generator[Any, None, Any]:
            t0 = time.perf_counter()
            out = yield from original(*args, **kwargs)
            self._add(label, t0, out)
            return out

        setattr(module, name, timed_gen if generator else timed)

    def _add(self, label: str, t0: float, out: Any) -> None:
        self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - t0
        # the first call's result: `confirm` runs again inside `smooth_matches`
        self.captured.setdefault(label, out)


def measure(path: Path, rotations: bool, dump: Path | None = None) -> dict[str, Any]:
    """Runs in the subprocess: load, build the engine's objects, time the group stage.
    `dump`: also save what grouping found there (`_dump`), to compare two code trees."""
    import cleaner.detect.checks
    import cleaner.detect.grouping
    import cleaner.detect.index
    import cleaner.detect.matching
    import cleaner.detect.scan
    import cleaner.detect.smooth
    from cleaner.models import THRESHOLDS, Similarity
    from cleaner.progress import CancelToken, drain

    data = dict(np.load(path))
    t0 = time.perf_counter()
    units = _build_units(data)
    # how far each planted copy is from its original as displayed: a light crop further
    # than the threshold is found by the crop search only
    data["planted_base_distance"] = np.bitwise_count(
        data["hashes"][data["planted_i"]] ^ data["hashes"][data["planted_j"]]
    ).astype(np.int64)
    pixels = _pixels(data)
    for name in ("thumbs", "detail_maps", "variants", "hashes", "crops", "pixels"):
        data.pop(name, None)  # the engine holds these only inside its own objects
    data["count"] = np.array(len(units))
    build_seconds = time.perf_counter() - t0
    gc.collect()
    rss_before = _rss_mb()
    # Loading the file and building a million objects is the harness's work, not the
    # engine's: restart the kernel's peak counter (VmHWM) here, so the peak reported for
    # grouping is the engine's objects plus what grouping itself allocates.
    peak_reset = _reset_peak()
    timer = _Timer()
    timer.wrap(cleaner.detect.matching, "search_pairs", generator=True)
    timer.wrap(cleaner.detect.index, "_lsh", generator=True)
    timer.wrap(cleaner.detect.index, "_brute_force", generator=True)
    timer.wrap(cleaner.detect.index, "_best_per_pair")
    timer.wrap(cleaner.detect.matching, "candidate_pairs", generator=True)
    timer.wrap(cleaner.detect.matching, "confirm")
    timer.wrap(cleaner.detect.matching, "thumb_correlation")
    timer.wrap(cleaner.detect.matching, "crop_correlation")
    timer.wrap(cleaner.detect.matching, "detail_correlation")
    timer.wrap(cleaner.detect.scan, "star_clusters")
    timer.wrap(cleaner.detect.matching, "smooth_matches")
    timer.wrap(cleaner.detect.smooth, "fragile_pictures")
    timer.wrap(cleaner.detect.matching, "smooth_agrees")
    timer.wrap(cleaner.detect.matching, "smooth_candidates")
    timer.wrap(cleaner.detect.matching, "heavy_crop_pairs", generator=True)
    timer.wrap(cleaner.detect.matching, "window_pairs", generator=True)
    timer.wrap(cleaner.detect.matching, "second_look")
    if dump is not None:
        timer.wrap(cleaner.detect.scan, "find_matches", generator=True)
    stage = cleaner.detect.scan._group_stage(
        units, THRESHOLDS[Similarity.SAME], rotations, CancelToken(), 15.0, None, pixels
    )
    t0 = time.perf_counter()
    clusters: list[list[int]] = drain(stage)
    seconds = time.perf_counter() - t0
    pairs = timer.captured["matching.candidate_pairs"]
    keep = timer.captured["matching.confirm"]
    fragile = timer.captured.get("smooth.fragile_pictures")
    smooth = timer.captured.get("matching.smooth_matches")
    smooth_candidates = timer.captured.get("matching.smooth_candidates")
    result = {
        "seconds": seconds,
        "profile": timer.seconds,
        "build_objects_seconds": build_seconds,
        "rss_before_grouping_mb": rss_before,
        "peak_rss_self_mb": _rss_mb("VmHWM"),
        "peak_rss_grouping_mb": _rss_mb("VmHWM") if peak_reset else None,
        # the smooth search: pictures it took, pairs it confirmed (planted pairs are all
        # within the pHash threshold, so every one of these is a pair that was not planted)
        "smooth_pictures": None if fragile is None else len(fragile[0]),
        "smooth_candidate_pairs": None if smooth_candidates is None else len(smooth_candidates),
        "smooth_confirmed_pairs": None if smooth is None else len(smooth),
        "second_looks_with_pixels": pixels.asked["with"],  # type: ignore[attr-defined]
        "second_looks_without_pixels": pixels.asked["without"],  # type: ignore[attr-defined]
        **_recall(data, pairs, keep, clusters),
    }
    if dump is not None:  # after the peak was read
        _dump(dump, pairs, keep, timer.captured["scan.find_matches"], clusters)
    return result


def _dump(path: Path, pairs: Any, keep: Any, matches: Any, clusters: list[list[int]]) -> None:
    """Save, as sorted arrays, every candidate pair (i, j, kind, distance) with whether
    `confirm` kept it, the matches (each field, correlations included) and the sets."""
    order = np.lexsort((pairs.d, pairs.t, pairs.j, pairs.i))
    sets = sorted(sorted(int(k) for k in members) for members in clusters)
    fields = ("i", "j", "strength", "coloured", "t", "swapped", "distance", "correlation")
    np.savez(
        path,
        **{f"candidate_{f}": getattr(pairs, f)[order] for f in ("i", "j", "t", "d")},
        candidate_kept=keep[order],
        **{f"match_{f}": getattr(matches, f) for f in fields},
        set_members=np.array([k for members in sets for k in members], dtype=np.int64),
        set_sizes=np.array([len(members) for members in sets], dtype=np.int64),
    )


def _recall(data: Any, pairs: Any, keep: Any, clusters: list[list[int]]) -> dict[str, Any]:
    from cleaner.detect.fingerprint import TRANSFORMS

    n = int(data["count"])
    pi, pj, pd = data["planted_i"], data["planted_j"], data["planted_distance"]
    planted_keys = pi * n + pj
    lo, hi = np.minimum(pairs.i, pairs.j), np.maximum(pairs.i, pairs.j)
    keys = lo * n + hi
    found = np.isin(planted_keys, keys)
    confirmed = np.isin(planted_keys, keys[keep])
    cluster_of = np.full(n, -1, dtype=np.int64)
    for c, members in enumerate(clusters):
        cluster_of[members] = c
    grouped = (cluster_of[pi] >= 0) & (cluster_of[pi] == cluster_of[pj])
    by_distance = {
        int(d): {
            "pairs": int((pd == d).sum()),
            "found": float(found[pd == d].mean()),
            "confirmed": float(confirmed[pd == d].mean()),
            "grouped": float(grouped[pd == d].mean()),
        }
        for d in np.unique(pd)
    }
    turns = data["planted_turn"] if "planted_turn" in data else np.zeros(len(pi), np.int64)
    by_turn = {
        TRANSFORMS[int(t)][0]: {
            "pairs": int((turns == t).sum()),
            "found": float(found[turns == t].mean()),
            "confirmed": float(confirmed[turns == t].mean()),
            "grouped": float(grouped[turns == t].mean()),
        }
        for t in np.unique(turns)
    }
    by_kind = _by_kind(data, found, confirmed, grouped)
    planted_set = set(planted_keys.tolist())
    others = sum(1 for key in keys[keep].tolist() if key not in planted_set)
    return {
        "planted": len(pi),
        "candidate_pairs": len(pairs),
        "confirmed_pairs": int(keep.sum()),
        "confirmed_unplanted_pairs": others,
        "clusters": len(clusters),
        "planted_found_fraction": float(found.mean()),
        "planted_confirmed_fraction": float(confirmed.mean()),
        "planted_grouped_fraction": float(grouped.mean()),
        "by_planted_distance": by_distance,
        "by_planted_turn": by_turn,
        "by_planted_kind": by_kind,
    }


def _by_kind(data: Any, found: Any, confirmed: Any, grouped: Any) -> dict[str, Any]:
    """Found (a candidate), confirmed and grouped, per kind of plant: as displayed, turned,
    mirrored, light crop (and those of them the plain search cannot find: further than the
    threshold as displayed), heavy crop."""
    from benchmarks.synth_fingerprints import HEAVY_CROP, LIGHT_CROP
    from cleaner.models import THRESHOLDS, Similarity

    n = len(data["planted_i"])
    kinds = data["planted_kind"] if "planted_kind" in data else np.zeros(n, np.int64)
    base = data.get("planted_base_distance", np.zeros(n, np.int64))
    far = base > THRESHOLDS[Similarity.SAME].hamming
    rows = {
        "as displayed": kinds == 0,
        "turned": np.isin(kinds, (1, 2, 3)),
        "mirrored": np.isin(kinds, (4, 5, 6, 7)),
        "light crop": kinds == LIGHT_CROP,
        "light crop, far as displayed": (kinds == LIGHT_CROP) & far,
        "heavy crop": kinds == HEAVY_CROP,
    }
    return {
        name: {
            "pairs": int(r.sum()),
            "found": float(found[r].mean()) if r.any() else None,
            "confirmed": float(confirmed[r].mean()) if r.any() else None,
            "grouped": float(grouped[r].mean()) if r.any() else None,
        }
        for name, r in rows.items()
    }


def run(
    count: int = 1_000_000, planted: int = 100_000, rotations: bool = True, both: bool = False
) -> dict[str, Any]:
    """Group with the scan's default (turned and mirrored copies too) or without
    (`rotations=False`); `both` runs the two on the same fingerprints, one after the other."""
    from cleaner.models import THRESHOLDS, Similarity

    threshold = THRESHOLDS[Similarity.SAME].hamming
    runs: dict[str, Any] = {}
    with scratch("grouping") as work:
        t0 = time.perf_counter()
        fps = generate(count, planted, threshold)
        path = work / "fingerprints.npz"
        save(fps, path)
        generation = time.perf_counter() - t0
        del fps
        settings = [("plain", False), ("rotations", True)] if both else []
        for label, rot in settings or [("rotations" if rotations else "plain", rotations)]:
            cmd = [sys.executable, "-m", "benchmarks.grouping_1m", str(path)]
            proc = run_measured([*cmd, "--rotations"] if rot else cmd)
            check(proc, f"grouping ({label})")
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            result["peak_rss_mb"] = proc.peak_rss_mb
            result["process_seconds"] = proc.seconds
            result["other_cpu"] = proc.other_cpu
            result["fingerprints"] = count
            runs[label] = result
    return {"threshold": threshold, "generation_seconds": generation, "runs": runs,
            "target_seconds": TARGET_SECONDS, "target_rss_mb": TARGET_RSS_MB}  # fmt: skip


if __name__ == "__main__":
    flags = sys.argv[2:]
    to = Path(flags[flags.index("--dump") + 1]) if "--dump" in flags else None
    print(json.dumps(measure(Path(sys.argv[1]), "--rotations" in flags, to)))
