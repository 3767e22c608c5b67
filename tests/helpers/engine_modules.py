"""The engine's modules, for the tests that import every one of them (no Qt loaded, no
Dask loaded, Pillow's truncated-picture setting untouched)."""

from __future__ import annotations

import importlib.util
import pkgutil

import cleaner

# Engine modules that import an optional extra at their top, left out where that extra is
# not installed (the headless venv, a server's plain install): the compiled LSH loops need
# numba ([fast]); the engine loads them only through `cleaner.detect.lsh_kernel`, lazily,
# and runs its numpy path without them.
_EXTRA_OF = {"cleaner.detect._lsh_jit": "numba"}


def needs_a_missing_extra() -> frozenset[str]:
    """The modules whose optional extra is not installed here."""
    return frozenset(
        name for name, extra in _EXTRA_OF.items() if importlib.util.find_spec(extra) is None
    )


def importable_engine_modules() -> list[str]:
    """Every `cleaner` module but `__main__`s and those whose extra is missing, sorted."""
    missing = needs_a_missing_extra()
    return sorted(
        info.name
        for info in pkgutil.walk_packages(cleaner.__path__, "cleaner.")
        if not info.name.endswith("__main__") and info.name not in missing
    )
