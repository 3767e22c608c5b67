"""Where the files of a review of catalogs are (no Qt, no disk access).

A result of catalogs names its files ``LABEL:PATH`` (the catalog's label, then the path
below the catalog's root folder on the machine that built it); its settings' roots are
``LABEL:ROOT``. `CatalogPlaces` reads them back: each file's label (the server), the
path below it, the file's full path on its server, and where it would be on this machine
(the same path: a share mounted where it was catalogued, or the machine that built it).
Whether that file is really there is asked off the GUI thread only (the thumbnail
loader's `locate`), because a stat on a dead network share can hang for a minute.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence

from cleaner import ScanResult, label_of, labelled_base


def split_root(entry: str, labels: Sequence[str] = ()) -> tuple[str, str]:
    """``LABEL:ROOT`` as (label, root). A label may hold a colon, so the known `labels`
    are tried first (longest first), then the first colon that starts an absolute path."""
    for label in sorted(labels, key=len, reverse=True):
        if entry.startswith(label + ":"):
            return label, entry[len(label) + 1 :]
    at = entry.find(":")
    while at >= 0:
        if os.path.isabs(entry[at + 1 :]) or entry[at + 1 : at + 2] in ("/", "\\"):
            return entry[:at], entry[at + 1 :]
        at = entry.find(":", at + 1)
    return "", entry


class CatalogPlaces:
    """The labels of a result of catalogs and where each label's files are."""

    def __init__(self, result: ScanResult, labels: Sequence[str] = ()) -> None:
        roots: dict[str, list[str]] = {}
        for entry in result.settings.roots:
            label, root = split_root(entry, labels)
            roots.setdefault(label, []).append(root)
        self.labels: tuple[str, ...] = tuple(labels) or tuple(roots)
        self.bases = {label: labelled_base(found) for label, found in roots.items()}

    def label(self, path: str) -> str:
        return label_of(path, self.labels)

    def below(self, path: str) -> str:
        """The path below its label ("2019/harbour.jpg")."""
        label = self.label(path)
        return path[len(label) + 1 :] if label else path

    def folder(self, path: str) -> str:
        """The folder below the label that holds the file ("" for the top folder)."""
        return posixpath.dirname(self.below(path))

    def on_server(self, path: str) -> str:
        """The file's full path on the machine that built its catalog."""
        label = self.label(path)
        base = self.bases.get(label, "")
        below = self.below(path)
        if not base:  # roots that share no folder: the path below is whole already
            return below
        return os.path.join(base, *below.split("/"))

    def local_path(self, path: str) -> str | None:
        """Where the file would be on this machine (the same path), or None when the
        result does not say where its label's files are."""
        label = self.label(path)
        return self.on_server(path) if label and label in self.bases else None

    def spanned(self, paths: Sequence[str]) -> list[str]:
        """The labels a set's files are on, in the order the catalogs were opened."""
        on = {self.label(p) for p in paths}
        return [label for label in self.labels if label in on]


_cached: tuple[ScanResult, CatalogPlaces] | None = None


def places_for(result: ScanResult | None) -> CatalogPlaces | None:
    """The places of `result` if it is a result of catalogs, else None; the last one is
    kept (the models ask for every row they paint)."""
    global _cached
    if result is None or not result.from_catalogs:
        return None
    if _cached is None or _cached[0] is not result:
        _cached = (result, CatalogPlaces(result))
    return _cached[1]
