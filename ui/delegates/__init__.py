"""Part of the PhotoSift window."""
