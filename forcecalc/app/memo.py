"""A cache bounded in bytes, shared by every session of the app: the last results computed.

``st.cache_data`` bounds a cache by its number of entries, and one entry (a run at 262,144
samples) can weigh hundreds of MiB; this one keeps the most recently used results whose sizes
add up to at most a stated number of bytes, and does not keep a result larger than a quarter of
it at all (it is computed again when asked for again). A result is kept as the object itself,
not a pickled copy (results are frozen dataclasses the app never changes), so a hit costs no
copy. Sizes are measured by pickling with protocol 5 and counting numpy's buffers out of band,
which copies none of them.
"""

from __future__ import annotations

import functools
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

MIB = 2**20


def size_of(value: object) -> int:
    """The bytes ``value`` holds, as pickle counts them (its arrays' buffers without copying)."""
    buffers: list[int] = []

    def count(buffer: pickle.PickleBuffer) -> None:
        buffers.append(buffer.raw().nbytes)

    return len(pickle.dumps(value, protocol=5, buffer_callback=count)) + sum(buffers)


class BoundedCache:
    """The most recently used results of one function, at most ``max_bytes`` in all."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def nbytes(self) -> int:
        """The bytes the cache holds now."""
        with self._lock:
            return sum(size for _, size in self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> tuple[bool, object]:
        """``(True, value)`` for a key held (now the most recently used), else ``(False, None)``."""
        with self._lock:
            if key not in self._entries:
                return False, None
            self._entries.move_to_end(key)
            return True, self._entries[key][0]

    def put(self, key: Hashable, value: object) -> None:
        """Keep ``value`` unless it is over a quarter of the bound; drop the least recent ones
        until the whole fits."""
        size = size_of(value)
        if size > self.max_bytes // 4:
            return
        with self._lock:
            self._entries[key] = (value, size)
            self._entries.move_to_end(key)
            total = sum(s for _, s in self._entries.values())
            while total > self.max_bytes and self._entries:
                _, (_, dropped) = self._entries.popitem(last=False)
                total -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def bounded(max_bytes: int) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: remember a pure function's results on its (hashable) arguments, at most
    ``max_bytes`` of them (:class:`BoundedCache`, reachable as the wrapper's ``cache``)."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        cache = BoundedCache(max_bytes)

        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            key = (args, tuple(sorted(kwargs.items())))
            found, value = cache.get(key)
            if found:
                return value  # type: ignore[return-value]
            result = function(*args, **kwargs)
            cache.put(key, result)
            return result

        wrapper.cache = cache  # type: ignore[attr-defined]
        return wrapper

    return decorate
