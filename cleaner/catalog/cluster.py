"""Read a catalog build's files on a Dask cluster (issue 15; docs/catalog.md, README
"Fingerprinting on a Dask cluster").

The build itself (walk, incremental rule, writing and committing rows, progress, pause)
stays in `cleaner.catalog.builder` on the machine that runs the command; this module is
only a `ReadRunner`: it sends the per-file work (`builder.read_file`: digest, decode,
metrics, fingerprint) to Dask workers in batches and hands back each batch's outcomes as
it returns. Scheduling, retries after a worker dies and placement by worker resources are
Dask's (`dask.distributed`), never re-done here.

- A root can be pinned to a Dask worker resource (`dask worker --resources share-a=16`):
  its batches then run only on workers offering it, so no picture crosses the network,
  only the results (about 1-6 KB a picture).
- A worker that dies mid-batch loses that batch; the scheduler runs it again elsewhere
  (up to `distributed.scheduler.allowed-failures` deaths, then `KilledWorker`). A batch
  that raises is retried `retries` times. A batch that still fails is split in two and
  each half sent again, down to one file, which is then recorded as skipped with the
  reason, so one poisonous picture costs a few retries, never the build.
- A lane whose every worker has left (a pinned file server rebooting, every worker
  stopped) would wait forever in Dask's queue, which to a user is a hang: the runner asks
  the scheduler which workers are connected (`Client.scheduler_info`), says in one line
  which resource has none (at most once a minute), and after `wait_for_workers` seconds
  without one pauses the build as Ctrl-C does (`WorkersGone`, a `Cancelled`).
- Every worker must fingerprint exactly as this machine does: each batch comes back with
  the worker's PhotoSift and library versions, and a mismatch stops the build in one line
  (what was read until then is kept).

Dask is an optional extra (`pip install 'photosift[dask]'`): it is imported only here, and
only when a cluster is used, so the engine works without it (an architecture test checks
that nothing else imports it).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleaner.catalog.builder import ReadOutcome, ReadRequest, ReadRunner, read_file
from cleaner.detect.cache import library_versions
from cleaner.detect.decode import register_plugins
from cleaner.detect.walk import normalise_roots
from cleaner.errors import BadRootError, Cancelled
from cleaner.models import SkippedFile, SkipReason
from cleaner.progress import CancelToken
from cleaner.textsafe import printable
from cleaner.version import __version__

if TYPE_CHECKING:
    from distributed import Client, Future

DEFAULT_RETRIES = 2  # a batch that raises is run this many times more before it is split
MAX_BATCH = 64  # files per batch: enough to amortise a task's overhead (~1 ms)
BATCHES_PER_THREAD = 4  # a batch is at most this share of what a thread has left
IN_FLIGHT_PER_THREAD = 3  # queued on the scheduler at once: bounded, whatever the estate
SCHEDULER_TIMEOUT = 30.0  # seconds to reach a scheduler
# Seconds a lane may have no connected worker before the build pauses. A worker restarted
# by its nanny or its service manager is back in seconds, a rebooting file server in a few
# minutes; ten minutes covers those without leaving an unattended overnight build idle for
# hours, and a pause costs nothing (the same command resumes). 0: wait indefinitely.
DEFAULT_WAIT_FOR_WORKERS = 600.0
WORKERS_CHECK_SECONDS = 1.0  # how often the scheduler is asked which workers are connected
WAITING_REPEAT_SECONDS = 60.0  # the "waiting for a worker" line, at most this often
# seconds to fetch a finished batch's result (a few hundred KB): longer means the worker
# holding it has gone (the batch then runs again)
RESULT_TIMEOUT = 1.0
LOCAL = re.compile(r"local:(\d+)")
INSTALL = "pip install 'photosift[dask]'"
# The worker processes of --cluster local:N. Dask's statistical profiler samples each
# task's stack every 10 ms, and its MALLOC_TRIM_THRESHOLD_ (set to hand memory back to
# the system) also turns off glibc's adaptive mmap threshold, so every decode buffer of
# a few MB is mapped and zeroed afresh: both cost CPU on every picture and buy nothing
# for tasks whose results are a few KB. Its event-loop, system and memory monitors wake
# every 20, 500 and 100 ms: 0.038 CPU seconds a second for two idle workers and 0.035 for
# the scheduler here, against 0.006 and 0.009 at the intervals below (measured), which
# is most of a local:2 build's overhead on a 2-core machine. The thread caps are Dask's
# own defaults.
LOCAL_WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.nanny.pre-spawn-environ": {
        "OMP_NUM_THREADS": 1,
        "MKL_NUM_THREADS": 1,
        "OPENBLAS_NUM_THREADS": 1,
    },
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    # `dask_setup` below, in each worker process
    "distributed.worker.preload": ["cleaner.catalog.cluster"],
}


class ClusterError(Exception):
    """The cluster cannot be used or stopped working; the message is one line."""


class WorkersGone(Cancelled):
    """The build paused because one lane had no connected worker for `wait_for_workers`
    seconds: a pause like Ctrl-C (what was read is committed; the same command resumes).
    `text` says which, in one line."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    address: str  # tcp://SCHEDULER:8786, or local:N for N worker processes here
    pins: tuple[tuple[str, str], ...] = ()  # (root, Dask resource its files need)
    retries: int = DEFAULT_RETRIES
    batch_size: int = 0  # 0: from the number of files and the cluster's threads
    read_log: Path | None = None  # append "WORKER<TAB>PATH" for every file read
    # seconds a lane may have no connected worker before the build pauses (0: no limit)
    wait_for_workers: float = DEFAULT_WAIT_FOR_WORKERS


def check_address(text: str) -> str:
    """The --cluster value, or `ValueError` in one line."""
    value = text.strip()
    found = LOCAL.fullmatch(value)
    if found:
        if int(found.group(1)) < 1:
            raise ValueError("--cluster local:N needs at least one worker (N >= 1)")
        return value
    if re.fullmatch(r"(tcp|tls|ucx|ws|wss)://[^\s/]+", value):
        return value
    raise ValueError(
        f"--cluster {text!r} is neither a scheduler address (tcp://HOST:8786) nor local:N"
    )


def check_pin(text: str) -> tuple[str, str]:
    """One --pin ROOT=RESOURCE, or `ValueError` in one line."""
    root, sep, resource = text.rpartition("=")
    if not sep or not root or not re.fullmatch(r"[A-Za-z0-9_.-]+", resource):
        raise ValueError(
            f"--pin {text!r} must be ROOT=RESOURCE, e.g. /srv/share-a=share-a (a Dask worker "
            "resource name: letters, digits, '.', '_' or '-')"
        )
    return root, resource


def resolve_pins(
    roots: Sequence[str], pins: Sequence[tuple[str, str]]
) -> tuple[tuple[str, str], ...]:
    """Each pinned root as the build will name it; `ValueError` for one that is not among
    the roots or is pinned twice."""
    given = set(normalise_roots(roots))
    resolved: dict[str, str] = {}
    for root, resource in pins:
        try:
            (path,) = normalise_roots([root])
        except BadRootError as exc:
            raise ValueError(f"--pin {root}={resource}: {exc}") from None
        if path not in given:
            raise ValueError(f"--pin {root}={resource}: {root} is not one of the folders given")
        if resolved.get(path, resource) != resource:
            raise ValueError(f"--pin: {root} is pinned to two resources")
        resolved[path] = resource
    return tuple(resolved.items())


def worker_identity() -> str:
    """What must be the same on every worker and here for identical fingerprints."""
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"python={python};photosift={__version__};{library_versions()}"


@dataclass(frozen=True, slots=True)
class BatchResult:
    worker: str  # the Dask worker's name (or address)
    pid: int
    identity: str  # `worker_identity()` where the batch ran
    outcomes: tuple[ReadOutcome, ...]


def read_batch(items: Sequence[tuple[str, int]], max_pixels: int) -> BatchResult:
    """A Dask task: read each (path, size) with the build's own per-file function. An
    unreadable file is its `OSError`, recorded by the build with its reason; anything
    else fails the batch, which Dask retries and the build then splits."""
    from distributed import get_worker

    register_plugins()
    outcomes: list[ReadOutcome] = []
    for path, size in items:
        try:
            outcomes.append(read_file(path, size, max_pixels))
        except OSError as exc:
            # Its type, numbers, text and file name travel; its traceback stays here.
            outcomes.append(exc.with_traceback(None))
    worker = get_worker()
    return BatchResult(
        worker=str(worker.name if worker.name is not None else worker.address),
        pid=os.getpid(),
        identity=worker_identity(),
        outcomes=tuple(outcomes),
    )


def dask_setup(worker: object) -> None:
    """Run by Dask in each worker process of --cluster local:N (LOCAL_WORKER_CONFIG's
    preload). Ctrl-C on a terminal reaches these processes too; the build stops them
    itself once it has saved what came back, so they ignore it rather than each print a
    KeyboardInterrupt traceback."""
    with contextlib.suppress(ValueError):  # not the main thread: nothing to do
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _loaded_identity() -> str:
    register_plugins()
    return worker_identity()


@contextlib.contextmanager
def connect(
    settings: ClusterSettings, say: Callable[[str], None] | None = None
) -> Iterator[ReadRunner]:
    """A `ReadRunner` on the cluster `settings.address` (started here for local:N), closed
    (and a local cluster stopped) on leaving. Raises `ClusterError` in one line when Dask
    is not installed or the scheduler cannot be reached. `say` is given the one-line
    notes of a build waiting for workers."""
    try:
        import dask
        import distributed
    except ImportError:
        raise ClusterError(f"--cluster needs Dask on this machine: {INSTALL}") from None
    cluster: Any = None
    client: Client | None = None
    try:
        local = LOCAL.fullmatch(settings.address)
        if local:
            # Processes, not threads: each decodes on its own core, as remote workers do.
            with dask.config.set(LOCAL_WORKER_CONFIG):
                cluster = distributed.LocalCluster(
                    n_workers=int(local.group(1)),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
            client = distributed.Client(cluster, set_as_default=False)
        else:
            try:
                client = distributed.Client(
                    settings.address, timeout=SCHEDULER_TIMEOUT, set_as_default=False
                )
            except Exception as exc:  # whatever Dask raises: one line
                # OSError or TimeoutError as a rule; anything else Dask raises while
                # connecting (a refused handshake, a scheduler of another protocol) is
                # still "cannot reach", said in one line, never a traceback.
                raise ClusterError(
                    f"cannot reach the Dask scheduler at {settings.address}: "
                    f"{printable(str(exc)) or type(exc).__name__}"
                ) from None
        runner = _DaskRunner(client, settings, say)
        runner.threads(CancelToken())
        runner.check_resources()
        runner.check_workers()
        yield runner
    finally:
        if client is not None:
            with contextlib.suppress(Exception):
                client.close(timeout=5)
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close(timeout=10)


class _DaskRunner:
    """Batches on the cluster, at most a few per worker thread queued at once."""

    def __init__(
        self,
        client: Client,
        settings: ClusterSettings,
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.pins = dict(settings.pins)
        self.identity = worker_identity()
        self.say = say or (lambda text: None)

    def __call__(
        self, requests: Sequence[ReadRequest], max_pixels: int, token: CancelToken
    ) -> Generator[list[tuple[int, ReadOutcome]], None, None]:
        from distributed import wait

        if not requests:
            return
        lanes = self._lanes(requests, self.threads(token))
        in_flight: dict[Future[Any], tuple[_Lane, list[int]]] = {}
        log = None if self.settings.read_log is None else self.settings.read_log.open("a")
        next_check = 0.0
        try:
            while in_flight or any(lane.waiting() for lane in lanes):
                if time.monotonic() >= next_check:
                    next_check = time.monotonic() + WORKERS_CHECK_SECONDS
                    self._check_lanes_have_workers(lanes, token)
                self._fill(lanes, in_flight, requests, max_pixels)
                with contextlib.suppress(TimeoutError), self.client.as_current():
                    wait(list(in_flight), timeout=0.25, return_when="FIRST_COMPLETED")
                finished: list[tuple[int, ReadOutcome]] = []
                for future in [f for f in in_flight if f.done()]:
                    lane, indices = in_flight[future]
                    if future.status == "finished":
                        try:
                            batch: BatchResult = future.result(timeout=RESULT_TIMEOUT)
                        except TimeoutError:
                            # Its result was on a worker that has just left: Dask runs it
                            # again once a worker can, so it stays in flight, and this loop
                            # goes on saying so (and pausing) instead of blocking here.
                            continue
                        del in_flight[future]
                        lane.in_flight -= 1
                        self._check_identity(batch)
                        finished.extend(zip(indices, batch.outcomes, strict=True))
                        if log is not None:
                            log.writelines(f"{batch.worker}\t{requests[i].path}\n" for i in indices)
                            log.flush()
                    elif future.status == "error":
                        del in_flight[future]
                        lane.in_flight -= 1
                        finished.extend(self._failed(future, lane, indices, requests))
                    else:
                        raise ClusterError(
                            "the Dask scheduler dropped the work (it stopped or this machine "
                            "lost it): what was read is saved; run the same command again to "
                            "resume"
                        )
                yield finished
        finally:
            if in_flight:
                with contextlib.suppress(Exception):
                    self.client.cancel(list(in_flight), force=True)
            if log is not None:
                log.close()

    def _check_lanes_have_workers(self, lanes: list[_Lane], token: CancelToken) -> None:
        """Say which lane with work has no connected worker (Dask would keep its batches
        queued forever, in silence), at most once a minute; after `wait_for_workers`
        seconds pause the build (the token set, `WorkersGone` raised). Called between
        yields, so everything that came back is already written."""
        workers = self.client.scheduler_info(n_workers=-1)["workers"].values()
        offered = {name for w in workers for name in w.get("resources", {})}
        now = time.monotonic()
        for lane in lanes:
            if not (lane.in_flight or lane.waiting()):
                continue
            able = bool(workers) if lane.resource is None else lane.resource in offered
            whom = (
                "a Dask worker" if lane.resource is None else f"a worker offering {lane.resource!r}"
            )
            if able:
                if lane.gone_since is not None:
                    lane.gone_since = None
                    self.say(f"{whom} is connected again: reading goes on")
                continue
            if lane.gone_since is None:
                lane.gone_since, lane.gone_clock, lane.said = now, time.strftime("%H:%M"), None
            limit = self.settings.wait_for_workers
            if limit > 0 and now - lane.gone_since >= limit:
                token.cancel()
                raise WorkersGone(
                    f"no {whom.removeprefix('a ')} connected since {lane.gone_clock} "
                    f"(--wait-for-workers {limit:g})"
                )
            if lane.said is None or now - lane.said >= WAITING_REPEAT_SECONDS:
                lane.said = now
                self.say(
                    f"waiting for {whom} (none connected since {lane.gone_clock}); start one "
                    "or press Ctrl-C to pause: the build resumes where it stopped"
                )

    def _lanes(self, requests: Sequence[ReadRequest], threads: int) -> list[_Lane]:
        """One lane per resource (unpinned files: any worker), in walk order, each with
        the threads of the workers that can take it: a pinned server is kept busy
        whatever the others do."""
        workers = self.client.scheduler_info(n_workers=-1)["workers"].values()
        lanes: dict[str | None, _Lane] = {}
        for index, r in enumerate(requests):
            resource = self.pins.get(r.root)
            if resource not in lanes:
                able = threads
                if resource is not None:
                    able = sum(
                        int(w.get("nthreads", 1))
                        for w in workers
                        if resource in w.get("resources", {})
                    )
                lanes[resource] = _Lane(resource, max(1, able))
            lanes[resource].todo.append(index)
        return list(lanes.values())

    def _fill(
        self,
        lanes: list[_Lane],
        in_flight: dict[Future[Any], tuple[_Lane, list[int]]],
        requests: Sequence[ReadRequest],
        max_pixels: int,
    ) -> None:
        """Submit batches, lane by lane in turn, up to each lane's limit. Batches shrink
        as a lane's files run out (guided self-scheduling), so its workers end together
        instead of one finishing a long last batch alone."""
        submitted = True
        while submitted:
            submitted = False
            for lane in lanes:
                if not lane.waiting() or lane.in_flight >= lane.threads * IN_FLIGHT_PER_THREAD:
                    continue
                if lane.split:
                    indices = lane.split.popleft()
                else:
                    size = self.settings.batch_size or max(
                        1, min(MAX_BATCH, len(lane.todo) // (lane.threads * BATCHES_PER_THREAD))
                    )
                    indices = [lane.todo.popleft() for _ in range(min(size, len(lane.todo)))]
                in_flight[self._submit(requests, indices, lane.resource, max_pixels)] = (
                    lane,
                    indices,
                )
                lane.in_flight += 1
                submitted = True

    def threads(self, token: CancelToken) -> int:
        """The cluster's worker threads, waiting (cancellably) for a first worker."""
        deadline = time.monotonic() + SCHEDULER_TIMEOUT
        while True:
            threads = int(sum(self.client.nthreads().values()))
            if threads:
                return threads
            if time.monotonic() > deadline:
                raise ClusterError(
                    "the Dask scheduler has no workers: start some with "
                    "`dask worker SCHEDULER-ADDRESS` and run this again"
                )
            token.check()
            time.sleep(0.25)

    def check_workers(self) -> None:
        """Every worker there now runs the versions this machine does (workers that join
        later are checked by their first batch). Asking them also loads the engine and
        the decoders on each, so the first batches do not pay for it."""
        for address, identity in self.client.run(_loaded_identity).items():
            self._check_identity(BatchResult(str(address), 0, str(identity), ()))

    def check_resources(self) -> None:
        """Every pinned resource offered by some worker, or the build would wait forever."""
        offered: set[str] = set()
        for info in self.client.scheduler_info(n_workers=-1)["workers"].values():
            offered.update(info.get("resources", {}))
        for root, resource in self.pins.items():
            if resource not in offered:
                raise ClusterError(
                    f"no Dask worker offers the resource {resource!r} that {root} is pinned "
                    f"to: start the worker that can read it with --resources "
                    f'"{resource}=THREADS"'
                )

    def _submit(
        self,
        requests: Sequence[ReadRequest],
        indices: list[int],
        resource: str | None,
        max_pixels: int,
    ) -> Future[Any]:
        items = [(requests[i].path, requests[i].size) for i in indices]
        return self.client.submit(
            read_batch,
            items,
            max_pixels,
            pure=False,
            retries=self.settings.retries,
            resources=None if resource is None else {resource: 1},
        )

    def _check_identity(self, batch: BatchResult) -> None:
        if batch.identity != self.identity:
            mine = dict(p.partition("=")[::2] for p in self.identity.split(";"))
            theirs = dict(p.partition("=")[::2] for p in batch.identity.split(";"))
            diff = ", ".join(
                f"{k} {theirs.get(k, '?')} (here {mine.get(k, '?')})"
                for k in sorted(mine.keys() | theirs.keys())
                if theirs.get(k) != mine.get(k)
            )
            raise ClusterError(
                f"Dask worker {batch.worker} fingerprints differently from this machine "
                f"({diff}): install the same versions everywhere (README, "
                '"Fingerprinting on a Dask cluster"); what was read is saved'
            )

    def _failed(
        self,
        future: Future[Any],
        lane: _Lane,
        indices: list[int],
        requests: Sequence[ReadRequest],
    ) -> list[tuple[int, ReadOutcome]]:
        """A batch that failed after Dask's retries (it raised, or its workers kept dying):
        split it and send the halves again first; a single file is recorded as skipped."""
        if len(indices) > 1:
            half = len(indices) // 2
            lane.split.appendleft(indices[half:])
            lane.split.appendleft(indices[:half])
            return []
        exc = future.exception()
        name = type(exc).__name__
        if name == "KilledWorker":
            detail = (
                "it stopped Dask workers repeatedly (a crash or out of memory while "
                "decoding it); not tried again"
            )
        else:
            detail = f"failed on the cluster ({name}: {exc}); not tried again"
        (index,) = indices
        return [
            (index, SkippedFile(requests[index].path, SkipReason.UNREADABLE, printable(detail)))
        ]


@dataclass(slots=True)
class _Lane:
    """The files of one resource still to send (None: any worker)."""

    resource: str | None
    threads: int  # of the workers that can take them
    todo: deque[int] = field(default_factory=deque)
    split: deque[list[int]] = field(default_factory=deque)  # halves of failed batches
    in_flight: int = 0
    gone_since: float | None = None  # monotonic: since when no connected worker can take it
    gone_clock: str = ""  # that moment as the user's clock shows it
    said: float | None = None  # monotonic: when the "waiting for a worker" line was last said

    def waiting(self) -> bool:
        return bool(self.todo or self.split)
