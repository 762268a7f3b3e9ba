"""Percentiles by partition (:mod:`forcecalc.core.quantiles`) equal ``np.percentile`` bit for
bit, and ``band_rows`` built on them equals the ``np.percentile`` path it replaced."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from forcecalc.core import quantiles
from forcecalc.core.errors import ParameterError
from forcecalc.core.summary import PERCENTILES, band, band_rows

from .strategies import percentile_lists, sample_rows

METHODS = ("linear", "nearest")


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal shape, equal values (NaN = NaN) and equal bit patterns (-0.0 is not 0.0)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return (
        a.shape == b.shape
        and np.array_equal(a, b, equal_nan=True)
        and np.array_equal(a.view(np.int64), b.view(np.int64))
    )


def numpy_percentiles(values: np.ndarray, ps, method: str) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.percentile(values, ps, axis=-1, method=method)


def old_band_rows(values: np.ndarray, percentiles=PERCENTILES) -> np.ndarray:
    """``band_rows`` before percentiles by partition (the reference it must equal)."""
    finite = np.isfinite(values).all(axis=-1)
    out = np.empty((1 + len(percentiles), values.shape[0]))
    out[0] = values.mean(axis=-1)
    for rows, method in ((finite, "linear"), (~finite, "nearest")):
        if rows.any():
            out[1:, rows] = np.percentile(values[rows], percentiles, axis=-1, method=method)
    return out


def ours(values: np.ndarray, ps, method: str, per_row: bool) -> np.ndarray:
    """:func:`quantiles.percentiles`, forced through the per-row partitions if ``per_row``
    (else short rows take the vectorized path)."""
    limit = -1 if per_row else quantiles.VECTOR_MAX_N
    with mock.patch.object(quantiles, "VECTOR_MAX_N", limit), np.errstate(invalid="ignore"):
        return quantiles.percentiles(values, ps, method)


@settings(max_examples=300, deadline=None)
@given(sample_rows(), percentile_lists, st.sampled_from(METHODS), st.booleans())
@example(np.array([[-0.0, 0.0, 0.0, -0.0, 1.0]]), [0.0, 50.0, 100.0], "linear", True)
@example(np.array([[np.inf, -np.inf, 1.0]]), [5.0, 50.0, 95.0], "linear", True)
@example(np.array([[np.nan, 1.0, -np.nan]]), [5.0, 50.0], "nearest", True)
@example(np.array([[3.0]]), [0.0, 5.0, 100.0], "linear", True)
@example(np.array([[2.0, -0.0]]), [0.0, 50.0, 100.0], "linear", True)
@example(np.array([[-0.0] * 3000]), [-0.0, 0.0], "linear", True)
@example(np.array([[-1.0, -0.0, 0.0, 1.0, -2.0] * 4]), [0.0, 50.0], "nearest", True)
@example(np.array([[-0.0] * 3000]), [0.0, -0.0], "linear", False)
def test_percentiles_equal_numpy_bit_for_bit(values, ps, method, per_row):
    before = values.copy()
    got = ours(values, ps, method, per_row)
    assert same_bits(got, numpy_percentiles(values, ps, method))
    assert same_bits(values, before)  # the input is left as it was


@settings(max_examples=25, deadline=None)
@given(sample_rows(max_n=40_000, max_rows=2), st.sampled_from(METHODS))
def test_long_rows_take_the_partition_path_and_equal_numpy(values, method):
    ps = (5.0, 50.0, 95.0, 0.0, 100.0, 50.0)
    with np.errstate(invalid="ignore"):
        got = quantiles.percentiles(values, ps, method)
    assert same_bits(got, numpy_percentiles(values, ps, method))


def test_a_million_samples_equal_numpy():
    rng = np.random.default_rng(3)
    values = rng.lognormal(8.0, 0.4, size=(2, 1_000_000)).round(0)  # many ties
    got = quantiles.percentiles(values, PERCENTILES)
    assert same_bits(got, np.percentile(values, PERCENTILES, axis=-1))


@settings(max_examples=300, deadline=None)
@given(sample_rows(nan=False), percentile_lists, st.sampled_from(METHODS))
def test_order_statistics_of_the_sorted_sample_give_numpys_percentiles(values, ps, method):
    """What a distributed engine does: order statistics found anywhere, then combined. The
    sign of a zero between -0.0 and 0.0 ties is numpy's partition's choice, so zeros are +0."""
    values = values + 0.0  # -0.0 + 0.0 is 0.0
    ranks = quantiles.order_ranks(values.shape[1], ps, method)
    s = np.sort(values, axis=-1)
    with np.errstate(invalid="ignore"):  # inf - inf
        got = quantiles.combine(ranks, s[:, ranks.lower].T, s[:, ranks.upper].T)
        ones = [quantiles.combine(ranks, r[ranks.lower], r[ranks.upper]) for r in s]
    assert same_bits(got, numpy_percentiles(values, ps, method))
    for one, row in zip(ones, values, strict=True):  # one sample at a time, 1-d
        assert same_bits(one, numpy_percentiles(row, ps, method))


@pytest.mark.parametrize(
    ("n", "p", "lower", "upper"),
    [(1, 50.0, 0, 0), (2, 50.0, 0, 1), (2, 100.0, 1, 1), (11, 5.0, 0, 1), (101, 95.0, 95, 96)],
)
def test_order_ranks_name_the_neighbouring_order_statistics(n, p, lower, upper):
    ranks = quantiles.order_ranks(n, [p])
    assert (int(ranks.lower[0]), int(ranks.upper[0])) == (lower, upper)
    assert 0.0 <= ranks.weights[0] <= n  # numpy's weight at the top is v + 1
    assert ranks.needed().tolist() == sorted({lower, upper})


def test_nearest_ranks_round_half_to_even():
    ranks = quantiles.order_ranks(4, [50.0, 0.0, 100.0], "nearest")  # v = 1.5, 0, 3
    assert ranks.lower.tolist() == ranks.upper.tolist() == [2, 0, 3]


def test_interpolate_takes_the_upper_side_from_weight_one_half():
    lo, hi = np.array([1.0, 1.0, 0.1]), np.array([2.0, 2.0, 0.7])
    t = np.array([0.25, 0.75, 0.5])
    expected = [1.0 + 1.0 * 0.25, 2.0 - 1.0 * 0.25, 0.7 - (0.7 - 0.1) * 0.5]
    assert same_bits(quantiles.interpolate(lo, hi, t), np.array(expected))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": 10, "percentiles": [101.0]}, "percentiles: got 101; expected"),
        ({"n": 10, "percentiles": [float("nan")]}, "percentiles: got nan"),
        ({"n": 10, "percentiles": []}, "percentiles: got nothing"),
        ({"n": 0, "percentiles": [5.0]}, "n: got 0; expected a whole number"),
        ({"n": 10, "percentiles": [5.0], "method": "cubic"}, "method: got 'cubic'"),
    ],
)
def test_order_ranks_refuse_what_numpy_refuses(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        quantiles.order_ranks(**kwargs)


def test_percentiles_want_rows():
    with pytest.raises(ParameterError, match=r"values: got an array of shape \(3,\)"):
        quantiles.percentiles(np.ones(3), [50.0])


@settings(max_examples=200, deadline=None)
@given(sample_rows(max_n=3000, max_rows=4), percentile_lists)
def test_band_rows_equal_the_percentile_path_they_replaced(values, ps):
    with np.errstate(invalid="ignore", over="ignore"):
        got, expected = band_rows(values, ps), old_band_rows(values, ps)
        assert same_bits(got[0], values.mean(axis=-1))  # the mean is numpy's, untouched
    assert same_bits(got, expected)


def test_band_rows_of_a_broadcast_scalar_and_overflowing_rows():
    with np.errstate(over="ignore"):
        huge = np.full((2, 5000), 1e308)  # finite values whose mean overflows to inf
        huge[1, 7] = np.inf
        assert same_bits(band_rows(huge), old_band_rows(huge))
    scalar = np.broadcast_to(np.float64(-0.0), (1, 4000))
    assert same_bits(band_rows(scalar), old_band_rows(scalar))
    b = band(2.5, 3000)
    assert (b.mean, b.p5, b.p50, b.p95) == (2.5, 2.5, 2.5, 2.5)
