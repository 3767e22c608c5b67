"""Catalogs of synthetic pictures for the tests that compare two ways of grouping an
estate (columns against objects, workers against one process): written by the builder's
own code (`benchmarks.catalog_size.write_catalog`), planted copies (turned, mirrored,
low-detail) in another catalog than their originals, the way the 10M benchmark plans
them (`benchmarks.estate_10m.plan`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from benchmarks.catalog_size import SynthRow, synthetic_analysis, write_catalog
from benchmarks.estate_10m import colour_of, plan, rel_of, turned_colour


def write_synthetic_estate(
    folder: Path,
    *,
    catalogs: int,
    per_catalog: int,
    planted_share: float,
    seed: int,
    copies_every: int = 0,
    turns: tuple[int, ...] | None = None,
) -> None:
    """`catalogs` catalogs `server-NN.catalog` in `folder`, `per_catalog` pictures each,
    `planted_share` of them near copies of another. With `copies_every` N, every Nth
    picture also has two byte-identical copies, one beside it (in `again/`) and one on the
    next server (in `mirror/`), each dated a little earlier than the picture. `turns`:
    what the planted copies are (`synth_fingerprints.PLANT_KINDS`: crops too; by default
    turned and mirrored only)."""
    from benchmarks.synth_fingerprints import PLANT_TURNS, generate

    total, planted, where = plan(catalogs, per_catalog, planted_share)
    kinds = PLANT_TURNS if turns is None else turns
    fps = generate(total, planted, threshold=10, rotations=True, seed=seed, turns=kinds)
    maps = {int(k): n for n, k in enumerate(fps.detail_index.tolist())}
    distinct = total - planted
    rows: dict[int, list[SynthRow]] = {c: [] for c in range(catalogs)}
    for c in range(catalogs):
        rng = np.random.default_rng(c)
        for k in np.flatnonzero(where == c).tolist():
            m = maps.get(k)
            colour = colour_of(k)
            if k >= distinct:
                colour = turned_colour(colour_of(k - distinct), int(fps.planted_turn[k - distinct]))
            analysis = synthetic_analysis(
                rng, fps, k, None if m is None else fps.detail_maps[m].tobytes(), colour
            )
            sha = hashlib.sha256(k.to_bytes(8, "big")).digest()
            size, mtime = 1_000_000 + k, 1_300_000_000_000_000_000 + k * 1_000_003_000
            rows[c].append(SynthRow(rel_of(k), size, mtime, 1_000_000 + k, sha, analysis))
            if copies_every and k % copies_every == 0:
                other = (c + 1) % catalogs
                for n, (to, rel) in enumerate(((c, "again"), (other, "mirror"))):
                    inode = 5_000_000 + 2 * k + n
                    copy = SynthRow(f"{rel}/{rel_of(k)}", size, mtime - 1_000 * (n + 1), inode,
                                    sha, analysis)  # fmt: skip
                    rows[to].append(copy)
    for c in range(catalogs):
        write_catalog(folder / f"server-{c:02d}.catalog", f"server-{c:02d}", iter(rows[c]))
