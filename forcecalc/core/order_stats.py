"""Order keys: float64 values as unsigned integers in the same order.

A percentile of ``n`` values is read from one or two of their order statistics
(:func:`forcecalc.core.quantiles.order_ranks` says which, :func:`~forcecalc.core.quantiles.combine`
reads the percentile from them bit for bit as ``numpy.percentile``), so a run whose values are
never held whole (:mod:`forcecalc.core.streaming`) finds the same percentiles once it has found
those ranks. :func:`order_key` maps float64 values to unsigned integers in the same order, so that
ranks can be located by counting values in ranges of keys, chunk by chunk.

References
----------
.. [1] Hyndman & Fan (1996), "Sample quantiles in statistical packages", The American
   Statistician 50(4): definition 7 (numpy's ``linear``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]

_SIGN = np.uint64(1 << 63)


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
