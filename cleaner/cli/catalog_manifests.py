"""`photosift scan --catalog ... --manifests DIR`: one removal manifest per label."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cleaner.cli.common import error
from cleaner.i18n import _, ngettext, number
from cleaner.textsafe import printable_path


def manifests_job(scanned: Any, quiet: bool = False) -> Callable[[str], None]:
    """The writer `cleaner.cli.catalog_scan._write` runs for --manifests DIR; raises
    OSError (one line) when a manifest cannot be written or a catalog changed since the
    scan read it."""

    def write(folder: str) -> None:
        from cleaner.catalog.manifest_write import same_files_across_labels, write_manifests
        from cleaner.catalog.schema import CatalogError

        catalogs = [(f.label, f.catalog, f.machine, f.roots) for f in scanned.labels]
        try:
            written = write_manifests(scanned.result, catalogs, folder)
        except CatalogError as exc:
            raise OSError(str(exc)) from None
        for (a, b), n in same_files_across_labels(scanned.result).items():
            error(
                ngettext(
                    "{n} file of {a} and {b} has the same inode, size and time in both: one "
                    "share catalogued by both? Such a file is never counted as its own copy, "
                    "but catalog each share on one server only",
                    "{n} files of {a} and {b} have the same inode, size and time as each other: "
                    "one share catalogued by both? Such a file is never counted as its own copy, "
                    "but catalog each share on one server only",
                    n,
                ).format(n=number(n), a=a, b=b)
            )
        if quiet:
            return
        print(
            _("Removal manifests ({n}), one per server, in {folder}:").format(
                n=number(len(written)), folder=printable_path(folder)
            )
        )
        for path in written:
            print(f"  {printable_path(str(path))}")

    return write
