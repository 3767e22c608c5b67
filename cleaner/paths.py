"""Where PhotoSift keeps its own files: the one owner of those folders and their overrides.

Each folder is the platform's per-user folder for "photosift" (platformdirs), unless an
environment variable names another one. An empty variable counts as unset.

- `cache_dir()`: the fingerprint cache (``fingerprints.sqlite3``).
  ``$PHOTOSIFT_CACHE_DIR``, else ``platformdirs.user_cache_dir("photosift")``.
- `data_dir()`: the undo log (``undo-log.sqlite3``) and the ignore list (``ignored-sets.json``).
  ``$PHOTOSIFT_DATA_DIR``, else ``platformdirs.user_data_dir("photosift")``.
- `config_dir()`: the window's settings (``photosift.ini``).
  ``$PHOTOSIFT_CONFIG_DIR``, else ``platformdirs.user_config_dir("photosift")``.
- `lock_dir()`: ``moves.lock``, one removal or undo at a time per user.
  ``$PHOTOSIFT_LOCK_DIR``, else ``platformdirs.user_data_dir("photosift")``: not
  ``$PHOTOSIFT_DATA_DIR``, so that a portable window (its own undo log) and an installed
  ``photosift clean`` still take turns.

`use_portable_dir(DIR)` (the window's ``--portable DIR``) sets the variables so that the
settings go to DIR/config, the cache to DIR/cache and, unless ``$PHOTOSIFT_DATA_DIR`` is
already set, the undo log to DIR/data. Tests set the variables to keep to their own
temporary folders.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "photosift"

ENV_CACHE_DIR = "PHOTOSIFT_CACHE_DIR"
ENV_DATA_DIR = "PHOTOSIFT_DATA_DIR"
ENV_CONFIG_DIR = "PHOTOSIFT_CONFIG_DIR"
ENV_LOCK_DIR = "PHOTOSIFT_LOCK_DIR"


def cache_dir() -> Path:
    """The fingerprint cache's folder: ``$PHOTOSIFT_CACHE_DIR`` or the user cache folder."""
    return _overridden(ENV_CACHE_DIR) or Path(
        platformdirs.user_cache_dir(APP_NAME, appauthor=False)
    )


def data_dir() -> Path:
    """The undo log's folder: ``$PHOTOSIFT_DATA_DIR`` or the user data folder."""
    return _overridden(ENV_DATA_DIR) or _user_data_dir()


def config_dir() -> Path:
    """The window settings' folder: ``$PHOTOSIFT_CONFIG_DIR`` or the user config folder."""
    return _overridden(ENV_CONFIG_DIR) or Path(
        platformdirs.user_config_dir(APP_NAME, appauthor=False)
    )


def lock_dir() -> Path:
    """The move lock's folder: ``$PHOTOSIFT_LOCK_DIR`` or the user data folder (never
    ``$PHOTOSIFT_DATA_DIR``: the lock is per user, not per undo log)."""
    return _overridden(ENV_LOCK_DIR) or _user_data_dir()


def use_portable_dir(folder: Path | str) -> Path:
    """Keep the settings, the cache and (unless already redirected) the undo log under
    `folder`; returns it as an absolute path."""
    portable = Path(folder).expanduser().resolve()
    os.environ[ENV_CONFIG_DIR] = str(portable / "config")
    os.environ[ENV_CACHE_DIR] = str(portable / "cache")
    os.environ.setdefault(ENV_DATA_DIR, str(portable / "data"))
    return portable


def _overridden(variable: str) -> Path | None:
    value = os.environ.get(variable)
    return Path(value) if value else None


def _user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
