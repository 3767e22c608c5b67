"""Burst frames against true copies: is there a check on the fingerprints that tells them
apart? (issue 13; results in benchmarks/README.md "Issue 13: burst shots and scan cost,
session 7")

    python -m benchmarks.burst_frames [--scenes 60] [--seed 1] [--sources DIR]
        [--kit CORPUS ...] [--frames DIR ...] [--out FILE.json]

Pairs, each fingerprinted by the scan's own `analyse_file` from a JPEG (or the file):

- generated negatives (`tests.helpers.bursts`): frames of one scene with a subject moved
  by 2-30 % of the width, alone and with a camera shift of 3-12 px, an exposure change
  of 5-8 % and another JPEG quality; and the camera shift or exposure change alone;
- generated positives on the same scenes: the kit's `text_stamp` in each corner (date and
  watermark), each also re-saved at half size, and captions 1-2x the stamp's size;
- `--kit`: every pair the plain search finds on a kit corpus, labelled by its truth.json;
- `--frames`: real sequences, a folder of numbered frames each (pairs 1, 2 and 4 frames
  apart, from every third frame); a folder named `*pairs*` holds pairs in name order.

Scenes are windows of the kit's source photos (`--sources`) and the test suite's generated
photos. For each pair found by the plain search (pHash within the "Same picture" distance,
in any orientation) it reports the thumbnail correlation the engine decides on, whether
"Same picture" groups it, and `moved`: how strongly the 16x16 residual (what the
correlation leaves unexplained) cancels itself at a shift of 2-8 cells, which is what a
subject that left one place and arrived at another leaves; then what a stricter check in
a band above the correlation bar would refuse of each kind.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import random
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from cleaner.detect.analysis import analyse_file
from cleaner.detect.checks import CROP_KIND, _transform_thumbs
from cleaner.detect.decode import DecodeFailure, register_plugins
from cleaner.detect.fingerprint import THUMB_SIDE
from cleaner.detect.index import Pairs
from cleaner.detect.matching import candidate_pairs, confirm
from cleaner.models import THRESHOLDS, Analysis, ImageMetrics, Similarity
from cleaner.progress import drain

SCENE_SIZE = (1024, 768)
MOVES = (0.02, 0.04, 0.08, 0.12, 0.16, 0.25, 0.30)
SAME = THRESHOLDS[Similarity.SAME]
# pairs down to this correlation are kept for the report (the bar itself is SAME's)
REPORT_FLOOR = 0.80


@dataclasses.dataclass
class Row:
    kind: str
    same: bool
    d: int
    corr: float
    grouped: bool
    moved: float


def moved_content(a: np.ndarray, b: np.ndarray, near: int = 2, far: int = 8) -> float:
    """How strongly the residual of b after the best fit of a cancels itself at a shift of
    `near` to `far` cells: 0 for a change in one place, ~0.5 for content that moved."""
    za = (a - a.mean()) / max(float(a.std()), 1e-6)
    zb = (b - b.mean()) / max(float(b.std()), 1e-6)
    r = (zb - float((za * zb).mean()) * za).reshape(THUMB_SIDE, THUMB_SIDE)
    energy = float((r * r).sum())
    if energy < 1e-9:
        return 0.0
    best = 0.0
    s = THUMB_SIDE
    for dy in range(-far, far + 1):
        for dx in range(0, far + 1):
            if max(abs(dx), abs(dy)) < near or (dx == 0 and dy < 0):
                continue
            y0, y1, x0, x1 = max(0, dy), min(s, s + dy), max(0, dx), min(s, s + dx)
            v = float((r[y0:y1, x0:x1] * r[y0 - dy : y1 - dy, x0 - dx : x1 - dx]).sum())
            best = min(best, v / energy)
    return -best


def _metrics(size: tuple[int, int]) -> ImageMetrics:
    return ImageMetrics(format="JPEG", width=size[0], height=size[1], lossless=False,
                        jpeg_quality=90, sharpness=100.0, detail=40.0, capture_time=None,
                        camera=None, has_gps=False, has_exif=False,
                        looks_like_screenshot=False, looks_like_export=False)  # fmt: skip


def plain_rows(
    analyses: Sequence[Analysis], label: Callable[[int, int], tuple[bool, str]]
) -> list[Row]:
    """The plain search's pairs (as a scan finds them) with what decided them."""
    fps = [a.fingerprint for a in analyses]
    metrics = [a.metrics for a in analyses]
    pairs = drain(candidate_pairs(fps, SAME, rotations=True))
    plain = pairs.t < CROP_KIND
    p = Pairs(pairs.i[plain], pairs.j[plain], pairs.t[plain], pairs.d[plain])
    if len(p) == 0:
        return []
    scores: list[np.ndarray] = []
    grouped = confirm(p, fps, metrics, SAME, scores)
    loose = confirm(p, fps, metrics, dataclasses.replace(SAME, correlation=REPORT_FLOOR))
    thumbs = np.stack([np.frombuffer(f.thumb, np.uint8) for f in fps])
    ta = _transform_thumbs(thumbs[p.i], p.t, THUMB_SIDE).astype(np.float64)
    tb = thumbs[p.j].astype(np.float64)
    out = []
    for k in np.flatnonzero(loose):
        same, kind = label(int(p.i[k]), int(p.j[k]))
        moved = moved_content(ta[k], tb[k])
        out.append(Row(kind, same, int(p.d[k]), float(scores[0][k]), bool(grouped[k]), moved))
    return out


class Analyser:
    """Fingerprint pictures the scan's way (`analyse_file`), through a scratch file."""

    def __init__(self) -> None:
        register_plugins()
        self._dir = tempfile.TemporaryDirectory(prefix="burst-frames-")
        self._n = 0

    def picture(self, img: Image.Image, quality: int = 92) -> Analysis:
        buf = io.BytesIO()
        img.convert("RGB").save(buf, "JPEG", quality=quality)
        self._n += 1
        path = os.path.join(self._dir.name, f"{self._n}.jpg")
        Path(path).write_bytes(buf.getvalue())
        try:
            return self.file(path)
        finally:
            os.unlink(path)

    def file(self, path: str) -> Analysis:
        result = analyse_file(path, 10**9)
        if isinstance(result, DecodeFailure):
            raise RuntimeError(f"{path}: {result}")
        return result


def scenes(sources: Path | None, count: int, seed: int) -> Iterator[Image.Image]:
    """Windows of real photos (two in three) and the test suite's generated photos."""
    from tests.helpers import images

    rng = random.Random(seed)
    files = sorted(p for p in sources.iterdir() if p.suffix.lower() in (".jpg", ".png")) if (
        sources is not None and sources.is_dir()) else []  # fmt: skip
    for n in range(count):
        if files and n % 3 != 2:
            with Image.open(files[n % len(files)]) as im:
                im = im.convert("RGB")
                w, h = im.size
                side = rng.uniform(0.45, 1.0)
                cw, ch = int(w * side), int(min(h, w * side * 0.75))
                x0, y0 = rng.randint(0, w - cw), rng.randint(0, h - ch)
                window = im.crop((x0, y0, x0 + cw, y0 + ch))
                yield window.resize(SCENE_SIZE, Image.Resampling.LANCZOS)
        else:
            make = images.detailed_photo if n % 2 else images.photo
            yield make(seed * 1000 + n, SCENE_SIZE)


def generated(sources: Path | None, count: int, seed: int, fp: Analyser) -> list[Row]:
    from tests.helpers.bursts import caption, frame, kit_stamp, subject

    rng = random.Random(seed)
    rows: list[Row] = []
    for n, scene in enumerate(scenes(sources, count, seed)):
        w, h = scene.size
        who = subject(seed * 1000 + n, (w, h))
        x0 = rng.randint(0, max(0, w - who[0].width - int(0.3 * w)))
        y0 = rng.randint(h // 5, max(h // 5, h - who[0].height))
        first = fp.picture(frame(scene, who, (x0, y0)))
        shots: list[tuple[str, Analysis]] = []
        for move in MOVES:
            at = (x0 + int(move * w), y0 + rng.randint(-h // 50, h // 50))
            for extra in ("", "camera", "exposure", "camera+exposure"):
                camera = (rng.choice((-1, 1)) * rng.randint(3, 12), rng.randint(-6, 6))
                exposure = rng.choice((0.92, 0.95, 1.05, 1.08))
                shot = frame(scene, who, at, camera if "camera" in extra else (0, 0),
                             exposure if "exposure" in extra else 1.0)  # fmt: skip
                quality = rng.choice((85, 90, 95)) if extra else 92
                kind = f"burst: subject moved {round(move * 100)} %"
                shots.append((kind + (f", {extra}" if extra else ""), fp.picture(shot, quality)))
        shifted = frame(scene, who, (x0, y0), (8, 4))
        shots.append(("burst: camera shift only", fp.picture(shifted, 90)))
        still = frame(scene, who, (x0, y0), exposure=1.08)
        shots.append(("burst: exposure only", fp.picture(still, 90)))
        original = fp.picture(scene)
        copies: list[tuple[str, Analysis]] = []
        for corner in ("br", "bl", "tr", "tl"):
            for date in (True, False):
                stamped = kit_stamp(scene, corner, date, seed=rng.randrange(1 << 30))
                label = f"copy: {'date stamp' if date else 'watermark'} {corner}"
                copies.append((label, fp.picture(stamped)))
                half = stamped.resize((w // 2, h // 2), Image.Resampling.LANCZOS)
                copies.append((label + ", re-saved half size", fp.picture(half, 80)))
        for scale in (1.0, 1.5, 2.0):
            copies.append((f"copy: caption x{scale}", fp.picture(caption(scene, scale, n), 90)))
        for base, others, same in ((first, shots, False), (original, copies, True)):
            for kind, other in others:
                rows += plain_rows([base, other], lambda i, j, k=kind, s=same: (s, k))
    return rows


def kit_rows(corpus: Path, fp: Analyser) -> list[Row]:
    """Every plain-search pair of a kit corpus, labelled by its truth.json."""
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))["files"]
    names = [n for n, v in truth.items() if v["kind"] in ("image", "hardneg")]
    analysed: list[tuple[str, Analysis]] = []
    for name in names:
        try:
            analysed.append((name, fp.file(str(corpus / name))))
        except RuntimeError:
            continue

    def label(i: int, j: int) -> tuple[bool, str]:
        a, b = truth[analysed[i][0]], truth[analysed[j][0]]
        if a["group"] is None or a["group"] != b["group"]:
            return False, f"kit {corpus.name}: not a copy ({a['kind']}/{b['kind']})"
        attacks = sorted(x["attack"] for x in (a, b) if x["attack"] != "original")
        return True, f"kit {corpus.name}: copy ({'+'.join(attacks) or 'original'})"

    return plain_rows([a for _, a in analysed], label)


def frame_rows(folder: Path, fp: Analyser) -> list[Row]:
    files = sorted(p for p in folder.iterdir() if p.is_file())
    cache: dict[Path, Analysis] = {}
    rows: list[Row] = []
    paired = "pairs" in folder.name  # two pictures a pair, in name order
    for gap in (1,) if paired else (1, 2, 4):
        for k in range(0, len(files) - gap, 2 if paired else 3):
            pair = (files[k], files[k + gap])
            for p in pair:
                if p not in cache:
                    with Image.open(p) as im:
                        cache[p] = fp.picture(im, 95)
            kind = f"real frames: {folder.name}, {gap} apart"
            rows += plain_rows([cache[p] for p in pair], lambda i, j, k=kind: (False, k))
    return rows


def summary(rows: Sequence[Row]) -> dict[str, Any]:
    by: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by[r.kind].append(r)
    out: dict[str, Any] = {}
    for kind in sorted(by):
        corr = np.array([r.corr for r in by[kind]])
        moved = np.array([r.moved for r in by[kind] if r.grouped] or [np.nan])
        out[kind] = {
            "pairs": len(by[kind]),
            "grouped": sum(r.grouped for r in by[kind]),
            "corr_min": round(float(corr.min()), 4),
            "corr_p10": round(float(np.percentile(corr, 10)), 4),
            "corr_median": round(float(np.median(corr)), 4),
            "moved_grouped_max": round(float(np.nanmax(moved)), 3),
            "moved_grouped_median": round(float(np.nanmedian(moved)), 3),
        }
    return out


def band_table(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """What refusing grouped pairs with corr < band top and moved >= limit would cost."""
    families: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        if r.grouped:
            families[r.kind.split(":")[0] + (" copy" if r.same else "")].append(r)
    table = []
    for top in (0.92, 0.93, 0.95, 0.97, 1.01):
        for limit in (0.15, 0.2, 0.3):
            refused = {
                f: sum(r.corr < top and r.moved >= limit for r in v) for f, v in families.items()
            }
            table.append({"band_top": top, "moved_at_least": limit, "refused": refused,
                          "of": {f: len(v) for f, v in families.items()}})  # fmt: skip
    return table


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scenes", type=int, default=60)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--sources", type=Path, default=Path("/work/dupbench/sources"))
    p.add_argument("--kit", type=Path, nargs="*", default=[])
    p.add_argument("--frames", type=Path, nargs="*", default=[])
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    fp = Analyser()
    rows = generated(args.sources, args.scenes, args.seed, fp) if args.scenes else []
    for corpus in args.kit:
        rows += kit_rows(corpus, fp)
    for folder in args.frames:
        rows += frame_rows(folder, fp)
    report = {"summary": summary(rows), "band": band_table(rows)}
    text = json.dumps(report, indent=1, ensure_ascii=False)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
