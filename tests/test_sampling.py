"""Sampling: reproducibility, designs, sample-count rules, common random numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from forcecalc import load_scenario, run
from forcecalc.core.distributions import Interval90
from forcecalc.core.errors import ParameterError
from forcecalc.core.sampling import (
    Sampler,
    check_sample_count,
    check_seed,
    describe_figure,
    domain_cut,
    figure_values,
    sample,
    unit_design,
)
from forcecalc.core.scenario import Domain, Figure
from forcecalc.report.render import sources_rows
from forcecalc.scenario.resources import default_scenario

from .strategies import ASSUMED


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
    with pytest.raises(ParameterError, match=r"^samples: got 1000; expected a power of two"):
        unit_design(2, 1000, 0, Sampler.SOBOL)


@pytest.mark.parametrize("n", [0, -5, 10_000_001])
def test_sample_count_bounds(n) -> None:
    with pytest.raises(ParameterError, match=rf"^samples: got {n}") as caught:
        unit_design(2, n, 0, Sampler.MC)
    assert caught.value.parameter == "samples"


def test_sample_count_takes_its_caller_s_limit() -> None:
    """A chunked run allows more samples than one evaluation, by the same rule."""
    check_sample_count(20_000_000, Sampler.MC, most=100_000_000)
    with pytest.raises(ParameterError, match=r"^samples: got 101; expected .* 1 to 100$"):
        check_sample_count(101, Sampler.MC, most=100)


@pytest.mark.parametrize("seed", [-1, 2**64])
def test_seed_bounds_name_the_parameter(seed) -> None:
    with pytest.raises(ParameterError, match=rf"^seed: got {seed}; expected a whole number"):
        check_seed(seed)


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


# --------------------------------------------------------------------------------------------
# A range cut by its figure's domain


def _figure(dist, domain: Domain) -> Figure:
    return Figure("force_generation.pledges.X.personnel", "personnel", dist, ASSUMED, domain)


@pytest.mark.parametrize(
    ("dist", "domain", "cut", "p5", "p95"),
    [
        # "anything up to 10,000" as a normal 90% interval loses its lower tail at 0
        (Interval90(0, 10_000), Domain(), 0.05, 1061.0, 10_080.0),
        # a lognormal share whose 95th percentile would pass 1
        (Interval90(0.2, 0.9), Domain(0.0, 1.0, upper_open=True), None, None, 0.809),
        # nothing cut: the ends are the percentiles
        (Interval90(5, 15), Domain(), 0.0, 5.0, 15.0),
    ],
)
def test_a_range_cut_by_its_domain_says_so_with_its_sampled_percentiles(
    dist, domain, cut, p5, p95
) -> None:
    figure = _figure(dist, domain)
    if cut is not None:
        assert domain_cut(figure) == pytest.approx(cut, abs=1e-9)
    low, high = figure_values(figure, np.array([0.05, 0.95]))
    if p5 is not None:
        assert low == pytest.approx(p5, rel=1e-3)
    assert high == pytest.approx(p95, rel=1e-3)
    text = describe_figure(figure)
    assert text.startswith(dist.describe())
    assert ("cut off by its domain" in text) == (domain_cut(figure) >= 1e-3)
    if "cut off" in text:
        assert f"{domain_cut(figure):.1%} cut off" in text and "sampled P5–P95" in text


def test_the_sources_table_shows_a_cut_range(tmp_path) -> None:
    base = Path(__file__).parent / "bad_inputs" / "valid-base.yaml"
    text = base.read_text(encoding="utf-8").replace(
        "personnel: {value: 2000, assumption: a round number for tests}",
        "personnel: {low: 0, high: 10000, assumption: anything up to ten thousand}",
    )
    path = tmp_path / "cut.yaml"
    path.write_text(text, encoding="utf-8")
    rows = {r["figure"]: r["value"] for r in sources_rows(load_scenario(path))}
    assert rows["force_generation.pledges.Atlantis.personnel"].endswith(
        "5.0% cut off by its domain [0, inf): sampled P5–P95 1,061–10,080"
    )
