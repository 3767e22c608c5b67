"""`photosift catalog build ROOT... --label NAME --out FILE` and `photosift catalog info FILE`.

A catalog holds every picture under some folders, fingerprinted where the files are, in
one portable file (docs/catalog.md). `build` runs headless: on a terminal it shows the
scan's progress bar; elsewhere (a log, cron, nohup) it writes one line a minute with
files, bytes, rate and ETA. Ctrl-C (or SIGTERM) pauses it cleanly; the same command
resumes it, as it resumes a build that was killed.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

from cleaner.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_CANCELLED,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    ProgressBar,
    aligned,
    error,
    human_bytes,
    human_duration,
)
from cleaner.errors import BadRootError, Cancelled
from cleaner.i18n import _, ngettext, number
from cleaner.progress import CancelToken, Notice, Progress
from cleaner.textsafe import printable

if TYPE_CHECKING:
    from cleaner.catalog.cluster import ClusterSettings

LOG_SECONDS = 60.0
CLUSTER_COMMIT_SECONDS = 1.0


def add_parser(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "catalog",
        help=_("fingerprint pictures where they are, into a catalog file to group elsewhere"),
        description=_(
            "Catalogs: fingerprint every picture on a server into one portable file, "
            "to carry to one machine and group there with the catalogs of other servers. "
            "See docs/catalog.md."
        ),
    )
    sub = p.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    b: argparse.ArgumentParser = sub.add_parser(
        "build",
        help=_("build or update a catalog of the pictures under some folders"),
        description=_(
            "Walk ROOT folders and digest (SHA-256), fingerprint and measure every "
            "picture into the catalog FILE, with paths relative to each root, labelled NAME. "
            "Building again over the same FILE reads only new and changed files (size, date, "
            "inode) and drops removed ones. A build that was stopped (Ctrl-C) or killed "
            "resumes where it stopped when the same command is run again (at most 30 seconds "
            "of work are lost). Progress: a bar on a terminal, otherwise one log line a "
            "minute. Nothing under the folders is changed. See docs/catalog.md."
        ),
        epilog=_(
            "Exit codes: 0 built, 1 failed, 2 bad options, 3 a folder or the catalog "
            "cannot be used, 130 paused (run the same command to resume)."
        ),
    )
    b.add_argument("roots", nargs="+", metavar="ROOT", help=_("folders to catalog"))
    b.add_argument(
        "--label",
        required=True,
        metavar="NAME",
        help=_("the name of this server or data set in reports (e.g. nas-1, train)"),
    )
    b.add_argument(
        "--out", required=True, metavar="FILE", help=_("the catalog file to build or update")
    )
    b.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help=_(
            "skip files and folders whose name (or path below the root, if the pattern "
            "has a /) matches; repeatable"
        ),
    )
    b.add_argument("--follow-symlinks", action="store_true", help=_("follow symbolic links"))
    b.add_argument(
        "--max-megapixels",
        type=float,
        default=None,
        metavar="MP",
        help=_("record pictures larger than this as too large (default: 179)"),
    )
    b.add_argument("--workers", type=int, default=0, metavar="N", help=_("parallel readers"))
    c = b.add_argument_group(
        _(
            "reading on a Dask cluster (needs pip install 'photosift[dask]'; README, "
            '"Fingerprinting on a Dask cluster")'
        )
    )
    c.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help=_(
            "read the pictures on Dask workers instead of here: tcp://SCHEDULER:8786 for a "
            "running scheduler, or local:N for N worker processes on this machine. This "
            "machine walks the folders (names, sizes and dates only) and writes the catalog; "
            "every worker must reach the files at the same paths and run the same versions of "
            "Python, PhotoSift, Dask, Pillow and pillow-heif"
        ),
    )
    c.add_argument(
        "--pin",
        action="append",
        default=[],
        metavar="ROOT=RESOURCE",
        help=_(
            "read ROOT's files only on workers started with that Dask resource "
            "(dask worker ... --resources RESOURCE=THREADS), e.g. the file server that holds "
            "it, so no picture crosses the network; repeatable. Unpinned folders go to any worker"
        ),
    )
    c.add_argument(
        "--read-log",
        metavar="FILE",
        help=_("append one line per file read: the worker that read it, a tab, its path"),
    )
    c.add_argument(
        "--wait-for-workers",
        type=float,
        default=None,
        metavar="SECONDS",
        help=_(
            "when no connected worker can read a folder's files (every worker offering its "
            "resource, or every worker, has left), say so once a minute and, after this long, "
            "pause the build as Ctrl-C does, to resume with the same command (default: 600, "
            "time for a worker or a file server to restart; 0: wait indefinitely)"
        ),
    )
    # For tests and experiments: files per batch sent to a worker (0: chosen from the work).
    c.add_argument("--batch-size", type=int, default=0, help=argparse.SUPPRESS)
    b.add_argument("-q", "--quiet", action="store_true", help=_("print only errors"))
    # For tests and experiments: how often work is committed and a log line is written.
    b.add_argument("--commit-every", type=float, default=None, help=argparse.SUPPRESS)
    b.add_argument("--log-every", type=float, default=LOG_SECONDS, help=argparse.SUPPRESS)
    i: argparse.ArgumentParser = sub.add_parser(
        "info",
        help=_("check a catalog and describe it"),
        description=_(
            "Check a catalog (its identity, version, that its build finished and "
            "its checksum) and say what it holds. A damaged, truncated, unfinished or foreign "
            "file is refused in one line."
        ),
        epilog=_("Exit codes: 0 the catalog is sound, 3 it cannot be used."),
    )
    i.add_argument("file", metavar="FILE", help=_("a catalog file"))
    from cleaner.cli import catalog_verify

    catalog_verify.add_parser(sub)


def run(args: argparse.Namespace) -> int:
    if args.catalog_command == "info":
        return _info(args)
    if args.catalog_command == "verify":
        from cleaner.cli import catalog_verify

        return catalog_verify.run(args)
    return _build(args)


def _info(args: argparse.Namespace) -> int:
    from cleaner.catalog import CatalogError, inspect
    from cleaner.detect.fingerprint import ALGORITHM_VERSION

    try:
        info = inspect(args.file)
    except CatalogError as exc:
        error(str(exc))
        return EXIT_BAD_INPUT
    algorithm = _("fingerprint algorithm {version}").format(version=info.algorithm_version)
    if info.algorithm_version != ALGORITHM_VERSION:
        algorithm += "; " + _("this PhotoSift uses {version}: build it again to group it").format(
            version=ALGORITHM_VERSION
        )
    built = _("{machine}, {start} to {end}").format(
        machine=info.machine, start=info.build_started_at, end=info.build_finished_at
    )
    lines = [
        _("Catalog {path}: sound").format(path=info.path),
        *aligned(
            [
                (_("Label:"), info.label),
                (_("Built on:"), built),
                ("PhotoSift:", f"{info.photosift_version} ({algorithm})"),
                *((_("Root:"), root) for root in info.roots),
                (_("Picture files:"), f"{number(info.files)} ({human_bytes(info.bytes)})"),
                (_("Pictures read:"), number(info.pictures)),
                (_("Skipped files:"), number(info.skipped)),
            ]
        ),
        *(f"    {number(count):>8}  {_(reason.label)}" for reason, count in info.skipped_reasons),
    ]
    for line in lines:
        print(printable(line))
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from cleaner.catalog import BuildSettings, CatalogBuilt, CatalogError, build, check_label
    from cleaner.catalog import cluster as dask_cluster

    try:
        label = check_label(args.label)
        if args.workers < 0:
            raise ValueError(_("{option} cannot be negative").format(option="--workers"))
        extra: dict[str, Any] = {}
        if args.max_megapixels is not None:
            if args.max_megapixels <= 0:
                raise ValueError(_("{option} must be positive").format(option="--max-megapixels"))
            extra["max_pixels"] = int(args.max_megapixels * 1_000_000)
        on_cluster = _cluster_settings(args)
        if on_cluster is not None:
            # Batches are committed as they come back (at most once a second): a killed
            # build loses only the batches still on the workers.
            extra["commit_seconds"] = CLUSTER_COMMIT_SECONDS
        if args.commit_every is not None:
            extra["commit_seconds"] = args.commit_every
    except BadRootError as exc:
        error(str(exc))
        return EXIT_BAD_INPUT
    except ValueError as exc:
        error(str(exc))
        return EXIT_USAGE
    settings = BuildSettings(
        roots=tuple(args.roots),
        label=label,
        out=Path(args.out),
        excludes=tuple(args.exclude),
        follow_symlinks=args.follow_symlinks,
        workers=args.workers,
        **extra,
    )
    token = CancelToken()
    show = _Shower(quiet=args.quiet, log_every=args.log_every)
    summary = None
    last: Progress | None = None
    try:
        with _pause_on_signals(token), contextlib.ExitStack() as stack:
            runner = None
            if on_cluster is not None:
                runner = stack.enter_context(
                    dask_cluster.connect(
                        on_cluster, say=lambda text: show.say(f"photosift: {text}")
                    )
                )
            for event in build(settings, cancel=token, runner=runner):
                if isinstance(event, Progress):
                    last = event
                    show.progress(event)
                elif isinstance(event, Notice):
                    show.say(f"photosift: {event.text}")
                elif isinstance(event, CatalogBuilt):
                    summary = event.summary
    except BadRootError as exc:
        show.close()
        error(str(exc))
        return EXIT_BAD_INPUT
    except CatalogError as exc:
        show.close()
        error(str(exc))
        return EXIT_BAD_INPUT
    except dask_cluster.ClusterError as exc:
        show.close()
        error(str(exc))
        return EXIT_FAILED
    except (Cancelled, KeyboardInterrupt) as exc:
        show.close()
        paused = _("Paused")
        if last is not None and last.total:
            read = _("{done} of {total} read").format(
                done=number(last.done), total=number(last.total)
            )
            paused += f" ({read})"
        saved = _("what was read is saved in {file}.").format(file=args.out)
        if isinstance(exc, dask_cluster.WorkersGone):
            # the engine's reason (English until the engine's messages are translated)
            saved = f"{exc.text}; {saved}"
            again = _("Run the same command again once a worker is back to resume.")
        else:
            again = _("Run the same command again to resume.")
        print(printable(f"{paused}: {saved} {again}"), file=sys.stderr)
        return EXIT_CANCELLED
    show.close()
    if summary is None:
        error(_("the build ended without a result"))
        return EXIT_FAILED
    if not args.quiet:
        s = summary
        took = human_duration(s.seconds)
        if s.resumed:
            headline = _("Catalog {path} ({label}) built in {time}, resuming an interrupted build.")
        else:
            headline = _("Catalog {path} ({label}) built in {time}.")
        by_reason = _("photosift catalog info {path} counts them by reason").format(path=s.path)
        lines = [
            headline.format(path=s.path, label=s.label, time=took),
            *aligned(
                [
                    (_("Picture files:"), f"{number(s.files)} ({human_bytes(s.bytes)})"),
                    (_("Read this time:"), number(s.read)),
                    (_("Unchanged, not read:"), number(s.unchanged)),
                    (_("Removed since last:"), number(s.removed)),
                    (_("Skipped files:"), f"{number(s.skipped)} ({by_reason})"),
                ]
            ),
        ]
        for line in lines:
            print(printable(line))
    return EXIT_OK


def _cluster_settings(args: argparse.Namespace) -> ClusterSettings | None:
    """The cluster options checked, None without --cluster; raises `ValueError` (or
    `BadRootError` for a pinned folder that cannot be used)."""
    from cleaner.catalog import cluster as dask_cluster

    if args.cluster is None:
        if args.pin or args.read_log or args.wait_for_workers is not None:
            raise ValueError(_("--pin, --read-log and --wait-for-workers go with --cluster"))
        return None
    if args.workers:
        raise ValueError(_("--workers is for a build on this machine; a cluster uses its workers"))
    if args.batch_size < 0:
        raise ValueError(_("{option} cannot be negative").format(option="--batch-size"))
    wait = args.wait_for_workers
    if wait is None:
        wait = dask_cluster.DEFAULT_WAIT_FOR_WORKERS
    elif not wait >= 0 or wait == float("inf"):  # also refuses nan
        raise ValueError(_("--wait-for-workers must be a number of seconds (0: no limit)"))
    pins = [dask_cluster.check_pin(text) for text in args.pin]
    return dask_cluster.ClusterSettings(
        address=dask_cluster.check_address(args.cluster),
        pins=dask_cluster.resolve_pins(args.roots, pins),
        batch_size=args.batch_size,
        read_log=None if args.read_log is None else Path(args.read_log),
        wait_for_workers=wait,
    )


class _Shower:
    """The progress bar on a terminal; elsewhere one log line every `log_every` seconds
    (and one when a stage ends), so a log of a five-day build stays readable."""

    def __init__(self, quiet: bool, log_every: float, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = self.stream.isatty()
        self.bar = ProgressBar(self.stream, enabled=self.tty and not quiet)
        self.log_every = log_every
        self._last_log = time.monotonic()
        self._stage = ""

    def progress(self, p: Progress) -> None:
        if self.quiet:
            return
        if self.tty:
            self.bar.update(p)
            return
        now = time.monotonic()
        ended = p.total > 0 and p.done == p.total
        if now - self._last_log >= self.log_every or (ended and p.stage != self._stage):
            self._last_log = now
            if ended:
                self._stage = p.stage
            self.say(log_line(p))

    def say(self, text: str) -> None:
        self.bar.close()
        print(printable(text), file=self.stream, flush=True)

    def close(self) -> None:
        self.bar.close()


def log_line(p: Progress) -> str:
    """'photosift: Reading pictures: 12,345 of 100,000 files, 3.4 GB of 20 GB, 45 files/s,
    ETA 1 h 10 min' (the walk, whose total is unknown, without "of" and ETA)."""
    if p.total:
        count = ngettext("{done} of {total} file", "{done} of {total} files", p.total).format(
            done=number(p.done), total=number(p.total)
        )
    else:
        count = ngettext("{n} file", "{n} files", p.done).format(n=number(p.done))
    size = human_bytes(p.bytes_done)
    if p.bytes_total:
        size = _("{done} of {total}").format(done=size, total=human_bytes(p.bytes_total))
    rate = _("{rate} files/s").format(rate=number(p.rate, 1))
    parts = [f"photosift: {_(p.stage)}: {count}", size, rate]
    if p.eta_seconds is not None and p.total:
        parts.append(_("ETA {time}").format(time=human_duration(p.eta_seconds)))
    return ", ".join(parts)


@contextmanager
def _pause_on_signals(token: CancelToken) -> Iterator[None]:
    """The first Ctrl-C (or SIGTERM) sets `token`, so the build stops after committing
    what it read; a second Ctrl-C interrupts at once."""

    def handler(signum: int, frame: FrameType | None) -> None:
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()

    saved: list[tuple[signal.Signals, Callable[[int, FrameType | None], Any] | int | None]] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            saved.append((sig, signal.signal(sig, handler)))
        except ValueError:  # not the main thread: no handlers, Ctrl-C still stops it
            break
    try:
        yield
    finally:
        for sig, old in saved:
            signal.signal(sig, old)
