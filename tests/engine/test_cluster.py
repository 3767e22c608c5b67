"""Catalog builds on a Dask cluster (issue 15): real `LocalCluster`/`SpecCluster` worker
processes on this machine. The rows must be the local build's, bit for bit; pinned roots
are read only by their workers; a killed worker's batch is read again elsewhere; a pause
keeps every batch that came back.

Dask is the optional extra [dask]: where it is not installed (the headless test venv),
this whole file is skipped."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("distributed")

from cleaner.catalog import BuildSettings, CatalogBuilt, build, read  # noqa: E402
from cleaner.catalog import cluster as dask_cluster  # noqa: E402
from cleaner.catalog.builder import ReadOutcome, ReadRequest, ReadRunner  # noqa: E402
from cleaner.cli import main  # noqa: E402
from cleaner.errors import Cancelled  # noqa: E402
from cleaner.progress import CancelToken, Progress, Stage, final_event  # noqa: E402
from tests.helpers import images  # noqa: E402
from tests.helpers.copy_sets import noise_png, write_copy_sets  # noqa: E402
from tests.helpers.dask_servers import SERVERS, share_of, simulated_servers  # noqa: E402

# Every column a build writes about a file, but its row id and build number.
ROW = (
    "SELECT r.path, f.relpath, f.size, f.mtime_ns, f.device, f.inode, f.nlink, f.sha256, "
    "f.metrics, f.hashes, f.thumb, f.detail, f.colour, f.skip_reason, f.skip_detail "
    "FROM files f JOIN roots r ON r.id = f.root ORDER BY r.path, f.relpath"
)
SKIPPED = (
    "SELECT r.path, s.relpath, s.reason, s.detail FROM skipped s JOIN roots r ON r.id = s.root "
    "ORDER BY r.path, s.relpath"
)


def table(catalog: Path, query: str = ROW) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(catalog)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def write_estate(top: Path, per_server: int = 12) -> list[Path]:
    """One folder per server: photos, noise pictures with a copy each, a hard link, and
    bad files (corrupt, truncated, empty) that every build records with a reason."""
    folders = []
    for n, name in enumerate(SERVERS):
        root = top / name
        write_copy_sets(root / "sets", per_server)
        for i in range(3):
            images.save(images.photo(100 * n + i), root / f"photo{i}.jpg")
        images.save(images.blank_page(n), root / "page.png")
        os.link(root / "photo0.jpg", root / "photo0 link.jpg")
        folders.append(root)
    bad = folders[0]
    (bad / "corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(3000))
    (bad / "truncated.png").write_bytes(noise_png(7, side=200)[:400])
    (bad / "empty.jpg").write_bytes(b"")
    return folders


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_estate(tmp_path_factory.mktemp("estate"))


@pytest.fixture(scope="module")
def local_catalog(estate: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local") / "local.catalog"
    settings = BuildSettings(roots=tuple(map(str, estate)), label="estate", out=out, workers=2)
    final_event(build(settings), CatalogBuilt)
    return out


@pytest.fixture(scope="module")
def three_servers() -> Iterator[str]:
    """A scheduler and three worker processes, each offering a resource for its own
    folder, as three file servers would (`dask worker ... --resources share-a=1`)."""
    with simulated_servers(timeout=60) as address:
        yield address


def cluster_build(
    roots: Sequence[Path],
    out: Path,
    settings: dask_cluster.ClusterSettings,
    token: CancelToken | None = None,
    wrap: Any = None,
) -> Iterator[object]:
    build_settings = BuildSettings(
        roots=tuple(map(str, roots)), label="estate", out=out, commit_seconds=0.0
    )
    with dask_cluster.connect(settings) as runner:
        yield from build(build_settings, cancel=token, runner=wrap(runner) if wrap else runner)


def test_a_cluster_build_writes_the_local_builds_rows_bit_for_bit(
    estate: list[Path], local_catalog: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cluster.catalog"
    code = main(
        [
            "catalog",
            "build",
            *map(str, estate),
            "--label",
            "estate",
            "--out",
            str(out),
            "--cluster",
            "local:2",
            "--batch-size",
            "4",
            "-q",
        ]
    )
    assert code == 0
    local, remote = table(local_catalog), table(out)
    assert len(local) == 3 * (2 * 12 + 5) + 3
    assert remote == local  # row by row, in the same order: every byte of every column
    assert table(out, SKIPPED) == table(local_catalog, SKIPPED)
    reasons = {
        os.path.basename(os.fsdecode(row[1])): row[13] for row in remote if row[13] is not None
    }
    assert reasons == {"corrupt.jpg": "corrupt", "truncated.png": "truncated", "empty.jpg": "empty"}
    assert read(out).info.label == "estate"  # complete, its checksum sound


def test_pinned_roots_are_read_only_by_the_workers_that_hold_them(
    estate: list[Path], local_catalog: Path, three_servers: str, tmp_path: Path
) -> None:
    log = tmp_path / "reads.log"
    pins = tuple((str(root), share_of(root.name)) for root in estate)
    settings = dask_cluster.ClusterSettings(three_servers, pins=pins, batch_size=3, read_log=log)
    out = tmp_path / "pinned.catalog"
    final_event(cluster_build(estate, out, settings), CatalogBuilt)
    assert table(out) == table(local_catalog)
    reads = [line.split("\t") for line in log.read_text().splitlines()]
    # one read per file on disk: the hard link shares its file's read
    assert len(reads) == len(table(local_catalog)) - len(estate)
    owners = {
        worker: Path(path).relative_to(Path(estate[0]).parent).parts[0] for worker, path in reads
    }
    assert owners == {name: name for name in SERVERS}
    for worker, path in reads:
        assert Path(path).is_relative_to(Path(estate[0]).parent / worker), (worker, path)


def test_an_unpinned_build_shares_the_files_among_all_workers_and_a_file_gone_is_skipped(
    estate: list[Path], local_catalog: Path, three_servers: str, tmp_path: Path
) -> None:
    """A file that vanishes between the walk and its read fails on its worker: recorded
    as vanished, like a local build, and the others are read."""
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "kept.png").write_bytes(noise_png(1))
    victim = extra / "victim.png"
    victim.write_bytes(noise_png(2))

    def delete_first(runner: ReadRunner) -> ReadRunner:
        def run(
            requests: Sequence[ReadRequest], max_pixels: int, token: CancelToken
        ) -> Generator[list[tuple[int, ReadOutcome]], None, None]:
            victim.unlink()  # after the walk listed it
            yield from runner(requests, max_pixels, token)

        return run

    log = tmp_path / "reads.log"
    out = tmp_path / "unpinned.catalog"
    settings = dask_cluster.ClusterSettings(three_servers, batch_size=2, read_log=log)
    final_event(cluster_build([*estate, extra], out, settings, wrap=delete_first), CatalogBuilt)
    rows = table(out)
    assert [row for row in rows if row[0] != os.fsencode(extra)] == table(local_catalog)
    assert [row[1] for row in rows if row[0] == os.fsencode(extra)] == [b"kept.png"]
    assert [(os.fsdecode(r[0]), r[1], r[2]) for r in table(out, SKIPPED)] == [
        (str(extra), b"victim.png", "vanished")
    ]
    workers = {line.split("\t")[0] for line in log.read_text().splitlines()}
    assert len(workers) >= 2  # no pinning: whoever is free takes the next batch


def test_a_paused_cluster_build_keeps_what_came_back_and_resumes_to_the_same_catalog(
    estate: list[Path], local_catalog: Path, three_servers: str, tmp_path: Path
) -> None:
    out = tmp_path / "paused.catalog"
    settings = dask_cluster.ClusterSettings(three_servers, batch_size=2)
    token = CancelToken()
    done_when_paused = 0
    started = time.monotonic()
    events = cluster_build(estate, out, settings, token=token)
    for event in events:
        reading = isinstance(event, Progress) and event.stage == Stage.FINGERPRINT
        if reading and event.done and not token.cancelled:  # type: ignore[union-attr]
            token.cancel()
            started = time.monotonic()
            done_when_paused = event.done  # type: ignore[union-attr]
            break
    with pytest.raises(Cancelled):
        next(iter(events))
    assert time.monotonic() - started < 5.0
    kept = table(out)
    assert done_when_paused <= len(kept) < len(table(local_catalog))
    final_event(cluster_build(estate, out, settings), CatalogBuilt)
    assert table(out) == table(local_catalog)


@pytest.mark.slow
def test_a_killed_workers_batch_is_read_again_by_another(
    estate: list[Path], local_catalog: Path, tmp_path: Path
) -> None:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster, set_as_default=False) as watcher,
    ):
        pids: dict[str, int] = watcher.run(os.getpid)
        killed: list[tuple[str, tuple[str, ...]]] = []

        def kill_a_busy_worker() -> None:
            deadline = time.monotonic() + 60
            while not killed and time.monotonic() < deadline:
                for address, tasks in watcher.processing().items():
                    if tasks:
                        os.kill(pids[address], signal.SIGKILL)
                        killed.append((address, tuple(tasks)))
                        return
                time.sleep(0.01)

        killer = threading.Thread(target=kill_a_busy_worker)
        killer.start()
        out = tmp_path / "killed.catalog"
        settings = dask_cluster.ClusterSettings(cluster.scheduler_address, batch_size=3)
        try:
            final_event(cluster_build(estate, out, settings), CatalogBuilt)
        finally:
            killer.join()
    assert killed, "no worker was busy"
    assert table(out) == table(local_catalog)  # its batch was read again, nothing lost
    assert table(out, SKIPPED) == table(local_catalog, SKIPPED)


def test_a_worker_that_would_fingerprint_differently_is_refused_in_one_line(
    three_servers: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pillow or PhotoSift of another version on a worker would give other fingerprints
    than a local build: the build refuses before reading anything."""
    here = dask_cluster.worker_identity().replace("Pillow=", "Pillow=0.0.1+")
    monkeypatch.setattr(dask_cluster, "worker_identity", lambda: here)
    with (
        pytest.raises(dask_cluster.ClusterError) as caught,
        dask_cluster.connect(dask_cluster.ClusterSettings(three_servers)),
    ):
        pass
    text = str(caught.value)
    assert "fingerprints differently from this machine (Pillow " in text
    assert "\n" not in text


@pytest.mark.slow
def test_a_file_that_kills_its_workers_is_skipped_with_its_reason_and_the_build_goes_on(
    tmp_path: Path,
) -> None:
    """Its batch is split until the file is alone, then recorded as skipped: never
    retried forever, and every other file of its batch is catalogued."""
    import dask
    from distributed import Client, LocalCluster

    from tests.helpers.cluster_poison import PoisonReads

    root = tmp_path / "photos"
    write_copy_sets(root, 4)
    (root / "poison.png").write_bytes(noise_png(5))
    out = tmp_path / "poisoned.catalog"
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        client.register_plugin(PoisonReads())
        settings = dask_cluster.ClusterSettings(cluster.scheduler_address, batch_size=3)
        summary = final_event(cluster_build([root], out, settings), CatalogBuilt).summary
    assert (summary.files, summary.skipped) == (8, 1)
    assert [os.path.basename(os.fsdecode(row[1])) for row in table(out)] == [
        f"{c}{i:05d}.png" for i in range(4) for c in "ab"
    ]
    ((_root, name, reason, detail),) = table(out, SKIPPED)
    assert (name, reason) == (b"poison.png", "unreadable")
    assert "stopped Dask workers repeatedly" in str(detail)


# -- every worker of a lane gone: said, then a pause ---------------------------------------


def test_a_pinned_lane_whose_workers_all_left_says_so_then_pauses_and_resumes(
    estate: list[Path], local_catalog: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The only worker offering share-a leaves mid-build (retired by the scheduler, as
    a file server shutting down): the build says which resource has no worker, pauses
    after --wait-for-workers with every finished file committed, and the same command
    finishes it once such a worker is back. The build runs in a thread so that a hang
    fails the test instead of stalling the suite."""
    from distributed import Client, Nanny, Scheduler, SpecCluster

    def worker(resources: dict[str, int]) -> dict[str, Any]:
        return {"cls": Nanny, "options": {"nthreads": 1, "resources": resources}}

    out, log = tmp_path / "gone.catalog", tmp_path / "reads.log"
    command = [
        "catalog",
        "build",
        *map(str, estate),
        "--label",
        "estate",
        "--out",
        str(out),
        "--pin",
        f"{estate[0]}=share-a",
        "--batch-size",
        "2",
        "--read-log",
        str(log),
        "--commit-every",
        "0",
    ]
    codes: list[int] = []
    # The spec's last worker is the one SpecCluster.scale(1) retires; the template
    # `worker` is what scale(2) starts again.
    with (
        SpecCluster(
            workers={"any": worker({}), "share-a": worker({"share-a": 1})},
            worker=worker({"share-a": 1}),
            scheduler={"cls": Scheduler, "options": {"dashboard_address": None}},
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        client.wait_for_workers(2, timeout=60)
        address = str(cluster.scheduler_address)

        def share_a_workers() -> int:
            infos = client.scheduler_info(n_workers=-1)["workers"].values()
            return sum("share-a" in w.get("resources", {}) for w in infos)

        def retire_share_a_once_it_has_read() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if log.exists() and str(estate[0]) in log.read_text():
                    cluster.scale(1)
                    return
                time.sleep(0.01)

        retirer = threading.Thread(target=retire_share_a_once_it_has_read)
        runner = threading.Thread(
            target=lambda: codes.append(
                main([*command, "--cluster", address, "--wait-for-workers", "3"])
            ),
            daemon=True,
        )
        retirer.start()
        runner.start()
        runner.join(timeout=120)
        retirer.join()
        assert not runner.is_alive(), "the build hung with no worker for share-a"
        assert share_a_workers() == 0
        assert codes == [130]
        err = capsys.readouterr().err
        waiting = [line for line in err.splitlines() if "waiting for" in line]
        assert waiting, err
        assert waiting[0].startswith(
            "photosift: waiting for a worker offering 'share-a' (none connected since "
        ), waiting
        assert "press Ctrl-C to pause: the build resumes where it stopped" in waiting[0]
        assert len(waiting) == 1  # at most once a minute
        pause = err.strip().splitlines()[-1]
        assert pause.startswith("Paused ("), pause
        assert " read): no worker offering 'share-a' connected since " in pause
        assert " (--wait-for-workers 3); what was read is saved in " in pause
        assert pause.endswith("Run the same command again once a worker is back to resume.")
        # Every file read before the pause is committed, as the local build writes it.
        kept, local = table(out), table(local_catalog)
        read_paths = {line.split("\t")[1] for line in log.read_text().splitlines()}
        assert [row for row in local if row in kept] == kept
        a_rows = [row for row in kept if row[0] == os.fsencode(estate[0])]
        assert 0 < len(a_rows) < len([row for row in local if row[0] == os.fsencode(estate[0])])
        for root, rel, *_ in a_rows:
            assert os.path.join(os.fsdecode(root), os.fsdecode(rel)) in read_paths | {
                str(estate[0] / "photo0 link.jpg")
            }

        cluster.scale(2)  # a worker offering share-a is back
        client.wait_for_workers(2, timeout=60)
        assert share_a_workers() == 1
        assert main([*command, "--cluster", address]) == 0
    assert table(out) == table(local_catalog)
    assert table(out, SKIPPED) == table(local_catalog, SKIPPED)


def test_a_build_whose_every_worker_left_says_so_then_pauses_keeping_what_came_back(
    tmp_path: Path,
) -> None:
    """No pin: the last worker of the cluster leaves; the unpinned lane waits for any
    worker, says so, and pauses with the rows that came back written."""
    from distributed import LocalCluster

    root = tmp_path / "photos"
    # 240 files in batches of 2: far more than the one worker reads while it is retired
    # (40 were all read before it left on a loaded machine, and the build just finished)
    write_copy_sets(root, 120)
    out = tmp_path / "alone.catalog"
    said: list[str] = []
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        settings = dask_cluster.ClusterSettings(
            cluster.scheduler_address, batch_size=2, wait_for_workers=2.0
        )
        came_back = 0
        started = time.monotonic()

        def close_the_worker_after_a_batch(runner: ReadRunner) -> ReadRunner:
            def run(
                requests: Sequence[ReadRequest], max_pixels: int, token: CancelToken
            ) -> Generator[list[tuple[int, ReadOutcome]], None, None]:
                nonlocal came_back
                for finished in runner(requests, max_pixels, token):
                    if finished and not came_back:
                        cluster.scale(0)
                    came_back += len(finished)
                    # the runner yields every quarter second, even with nothing back
                    assert time.monotonic() - started < 60, "the build hung with no worker"
                    yield finished

            return run

        build_settings = BuildSettings(roots=(str(root),), label="a", out=out, commit_seconds=0)
        token = CancelToken()
        with (
            pytest.raises(dask_cluster.WorkersGone) as caught,
            dask_cluster.connect(settings, say=said.append) as runner,
        ):
            for _ in build(
                build_settings, cancel=token, runner=close_the_worker_after_a_batch(runner)
            ):
                pass
    assert token.cancelled  # a pause like Ctrl-C
    assert caught.value.text.startswith("no Dask worker connected since ")
    assert said[0].startswith("waiting for a Dask worker (none connected since ")
    assert len(said) == 1
    assert 0 < came_back == len(table(out)) < 240
