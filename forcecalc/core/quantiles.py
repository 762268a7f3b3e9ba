"""Percentiles from order statistics, bit for bit those of ``np.percentile``.

``np.percentile`` partitions a copy of each row on every index it needs at once (plus the first
and the last), which numpy does with its scalar selection; one index at a time numpy selects with
SIMD, several times faster. :func:`percentiles` therefore places each needed order statistic by
one single-index partition of a shrinking piece of the row (the middle-most index first, then
each side), reads the next order statistic as the minimum of the piece above, and interpolates
exactly as numpy does. Where the result could depend on numpy's own arrangement of the row (a
row holding NaN, whose result is the NaN numpy's partition leaves last; a zero order statistic in
a row holding both +0.0 and -0.0) that row is handed to ``np.percentile`` itself.

The arithmetic is public so that order statistics gathered elsewhere (a distributed engine's
workers) give the same percentiles: :func:`order_ranks` says which order statistics a percentile
needs and with what weight, and :func:`combine` (:func:`interpolate` for method ``linear``) turns
their values into the percentile: for ``ranks = order_ranks(n, (5.0, 50.0, 95.0))`` and
``s = np.sort(x)`` (or the order statistics found any other way),
``combine(ranks, s[ranks.lower], s[ranks.upper])`` equals ``np.percentile(x, (5.0, 50.0,
95.0))`` bit for bit.

Two cases are numpy's own and not the arithmetic's: a sample holding NaN has NaN percentiles
(numpy returns the NaN its partition leaves last), and where a percentile's order statistic is
a zero in a sample holding both -0.0 and +0.0 the sign of that zero is whichever numpy's
partition placed there (a merge of workers' statistics gives the right value, maybe the other
zero). Rows of at most :data:`VECTOR_MAX_N` go through numpy's own partition, vectorized.

References
----------
Hyndman, R. J. and Fan, Y. (1996). Sample quantiles in statistical packages. The American
Statistician 50(4), 361-365. doi:10.1080/00031305.1996.10473566 (definition 7 is numpy's
``linear``). numpy's ``numpy/lib/_function_base_impl.py`` (``_quantile``, ``_get_indexes``,
``_lerp``), whose arithmetic :func:`order_ranks` and :func:`interpolate` repeat step for step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forcecalc.core import selection
from forcecalc.core.errors import ParameterError

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]

#: The methods of ``np.percentile`` repeated here.
METHODS = ("linear", "nearest")
#: Rows at most this long go through one vectorized partition with numpy's own indices: below
#: it the per-row calls of the single-index path cost more than they save.
VECTOR_MAX_N = 2048
_NEGATIVE_ZERO = np.float64(-0.0).view(np.int64)


@dataclass(frozen=True)
class OrderRanks:
    """Which order statistics (0-based ranks in the sorted sample) each percentile needs.

    ``lower`` and ``upper`` are ranks in ``[0, n - 1]`` (``upper`` is ``lower + 1``, or
    ``lower`` at the top of the sample); ``weights`` are numpy's interpolation weights, so that
    the percentile is ``interpolate(sorted[lower], sorted[upper], weights)`` (method
    ``linear``). For method ``nearest`` ``upper`` equals ``lower``, the weights are 0 and the
    percentile is ``sorted[lower]`` itself (:func:`combine`). A sample holding NaN has NaN
    percentiles, whatever the ranks.
    """

    n: int
    method: str
    lower: IndexArray
    upper: IndexArray
    weights: FloatArray

    def needed(self) -> IndexArray:
        """Every rank used, sorted, each once."""
        return np.unique(np.concatenate((self.lower, self.upper)))


def _fractions(percentiles: ArrayLike) -> FloatArray:
    """``percentiles / 100`` as numpy computes it, refused outside [0, 100]."""
    q = np.true_divide(np.asarray(percentiles, dtype=np.float64).ravel(), 100)
    if q.size == 0 or not bool(np.all((q >= 0.0) & (q <= 1.0))):
        got = ", ".join(f"{v:g}" for v in np.asarray(percentiles, dtype=float).ravel())
        raise ParameterError("percentiles", got or "nothing", "one or more numbers in [0, 100]")
    return q


def order_ranks(n: int, percentiles: Sequence[float], method: str = "linear") -> OrderRanks:
    """The order statistics and weights of ``percentiles`` (each in [0, 100]) of ``n`` samples.

    Parameters
    ----------
    n : int
        Sample size, at least 1.
    percentiles : sequence of float
        Percentiles wanted. [%]
    method : str
        ``linear`` (numpy's default, Hyndman and Fan's definition 7) or ``nearest``.

    Notes
    -----
    As numpy: ``q = p / 100``, virtual index ``v = (n - 1) q``. For ``linear``
    ``lower = floor(v)``, ``upper = lower + 1`` and weight ``v - lower``; where ``v >= n - 1``
    both ranks are the last (numpy indexes it as -1 and takes the weight as ``v + 1``, which is
    kept, so that :func:`interpolate` gives numpy's bits). For ``nearest`` the rank is ``v``
    rounded half to even.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ParameterError("n", repr(n), "a whole number of samples, at least 1")
    if method not in METHODS:
        raise ParameterError("method", repr(method), f"one of {', '.join(METHODS)}")
    q = _fractions(percentiles)
    last = int(n) - 1
    if method == "nearest":
        rank = np.around(last * q).astype(np.intp)
        return OrderRanks(int(n), method, rank, rank.copy(), np.zeros_like(q))
    virtual = last * q
    previous = np.floor(virtual)
    following = previous + 1
    above = virtual >= last
    previous[above] = -1
    following[above] = -1
    lower, upper = previous.astype(np.intp), following.astype(np.intp)
    weights = np.asarray(virtual - lower, dtype=virtual.dtype)
    return OrderRanks(int(n), method, lower % int(n), upper % int(n), weights)


def interpolate(lower: ArrayLike, upper: ArrayLike, weights: ArrayLike) -> FloatArray:
    """``lower + (upper - lower) * weights``, computed as numpy's ``_lerp`` does, bit for bit.

    Where a weight is at least 0.5 the result is ``upper - (upper - lower) * (1 - weights)``
    instead (numpy's choice, exact at weight 1). Arrays broadcast; ``weights`` of shape ``(P,
    1)`` against values ``(P, G)`` weight each percentile's row.
    """
    a = np.asarray(lower, dtype=np.float64)
    b = np.asarray(upper, dtype=np.float64)
    t = np.asarray(weights, dtype=np.float64)
    diff = b - a
    out = np.add(a, diff * t)
    np.subtract(b, diff * (1 - t), out=out, where=t >= 0.5, casting="unsafe")
    return out


def combine(ranks: OrderRanks, lower_values: ArrayLike, upper_values: ArrayLike) -> FloatArray:
    """The percentiles from the values of the order statistics ``ranks.lower`` and
    ``ranks.upper`` (arrays ``(P,)`` or ``(P, G)``): :func:`interpolate` for ``linear``, the
    lower values themselves for ``nearest``."""
    lo = np.asarray(lower_values, dtype=np.float64)
    if ranks.method == "nearest":
        return lo.copy()
    t = ranks.weights.reshape((-1,) + (1,) * (lo.ndim - 1))
    return interpolate(lo, upper_values, t)


def _numpy_kth(ranks: OrderRanks) -> IndexArray:
    """The indices numpy's ``_quantile`` partitions on, in its order (-1 for the last)."""
    if ranks.method == "nearest":
        return np.concatenate((ranks.lower, [-1])).astype(np.intp)
    at_top = ranks.lower == ranks.n - 1  # numpy's -1 for both ranks
    lower = np.where(at_top, -1, ranks.lower)
    upper = np.where(at_top, -1, ranks.upper)
    return np.unique(np.concatenate(([0, -1], lower, upper))).astype(np.intp)


def _vectorized(values: FloatArray, ranks: OrderRanks) -> FloatArray:
    """``(P, G)`` percentiles by numpy's own partition of every row (short rows)."""
    arr = np.partition(values, _numpy_kth(ranks), axis=-1)
    result = combine(ranks, arr[:, ranks.lower].T, arr[:, ranks.upper].T)
    nan_rows = np.isnan(arr[:, -1])
    if nan_rows.any():
        np.copyto(result, arr[:, -1], where=nan_rows)
    return result


@dataclass(frozen=True)
class _Plan:
    """How to find the order statistics of a row of ``n``: the single-index partitions, in
    order, as ``(start, stop, k)`` (partition ``row[start:stop]`` at ``k - start``); for each
    percentile the slice whose minimum is its upper order statistic (``None``: the lower
    itself); and where the last placed rank begins (a NaN lies at or above it)."""

    partitions: tuple[tuple[int, int, int], ...]
    upper_slices: tuple[slice | None, ...]
    top: int


def _plan(ranks: OrderRanks) -> _Plan:
    """The :class:`_Plan` of ``ranks``: the middle-most wanted rank of each piece first."""
    placed = np.unique(ranks.lower)
    steps = []
    pending = [(0, ranks.n, placed)]
    while pending:
        start, stop, wanted = pending.pop()
        if wanted.size == 0:
            continue
        i = int(np.argmin(np.abs(wanted - (start + stop - 1) / 2)))
        k = int(wanted[i])
        steps.append((start, stop, k))
        pending += [(start, k, wanted[:i]), (k + 1, stop, wanted[i + 1 :])]
    ends = np.append(placed[1:], ranks.n - 1)[np.searchsorted(placed, ranks.lower)]
    uppers = tuple(
        None if ranks.method == "nearest" or hi == lo else slice(int(lo) + 1, int(end) + 1)
        for lo, hi, end in zip(ranks.lower, ranks.upper, ends, strict=True)
    )
    return _Plan(tuple(steps), uppers, int(placed[-1]))


def _row_statistics(
    original: FloatArray, ranks: OrderRanks, plan: _Plan
) -> tuple[FloatArray, FloatArray, bool]:
    """The lower and upper order statistics of one row (partitioned in a copy), and whether the
    row must go to numpy instead (it holds NaN, or mixes signed zeros where a result is 0).

    numpy's single-index partition may turn one zero into the other (its SIMD compare-exchange
    keeps one of two equal values twice), so the signs of zeros are read from ``original``.

    Once a rank is placed, the elements above it are the larger order statistics, so the next
    one is their minimum, up to the next placed rank."""
    if original.size >= selection.MIN_N:
        found = _selected(original, ranks)
        if found is not None:
            return found
    row = original.copy()
    for start, stop, k in plan.partitions:
        row[start:stop].partition(k - start)
    lower = row[ranks.lower]
    upper = np.array(
        [lower[i] if s is None else row[s].min() for i, s in enumerate(plan.upper_slices)]
    )
    refer = bool(np.isnan(row[plan.top :].max())) or _refer(original, lower, upper)
    return lower, upper, refer


def _refer(original: FloatArray, lower: FloatArray, upper: FloatArray) -> bool:
    """Whether a row without NaN must go to numpy: it mixes signed zeros where a result is 0."""
    if (lower == 0).any() or (upper == 0).any():
        bits = original.view(np.int64)
        return bool((bits == _NEGATIVE_ZERO).any() and (bits == 0).any())
    return False


def _selected(
    original: FloatArray, ranks: OrderRanks
) -> tuple[FloatArray, FloatArray, bool] | None:
    """:func:`_row_statistics` of a long row without copying it
    (:func:`forcecalc.core.selection.order_statistics`), or None where that cannot say."""
    needed = ranks.needed()
    values = selection.order_statistics(original, needed)
    if values is None:
        return None
    lower = values[np.searchsorted(needed, ranks.lower)]
    upper = values[np.searchsorted(needed, ranks.upper)]
    return lower, upper, _refer(original, lower, upper)


@lru_cache(maxsize=64)
def _ranks_and_plan(n: int, percentiles: bytes, method: str) -> tuple[OrderRanks, _Plan]:
    """:func:`order_ranks` and its :class:`_Plan`, kept for the next row of the same size (a
    run summarises dozens of outputs of one ``n``); used only here, never handed out. The
    percentiles come as the bytes of float64s, so that -0.0 (whose weights are -0.0) and 0.0
    are told apart."""
    ranks = order_ranks(n, np.frombuffer(percentiles, dtype=np.float64), method)
    return ranks, _plan(ranks)


def percentiles(
    values: ArrayLike, percentiles: Sequence[float], method: str = "linear"
) -> FloatArray:
    """``(P, G)``: the ``percentiles`` (each in [0, 100]) of each row of ``values`` ``(G, n)``,
    equal bit for bit to ``np.percentile(values, percentiles, axis=-1, method=method)``.

    Parameters
    ----------
    values : array_like
        ``(G, n)`` samples, a row per output. ``values`` is not changed.
    percentiles : sequence of float
        Percentiles wanted. [%]
    method : str
        ``linear`` or ``nearest`` (:func:`order_ranks`).
    """
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2:
        raise ParameterError("values", f"an array of shape {arr.shape}", "a (G, n) array")
    g, n = arr.shape
    if n == 0 or g == 0:
        return np.percentile(arr, percentiles, axis=-1, method=method)
    key = np.asarray(percentiles, dtype=np.float64).ravel().tobytes()
    ranks, plan = _ranks_and_plan(n, key, method)
    if n <= VECTOR_MAX_N:
        return _vectorized(arr, ranks)
    out = np.empty((ranks.lower.size, g))
    lower, upper = np.empty_like(out), np.empty_like(out)
    to_numpy = []
    for j in range(g):
        lower[:, j], upper[:, j], refer = _row_statistics(arr[j], ranks, plan)
        if refer:
            to_numpy.append(j)
    out[:] = combine(ranks, lower, upper)
    if to_numpy:
        out[:, to_numpy] = np.percentile(arr[to_numpy], percentiles, axis=-1, method=method)
    return out
