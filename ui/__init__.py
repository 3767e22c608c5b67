"""PhotoSift\x27s window (PySide6). Drives the `cleaner` engine from a worker thread."""
