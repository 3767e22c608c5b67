"""A copy's value on a keeper criterion, made of a code and raw values, in words.

The keeper choice (`cleaner.keep.criteria`) says each copy's value in English for the
result file ("JPEG quality 85", "in an avoided folder (Downloads)", "modified 2026-11-27
11:38 UTC"), and records the same value as phrases (`cleaner.models.Phrase`): a code and
its raw values. One table here holds each code's English sentence (the message id) and
how each value is formatted, so the English a result stores and the words shown in the
user's language come from the same place:

- `worded(...)` makes the stored English, in English formats whatever the language, and
  hands it out as a `Worded` string that still knows its phrases (`phrases_of`);
- `value_words(text, phrases)` says a stored value in the user's language from its phrases, and
  the stored `text` as it is (a marked phrase translated) when there are none (a result
  saved before phrases existed) or they are not this version's (a newer PhotoSift, a
  hand edit).

Numbers and sizes go through `cleaner.i18n`; a date through the locale's day and time
formats, except in English, where the shown value is the stored one (ISO dates, as
PhotoSift has always written them).
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from babel.dates import format_time
from babel.numbers import get_decimal_symbol

from cleaner import i18n
from cleaner.i18n import N_, _, ngettext
from cleaner.models import Phrase, PhraseArg


def _utc(ns: int) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(ns // 10**9, _dt.timezone.utc)


def _clock(when: _dt.datetime, pattern: str) -> str:
    return format_time(when, pattern, locale=i18n.format_locale())


def _minute(ns: PhraseArg, english: bool) -> str:
    when = _utc(int(ns))
    if english:
        return when.strftime("%Y-%m-%d %H:%M")
    return f"{i18n.day(when)}, {_clock(when, 'HH:mm')}"


def _exact(ns: PhraseArg, english: bool) -> str:
    """To the millisecond: only said when two copies were modified in the same minute."""
    when = _utc(int(ns))
    millis = f"{(int(ns) // 10**6) % 1000:03d}"
    if english:
        return when.strftime("%Y-%m-%d %H:%M:%S") + "." + millis
    mark = get_decimal_symbol(i18n.format_locale())
    return f"{i18n.day(when)}, {_clock(when, 'HH:mm:ss')}{mark}{millis}"


def _taken(text: PhraseArg, english: bool) -> str:
    """A camera's capture time as written ("2019:07:14 12:00:00", the camera's own clock,
    no time zone); the locale's day and time when it reads as one."""
    raw = str(text)
    if english:
        return raw
    for pattern in ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y:%m:%d %H:%M", "%Y-%m-%d %H:%M"):
        try:
            when = _dt.datetime.strptime(raw, pattern)
        except ValueError:
            continue
        return f"{i18n.day(when)}, {_clock(when, 'HH:mm')}"
    return raw


# In English, Python's own formatting: the English locale's pattern ("1,234", "34%") at a
# fraction of Babel's cost, as the stored words are made for every copy of every set.
def _whole(value: PhraseArg, english: bool) -> str:
    return f"{int(value):,}" if english else i18n.number(int(value))


def _share(value: PhraseArg, english: bool) -> str:
    return f"{int(value):,}%" if english else i18n.percent(int(value))


def _size(value: PhraseArg, english: bool) -> str:
    return i18n.human_size(int(value), "en" if english else None)


def _tenths(value: PhraseArg, english: bool) -> str:
    """One decimal ("4.1" / "4,1"), without thousands separators in English, as stored."""
    return f"{float(value):.1f}" if english else i18n.number(float(value), 1)


def _text(value: PhraseArg, english: bool) -> str:
    return str(value)


def _marked(value: PhraseArg, english: bool) -> str:
    """A phrase marked with N_() where it was made (a damage's label): translated."""
    return str(value) if english else _(str(value))


Format = Callable[[PhraseArg, bool], str]
NGettext = Callable[[str, str, int], str]


def _english_ngettext(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


@dataclass(frozen=True)
class _Words:
    """A code's sentence: its message id, or its plural (given the `ngettext` to use:
    English forms for the stored words, the catalog's for the shown ones) picked by the
    argument named `count`; and the format of each argument."""

    one: str
    formats: Mapping[str, Format]
    plural: Callable[[NGettext, int], str] | None = None
    count: str = ""


def _w(one: str, **formats: Format) -> _Words:
    return _Words(one, MappingProxyType(formats))


def _plural(count: str, forms: Callable[[NGettext, int], str], **formats: Format) -> _Words:
    return _Words("", MappingProxyType(formats), forms, count)


# Each message is written out in an N_() or ngettext() call, so that the extractor finds
# it (the plurals' `ngettext` is a parameter: the catalog's, or English for what is stored).
_WORDS: Mapping[str, _Words] = MappingProxyType(
    {
        # metadata
        "camera_data": _w(N_("camera data ({camera})"), camera=_text),
        "capture_date": _w(N_("capture date")),
        "gps": _w(N_("GPS")),
        # lossless, compression
        "reduced_format": _plural(
            "colours",
            lambda ngettext, n: ngettext(
                "{format} reduced to {colours} colour", "{format} reduced to {colours} colours", n
            ),
            format=_text,
            colours=_whole,
        ),
        "lossless_format": _w(N_("lossless {format}"), format=_text),
        "compressed_format": _w(N_("compressed {format}"), format=_text),
        "reduced": _plural(
            "colours",
            lambda ngettext, n: ngettext(
                "reduced to {colours} colour", "reduced to {colours} colours", n
            ),
            colours=_whole,
        ),
        "quality_unknown": _w(N_("compressed {format} (quality unknown)"), format=_text),
        "jpeg_quality": _w(N_("JPEG quality {quality}"), quality=_whole),
        # sharpness
        "sharp_share": _w(N_("{percent} as sharp as the sharpest"), percent=_share),
        "sharpness_exact": _w(N_("sharpness {value}"), value=_text),
        # capture date
        "taken": _w(N_("taken {when}"), when=_taken),
        # path rules
        "preferred_folder": _w(N_("in a preferred folder ({part})"), part=_text),
        "preferred_name": _w(N_("with a preferred name ({part})"), part=_text),
        "copy_name": _w(N_("named like a copy ({part})"), part=_text),
        "avoided_name": _w(N_("with an avoided name ({part})"), part=_text),
        "avoided_folder": _w(N_("in an avoided folder ({part})"), part=_text),
        "neither": _w(N_("in {folder} (neither preferred nor avoided)"), folder=_text),
        # file size, file date
        "size": _w("{size}", size=_size),
        "bytes": _plural("n", lambda ngettext, n: ngettext("{n} byte", "{n} bytes", n), n=_whole),
        "modified": _w(N_("modified {when} UTC"), when=_minute),
        "modified_exact": _w(N_("modified {when} UTC"), when=_exact),
        "modified_ns": _w(N_("modified at {ns} ns"), ns=_text),
        # the last resort when two copies' words are the same: their place in the ranking
        "ranked": _w(N_("(ranked {rank})"), rank=_text),
        # the quality score's parts (`cleaner.keep.score`): why each has its points
        "megapixels": _w(
            N_("{width}x{height}, {megapixels} megapixels (24 or more get full marks)"),
            width=_text,
            height=_text,
            megapixels=_tenths,
        ),
        "lossless_score": _w(N_("lossless {format}: nothing lost to compression"), format=_text),
        "jpeg_quality_score": _w(
            N_("JPEG quality {quality} (95 or more gets full marks)"), quality=_text
        ),
        "bits_per_pixel": _w(
            N_("compressed {format}, {bpp} bits per pixel (2 or more get full marks)"),
            format=_text,
            bpp=_tenths,
        ),
        "no_metadata": _w(N_("no camera data, capture date or GPS")),
        "metadata_points": _w(N_("(5 points each, up to 10)")),
        "damaged_score": _w(
            N_("{damage}: a damaged file scores a quarter, at most 10"), damage=_marked
        ),
    }
)


class Worded(str):
    """A value's English words that still know the phrases they were made from; a plain
    `str` everywhere else (compared, sorted, joined, stored)."""

    phrases: tuple[Phrase, ...]

    def __new__(cls, text: str, phrases: tuple[Phrase, ...]) -> Worded:
        self = super().__new__(cls, text)
        self.phrases = phrases
        return self


def phrase(code: str, **args: PhraseArg) -> Phrase:
    return Phrase(code, tuple(args.items()))


def worded(*phrases: Phrase) -> Worded:
    """The phrases in English, as a result file stores them, joined by ", "."""
    return Worded(_stored(phrases), phrases)


@functools.lru_cache(maxsize=4096)
def _stored(phrases: tuple[Phrase, ...]) -> str:
    """The English of some phrases, remembered: the keeper choice says the same few values
    ("JPEG quality 85", "GPS") for copy after copy of a scan of millions."""
    return _joined(phrases, english=True)


def phrases_of(value: str) -> tuple[Phrase, ...]:
    """The phrases a value was made from; () for a fixed phrase or a value without
    words."""
    return value.phrases if isinstance(value, Worded) else ()


def value_words(text: str, phrases: tuple[Phrase, ...] = ()) -> str:
    """A stored value in the user's language: from its phrases when this version knows
    them all, else the stored text (a marked phrase translated, anything else as it is).
    In English, the stored words (the shown reason is the stored sentence)."""
    if phrases:
        english = i18n.current_language() == i18n.ENGLISH
        try:
            return _joined(phrases, english)
        except (KeyError, ValueError, TypeError, OverflowError, OSError):
            pass  # a newer PhotoSift's code, or a hand edit: the stored words say it
    return _(text) if text else ""


# Said after the value before them, in brackets, rather than as one more item of a list
_SAID_AFTER = frozenset({"ranked", "metadata_points"})


def _joined(phrases: tuple[Phrase, ...], english: bool) -> str:
    """The phrases joined by ", "; a ranking (or the metadata part's points) is said after
    the value, in brackets."""
    text = ""
    for n, p in enumerate(phrases):
        if n:
            text += " " if p.code in _SAID_AFTER else ", "
        text += _one(p, english)
    return text


def _one(p: Phrase, english: bool) -> str:
    words = _WORDS[p.code]
    values = {name: fmt(_need(p, name), english) for name, fmt in words.formats.items()}
    if words.plural is None:
        message = words.one if english else _(words.one)
    else:
        n = _need(p, words.count)
        if isinstance(n, str):
            raise TypeError(words.count)  # caught by `value_words`: never shown
        message = words.plural(_english_ngettext if english else ngettext, int(n))
    return message.format(**values)


def _need(p: Phrase, name: str) -> PhraseArg:
    value = p.arg(name)
    if value is None:
        raise KeyError(name)
    return value


__all__ = ["Worded", "phrase", "phrases_of", "value_words", "worded"]
