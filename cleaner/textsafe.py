"""File names made safe to show: control and bidi characters become visible escapes.

A file name may hold any character but "/" and NUL. Printed raw, an escape sequence in
a name can clear the screen or recolour it, a newline can forge a line of `clean`'s plan,
and a right-to-left override (U+202E) can make "gpj.exe" read as "exe.jpg". Every
place that shows a name to a person (the terminal, the HTML report, the CSV) goes
through `printable_path` or `printable`, which turn these characters into escapes that
are plain, visible ASCII: ``\\x1b``, ``\\n``, ``\\u202e``. Ordinary letters in any
script, accents and emoji are left as they are.

Not escaped: the backslash itself (it is the folder separator on Windows), so a name
that spells a backslash escape shows the same as one that holds the character; it can
never do what the character would.
"""

from __future__ import annotations

import os
import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# Characters that change how the text around them is laid out or read: the bidi
# embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069), the implicit
# marks (U+200E, U+200F, U+061C), and the line and paragraph separators.
_LAYOUT = frozenset(
    {chr(c) for c in range(0x202A, 0x202F)}
    | {chr(c) for c in range(0x2066, 0x206A)}
    | {"\u200e", "\u200f", "\u061c", "\u2028", "\u2029"}
)


# C0 controls (ESC, newline, bell, backspace...), DEL and the C1 controls (CSI is U+009B),
# lone surrogates (bytes that are not UTF-8, kept by surrogateescape), and `_LAYOUT`.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(_LAYOUT)) + "]")


def _escape(ch: str) -> str:
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control, bidi and lone-surrogate character shown as an escape."""
    if _UNSAFE.search(text) is None:
        return text  # the common case: nothing to do
    return _UNSAFE.sub(lambda m: _escape(m.group()), text)


def printable_path(path: str | os.PathLike[str]) -> str:
    """A path as one safe line for a terminal: see `printable`. A byte that is not UTF-8
    (kept by the file system encoding as a lone surrogate) is shown as ``\\xNN``."""
    return printable(os.fspath(path))
