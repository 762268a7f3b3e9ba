"""Percentiles from order statistics, exactly as ``numpy.percentile`` computes them.

A percentile of ``n`` values is read from one or two of their order statistics (the values at
given ranks of the sorted sample): :func:`order_ranks` says which, :func:`interpolate` combines
them. ``interpolate(x[lo], x[hi], t)`` of the sorted ``x`` equals ``np.percentile(x, q)`` bit for
bit (method ``linear``, numpy 2.x; ``nearest`` takes one rank), so a run whose values are never
held whole (:mod:`forcecalc.core.streaming`) finds the same percentiles once it has found those
ranks. :func:`order_key` maps float64 values to unsigned integers in the same order, so that
ranks can be located by counting values in ranges of keys, chunk by chunk.

References
----------
.. [1] Hyndman & Fan (1996), "Sample quantiles in statistical packages", The American
   Statistician 50(4): definition 7 (numpy's ``linear``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]

_SIGN = np.uint64(1 << 63)


def order_ranks(
    n: int, percentiles: Sequence[float] | ArrayLike, method: str = "linear"
) -> tuple[IntArray, IntArray, FloatArray]:
    """The 0-based ranks ``(lo, hi)`` of the order statistics each percentile of ``n`` values
    needs, and the weight ``t`` of the upper one.

    Parameters
    ----------
    n : int
        Number of values (at least 1).
    percentiles : sequence of float
        Percentiles in [0, 100].
    method : str
        ``linear`` (numpy's default) or ``nearest`` (``t`` is 0 and ``lo == hi``).

    Notes
    -----
    numpy's rule: ``q = percentiles / 100``, virtual index ``v = (n - 1) q``, ``lo = floor(v)``,
    ``hi = lo + 1``, both the last rank where ``v >= n - 1``, ``t = v - lo``; ``nearest`` takes
    ``round(v)``, ties to even.
    """
    q = np.true_divide(np.asarray(percentiles, dtype=float), 100)
    if method == "nearest":
        rank = np.around((n - 1) * q).astype(np.intp)
        return rank, rank.copy(), np.zeros(rank.shape)
    v = (n - 1) * q
    lo = np.floor(v)
    hi = lo + 1
    top = v >= n - 1
    lo[top] = hi[top] = n - 1
    t = np.asarray(v - lo, dtype=float)
    return lo.astype(np.intp), hi.astype(np.intp), t


def interpolate(lo: ArrayLike, hi: ArrayLike, t: ArrayLike) -> FloatArray:
    """The value a fraction ``t`` of the way from ``lo`` to ``hi``, rounded as numpy's
    percentile rounds it (``lo + (hi - lo) t``, or ``hi - (hi - lo)(1 - t)`` where ``t >= 0.5``).
    """
    a, b, w = (np.asarray(x, dtype=float) for x in (lo, hi, t))
    diff = b - a
    out = np.asarray(a + diff * w, dtype=float)
    np.subtract(b, diff * (1 - w), out=out, where=w >= 0.5)
    return out


def order_key(values: ArrayLike) -> NDArray[np.uint64]:
    """Unsigned 64-bit keys in the order of the float64 ``values`` (``-0.0`` as ``0.0``; no NaN).

    Positive numbers keep their bits with the sign bit set; negative ones are inverted, so that
    ``a < b`` exactly when ``order_key(a) < order_key(b)``.
    """
    bits = (np.asarray(values, dtype=float) + 0.0).view(np.uint64)
    return np.where(bits & _SIGN, ~bits, bits | _SIGN)


def key_value(key: int) -> float:
    """The float64 whose :func:`order_key` is ``key``."""
    k = np.uint64(key)
    bits = k & ~_SIGN if k & _SIGN else ~k
    return float(np.array([bits], dtype=np.uint64).view(np.float64)[0])
