"""What a screen reader says for a tile and for a set row (issue 16): every word of both
announcements is written here, in one function each, so the translation layer wraps them
in one place and a translator sees each announcement whole ("harbour.jpg, kept,
suggested keeper, quality 69, …").

The models (`ui.models.photos`, `ui.models.groups`) gather the facts and call these for
their `AccessibleTextRole`; the facts come in already as words where the window shows
them as words elsewhere (sizes, formats, folders), so those are translated once."""

from __future__ import annotations

from collections.abc import Sequence

from cleaner import _, ngettext, number


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
    the tile's lines say and where it is. A list of phrases, each translated whole and
    joined with commas as a list is ("harbour.jpg, se conserva, copia sugerida, ...")."""
    # Translators: the phrases of a tile's announcement for a screen reader, joined by ", "
    phrases = [name, _("marked for removal") if marked else _("kept")]
    if suggested:
        phrases.append(_("suggested keeper"))
    if changed:
        phrases.append(_("changed since the review was saved"))
    elif protected:
        phrases.append(_("protected folder"))
    if match:
        phrases.append(match.lower())
    if damaged:  # the tile's "⚠ Damaged"
        phrases.append(_("damaged"))
    phrases.append(_("quality {score}").format(score=number(quality)))
    phrases += [resolution, size, file_format]
    if server:  # a review of catalogs: the tile's server label
        phrases.append(_("on {server}, in {folder}").format(server=server, folder=folder))
    else:
        phrases.append(_("in {folder}").format(folder=folder))
    return ", ".join(phrases)


def set_row_announcement(
    copies: int, name: str, *, marked: int, marked_size: str, servers: Sequence[str] = ()
) -> str:
    """A set row: "3 copies of harbour.jpg", what is marked in it, and the servers its
    copies are on when more than one (a review of catalogs)."""
    phrases = [
        ngettext("{n} copy of {name}", "{n} copies of {name}", copies).format(
            n=number(copies), name=name
        )
    ]
    if marked:
        phrases.append(
            ngettext("{n} marked", "{n} marked", marked).format(n=number(marked))
            + f", {marked_size}"
        )
    else:
        phrases.append(_("nothing marked"))
    if len(servers) > 1:  # the row's purple "On 2 servers: …"
        phrases.append(
            ngettext("on {n} server: {names}", "on {n} servers: {names}", len(servers)).format(
                n=number(len(servers)), names=", ".join(servers)
            )
        )
    return ", ".join(phrases)
