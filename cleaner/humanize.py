"""Numbers in words a volunteer reads at a glance; shared by the command line,
the reports and the window."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal


def plural(n: int, one: str, many: str | None = None) -> str:
    """``1 file``, ``2 files``, ``1,000 batches`` (with `many` for irregular plurals)."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def human_bytes(n: float) -> str:
    """1 KB = 1000 bytes, as the file managers of Windows 11 and macOS count."""
    value = float(n)
    if abs(value) < 1000:
        return "1 byte" if int(value) == 1 else f"{int(value)} bytes"
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000
        if abs(value) < 1000 or unit == "TB":
            return f"{value:.1f} {unit}" if abs(value) < 100 else f"{value:.0f} {unit}"
    return f"{n} bytes"


def human_duration(seconds: float) -> str:
    """A clock-style duration: 0:42, 12:05, 1:02:03."""
    total = max(0, round(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def plain_number(value: float) -> str:
    """A number as people write it, never in scientific notation: 0.00001, 0.023, 3."""
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def money(amount: float, currency: str) -> str:
    """An amount in plain decimals: ``1,234.50 USD``, ``0.02 USD``; below a cent it is
    ``less than 0.01 USD`` (never ``5.1e-05 USD``)."""
    if amount == 0:
        return f"0 {currency}"
    if abs(amount) < 0.005:
        return f"less than 0.01 {currency}"
    return f"{amount:,.2f} {currency}"


def about_money(amount: float, currency: str) -> str:
    """``about 1.25 USD``, or ``less than 0.01 USD`` (which needs no "about")."""
    text = money(amount, currency)
    return text if text.startswith("less than") or amount == 0 else f"about {text}"


def human_time(iso: str) -> str:
    """``27 Nov 2026, 12:27`` in local time from an ISO 8601 time (one without a time zone
    is taken as local); the text itself if it does not parse."""
    try:
        when = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    if when.tzinfo is not None:
        when = when.astimezone()
    return f"{human_day(when)}, {when:%H:%M}"


def human_day(when: date) -> str:
    """``27 Nov 2026``: English month names whatever the locale, as everywhere PhotoSift
    names a day (the command line's history, the window's saved review)."""
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


# English month names, whatever the locale (the rest of the output is English too).
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
