"""PhotoSift's version, read from the installed distribution's metadata.

A module of its own so that the engine's rooms can read it without importing the front
door (`cleaner/__init__.py`), which imports every room."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version

try:
    __version__ = _dist_version("photosift")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
