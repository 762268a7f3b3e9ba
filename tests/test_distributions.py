"""Uncertain-quantity specifications: quantiles, 90% intervals, truncation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from forcecalc.core.distributions import (
    Interval90,
    LogNormal,
    Normal,
    Pert,
    Point,
    Triangular,
    Uniform,
    truncated_ppf,
)
from forcecalc.core.scenario import Domain

from .strategies import distributions

U = np.array([0.05, 0.5, 0.95])


def test_interval90_lognormal_hits_its_percentiles() -> None:
    d = Interval90(5, 15)
    np.testing.assert_allclose(d.ppf(U), [5, np.sqrt(75), 15], rtol=1e-12)
    assert "lognormal" in d.describe()


def test_interval90_normal_when_low_not_positive() -> None:
    d = Interval90(-2, 4)
    np.testing.assert_allclose(d.ppf(U), [-2, 1, 4], rtol=1e-12)
    assert isinstance(d.inner, Normal)


@pytest.mark.parametrize(
    ("ours", "scipys"),
    [
        (Normal(10, 2), stats.norm(10, 2)),
        (LogNormal(100, 0.5), stats.lognorm(0.5, scale=100)),
        (Uniform(1, 3), stats.uniform(1, 2)),
        (Triangular(0, 1, 4), stats.triang(0.25, loc=0, scale=4)),
        (Pert(0, 1, 4), stats.beta(1 + 4 * 1 / 4, 1 + 4 * 3 / 4, loc=0, scale=4)),
    ],
)
def test_quantiles_and_cdf_match_scipy(ours, scipys) -> None:
    u = np.linspace(0.01, 0.99, 25)
    np.testing.assert_allclose(ours.ppf(u), scipys.ppf(u), rtol=1e-9, atol=1e-12)
    x = scipys.ppf(u)
    np.testing.assert_allclose(ours.cdf(x), u, rtol=1e-9, atol=1e-12)


def test_point_is_constant() -> None:
    np.testing.assert_array_equal(Point(7).ppf(U), [7, 7, 7])


def test_truncation_keeps_values_in_domain() -> None:
    d = Normal(0.1, 0.5)
    values = truncated_ppf(d, np.linspace(1e-9, 1 - 1e-9, 1001), 0.0, 1.0)
    assert values.min() >= 0.0
    assert values.max() <= 1.0
    # exact truncation: the median of the truncated normal
    f_lo, f_hi = d.cdf(0.0), d.cdf(1.0)
    assert truncated_ppf(d, 0.5, 0.0, 1.0) == pytest.approx(d.ppf(f_lo + 0.5 * (f_hi - f_lo)))


def test_truncation_is_identity_inside_support() -> None:
    d = Uniform(0.2, 0.4)
    np.testing.assert_array_equal(truncated_ppf(d, U, 0.0, 1.0), d.ppf(U))


@settings(max_examples=100, deadline=None)
@given(distributions(Domain(0.0, 1.0, upper_open=True), cap=1.0), st.floats(0.001, 0.999))
def test_ppf_inverts_cdf_and_is_monotone(dist, u) -> None:
    if isinstance(dist, Point):
        return
    us = np.array([u / 2, u, (1 + u) / 2])
    x = dist.ppf(us)
    assert np.all(np.diff(x) >= -1e-12)
    np.testing.assert_allclose(dist.cdf(x), us, atol=1e-6)


def test_z90_is_scipys_95th_percentile_of_the_standard_normal() -> None:
    """Z90 is written out (importing the model does not load scipy.special): it must be
    ``ndtri(0.95)`` to the bit."""
    from scipy import special

    from forcecalc.core.distributions import Z90

    assert float(special.ndtri(0.95)) == Z90
