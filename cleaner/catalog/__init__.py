"""Catalogs: every picture under some folders, fingerprinted where the files are, in one
portable SQLite file, so that an estate of servers can be grouped on one machine
(issue 14; docs/catalog.md).

- `build(BuildSettings(...))`: build or update a catalog (a generator of progress events
  ending with `CatalogBuilt`); incremental and resumable.
- `read(path)`: the verified catalog (`Catalog`: `CatalogInfo` and every `CatalogFile`
  with its label, root, relative path, digest and analysis), for grouping.
- `inspect(path)`: its description only, verified the same way.

Every refusal is a `CatalogError` whose message is one line.
"""

from __future__ import annotations

from cleaner.catalog.builder import (
    BuildSettings,
    BuildSummary,
    CatalogBuilt,
    build,
    check_label,
)
from cleaner.catalog.reader import Catalog, CatalogFile, CatalogInfo, inspect, read
from cleaner.catalog.schema import (
    SCHEMA_VERSION,
    CatalogBusy,
    CatalogError,
    CatalogVersionError,
    UnfinishedCatalog,
)

__all__ = [
    "SCHEMA_VERSION",
    "BuildSettings",
    "BuildSummary",
    "Catalog",
    "CatalogBuilt",
    "CatalogBusy",
    "CatalogError",
    "CatalogFile",
    "CatalogInfo",
    "CatalogVersionError",
    "UnfinishedCatalog",
    "build",
    "check_label",
    "inspect",
    "read",
]
