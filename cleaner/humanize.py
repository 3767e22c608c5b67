"""Numbers in words a volunteer reads at a glance; shared by the command line,
the reports and the window."""

from __future__ import annotations


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
