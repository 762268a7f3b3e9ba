"""The in-place forms of the model's and the sampler's kernels equal the plain expressions they
replace bit for bit, and never write into their inputs (issue 15: speed without changing a bit).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special
from scipy.stats import qmc

from forcecalc.core import sectors, shares
from forcecalc.core.distributions import LogNormal, Normal, Uniform
from forcecalc.core.streams import sobol_rows
from forcecalc.core.sustainment import coverage

RNG = np.random.default_rng(15)
U = np.concatenate([[1e-12, 0.5, 1 - 1e-12], RNG.random(997)])


@pytest.mark.parametrize(
    ("dist", "formula"),
    [
        (LogNormal(1140.0, 0.06), lambda u: 1140.0 * np.exp(0.06 * special.ndtri(u))),
        (Normal(-3.0, 2.5), lambda u: -3.0 + 2.5 * special.ndtri(u)),
        (Uniform(5000.0, 10000.0), lambda u: 5000.0 + (10000.0 - 5000.0) * u),
    ],
)
def test_ppf_in_place_equals_the_formula_and_leaves_u(dist, formula) -> None:
    u = U.copy()
    got = dist.ppf(u)
    np.testing.assert_array_equal(u, U)  # the input is not written to
    assert got.tobytes() == formula(U).tobytes()
    scalar = dist.ppf(0.3)
    assert type(scalar) is type(formula(np.asarray(0.3)))
    assert scalar == formula(np.asarray(0.3))


@pytest.mark.parametrize(("k", "seed"), [(1, 0), (3, 9), (5, 20_250_101)])
def test_cached_sobol_engine_draws_what_a_new_engine_draws(k, seed) -> None:
    sobol_rows(k, seed, 64, 200)  # leaves the cached engine part-way through its sequence
    sobol_rows(k + 1, seed, 0, 8)
    fresh = qmc.Sobol(k, scramble=True, rng=np.random.default_rng(seed)).random(256)
    np.testing.assert_array_equal(sobol_rows(k, seed, 0, 256), fresh)
    np.testing.assert_array_equal(sobol_rows(k, seed, 32, 96), fresh[32:96])


def test_running_sum_is_sum_bit_for_bit_and_writes_no_input() -> None:
    parts = [np.array([-0.0, 1e16, 3.0]), 0.1, np.array([-0.0, 1.0, 1e-16]), np.float64(2.0)]
    before = [np.copy(p) for p in parts]
    got = shares.running_sum(parts)
    want = sum(parts)
    assert got.tobytes() == want.tobytes()  # -0.0 + 0 is +0.0, as sum gives
    for p, b in zip(parts, before, strict=True):
        np.testing.assert_array_equal(p, b)
    assert shares.running_sum([]) == 0
    assert shares.running_sum([np.float64(1.5), 2.0]) == 3.5


def test_accumulate_broadcasts_into_a_new_array_when_the_sum_grows() -> None:
    row = np.array([1.0, 2.0])
    grown = shares.accumulate(row, np.array([[1.0], [2.0]]))
    assert grown.shape == (2, 2)
    np.testing.assert_array_equal(row, [1.0, 2.0])
    ints = np.array([1, 2])
    assert shares.accumulate(ints, 0.5).tolist() == [1.5, 2.5]  # upcast: not in place
    assert ints.tolist() == [1, 2]


def test_sector_total_adds_left_to_right_and_writes_no_input() -> None:
    a, b, c = RNG.random(50), RNG.random(50) * 1e8, RNG.random(50) * 1e-8
    copies = [a.copy(), b.copy(), c.copy()]
    assert sectors.total([a, b, c]).tobytes() == (0.0 + a + b + c).tobytes()
    for p, q in zip((a, b, c), copies, strict=True):
        np.testing.assert_array_equal(p, q)
    assert sectors.total([2.0, a]).tobytes() == (0.0 + 2.0 + a).tobytes()


def test_coverage_in_place_equals_the_where_form() -> None:
    available = np.array([0.0, 0.0, 5.0, 5.0, np.nan])
    required = np.array([0.0, 2.0, 0.0, 2.0, 0.0])
    with np.errstate(divide="ignore", invalid="ignore"):
        want = np.where((required == 0) & (available == 0), 1.0, available / required)
    got = coverage(available, required)
    assert got.tobytes() == want.tobytes()
    assert coverage(0.0, 0.0) == 1.0 and np.isinf(coverage(1.0, 0.0))
    assert coverage(np.array([0.0, 3.0]), 0.0).tolist() == [1.0, np.inf]
