"""PhotoSift's window (PySide6). The engine it drives is the Qt-free `cleaner` package."""
