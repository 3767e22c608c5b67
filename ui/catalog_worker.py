"""Opening catalogs runs on the scan thread, as a scan does (`ui.workers.scan`): the
same worker, signals, progress, Cancel and stale-job rules, fed by the engine's
`scan_catalog_files` instead of `scan`.

`catalog_events` turns the engine's generator (whose return value is the `CatalogScan`:
the result plus what the estate report needs) into the plain event stream the scan
worker pumps: the `CatalogScan` goes out through `on_scanned` just before the
`ScanFinished` that carries its result, so the window has the estate's facts when the
review opens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cleaner import (
    CancelToken,
    CatalogScan,
    ScanEvent,
    ScanFinished,
    ScanSettings,
    scan_catalog_files,
)


@dataclass(frozen=True, slots=True)
class CatalogRequest:
    """What File → Open catalogs… asks for."""

    paths: tuple[str, ...]  # the catalog files, in the order chosen
    settings: ScanSettings  # the window's: similarity, keeper order, protected folders
    protect_catalogs: tuple[str, ...] = ()  # catalogs whose every file is always kept


def catalog_events(
    request: CatalogRequest, token: CancelToken, on_scanned: Callable[[CatalogScan], None]
) -> Iterator[ScanEvent]:
    scanned = yield from scan_catalog_files(
        request.paths,
        request.settings,
        protect_catalogs=request.protect_catalogs,
        cancel=token,
    )
    on_scanned(scanned)
    yield ScanFinished(scanned.result)
