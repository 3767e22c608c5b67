"""Issue 15: catalog builds on a Dask cluster, measured on one machine.

1. `--cluster local:2` (two Dask worker processes) against the local two-worker build
   (`--workers 2`) on the same slice of the scale corpus (300 pictures, hard-linked into a
   scratch folder): wall time of each, alternating, median of `reps`; the catalogs must
   be identical row by row (every column but the row id and build number). The cluster's
   time is given for the build alone (a scheduler and workers already running, as on a
   real cluster) and with starting and stopping the `LocalCluster`. Target: overhead
   <= 10 % of the local build's wall time.
2. A simulated three-server run: the slice split into three folders, three worker
   processes each offering a Dask resource for its own folder (`SpecCluster`, as
   `dask worker --resources share-a=1` on three servers), every root pinned; the read
   log must show every file read by the worker that owns its folder, and the catalog
   must equal a local build of the same folders.
3. The central writer: inserts per second of `builder._write_row` (the build's own
   insert, packing included), fed with unpickled batch results of 64 real outcomes
   (what the coordinating machine does for each batch), committed every second as a
   cluster build does; and the bytes a picture's result takes on the network.

    python -m benchmarks cluster_build
    python -m benchmarks.cluster_build --scale /work/dupbench/scale --count 300 --reps 3

Runs are in this process, page cache warm (every file read once first).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import sqlite3
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from cleaner.catalog import BuildSettings, CatalogBuilt, build, read
from cleaner.catalog import builder as b
from cleaner.catalog import cluster as dask_cluster
from cleaner.detect.decode import DecodeFailure
from cleaner.detect.walk import FoundFile
from cleaner.formats import is_image_candidate
from cleaner.progress import final_event
from tests.helpers.dask_servers import SERVERS, share_of, simulated_servers

TARGET_OVERHEAD = 0.10
WRITER_ROWS = 100_000
WRITER_BATCH = 64
ROW = (
    "SELECT r.path, f.relpath, f.size, f.mtime_ns, f.device, f.inode, f.nlink, f.sha256, "
    "f.metrics, f.hashes, f.thumb, f.detail, f.colour, f.skip_reason, f.skip_detail "
    "FROM files f JOIN roots r ON r.id = f.root ORDER BY r.path, f.relpath"
)


def rows(catalog: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(catalog)
    try:
        return conn.execute(ROW).fetchall()
    finally:
        conn.close()


def make_slice(scale: Path, dest: Path, count: int, parts: int = 1) -> list[Path]:
    """The first `count` pictures of the corpus (sorted by path), hard-linked (copied
    across file systems) into `parts` folders of `dest`, in corpus order."""
    pictures = sorted(p for p in scale.rglob("*") if p.is_file() and is_image_candidate(str(p)))[
        :count
    ]
    folders = [dest / (SERVERS[i] if parts > 1 else "slice") for i in range(parts)]
    for i, src in enumerate(pictures):
        target = folders[i * parts // len(pictures)] / src.relative_to(scale)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, target)
        except OSError:
            shutil.copy2(src, target)
        target.read_bytes()  # warm the page cache
    return folders


def local_build(roots: list[Path], out: Path, workers: int = 2) -> dict[str, float]:
    """Wall seconds and CPU seconds (this process, every thread)."""
    out.unlink(missing_ok=True)
    settings = BuildSettings(roots=tuple(map(str, roots)), label="bench", out=out, workers=workers)
    t0, c0 = time.perf_counter(), time.process_time()
    final_event(build(settings), CatalogBuilt)
    return {"build": time.perf_counter() - t0, "cpu": time.process_time() - c0}


def cluster_build(
    roots: list[Path], out: Path, settings: dask_cluster.ClusterSettings
) -> dict[str, float]:
    """Seconds to start the cluster, to build, and to stop it."""
    out.unlink(missing_ok=True)
    build_settings = BuildSettings(
        roots=tuple(map(str, roots)), label="bench", out=out, commit_seconds=1.0
    )
    t0 = time.perf_counter()
    with dask_cluster.connect(settings) as runner:
        client = runner.client  # type: ignore[attr-defined]
        t1 = time.perf_counter()
        w0, c0 = client.run(time.process_time), time.process_time()
        final_event(build(build_settings, runner=runner), CatalogBuilt)
        w1, c1 = client.run(time.process_time), time.process_time()
        t2 = time.perf_counter()
    t3 = time.perf_counter()
    workers_cpu = sum(w1[k] - w0[k] for k in w0 if k in w1)
    return {
        "start": t1 - t0,
        "build": t2 - t1,
        "stop": t3 - t2,
        "total": t3 - t0,
        "cpu": workers_cpu + (c1 - c0),  # the workers' and this process's (scheduler too)
        "coordinator_cpu": c1 - c0,
    }


def compare_local_and_local2(root: Path, work: Path, reps: int) -> dict[str, Any]:
    local_out, cluster_out = work / "local.catalog", work / "cluster.catalog"
    local_times: list[dict[str, float]] = []
    cluster_times: list[dict[str, float]] = []
    settings = dask_cluster.ClusterSettings("local:2")
    for rep in range(reps):
        # alternate which goes first: the machine's other load drifts
        order = ("local", "cluster") if rep % 2 == 0 else ("cluster", "local")
        for what in order:
            if what == "local":
                local_times.append(local_build([root], local_out))
            else:
                cluster_times.append(cluster_build([root], cluster_out, settings))
            print(
                f"  {what}: {local_times[-1] if what == 'local' else cluster_times[-1]}",
                file=sys.stderr,
            )
    identical = rows(local_out) == rows(cluster_out)
    local = statistics.median(t["build"] for t in local_times)
    local_cpu = statistics.median(t["cpu"] for t in local_times)
    cluster_cpu = statistics.median(t["cpu"] for t in cluster_times)
    build_only = statistics.median(t["build"] for t in cluster_times)
    total = statistics.median(t["total"] for t in cluster_times)
    files = len(rows(local_out))
    return {
        "files": files,
        "bytes": sum(int(r[2]) for r in rows(local_out)),  # type: ignore[call-overload]
        "local_seconds": local_times,
        "cluster_seconds": cluster_times,
        "local_median": local,
        "cluster_build_median": build_only,
        "cluster_total_median": total,
        "overhead_build": build_only / local - 1,
        "overhead_total": total / local - 1,
        "local_cpu_median": local_cpu,
        "cluster_cpu_median": cluster_cpu,
        "overhead_cpu": cluster_cpu / local_cpu - 1,
        "load_average_after": os.getloadavg(),
        "files_per_second_local": files / local,
        "files_per_core_second": files / local / 2,
        "identical": identical,
        "under_target": identical and build_only / local - 1 <= TARGET_OVERHEAD,
    }


def three_server_run(folders: list[Path], work: Path) -> dict[str, Any]:
    log = work / "reads.log"
    log.unlink(missing_ok=True)
    out, local_out = work / "three.catalog", work / "three-local.catalog"
    pins = tuple((str(f), share_of(f.name)) for f in folders)
    with simulated_servers(timeout=120) as address:
        settings = dask_cluster.ClusterSettings(address, pins=pins, read_log=log)
        times = cluster_build(folders, out, settings)
    local_build(folders, local_out)
    reads = [line.split("\t") for line in log.read_text().splitlines()]
    by_owner = Counter(
        (worker, Path(path).relative_to(folders[0].parent).parts[0]) for worker, path in reads
    )
    wrong = sum(n for (worker, folder), n in by_owner.items() if worker != folder)
    return {
        "files_read": len(reads),
        "reads_by_worker_and_folder": {f"{w} read {f}": n for (w, f), n in by_owner.items()},
        "read_by_another_worker": wrong,
        "seconds": times,
        "identical_to_local": rows(out) == rows(local_out),
        "all_read_by_owner": wrong == 0 and len(reads) > 0,
    }


def central_writer(catalog: Path, work: Path) -> dict[str, Any]:
    """Rows per second the coordinating machine writes: unpickle a batch's result, then
    `_write_row` each outcome (packing its columns), committing every second."""
    outcomes: list[b.ReadOutcome] = []
    for f in read(catalog).files:
        verdict = f.analysis if f.analysis is not None else f.failure
        assert verdict is not None
        outcomes.append((bytes.fromhex(f.sha256), verdict))
    batches = []
    for start in range(0, len(outcomes), WRITER_BATCH):
        chunk = tuple(outcomes[start : start + WRITER_BATCH])
        batches.append(
            pickle.dumps(dask_cluster.BatchResult("w", 1, "x", chunk), pickle.HIGHEST_PROTOCOL)
        )
    result_bytes = sum(map(len, batches)) / len(outcomes)
    out = work / "writer.catalog"
    out.unlink(missing_ok=True)
    conn = b._open(out)
    settings = BuildSettings(roots=(str(work),), label="bench", out=out)
    number, _, _ = b._start(conn, out, settings, "bench")
    b._begin_run(conn)
    root = b._root_id(conn, str(work))
    writer = b._Writer(conn, 1.0)
    t0 = time.perf_counter()
    written = 0
    while written < WRITER_ROWS:
        for blob in batches:
            batch: dask_cluster.BatchResult = pickle.loads(blob)
            for outcome in batch.outcomes:
                assert isinstance(outcome, tuple)
                digest, verdict = outcome
                rel = f"folder{written // 1000:04d}/IMG_{written:07d}.JPG".encode()
                found = FoundFile(rel.decode(), 1_000_000 + written, written, 1, written + 1, 1)
                b._write_row(conn, b._Todo(root, rel, found), digest, verdict, number)
                written += 1
            writer.maybe_commit()
            if written >= WRITER_ROWS:
                break
    conn.execute("COMMIT")
    seconds = time.perf_counter() - t0
    conn.close()
    failures = sum(isinstance(o[1], DecodeFailure) for o in outcomes if isinstance(o, tuple))
    return {
        "rows": written,
        "seconds": seconds,
        "rows_per_second": written / seconds,
        "result_bytes_per_picture": result_bytes,
        "outcomes_sampled": len(outcomes),
        "of_which_failures": failures,
    }


def run(scale: Path, count: int = 300, reps: int = 3) -> dict[str, Any]:
    from benchmarks.common import scratch

    with scratch("cluster") as work:
        (root,) = make_slice(scale, work / "one", count)
        print(f"== local --workers 2 vs --cluster local:2 on {count} pictures", file=sys.stderr)
        versus = compare_local_and_local2(root, work, reps)
        print("== three servers", file=sys.stderr)
        folders = make_slice(scale, work / "three", count, parts=3)
        three = three_server_run(folders, work)
        print("== central writer", file=sys.stderr)
        writer = central_writer(work / "local.catalog", work)
    return {
        "count": count,
        "load_average": os.getloadavg(),
        "versus_local": versus,
        "three_servers": three,
        "central_writer": writer,
    }


def main(argv: list[str] | None = None) -> int:
    from benchmarks.common import ENV_SCALE, corpus

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scale", help=f"scale corpus (default: ${ENV_SCALE})")
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--reps", type=int, default=3)
    args = p.parse_args(argv)
    result = run(corpus(ENV_SCALE, args.scale), args.count, args.reps)
    print(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
