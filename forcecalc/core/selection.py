"""Order statistics of a long sample without copying it: :func:`order_statistics`.

Partitioning a row to place its order statistics needs a copy of the whole row (the row is an
output kept for other uses): 80 MB at 10 million samples, a tenth of a large run's memory, and
memory first touched is slow to fault in. Here the ranks wanted are bracketed by values read
from a systematic subsample (every ``step``-th element, sorted); one pass over the row, a block
at a time, counts the elements below each bracket and gathers those inside it, and only those
few are partitioned. The values found are the order statistics themselves, exactly; where a
bracket misses its ranks (a row whose order follows the stride) or the row holds NaN, the
answer is None and the caller partitions a copy as before.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]

#: Rows at least this long are searched by bracket; shorter ones are copied and partitioned,
#: which measured faster below ~4M samples (15 rows of 2**20: 80 against 100 ms; rows of 10M:
#: 175 against 130 ms, and no 80 MB copy).
MIN_N = 1 << 22
#: About this many elements of the row are read to place the brackets.
SUBSAMPLE = 1 << 16
#: Elements compared at once: a block stays in the cache across the brackets' passes.
BLOCK = 1 << 16
#: Most elements gathered, as a share of the row, before giving up (a row of many ties).
MAX_GATHERED = 1 / 4
#: Half-width of a bracket in subsample positions, in standard deviations of a position.
MARGIN_SD = 6.0


def _brackets(row: FloatArray, wanted: IndexArray) -> list[tuple[float, float, IndexArray]]:
    """``(low, high, ranks)``: bounds that should hold each cluster of nearby wanted ranks."""
    n = row.size
    sub = np.sort(row[:: max(1, n // SUBSAMPLE)])
    m = sub.size
    clusters: list[list[int]] = []
    for r in wanted.tolist():
        if clusters and (r - clusters[-1][-1]) * m <= n:
            clusters[-1].append(r)
        else:
            clusters.append([r])
    out = []
    for ranks in clusters:
        p = (ranks[0] + ranks[-1]) / 2 / n
        margin = int(MARGIN_SD * math.sqrt(m * p * (1 - p))) + 16
        lo = math.floor(ranks[0] * m / n) - margin
        hi = math.ceil(ranks[-1] * m / n) + margin
        low = float(sub[lo]) if lo > 0 else -math.inf
        high = float(sub[hi]) if hi < m - 1 else math.inf
        out.append((low, high, np.asarray(ranks, dtype=np.intp)))
    return out


def order_statistics(row: FloatArray, wanted: IndexArray) -> FloatArray | None:
    """The values of the order statistics ``wanted`` (sorted 0-based ranks) of ``row``, each as
    in ``np.sort(row)[wanted]``, or None where the row holds NaN or a bracket missed.

    ``row`` is read, never changed or copied whole. A zero's sign is whichever of the row's
    zeros the partition of the gathered elements placed there (as for a partition of the
    whole row; the caller decides on rows mixing signed zeros).
    """
    n = row.size
    if n == 0 or np.isnan(row.max()):
        return None
    brackets = _brackets(row, wanted)
    below = [0] * len(brackets)
    equal = [0] * len(brackets)  # brackets of one value are counted, not gathered
    parts: list[list[FloatArray]] = [[] for _ in brackets]
    gathered = 0
    for start in range(0, n, BLOCK):
        block = row[start : start + BLOCK]
        for i, (low, high, _) in enumerate(brackets):
            under = block < low
            below[i] += int(np.count_nonzero(under))
            if low == high:
                equal[i] += int(np.count_nonzero(block == low))
                continue
            inside = block <= high
            inside &= ~under
            parts[i].append(block[inside])
            gathered += parts[i][-1].size
        if gathered > n * MAX_GATHERED:
            return None
    values = np.empty(wanted.size)
    at = 0
    for (low, _, ranks), count, same, pieces in zip(brackets, below, equal, parts, strict=True):
        local = ranks - count
        if pieces:
            inside = np.concatenate(pieces)
            if local[0] < 0 or local[-1] >= inside.size:
                return None
            inside.partition(local)
            values[at : at + ranks.size] = inside[local]
        elif local[0] < 0 or local[-1] >= same:
            return None
        else:
            values[at : at + ranks.size] = low
        at += ranks.size
    return values
