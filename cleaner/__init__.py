"""PhotoSift's engine: find duplicate and near-duplicate photos, score them, and
remove rejected copies safely. Never imports Qt (checked by import-linter)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version

try:
    __version__ = _dist_version("photosift")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
