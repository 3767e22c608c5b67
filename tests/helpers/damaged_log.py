"""Damage an undo log (SQLite) on disk the way a failing disk or a crash could."""

from __future__ import annotations

from pathlib import Path

PAGE = 4096


def damage_middle_page(log_path: Path) -> int:
    """Overwrite one page in the middle of a (closed, checkpointed) log with garbage."""
    assert not Path(f"{log_path}-wal").exists() or Path(f"{log_path}-wal").stat().st_size == 0
    pages = log_path.stat().st_size // PAGE
    page = pages // 2
    with open(log_path, "r+b") as fh:
        fh.seek(page * PAGE + 8)  # keep nothing of the page header or its cells
        fh.write(bytes((i * 37 + 11) % 251 for i in range(PAGE - 8)))
    return page
