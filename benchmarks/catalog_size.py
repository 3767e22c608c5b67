"""Issue 14: a catalog of 1,000,000 pictures under 1 GB. Bytes per row, measured.

`synthesise(out, count)` writes `count` rows the way `photosift catalog build` does
(`cleaner.catalog.builder`: the same schema, the same encoding of each analysis, the same
index, the same final checksum), with photo-like contents: fingerprints made the engine's
way by `benchmarks.synth_fingerprints` (eight orientation hashes, the crop window, a
16x16 thumbnail, a 64x64 detail map for the share of low-detail pictures asked for),
metrics with camera, date and varied numbers, a colour signature for 90 % of them, and
paths like ``2019/2019-07-14 Harbour/IMG_01234.JPG`` (45 bytes on average). Nothing is
read from disk, so 100,000 rows take seconds. It then times `cleaner.catalog.read` (what
grouping across catalogs will load) and extrapolates the file's size to 1,000,000 rows.

    python -m benchmarks catalog_size          # 100,000 rows at 0, 15, 30 and 50 % low-detail
    python -m benchmarks.catalog_size --count 20000 --low-detail 0.4   # one run
    python -m benchmarks.catalog_size --low-detail 0.3 --maps-from acc1.catalog ...
    python -m benchmarks.catalog_size --low-detail 0.3 --exact-copies 0.2 --size-only

The low-detail share is what moves the size: each such picture carries its detail map
(4,096 bytes, ~1,630 stored on real pictures, ~2,900 synthetic). It is 40 % in the
accuracy corpus (blank pages and wallpapers on purpose), 42 % in the scale corpus, and
much lower in camera photos. Synthetic maps compress worse than real ones, so
`--maps-from CATALOG...` takes the detail maps of real catalogs instead (each distinct
map, dealt out in turn to the low-detail rows; read with `cleaner.catalog.read`, so a
catalog of any schema this PhotoSift reads).

Exact copies (`--exact-copies SHARE`): that share of the rows are byte-identical copies of
an earlier row (its SHA-256 and analysis, under another path), picked at random among
the rows that are not copies, so the low-detail share holds among copies too. A catalog
keeps one detail map per content (schema 3, `cleaner.catalog.mapstore`), so copies of a
low-detail picture cost a row without a map.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from cleaner.catalog import BuildSettings, mapstore, read
from cleaner.catalog import builder as b
from cleaner.catalog.columns import read_columns
from cleaner.catalog.schema import pack_columns
from cleaner.detect.cache import analysis_columns
from cleaner.models import Analysis, Fingerprint, ImageMetrics

TARGET_BYTES_PER_ROW = 1000  # 1 GB / 1,000,000 pictures
CAMERAS = ("Canon EOS 80D", "NIKON D750", "Apple iPhone 12", "SONY ILCE-7M3", None)
EVENTS = ("Harbour", "Birthday", "Field visit", "Site 14 inspection", "Summer", "Scans")


def _metrics(rng: np.random.Generator, width: int, height: int, detail: float) -> ImageMetrics:
    camera = CAMERAS[int(rng.integers(0, len(CAMERAS)))]
    day = int(rng.integers(0, 28)) + 1
    return ImageMetrics(
        format="JPEG",
        width=width,
        height=height,
        lossless=False,
        jpeg_quality=int(rng.integers(60, 98)),
        sharpness=float(rng.uniform(5, 2000)),
        detail=float(detail),
        capture_time=None if camera is None else f"2019-07-{day:02d} 12:{day:02d}:07",
        camera=camera,
        has_gps=bool(rng.random() < 0.3),
        has_exif=camera is not None,
        looks_like_screenshot=False,
        looks_like_export=camera is None,
    )


@dataclass(frozen=True, slots=True)
class SynthRow:
    """One synthetic file: where it is below the root, and what a build would record."""

    rel: str
    size: int
    mtime_ns: int
    inode: int
    sha256: bytes
    analysis: Analysis


class CatalogWriter:
    """A catalog being written the way `photosift catalog build` writes one
    (`cleaner.catalog.builder`: its schema, its encoding of each analysis
    (`pack_columns(analysis_columns(...))`), its unique path index and its final
    checksum), in bulk: rows go in with one `executemany` per batch, in transactions of
    `COMMIT_ROWS` rows (a build commits by time; the bytes written are the same). Several
    writers can be open at once, one per catalog."""

    COMMIT_ROWS = 200_000

    def __init__(self, out: Path, label: str, root: str = "/srv/photos") -> None:
        self.out = out
        self.root = root
        self.settings = BuildSettings(roots=(root,), label=label, out=out)
        self.t0 = time.perf_counter()
        self.conn = b._open(out)
        self.number, _, _ = b._start(self.conn, out, self.settings, self.settings.label)
        b._begin_run(self.conn)
        self.rid = b._root_id(self.conn, root)
        self.count = 0
        self._since_commit = 0

    def add(self, rows: Iterable[SynthRow]) -> None:
        values = []
        for row in rows:
            metrics, hashes, thumb, detail, colour = pack_columns(analysis_columns(row.analysis))
            if detail is not None:  # as `_write_row`: one map per content, in `maps`
                mapstore.store(self.conn, row.sha256, detail)
            values.append(
                (self.rid, row.rel.encode(), row.size, row.mtime_ns, 2049, row.inode, 1,
                 row.sha256, metrics, hashes, thumb, None, colour, None, None, self.number)
            )  # fmt: skip
        self.conn.executemany(b._INSERT, values)
        self.count += len(values)
        self._since_commit += len(values)
        if self._since_commit >= self.COMMIT_ROWS:
            self.conn.execute("COMMIT")
            self.conn.execute("BEGIN IMMEDIATE")
            self._since_commit = 0

    def finish(self) -> int:
        """Finish the build (the rows a run saw, the summary, the checksum); the rows."""
        # every row is this run's: what `_write_row` records one by one
        self.conn.execute("INSERT INTO temp.seen SELECT id FROM files")
        b._finish(b._Writer(self.conn, 1e9), [self.rid], self.number)
        b._summary(
            self.conn, self.out, self.settings.label, self.settings.roots, self.count, 0, 0,
            False, self.t0,
        )  # fmt: skip
        self.conn.execute("COMMIT")
        self.conn.close()
        return self.count


def write_catalog(
    out: Path, label: str, rows: Iterable[SynthRow], root: str = "/srv/photos"
) -> int:
    """A finished catalog of `rows` at `out`, written the way `photosift catalog build`
    writes one (see `CatalogWriter`). Returns the number of rows."""
    writer = CatalogWriter(out, label, root)
    batch: list[SynthRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= 10_000:
            writer.add(batch)
            batch = []
    writer.add(batch)
    return writer.finish()


def synthetic_analysis(
    rng: np.random.Generator,
    fps: Any,
    i: int,
    detail_map: bytes | None,
    colour: bytes | None = None,
) -> Analysis:
    """Picture `i` of `fps` (`benchmarks.synth_fingerprints.generate`, with rotations) as
    a build would record it, with `colour` or else a random colour signature for 90 % of
    pictures."""
    if colour is None:
        colour = b"" if rng.random() < 0.1 else rng.integers(0, 256, 32, np.uint8).tobytes()
    fingerprint = Fingerprint.from_hashes(
        [int(fps.hashes[i]), *(int(v) for v in fps.variants[i])],
        fps.thumbs[i].tobytes(),
        detail_map,
        [int(c) for c in fps.crops[i]],
        colour,
    )
    metrics = _metrics(rng, int(fps.width[i]), int(fps.height[i]), float(fps.detail[i]))
    return Analysis(metrics, fingerprint)


def real_maps(catalogs: Iterable[str | Path]) -> npt.NDArray[np.uint8]:
    """The distinct detail maps of `catalogs`, in the order first met, as (n, 4096)."""
    seen: dict[bytes, None] = {}
    for path in catalogs:
        for f in read(path, for_grouping=False).files:
            if f.analysis is not None and f.analysis.fingerprint.detail_map is not None:
                seen.setdefault(f.analysis.fingerprint.detail_map)
    if not seen:
        raise SystemExit("no detail map in those catalogs")
    return np.frombuffer(b"".join(seen), dtype=np.uint8).reshape(len(seen), -1)


@dataclass(frozen=True)
class RealPictures:
    """Thumbnails and colour signatures of real pictures (`real_pictures`): low-detail
    ones (`map_*`, row for row with their detail maps) and the others (`other_*`)."""

    maps: npt.NDArray[np.uint8]
    map_thumbs: list[bytes]
    map_colours: list[bytes]
    other_thumbs: list[bytes]
    other_colours: list[bytes]


def real_pictures(catalogs: Iterable[str | Path]) -> RealPictures:
    """Each distinct picture of `catalogs` (by SHA-256, in the order first met): the
    low-detail ones' maps (each distinct map once), thumbnails and colours, the others'
    thumbnails and colours.
    A synthetic thumbnail is noise; a low-detail picture's real one is smooth, which is
    what a catalog that encodes thumbnails (schema 4) gains on."""
    seen: set[bytes] = set()
    maps: list[bytes] = []
    out = RealPictures(np.zeros((0, 4096), np.uint8), [], [], [], [])
    for path in catalogs:
        for f in read(path, for_grouping=False).files:
            if f.analysis is None or f.sha256 in seen:
                continue
            seen.add(f.sha256)
            fp = f.analysis.fingerprint
            if fp.detail_map is not None and fp.detail_map in maps:
                continue  # distinct maps, as `real_maps` (the kit's: 543)
            if fp.detail_map is not None:
                maps.append(fp.detail_map)
                out.map_thumbs.append(fp.thumb)
                out.map_colours.append(fp.colour)
            else:
                out.other_thumbs.append(fp.thumb)
                out.other_colours.append(fp.colour)
    if not maps or not out.other_thumbs:
        raise SystemExit("those catalogs need pictures with and without detail maps")
    array = np.frombuffer(b"".join(maps), dtype=np.uint8).reshape(len(maps), -1)
    return RealPictures(array, out.map_thumbs, out.map_colours, out.other_thumbs, out.other_colours)


def synthesise(
    out: Path,
    count: int,
    low_detail: float = 0.1,
    seed: int = 3,
    maps: npt.NDArray[np.uint8] | None = None,
    read_back: bool = True,
    exact_copies: float = 0.0,
    pictures: RealPictures | None = None,
) -> dict[str, Any]:
    """Write a finished catalog of `count` synthetic rows to `out`; say how big it is, and
    (`read_back`) how long reading it takes. Low-detail rows carry `maps` in turn (real
    ones), else the generator's; `exact_copies` of the rows repeat an earlier row's
    content (see the module's docstring). With `pictures`, rows take real pictures'
    maps, thumbnails and colour signatures in turn (hashes and metrics stay synthetic)."""
    if pictures is not None:
        maps = pictures.maps
    from benchmarks.synth_fingerprints import generate

    rng = np.random.default_rng(seed)
    fps = generate(max(count, 2000), planted=0, threshold=10, rotations=True, seed=seed)
    assert fps.variants is not None
    if maps is None:
        maps = fps.detail_maps if len(fps.detail_maps) else np.zeros((1, 4096), np.uint8)
    with_maps = copies = 0
    originals: list[tuple[int, bytes, Analysis]] = []  # size, SHA-256, analysis

    def rows() -> Iterator[SynthRow]:
        nonlocal with_maps, copies
        for i in range(count):
            if originals and rng.random() < exact_copies:
                size, digest, analysis = originals[int(rng.integers(0, len(originals)))]
                copies += 1
            else:
                detail_map = None
                low = rng.random() < low_detail
                if low:
                    detail_map = maps[i % len(maps)].tobytes()
                analysis = synthetic_analysis(rng, fps, i, detail_map)
                if pictures is not None:
                    if low:
                        real = pictures.map_thumbs, pictures.map_colours, i % len(maps)
                    else:
                        real = pictures.other_thumbs, pictures.other_colours, i
                    thumbs, colours, k = real
                    fingerprint = replace(
                        analysis.fingerprint,
                        thumb=thumbs[k % len(thumbs)],
                        colour=colours[k % len(colours)],
                    )
                    analysis = replace(analysis, fingerprint=fingerprint)
                size = int(rng.integers(500_000, 12_000_000))
                digest = hashlib.sha256(i.to_bytes(8, "big")).digest()
                originals.append((size, digest, analysis))
            with_maps += analysis.fingerprint.detail_map is not None
            event = EVENTS[i % len(EVENTS)]
            yield SynthRow(
                rel=f"2019/2019-07-{i % 28 + 1:02d} {event}/IMG_{i:05d}.JPG",
                size=size,
                mtime_ns=1_560_000_000_000_000_000 + i * 1_000_003_000,
                inode=1_000_000 + i,
                sha256=digest,
                analysis=analysis,
            )

    t0 = time.perf_counter()
    write_catalog(out, "synthetic", rows())
    write_seconds = time.perf_counter() - t0
    size = out.stat().st_size
    per_row = size / count
    result = {
        "rows": count,
        "maps": "synthetic" if maps is fps.detail_maps else f"{len(maps)} real",
        "thumbnails": "synthetic" if pictures is None else "real",
        "low_detail_share": with_maps / count,
        "exact_copy_share": copies / count,
        "file_bytes": size,
        "bytes_per_row": round(per_row, 1),
        "extrapolated_1m_bytes": int(per_row * 1_000_000),
        "target_bytes_per_row": TARGET_BYTES_PER_ROW,
        "under_target": per_row < TARGET_BYTES_PER_ROW,
        "write_seconds": round(write_seconds, 2),
    }
    if not read_back:
        return result
    t1 = time.perf_counter()
    catalog = read(out)
    read_seconds = time.perf_counter() - t1
    assert len(catalog.files) == count
    t2 = time.perf_counter()
    columns = read_columns(out)
    columns_seconds = time.perf_counter() - t2
    assert len(columns) == count
    return {
        **result,
        "read_seconds": round(read_seconds, 2),
        "read_rows_per_second": round(count / read_seconds),
        "columns_read_seconds": round(columns_seconds, 2),
        "columns_rows_per_second": round(count / columns_seconds),
    }


SHARES = (0.0, 0.15, 0.3, 0.5)  # of low-detail pictures (issue 14: past 15 %)


def run(
    count: int = 100_000,
    shares: tuple[float, ...] = SHARES,
    maps: npt.NDArray[np.uint8] | None = None,
) -> dict[str, Any]:
    runs = {}
    for share in shares:
        with tempfile.TemporaryDirectory(prefix="photosift-catalog-size-") as tmp:
            path = Path(tmp) / "synthetic.catalog"
            runs[f"{share:.0%}"] = synthesise(path, count, share, maps=maps)
    return {"runs": runs, "target_share": "15%"}  # the share issue 14 was met up to


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.catalog_size", description=__doc__)
    p.add_argument("--count", type=int, default=100_000)
    p.add_argument("--low-detail", type=float, default=0.1, help="share of low-detail pictures")
    p.add_argument(
        "--maps-from", nargs="+", metavar="CATALOG", help="real detail maps from these catalogs"
    )
    p.add_argument(
        "--exact-copies", type=float, default=0.0, help="share of rows that copy another's bytes"
    )
    p.add_argument(
        "--pictures-from",
        nargs="+",
        metavar="CATALOG",
        help="real detail maps, thumbnails and colour signatures from these catalogs",
    )
    p.add_argument("--size-only", action="store_true", help="do not time reading it back")
    args = p.parse_args(argv)
    maps = real_maps(args.maps_from) if args.maps_from else None
    pictures = real_pictures(args.pictures_from) if args.pictures_from else None
    with tempfile.TemporaryDirectory(prefix="photosift-catalog-size-") as tmp:
        path = Path(tmp) / "synthetic.catalog"
        result = synthesise(
            path,
            args.count,
            args.low_detail,
            maps=maps,
            read_back=not args.size_only,
            exact_copies=args.exact_copies,
            pictures=pictures,
        )
    print(json.dumps(result, indent=1))
    return 0 if result["under_target"] else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
