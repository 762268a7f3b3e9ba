"""Sampling: reproducibility, designs, sample-count rules, common random numbers."""

from __future__ import annotations

import numpy as np
import pytest

from forcecalc import UsageError, load_scenario, run
from forcecalc.resources import default_scenario
from forcecalc.sampling import Sampler, sample, unit_design


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(default_scenario())


@pytest.mark.parametrize("sampler", list(Sampler))
def test_same_seed_same_samples_bit_for_bit(scenario, sampler) -> None:
    a = sample(scenario, 1024, seed=7, sampler=sampler)
    b = sample(scenario, 1024, seed=7, sampler=sampler)
    for path in scenario.figures:
        np.testing.assert_array_equal(a.values[path], b.values[path])


def test_different_seed_different_samples(scenario) -> None:
    a = sample(scenario, 256, seed=1).values["geometry.front_length_km"]
    b = sample(scenario, 256, seed=2).values["geometry.front_length_km"]
    assert not np.array_equal(a, b)


def test_latin_hypercube_puts_one_point_in_each_stratum() -> None:
    u = unit_design(3, 100, seed=3, sampler=Sampler.LHS)
    for j in range(3):
        np.testing.assert_array_equal(np.sort(np.floor(u[:, j] * 100)), np.arange(100))


def test_design_stays_inside_the_open_cube() -> None:
    for sampler in Sampler:
        u = unit_design(4, 512, seed=0, sampler=sampler)
        assert u.shape == (512, 4)
        assert u.min() > 0 and u.max() < 1


def test_sobol_needs_a_power_of_two() -> None:
    with pytest.raises(UsageError, match=r"--samples: got 1000; expected a power of two"):
        unit_design(2, 1000, 0, Sampler.SOBOL)


@pytest.mark.parametrize("n", [0, -5, 10_000_001])
def test_sample_count_bounds(n) -> None:
    with pytest.raises(UsageError, match=rf"--samples: got {n}"):
        unit_design(2, n, 0, Sampler.MC)


def test_points_stay_scalars_and_uncertain_figures_are_arrays(scenario) -> None:
    s = sample(scenario, 64)
    for path, figure in scenario.figures.items():
        assert np.shape(s.values[path]) == ((64,) if figure.is_uncertain else ())


def test_samples_follow_the_specification(scenario) -> None:
    """LHS samples of the 90% interval 1040-1250 km put 5% below 1040 and 5% above 1250."""
    x = sample(scenario, 20_000, seed=11).values["geometry.front_length_km"]
    assert np.mean(x < 1040) == pytest.approx(0.05, abs=0.002)
    assert np.mean(x > 1250) == pytest.approx(0.05, abs=0.002)


def test_override_keeps_other_figures_samples(scenario) -> None:
    """Every figure owns a column of the design: --set leaves the others' samples unchanged."""
    base = run(scenario, samples=512, seed=5)
    fixed = run(scenario, samples=512, seed=5, overrides={"geometry.front_length_km": 1200})
    rate = "tasks.line_infantry.rate"
    np.testing.assert_array_equal(base.samples.values[rate], fixed.samples.values[rate])
    assert float(fixed.samples.values["geometry.front_length_km"]) == 1200


def test_quasi_monte_carlo_converges_faster_than_mc(scenario) -> None:
    """Over repeated seeds the Sobol estimate of the mean varies less than plain Monte Carlo's."""

    def spread(sampler: Sampler) -> float:
        means = [
            run(scenario, 1024, seed=s, sampler=sampler).summary.metrics["deployed"].mean
            for s in range(12)
        ]
        return float(np.std(means))

    assert spread(Sampler.SOBOL) < spread(Sampler.MC)
