"""`photosift catalog verify MANIFEST`: confirm, on its server, the keepers that other
servers' removals lean on, and write that down for them (docs/catalog.md)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cleaner.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_CANCELLED,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    ProgressBar,
    error,
)
from cleaner.i18n import _, ngettext, number
from cleaner.textsafe import printable, printable_path


def add_parser(sub: Any) -> None:
    v: argparse.ArgumentParser = sub.add_parser(
        "verify",
        help=_("confirm this server's keepers for the removal manifests of other servers"),
        description=_(
            "Run on the server a removal manifest is for (written by 'photosift scan "
            "--catalog ... --manifests DIR'). Reads every file of this server that another "
            "server's suggested removals lean on as the copy that stays, checks it is there with "
            "the catalog's size and digest, and writes the confirmed ones to LABEL.verified.jsonl "
            "beside the manifest. Carry that file to the other servers' manifest folders: "
            "'photosift clean --from MANIFEST' there counts a copy on this server only when this "
            "file confirms it. Nothing is changed here."
        ),
        epilog=_(
            "Exit codes: 0 every keeper confirmed, 1 some were not (they protect nothing: "
            "the sets that lean on them are left alone), 2 bad options, 3 the manifest cannot "
            "be used, 130 cancelled."
        ),
    )
    v.add_argument("manifest", metavar="MANIFEST", help=_("this server's removal manifest"))
    v.add_argument(
        "--root", action="append", default=[], metavar="OLD=NEW", dest="manifest_roots",
        help=_("a catalogued root is now mounted at NEW (LABEL=NEW for a catalog of one root)"),
    )  # fmt: skip
    v.add_argument(
        "--out", metavar="FILE",
        help=_("where to write the verification (default: LABEL.verified.jsonl beside the "
        "manifest)"),
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from cleaner.catalog.manifest import ManifestError, read_manifest
    from cleaner.catalog.manifest_local import (
        KeeperChecked,
        KeepersVerified,
        local_roots,
        parse_root_mapping,
        verify_keepers,
    )
    from cleaner.errors import Cancelled
    from cleaner.progress import Progress

    try:
        mapping = parse_root_mapping(args.manifest_roots)
    except ValueError as exc:
        error(str(exc))
        return EXIT_USAGE
    try:
        manifest = read_manifest(args.manifest)
        roots = local_roots(manifest, mapping)
    except ManifestError as exc:
        error(str(exc))
        return EXIT_BAD_INPUT
    bar = ProgressBar()
    done: KeepersVerified | None = None
    try:
        for event in verify_keepers(manifest, roots, args.out):
            if isinstance(event, Progress):
                bar.update(event)
            elif isinstance(event, KeeperChecked):
                bar.close()
                shown = f"{printable_path(event.path)}: {printable(event.problem)}"
                print("  " + _("not confirmed: {shown}").format(shown=shown), file=sys.stderr)
            elif isinstance(event, KeepersVerified):
                done = event
    except (KeyboardInterrupt, Cancelled):
        bar.close()
        print(_("Cancelled: no verification was written."), file=sys.stderr)
        return EXIT_CANCELLED
    except OSError as exc:
        bar.close()
        error(_("cannot write the verification: {reason}").format(reason=exc.strerror or exc))
        return EXIT_FAILED
    bar.close()
    assert done is not None
    n = done.confirmed
    print(
        ngettext(
            "Confirmed {n} keeper of {label} that other servers' removals lean on: {target}. "
            "Carry it to the folder of the other servers' manifests.",
            "Confirmed {n} keepers of {label} that other servers' removals lean on: {target}. "
            "Carry it to the folder of the other servers' manifests.",
            n,
        ).format(n=number(n), label=printable(manifest.label), target=printable_path(done.target))
    )
    if done.problems:
        k = len(done.problems)
        print(
            ngettext(
                "{n} keeper was not confirmed (listed above): the copies that lean on it stay "
                "where they are.",
                "{n} keepers were not confirmed (listed above): the copies that lean on them "
                "stay where they are.",
                k,
            ).format(n=number(k))
        )
        return EXIT_FAILED
    return EXIT_OK
