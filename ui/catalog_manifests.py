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
        raise ManifestsRefused(f"the marks cannot be carried out: {exc}") from None
    except CatalogError as exc:
        raise ManifestsRefused(f"{exc}; open the catalogs again") from None


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
    head = (
        f"<b>Removal manifests saved</b> in {where}, one file per server. "
        "Nothing has been moved: each server moves its own copies when you run the "
        "commands below there."
    )
    if not roles.moving:
        return head + "<br>No copy is marked for removal, so the manifests move nothing."
    servers = dict.fromkeys(roles.relied_on + roles.moving)  # each once, verifiers first
    steps = [
        f"Copy the folder <b>{html.escape(name, quote=False)}</b> to "
        + ", ".join(f"<b>{html.escape(lb, quote=False)}</b>" for lb in servers)
        + ", and open a terminal in the folder that holds it."
    ]
    for label in roles.relied_on:
        verified = f"{stems[label]}.verified.jsonl"
        steps.append(
            f"On <b>{html.escape(label, quote=False)}</b> (copies there stay for copies "
            f"removed elsewhere), confirm they are still there:"
            f"{_command('photosift', 'catalog', 'verify', manifest(label))}<br>then copy the "
            f"{html.escape(verified, quote=False)} it writes into {html.escape(name, quote=False)} "
            "on every other server."
        )
    for label in roles.moving:
        clean = _command("photosift", "clean", "--from", manifest(label))
        steps.append(
            f"On <b>{html.escape(label, quote=False)}</b>, see what would move:"
            f"{_command('photosift', 'clean', '--from', manifest(label), '--dry-run')}"
            f"<br>then move it to the trash (<code>photosift undo</code> puts it back):{clean}"
        )
    items = "".join(f"<li>{s}</li>" for s in steps)
    tail = (
        "Run the cleans soon after the confirmations, and do not tidy those servers by "
        "other means in between: a confirmation says what was there when it ran."
        if roles.relied_on
        else ""
    )
    return f"{head}<ol style='margin-left: -20px'>{items}</ol>{tail}"
