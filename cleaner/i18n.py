"""Words in the user's language: the one translation layer of the engine, the command line,
the reports and (through `ui.translator`) the window.

One gettext catalog holds every translatable string (`cleaner/locale/<lang>/LC_MESSAGES/
photosift.mo`, extracted once by Babel: docs/translation.md). The engine hands out codes
and values; the words a person reads go through `_()` (or `ngettext` where a number
decides the form) at the edge that shows them. Strings that must be marked where they are
defined but translated only when shown (a table of labels, stage names) are marked with
`N_()`, which returns them unchanged: stored files keep the English (a result file, an undo
log or a catalog never holds a translated word), and `_(stored)` turns it into words.

The language comes from `set_language(code)` (the `--lang` option, the window's View ->
Language), else from the environment the way gettext reads it (`LANGUAGE`, `LC_ALL`,
`LC_MESSAGES`, `LANG`), else English. `pseudo` is a made-up language for layout tests:
every string about 40 % longer, with accents, placeholders kept.

Numbers, sizes, dates and money are formatted for the locale by Babel (CLDR data), so
"1,234.5" reads "1.234,5" in Spain; a bare `es` is formatted as Latin-American Spanish
(`es_419`), the volunteers PhotoSift is written for.
"""

from __future__ import annotations

import gettext as _gettext
import math
import os
import re
import threading
from datetime import date, datetime
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent

__all__ = [
    "DOMAIN",
    "LOCALE_DIR",
    "N_",
    "PSEUDO",
    "_",
    "available_languages",
    "current_language",
    "day",
    "format_locale",
    "human_size",
    "money",
    "ngettext",
    "npgettext",
    "number",
    "percent",
    "pgettext",
    "pseudo_text",
    "set_language",
    "stored_words",
    "system_language",
    "time_of",
    "translation_catalog",
]

DOMAIN = "photosift"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
PSEUDO = "pseudo"
ENGLISH = "en"

# The environment variables gettext reads, in its order (`gettext.find`).
_ENV_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
# How a bare language is formatted when the environment names no region (`--lang es`).
_DEFAULT_REGION = {"es": "es_419"}


class _State:
    """The language in force: its code, its catalog and the Babel locale of its formats."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.code: str | None = None  # None: not chosen yet, taken from the environment
        self.translations: _gettext.NullTranslations = _gettext.NullTranslations()
        self.locale: Locale = Locale.parse(ENGLISH)


_STATE = _State()


# ----------------------------------------------------------------------------- choosing


def available_languages() -> list[str]:
    """English and every language with a compiled catalog, sorted: ["en", "es"]."""
    found = {ENGLISH}
    if LOCALE_DIR.is_dir():
        for child in LOCALE_DIR.iterdir():
            if (child / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file():
                found.add(child.name)
    return sorted(found)


def system_language(environ: dict[str, str] | None = None) -> str | None:
    """The language the environment asks for, as gettext reads it: the first set variable
    of LANGUAGE (a colon-separated list of preferences), LC_ALL, LC_MESSAGES and LANG.
    "es_MX.UTF-8" -> "es_MX"; "C" and "POSIX" -> None (English)."""
    env = os.environ if environ is None else environ
    for var in _ENV_VARS:
        value = env.get(var, "")
        if not value:
            continue
        for item in value.split(":"):
            code = item.split(".")[0].split("@")[0].strip()
            if code and code not in ("C", "POSIX"):
                return code
        return None
    return None


def _catalog_for(code: str) -> tuple[str, str]:
    """(the catalog's language, the locale its formats use) for a wanted code: "es_MX" ->
    ("es", "es_MX"), "es" -> ("es", "es_419"), anything without a catalog -> English."""
    if code == PSEUDO:
        return PSEUDO, ENGLISH
    languages = available_languages()
    normalized = code.replace("-", "_")
    base = normalized.split("_")[0].lower()
    for candidate in (normalized, base):
        if candidate in languages:
            fmt = normalized if "_" in normalized else _DEFAULT_REGION.get(base, base)
            try:
                Locale.parse(fmt)
            except (UnknownLocaleError, ValueError):
                fmt = base
            return candidate, fmt
    return ENGLISH, ENGLISH


def set_language(code: str | None) -> str:
    """Use `code` ("es", "es_MX", "pseudo", "en"); None: what the environment asks for.
    Returns the catalog language now in force ("en" when there is no catalog for it)."""
    wanted = code or system_language() or ENGLISH
    language, fmt = _catalog_for(wanted)
    translations = _open_catalog(language)
    with _STATE.lock:
        _STATE.translations = translations
        _STATE.locale = Locale.parse(fmt)
        _STATE.code = language
    return language


def _open_catalog(language: str) -> _gettext.NullTranslations:
    """The catalog of a catalog language ("es", "pseudo", "en": none, the words as written)."""
    if language == PSEUDO:
        return _PseudoTranslations()
    if language == ENGLISH:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])


def _translations() -> _gettext.NullTranslations:
    if _STATE.code is None:
        set_language(None)
    return _STATE.translations


def translation_catalog(language: str | None = None) -> _gettext.NullTranslations:
    """The gettext catalog in force, for a layer that looks strings up itself (the
    window's `QTranslator`, `ui.translator`); given a `language` ("es", "es_MX"), that
    language's catalog, the one in force left as it is (the window's restart box says
    its question in the language in force and in the one just chosen)."""
    if language is None:
        return _translations()
    return _open_catalog(_catalog_for(language)[0])


def current_language() -> str:
    """The catalog language in force: "en", "es", "pseudo"."""
    _translations()
    assert _STATE.code is not None
    return _STATE.code


def format_locale() -> Locale:
    """The Babel locale numbers and dates are formatted for."""
    _translations()
    return _STATE.locale


# ----------------------------------------------------------------------------- translating


def N_(message: str) -> str:
    """Marks `message` for the catalog without translating it (translated where shown)."""
    return message


def _(message: str) -> str:
    """`message` in the user's language (itself when the catalog has no translation)."""
    return _translations().gettext(message)


def stored_words(detail: str) -> str:
    """A detail stored in English (an undo log record's, a refusal's), as the user reads
    it: each part of it ("; " joins the parts a move stores, e.g. "this drive has no trash
    (network drive); choose a quarantine folder to remove it") that is a catalog message,
    marked with N_() where it was made, is translated; any other part (a path, the
    system's error) is shown as written. Lossless in English: the parts are joined back
    as they were split."""
    # an empty part stays empty: gettext's "" is the catalog's header
    return "; ".join(_(part) if part else part for part in detail.split("; "))


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the number `n` ("{n} copy" / "{n} copies"), by the
    language's plural rules. The caller formats the number in: `.format(n=number(n))`."""
    return _translations().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A message whose translation depends on where it is shown (a one-word column
    heading "Kept" and a sentence's "kept" may read differently)."""
    return _translations().pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _translations().npgettext(context, singular, plural, n)


# ----------------------------------------------------------------------------- pseudo-locale

# Placeholders a translation must keep as they are: {name}, {0:,}, %(n)d, %s, %%.
PLACEHOLDER = re.compile(
    r"\{[^{}]*\}|%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]"
)
_ACCENTED = str.maketrans("aeiouAEIOUcnyCNYsz", "áéíóúÁÉÍÓÚçñýÇÑÝšž")


def pseudo_text(message: str) -> str:
    """A pseudo-translation: accented letters, about 40 % longer, in brackets so a
    clipped end shows; placeholders and line breaks kept as they are."""
    if not message:
        return message
    parts = []
    last = 0
    for m in PLACEHOLDER.finditer(message):
        parts.append(message[last : m.start()].translate(_ACCENTED))
        parts.append(m.group(0))
        last = m.end()
    parts.append(message[last:].translate(_ACCENTED))
    text = "".join(parts)
    padding = max(1, math.ceil(len(message) * 0.4) - 2)
    return f"[{text}{'~' * padding}]"


class _PseudoTranslations(_gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return pseudo_text(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo_text(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return pseudo_text(message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo_text(msgid1 if n == 1 else msgid2)


# ----------------------------------------------------------------------------- formats


def _locale(locale: str | None) -> Locale:
    return format_locale() if locale is None else Locale.parse(locale)


def number(value: float, digits: int = 0, locale: str | None = None) -> str:
    """1234 -> "1,234" (en) / "1.234" (es_ES); `digits` decimals, always shown."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    # Python rounds the float as it is stored (2.45 is 2.4500000000000002: "2.5"), Babel
    # its shortest decimal, half to even ("2.4"): rounding first keeps the digits Python's
    # own formatting gives, which the English texts PhotoSift stores were written with
    if isinstance(value, float) and math.isfinite(value):
        value = round(value, digits)
    return format_decimal(value, pattern, locale=_locale(locale))


def percent(value: float, locale: str | None = None) -> str:
    """A whole percentage already computed: 97 -> "97%" ("97 %" in Spain)."""
    return format_percent(value / 100, locale=_locale(locale))


def human_size(n: float, locale: str | None = None) -> str:
    """A file size as file managers show it, 1 KB = 1000 bytes: "1 byte", "640 bytes",
    "2.4 MB", "128 GB" ("2,4 MB" in Spanish)."""
    value = float(n)
    if abs(value) < 1000:
        whole = int(value)
        if locale is None:
            return ngettext("{n} byte", "{n} bytes", whole).format(n=number(whole))
        return f"{whole} byte" if whole == 1 else f"{whole} bytes"
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000
        if abs(value) < 1000 or unit == "TB":
            digits = 1 if abs(value) < 100 else 0
            return f"{number(value, digits, locale)} {unit}"
    raise AssertionError("unreachable: the loop ends at TB")


def day(when: date, locale: str | None = None) -> str:
    """ "27 Nov 2026" ("27 nov 2026" in Spanish): the day with a short month name."""
    return format_date(when, "d MMM y", locale=_locale(locale))


def time_of(iso: str, locale: str | None = None) -> str:
    """ "27 Nov 2026, 12:27" in local time from an ISO 8601 time (one without a time zone
    is taken as local); the text itself if it does not parse."""
    try:
        when = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    if when.tzinfo is not None:
        when = when.astimezone()
    return f"{day(when, locale)}, {format_time(when, 'HH:mm', locale=_locale(locale))}"


def money(amount: float, currency: str, locale: str | None = None) -> str:
    """ "1,234.50 USD", "0 USD", "less than 0.01 USD" (never "5.1e-05 USD"). With a
    `locale`, its digits and English words (as `human_size`: `cleaner.humanize.money`)."""
    if amount == 0:
        return f"{number(0, 0, locale)} {currency}"
    if abs(amount) < 0.005:
        least = f"{number(0.01, 2, locale)} {currency}"
        # a fixed `locale`: English words (see the docstring)
        text = _("less than {amount}") if locale is None else "less than {amount}"
        return text.format(amount=least)
    return f"{number(amount, 2, locale)} {currency}"


def about_money(amount: float, currency: str, locale: str | None = None) -> str:
    """ "about 1.25 USD", or "less than 0.01 USD" (which needs no "about")."""
    if amount == 0 or abs(amount) < 0.005:
        return money(amount, currency, locale)
    text = _("about {amount}") if locale is None else "about {amount}"
    return text.format(amount=money(amount, currency, locale))
