"""The scored sets a score worker sends back (`cleaner.catalog.scoring`), pickled so
that this process rebuilds them with little work.

Plain pickling of a `DuplicateGroup` stores each of its frozen dataclasses (members,
metrics, reasons and their phrases: about ten a member) through the dataclass's own
`__getstate__` / `__setstate__`, which look up the class's fields again for every
object: at 10 million pictures, about a third of the parent's score stage was spent
unpickling the sets that came back. Here each of those objects is pickled as its class
and its field values in order, rebuilt by one call of the class (the same object: every
field, compared or not, is given). And a member's `FileEntry`, which this process made
and sent, is not sent back: it travels as its position in the chunk, and the set is
rebuilt around this process's own entry.
"""

from __future__ import annotations

import copyreg
import dataclasses
import io
import operator
import pickle
from collections.abc import Callable, Sequence
from typing import Any

from cleaner import models
from cleaner.models import FileEntry

_ENTRY = "_entry_at"  # the name an entry's position is rebuilt with


def _entry_at(position: int) -> FileEntry:
    """Stands for an entry in a pickle: `loads` maps it to the caller's entries."""
    raise AssertionError("an entry is rebuilt by loads, from the entries it is given")


def _by_fields(cls: type) -> Callable[[Any], tuple[object, ...]]:
    fields = dataclasses.fields(cls)
    # the class is called with every field, in order: each must be an argument of it
    assert all(f.init and not f.kw_only for f in fields), cls
    names = [f.name for f in fields]
    if len(names) == 1:
        name = names[0]
        return lambda obj: (cls, (getattr(obj, name),))
    values = operator.attrgetter(*names)
    return lambda obj: (cls, values(obj))


def _model_classes() -> list[type]:
    return [
        c
        for c in vars(models).values()
        if isinstance(c, type)
        and c.__module__ == models.__name__
        and dataclasses.is_dataclass(c)
        # a class that checks or changes its values when made keeps its own pickling
        and not hasattr(c, "__post_init__")
    ]


_REDUCERS: dict[type, Callable[[Any], tuple[object, ...]]] = {
    c: _by_fields(c) for c in _model_classes() if c is not FileEntry
}


def dumps(sets: object, entries: Sequence[FileEntry]) -> bytes:
    """`sets` pickled, each of `entries` (by identity) as its position in it."""
    position = {id(e): n for n, e in enumerate(entries)}
    table: dict[type, Callable[[Any], Any]] = dict(copyreg.dispatch_table)
    table.update(_REDUCERS)
    table[FileEntry] = lambda entry: (_entry_at, (position[id(entry)],))
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = table
    pickler.dump(sets)
    return out.getvalue()


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, entries: Sequence[FileEntry]) -> None:
        super().__init__(io.BytesIO(data))
        self._entries = entries

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == _ENTRY:
            return self._entries.__getitem__
        return super().find_class(module, name)


def loads(data: bytes, entries: Sequence[FileEntry]) -> Any:
    """What `dumps` pickled, each entry position replaced by that one of `entries`."""
    return _Unpickler(data, entries).load()
