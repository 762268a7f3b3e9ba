"""The mean and percentiles of ``max(x, 0)`` without making that array: :func:`clipped_band`.

A shortfall is the gap where it is above 0, else 0 (:func:`forcecalc.core.shortfall.shortfall`);
summarising it from a new array costs 8 bytes per sample (80 MB at 10 million samples, most of
what a large run's summary adds to its memory). Clipping at 0 keeps the order of the values, so
the shortfall's order statistics are the gap's, clipped; and its mean is the gap's values
clipped a block at a time and added up in the order numpy's pairwise sum adds the whole array
(halves rounded down to a multiple of 8, down to blocks summed by numpy itself), so both are
bit for bit those of the array. Where a zero's sign could matter (the gap holds a zero) or the
gap holds NaN, :func:`clipped_band` says None and the caller makes the array.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from forcecalc.core import quantiles, selection

FloatArray = NDArray[np.float64]

#: Pieces of at most this many values are clipped and summed by numpy at once.
LEAF = 1 << 16


def pairwise_clipped_sum(x: FloatArray) -> np.float64:
    """``np.add.reduce(np.maximum(x, 0.0))`` of a contiguous 1-d ``x``, bit for bit, clipping a
    piece at a time: numpy's pairwise sum halves ``n`` (rounded down to a multiple of 8) down
    to pieces of at most 128 values, so a piece of the same halving summed by numpy is the
    same partial sum."""
    n = x.size
    if n <= LEAF:
        return np.add.reduce(np.maximum(x, 0.0))
    half = n // 2
    half -= half % 8
    return pairwise_clipped_sum(x[:half]) + pairwise_clipped_sum(x[half:])


def clipped_band(
    x: FloatArray, percentiles: Sequence[float]
) -> tuple[float, tuple[float, ...]] | None:
    """``(mean, percentiles)`` of ``np.maximum(x, 0.0)`` (``x`` 1-d, contiguous, at least
    :data:`forcecalc.core.selection.MIN_N` long) by the rule of
    :func:`forcecalc.core.summary.band_rows`, or None where that must see the array itself:
    ``x`` holds NaN or a zero, or its order statistics could not be found without a copy."""
    n = x.size
    if n < selection.MIN_N or not x.flags.c_contiguous or np.count_nonzero(x == 0):
        return None
    mean = np.true_divide(pairwise_clipped_sum(x), n)
    finite = bool(np.isfinite(mean)) or not np.any(np.isposinf(x))
    ranks = quantiles.order_ranks(n, percentiles, "linear" if finite else "nearest")
    needed = ranks.needed()
    found = selection.order_statistics(x, needed)  # None if x holds NaN
    if found is None:
        return None
    clipped = np.maximum(found, 0.0)
    lower = clipped[np.searchsorted(needed, ranks.lower)]
    upper = clipped[np.searchsorted(needed, ranks.upper)]
    values = quantiles.combine(ranks, lower, upper)
    return float(mean), tuple(float(v) for v in values)
