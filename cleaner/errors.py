"""Exceptions the engine raises on purpose. Per-file problems are never raised:
they become `SkippedFile` entries in the result."""

from __future__ import annotations


class PhotoSiftError(Exception):
    """Base class: the message is meant for the user, in plain words."""


class Cancelled(PhotoSiftError):
    """The user asked to stop. Raised by `CancelToken.check()`."""

    def __init__(self) -> None:
        super().__init__("cancelled")


class BadRootError(PhotoSiftError):
    """A folder to scan does not exist, is not a folder, or cannot be opened."""


class ResultFormatError(PhotoSiftError):
    """A saved result file cannot be read back (wrong schema, damaged JSON)."""
