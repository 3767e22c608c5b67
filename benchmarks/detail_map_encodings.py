"""Issue 14: how to store a low-detail picture's 64x64 detail map in a catalog. Bytes per
map, decode and encode time of each lossless encoding tried, on real maps, in one sitting.

    python -m benchmarks.detail_map_encodings --maps-from acc1.catalog acc2.catalog ...

Every encoding must give back exactly the engine's bytes (checked here for every map).
Decoding happens at grouping, once per low-detail candidate pair (~12-30 times per map on
the evaluation corpora), encoding once per picture at build (on the central writer of a
`--cluster` build). What schema 2 chose and why: `cleaner/catalog/detailmap.py`.
"""

from __future__ import annotations

import argparse
import io
import json
import lzma
import timeit
import zlib
from collections.abc import Callable

import numpy as np
from PIL import Image

from benchmarks.catalog_size import real_maps
from cleaner.catalog.detailmap import decode, encode

Codec = tuple[str, Callable[[bytes], bytes], Callable[[bytes], bytes]]
_LZMA = [{"id": lzma.FILTER_LZMA2, "dict_size": 1 << 16, "lc": 0, "lp": 0, "pb": 0, "preset": 9}]


def _rows_differenced(plain: bytes) -> bytes:
    a = np.frombuffer(plain, np.uint8).reshape(64, 64)
    d = a.copy()
    np.subtract(a[1:], a[:-1], out=d[1:])
    return d.tobytes()


def _lzma(plain: bytes) -> bytes:
    return lzma.compress(_rows_differenced(plain), format=lzma.FORMAT_RAW, filters=_LZMA)


def _unlzma(blob: bytes) -> bytes:
    d = lzma.decompress(blob, format=lzma.FORMAT_RAW, filters=_LZMA)
    rows = np.frombuffer(d, np.uint8).reshape(64, 64)
    return np.cumsum(rows, axis=0, dtype=np.uint8).tobytes()


def _png(plain: bytes) -> bytes:
    out = io.BytesIO()
    Image.frombytes("L", (64, 64), plain).save(out, "PNG", optimize=True)
    return out.getvalue()


def _unpng(blob: bytes) -> bytes:
    with Image.open(io.BytesIO(blob)) as im:
        return im.tobytes()


def _webp(method: int) -> Callable[[bytes], bytes]:
    def encode_webp(plain: bytes) -> bytes:
        out = io.BytesIO()
        Image.frombytes("L", (64, 64), plain).save(
            out, "WEBP", lossless=True, quality=100, method=method, exact=True
        )
        return out.getvalue()

    return encode_webp


def _unwebp(blob: bytes) -> bytes:
    with Image.open(io.BytesIO(blob)) as im:
        im.load()
        return np.asarray(im)[:, :, 1].tobytes()  # grey: R = G = B


CODECS: list[Codec] = [
    ("zlib level 9 (schema 1)", lambda m: zlib.compress(m, 9), zlib.decompress),
    ("rows differenced + raw DEFLATE (schema 2)", encode, decode),
    ("rows differenced + LZMA2", _lzma, _unlzma),
    ("PNG (Pillow, optimize: adaptive filters)", _png, _unpng),
    ("WebP lossless, method 4", _webp(4), _unwebp),
    ("WebP lossless, method 6", _webp(6), _unwebp),
]


def measure(maps: list[bytes]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    base = 0.0
    for name, enc, dec in CODECS:
        t0 = timeit.default_timer()
        blobs = [enc(m) for m in maps]
        encode_s = (timeit.default_timer() - t0) / len(maps)
        assert all(dec(b) == m for b, m in zip(blobs, maps, strict=True)), name
        decode_s = min(
            timeit.repeat(lambda d=dec, bs=blobs: [d(b) for b in bs], number=3, repeat=3)
        )
        size = sum(map(len, blobs)) / len(maps)
        base = base or size
        rows.append(
            {
                "encoding": name,
                "bytes": round(size),
                "vs_schema_1": f"{100 * (size / base - 1):+.1f} %",
                "decode_us": round(decode_s / 3 / len(maps) * 1e6),
                "encode_ms": round(encode_s * 1e3, 2),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.detail_map_encodings")
    p.add_argument("--maps-from", nargs="+", metavar="CATALOG", required=True)
    args = p.parse_args(argv)
    maps = [m.tobytes() for m in real_maps(args.maps_from)]
    print(json.dumps({"maps": len(maps), "encodings": measure(maps)}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
