"""`photosift clean --from MANIFEST`: a removal manifest, run on its own server.

The manifest's plan (`cleaner.catalog.manifest_local.plan_manifest`) is shown, confirmed
and carried out exactly as a local clean's: the same listing, question, mover, undo log
and move lock (`cleaner.cli.clean_cmd`).
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from cleaner.cli.common import EXIT_BAD_INPUT, EXIT_USAGE, error
from cleaner.i18n import _, ngettext, number
from cleaner.textsafe import printable

if TYPE_CHECKING:
    from cleaner.removal.plan import RemovalPlan


def add_manifest_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(
        _("removal manifests"),
        _(
            "With --from MANIFEST (written by 'photosift scan --catalog ... --manifests DIR'), "
            "run on the server the manifest names. Copies on other servers count as the copy "
            "that stays only when that server confirmed them ('photosift catalog verify'): "
            "their verification files are read from the manifest's folder."
        ),
    )
    g.add_argument(
        "--root", action="append", default=[], metavar="OLD=NEW", dest="manifest_roots",
        help=_("a catalogued root is now mounted at NEW (LABEL=NEW for a catalog of one "
        "root); repeatable"),
    )  # fmt: skip
    g.add_argument(
        "--verified", action="append", default=[], metavar="FILE",
        help=_("a verification file to read besides those in the manifest's folder; "
        "repeatable"),
    )  # fmt: skip


def is_manifest_run(args: argparse.Namespace) -> bool:
    from cleaner.catalog.manifest import looks_like_manifest

    return looks_like_manifest(args.result) or bool(args.manifest_roots or args.verified)


def run_manifest(args: argparse.Namespace) -> int:
    from cleaner.catalog.manifest import ManifestError, looks_like_manifest, read_manifest
    from cleaner.catalog.manifest_local import (
        find_verifications,
        local_roots,
        parse_root_mapping,
        plan_manifest,
    )
    from cleaner.cli import clean_cmd as c

    if not looks_like_manifest(args.result):
        error(_("--root and --verified apply to a removal manifest, not to a scan result"))
        return EXIT_USAGE
    if args.ignore_list:
        error(_("--ignore-list does not apply to a removal manifest: it lists sets of local scans"))
        return EXIT_USAGE
    try:
        mapping = parse_root_mapping(args.manifest_roots)
    except ValueError as exc:
        error(str(exc))
        return EXIT_USAGE
    try:
        manifest = read_manifest(args.result)
        roots = local_roots(manifest, mapping)
    except ManifestError as exc:
        error(str(exc))
        return EXIT_BAD_INPUT
    verifications, notes = find_verifications(manifest, args.verified)
    for note in notes:
        error(note)
    plan = plan_manifest(manifest, roots, verifications, protected_folders=args.protect)
    # The batch's source names the manifest wherever the command is run from: a second run
    # then recognises what the first one moved.
    args.result = os.path.abspath(args.result)
    plan, earlier = _without_earlier_moves(plan, args.result)
    options = c._options(args)
    print(
        ngettext(
            "Manifest of {label} (written {when}): {n} set with copies to move here.",
            "Manifest of {label} (written {when}): {n} sets with copies to move here.",
            len(manifest.sets),
        ).format(
            label=printable(manifest.label), when=manifest.written_at, n=number(len(manifest.sets))
        )
    )
    for v in verifications:
        print(
            "  "
            + _("copies on {label} count as verified there at {when}").format(
                label=printable(v.label), when=v.verified_at
            )
        )
    for batch_id, n in earlier.items():
        print(
            ngettext(
                "{n} file already moved by an earlier clean of this manifest "
                "(photosift undo {batch} puts it back).",
                "{n} files already moved by an earlier clean of this manifest "
                "(photosift undo {batch} puts them back).",
                n,
            ).format(n=number(n), batch=batch_id)
        )
    code: int = c.carry_out(plan, options, args)
    return code


def _without_earlier_moves(plan: RemovalPlan, source: str) -> tuple[RemovalPlan, dict[str, int]]:
    from cleaner.catalog.manifest_local import moved_before
    from cleaner.removal.plan import KeepReason
    from cleaner.removal.undolog import UndoLog, UndoLogError

    if not any(k.reason is KeepReason.VANISHED for k in plan.refused):
        return plan, {}  # nothing gone: the undo log is not even opened (a dry run)
    try:
        with UndoLog() as log:
            return moved_before(plan, source, log)
    except UndoLogError:  # no readable log: the files are listed as no longer there
        return plan, {}
