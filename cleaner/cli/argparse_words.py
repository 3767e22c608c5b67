"""argparse's own words ("usage:", "options", "the following arguments are required")
in the user's language.

argparse marks its messages for gettext (`from gettext import gettext as _, ngettext`)
but Python ships no catalogs for them, so they stay English in a Spanish help text. Its
user-facing messages are listed here, so the extractor puts them in PhotoSift's one
catalog, and `use_our_catalog` points argparse's two functions at that catalog. The
messages argparse writes for programming mistakes (a bad `add_argument` call) are left
out: a user never sees them.
"""

from __future__ import annotations

import argparse

from cleaner.i18n import N_, _, ngettext

ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("expected at most one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _plural_marks(n: int) -> str:
    """argparse's one plural message, written here for the extractor (never called)."""
    return ngettext("expected %s argument", "expected %s arguments", n)


def use_our_catalog() -> None:
    """Make argparse say its words through PhotoSift's catalog (idempotent)."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
