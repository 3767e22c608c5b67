"""What a screen reader says for a tile and for a set row (issue 16): every word of both
announcements is written here, in one function each, so the translation layer wraps them
in one place and a translator sees each announcement whole ("harbour.jpg, kept,
suggested keeper, quality 69, …").

The models (`ui.models.photos`, `ui.models.groups`) gather the facts and call these for
their `AccessibleTextRole`; the facts come in already as words where the window shows
them as words elsewhere (sizes, formats, folders), so those are translated once."""

from __future__ import annotations

from collections.abc import Sequence


def tile_announcement(
    name: str,
    *,
    marked: bool,
    suggested: bool,
    changed: bool,
    protected: bool,
    match: str,
    damaged: bool,
    quality: int,
    resolution: str,
    size: str,
    file_format: str,
    folder: str,
    server: str = "",
) -> str:
    """A tile: its name, whether it is kept or marked, why it stands out (the suggested
    keeper, changed since saved, in a protected folder, what matched, damaged), then what
    the tile's lines say and where it is."""
    state = "marked for removal" if marked else "kept"
    extra = ", suggested keeper" if suggested else ""
    if changed:
        extra += ", changed since the review was saved"
    elif protected:
        extra += ", protected folder"
    extra += f", {match.lower()}" if match else ""
    if damaged:  # the tile's "⚠ Damaged"
        extra += ", damaged"
    where = f"in {folder}"
    if server:  # a review of catalogs: the tile's server label
        where = f"on {server}, {where}"
    return (
        f"{name}, {state}{extra}, quality {quality}, {resolution}, {size}, {file_format}, {where}"
    )


def set_row_announcement(
    copies: str, name: str, *, marked: int, marked_size: str, servers: Sequence[str] = ()
) -> str:
    """A set row: "3 copies of harbour.jpg", what is marked in it, and the servers its
    copies are on when more than one (a review of catalogs)."""
    text = f"{copies} of {name}"
    text += f", {marked} marked, {marked_size}" if marked else ", nothing marked"
    if len(servers) > 1:  # the row's purple "On 2 servers: …"
        text += f", on {len(servers)} servers: {', '.join(servers)}"
    return text
