"""Removal manifests from a review of catalogs: the user's marks as one manifest per
server, written by the engine code of `photosift scan --catalog ... --manifests DIR`
(`cleaner.write_scan_manifests`), and the next steps in plain words with the commands for
the servers of this review.

An entry of `ui.catalog_export.CATALOG_EXPORTS` calls `write_manifests_into`; the export
dialog shows `next_steps` when it is done. Nothing here moves a file: the manifests are
run on each server with `photosift clean --from`, which checks every copy again there.
"""

from __future__ import annotations

import html
import shlex
from collections.abc import Sequence
from pathlib import Path

from cleaner import (
    MANIFEST_SUFFIX,
    CatalogError,
    CatalogScan,
    ManifestRoles,
    ScanResult,
    _,
    file_stems,
    write_scan_manifests,
)


class ManifestsRefused(OSError):
    """The manifests cannot be written from these marks or these catalogs (not a folder
    problem: another folder would not help)."""


def write_manifests_into(scanned: CatalogScan, result: ScanResult, folder: Path) -> list[Path]:
    """One manifest per server into `folder` (made if missing), from `result` with the
    user's marks. Raises `ManifestsRefused` with one line when the marks would remove every
    copy of a set or a protected copy, or a catalog changed since it was opened; OSError
    when the folder cannot be written."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return write_scan_manifests(scanned, result, str(folder))
    except ValueError as exc:
        text = _("the marks cannot be carried out: {reason}").format(reason=exc)
        raise ManifestsRefused(text) from None
    except CatalogError as exc:
        raise ManifestsRefused(_("{reason}; open the catalogs again").format(reason=exc)) from None


def _command(*words: str) -> str:
    """One command on a line of its own, never wrapped (a path cut in two is misread)."""
    text = html.escape(" ".join(shlex.quote(w) for w in words), quote=False)
    return f"<br><code style='white-space: pre'>&nbsp;&nbsp;{text}</code>"


def next_steps(folder: Path, labels: Sequence[str], roles: ManifestRoles) -> str:
    """What to do with the manifests in `folder`, server by server (rich text): copy the
    folder to every server, verify on the servers others rely on, then clean."""
    stems = file_stems(labels)
    name = folder.name

    def manifest(label: str) -> str:
        return f"{name}/{stems[label]}{MANIFEST_SUFFIX}"

    where = html.escape(str(folder), quote=False)
    head = _(
        "<b>Removal manifests saved</b> in {folder}, one file per server. "
        "Nothing has been moved: each server moves its own copies when you run the "
        "commands below there."
    ).format(folder=where)
    if not roles.moving:
        return head + "<br>" + _("No copy is marked for removal, so the manifests move nothing.")
    servers = dict.fromkeys(roles.relied_on + roles.moving)  # each once, verifiers first
    steps = [
        _(
            "Copy the folder <b>{folder}</b> to {servers}, and open a terminal in the folder "
            "that holds it."
        ).format(
            folder=html.escape(name, quote=False),
            servers=", ".join(f"<b>{html.escape(lb, quote=False)}</b>" for lb in servers),
        )
    ]
    for label in roles.relied_on:
        verified = f"{stems[label]}.verified.jsonl"
        steps.append(
            _(
                "On <b>{server}</b> (copies there stay for copies removed elsewhere), confirm "
                "they are still there:{command}<br>then copy the {file} it writes into "
                "{folder} on every other server."
            ).format(
                server=html.escape(label, quote=False),
                command=_command("photosift", "catalog", "verify", manifest(label)),
                file=html.escape(verified, quote=False),
                folder=html.escape(name, quote=False),
            )
        )
    for label in roles.moving:
        steps.append(
            _(
                "On <b>{server}</b>, see what would move:{dry_run}<br>then move it to the "
                "trash (<code>photosift undo</code> puts it back):{command}"
            ).format(
                server=html.escape(label, quote=False),
                dry_run=_command("photosift", "clean", "--from", manifest(label), "--dry-run"),
                command=_command("photosift", "clean", "--from", manifest(label)),
            )
        )
    items = "".join(f"<li>{s}</li>" for s in steps)
    tail = (
        _(
            "Run the cleans soon after the confirmations, and do not tidy those servers by "
            "other means in between: a confirmation says what was there when it ran."
        )
        if roles.relied_on
        else ""
    )
    return f"{head}<ol style='margin-left: -20px'>{items}</ol>{tail}"
