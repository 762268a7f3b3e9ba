"""Keeping freed memory in the process for the length of a large run (glibc only).

A chunked run allocates the same working arrays for every chunk: several megabytes each,
which glibc serves by ``mmap`` and gives back to the operating system when they are freed (or
trims off the top of the heap), so that every chunk page-faults its working set in again, and
every percentile's sorted copy of a whole output too. At 10 million samples that is gigabytes
of page faults: seconds of system time. :func:`kept_heap` serves every allocation from the
heap and keeps what is freed, so the next chunk reuses it; on leaving, it hands the free memory
back (``malloc_trim``) and restores glibc's defaults, so a long-lived process (the app) does
not keep it.

Elsewhere than glibc (macOS, musl) it does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys
from collections.abc import Iterator

#: ``mallopt`` parameters of glibc's ``malloc.h``.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: glibc's defaults: trim above 128 KiB free at the heap's top; mmap from 128 KiB.
DEFAULT_TRIM_THRESHOLD = 128 * 1024
DEFAULT_MMAP_THRESHOLD = 128 * 1024
#: Largest allocation served from the heap while a run lasts: glibc's most, 32 MiB on 64-bit
#: (a chunk's working arrays; a whole output of millions of samples is still mapped). [bytes]
KEPT_MMAP_THRESHOLD = 32 * 1024 * 1024
#: Free memory kept at the heap's top while a run lasts (the most ``mallopt`` takes). [bytes]
KEPT_TRIM_THRESHOLD = 2**31 - 1


def _glibc() -> ctypes.CDLL | None:
    """The C library, if it is glibc (has ``mallopt`` and ``malloc_trim``), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
    except (OSError, AttributeError):
        return None
    return libc


@contextlib.contextmanager
def kept_heap() -> Iterator[None]:
    """Within the block, allocate from the heap and keep freed memory for reuse; after it,
    return the free memory to the operating system and restore glibc's defaults."""
    libc = _glibc()
    if libc is None:
        yield
        return
    libc.mallopt(M_MMAP_THRESHOLD, KEPT_MMAP_THRESHOLD)
    libc.mallopt(M_TRIM_THRESHOLD, KEPT_TRIM_THRESHOLD)
    try:
        yield
    finally:
        libc.mallopt(M_TRIM_THRESHOLD, DEFAULT_TRIM_THRESHOLD)
        libc.mallopt(M_MMAP_THRESHOLD, DEFAULT_MMAP_THRESHOLD)
        libc.malloc_trim(0)


def return_memory() -> bool:
    """Hand the memory freed by a run back to the system (glibc's ``malloc_trim(0)``), so a
    long-lived process (the app) falls back after a large run instead of holding the
    allocator's high-water mark; False, doing nothing, without glibc."""
    libc = _glibc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
