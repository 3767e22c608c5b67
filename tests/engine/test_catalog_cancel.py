"""Issue 14: Cancel (the window) or Ctrl-C (the command line) while a big catalog is
read stops the read within a batch of rows, and ends the worker processes that read
big catalogs: no read goes on behind the caller's back."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaner.catalog import columns as columns_module
from cleaner.catalog.columns import read_columns, read_many
from cleaner.catalog.estate import scan_catalogs
from cleaner.catalog.schema import row_bytes
from cleaner.errors import Cancelled
from cleaner.models import ScanSettings
from cleaner.progress import CancelToken, drain
from tests.engine.test_catalog_read_many import _catalog

ROWS = 3000
BATCH = 500  # lowered from 20,000 so a catalog of thousands of rows is read in 6 batches


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _catalog(tmp_path_factory.mktemp("cancel") / "big.catalog", "big", 0, ROWS)


class CancelDuringRead:
    """Counts the `files` rows the reader checks; when the second batch starts, lets
    another thread cancel `token` and waits until it has (so the test does not depend
    on timing), then lets the read go on."""

    def __init__(self, token: CancelToken) -> None:
        self.token = token
        self.rows = 0
        self._started = threading.Event()
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._cancel)
        self._thread.start()

    def _cancel(self) -> None:
        if self._started.wait(timeout=60):
            self.token.cancel()
        self._cancelled.set()

    def files_row_bytes(self, row: tuple[object, ...], plain: bool) -> bytes:
        self.rows += 1
        if self.rows == BATCH + 1:
            self._started.set()
            assert self._cancelled.wait(timeout=60)
        return row_bytes(b"files", row)

    def join(self) -> None:
        self._started.set()  # the read never got to a second batch: let the thread end
        self._thread.join()


@pytest.fixture
def cancel_during_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[CancelDuringRead]:
    monkeypatch.setattr(columns_module, "_BATCH", BATCH)
    hook = CancelDuringRead(CancelToken())
    monkeypatch.setattr(columns_module, "_files_row_bytes", hook.files_row_bytes)
    yield hook
    hook.join()


def test_read_columns_stops_at_the_next_batch_once_cancelled(
    catalog: Path, cancel_during_read: CancelDuringRead
) -> None:
    with pytest.raises(Cancelled):
        read_columns(catalog, cancel=cancel_during_read.token)
    # cancelled during batch 2 of 6: batch 3 is not read
    assert cancel_during_read.rows == 2 * BATCH


def test_read_columns_reads_every_batch_when_not_cancelled(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columns_module, "_BATCH", BATCH)
    columns = read_columns(catalog, cancel=CancelToken())
    assert len(columns) == ROWS
    assert columns.relpath == read_columns(catalog).relpath


def test_scan_catalogs_cancelled_during_the_read_stops_it(
    catalog: Path, cancel_during_read: CancelDuringRead
) -> None:
    events = scan_catalogs([str(catalog)], ScanSettings(roots=()), cancel=cancel_during_read.token)
    with pytest.raises(Cancelled):
        drain(events)
    assert cancel_during_read.rows == 2 * BATCH


def _no_children() -> list[str]:
    return [p.name for p in multiprocessing.active_children()]


def test_read_many_cancelled_ends_its_worker_processes(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columns_module, "PARALLEL_BYTES", 0)  # any size goes to the workers
    assert _no_children() == []
    token = CancelToken()
    reading = read_many([catalog, catalog, catalog], workers=2, cancel=token)
    first = next(reading)
    assert not isinstance(first, Exception)
    assert len(first) == ROWS
    workers = multiprocessing.active_children()
    assert len(workers) == 2
    token.cancel()  # the second and third reads are under way or queued
    with pytest.raises(Cancelled):
        next(reading)
    assert _no_children() == []  # ended before the Cancelled reached the caller
    assert [w.exitcode for w in workers] == [0, 0]  # asked to stop, not killed


def test_read_many_closed_early_ends_its_worker_processes(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columns_module, "PARALLEL_BYTES", 0)
    reading = read_many([catalog, catalog, catalog], workers=2)
    next(reading)
    workers = multiprocessing.active_children()
    reading.close()  # the caller stopped (a refused catalog, Ctrl-C)
    assert _no_children() == []
    assert [w.exitcode for w in workers] == [0, 0]


def test_read_many_read_to_the_end_leaves_no_worker_processes(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columns_module, "PARALLEL_BYTES", 0)
    read = list(read_many([catalog, catalog], workers=2, cancel=CancelToken()))
    assert [len(c) for c in read if not isinstance(c, Exception)] == [ROWS, ROWS]
    assert _no_children() == []


def test_a_worker_stops_at_the_next_batch_once_the_parent_sets_its_flag(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # what a worker process runs (`_start_worker` sets the token), here in this process
    stop = multiprocessing.get_context("spawn").Event()
    monkeypatch.setattr(columns_module, "_BATCH", BATCH)
    hook = CancelDuringRead(columns_module._SharedToken(stop))  # cancel() sets `stop`
    monkeypatch.setattr(columns_module, "_files_row_bytes", hook.files_row_bytes)
    monkeypatch.setattr(columns_module, "_worker_token", hook.token)
    try:
        assert columns_module._read_in_worker(catalog) is None  # stopped, not an error
    finally:
        hook.join()
    assert stop.is_set()
    assert hook.rows == 2 * BATCH


def test_read_many_cancelled_sets_the_workers_stop_flag(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spawn = multiprocessing.get_context("spawn")
    flags: list[object] = []

    class Context:  # the spawn context, remembering the Event it makes
        def __getattr__(self, name: str) -> object:
            return getattr(spawn, name)

        def Event(self) -> object:  # the context's own name
            flags.append(spawn.Event())
            return flags[-1]

    monkeypatch.setattr(columns_module, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(columns_module.multiprocessing, "get_context", lambda _: Context())
    token = CancelToken()
    reading = read_many([catalog, catalog, catalog], workers=2, cancel=token)
    next(reading)
    token.cancel()
    with pytest.raises(Cancelled):
        next(reading)
    assert len(flags) == 1
    assert flags[0].is_set()  # type: ignore[attr-defined]
    assert _no_children() == []
