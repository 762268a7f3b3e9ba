"""The model: worked examples, and properties that hold for every valid scenario."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from forcecalc.core import densities, model
from forcecalc.core.distributions import Point
from forcecalc.core.errors import ScenarioError
from forcecalc.core.model import evaluate
from forcecalc.core.runner import run
from forcecalc.core.scenario import Basis
from forcecalc.core.summary import first_non_finite
from forcecalc.scenario.loader import load_scenario

from .strategies import point_values, post_lines, scenarios


def test_per_km_scalar_and_array() -> None:
    assert model.per_km(8.2, 1218) == pytest.approx(9987.6)
    np.testing.assert_allclose(model.per_km(np.array([1.0, 2.0]), 100.0), [100.0, 200.0])


def test_buffer_of_seed_000() -> None:
    """5 km along a 1,218 km front is 6,090 km²; 5,000 police is 0.82 per km²."""
    area = model.buffer_area_km2(1218, 5)
    assert area == 6090
    assert model.per_km2(5000 / area, area) == pytest.approx(5000)


def test_posts_round_up() -> None:
    assert model.posts_along(80, 1.5) == 54  # UNDOF: ~55 positions on ~80 km
    np.testing.assert_array_equal(model.per_post([10.0, 10.5], 2.0, 5), [25.0, 30.0])


@pytest.mark.parametrize(
    ("front", "spacing", "posts"), [(21, 0.7, 30), (69, 2.3, 30), (42, 0.7, 60), (123, 4.1, 30)]
)
def test_posts_are_not_over_counted_by_rounding(front: float, spacing: float, posts: int) -> None:
    """21 / 0.7 is 30.000000000000004 in floats: 30 posts (360 with a crew of 12), not 31."""
    assert model.posts_along(front, spacing) == posts
    assert model.per_post(front, spacing, 12) == posts * 12
    np.testing.assert_array_equal(model.per_post([front, front], spacing, 12), [posts * 12] * 2)


@given(post_lines())
@example((0.7, 30)).via("the audit's 21 km at 0.7 km")
@example((2.3, 30)).via("69 km at 2.3 km")
@example((4.1, 30)).via("123 km at 4.1 km")
@example((0.0047, 7_626_954)).via("found by this test when posts were rounded to 9 decimals")
def test_a_whole_number_of_spacings_gives_exactly_that_many_posts(line: tuple[float, int]) -> None:
    """``spacing × k`` km of front is ``k`` posts; half a spacing more needs one post more."""
    spacing, k = line
    front, more = spacing * k, spacing * (k + 0.5)
    assert model.posts_along(front, spacing) == k
    assert model.posts_along(more, spacing) == k + 1
    np.testing.assert_array_equal(
        model.per_post(np.array([front, more]), spacing, 12.0), [12.0 * k, 12.0 * (k + 1)]
    )
    assert model.posts_along(front, spacing) == densities.posts_requirement(front, spacing, 1.0)


def test_a_per_post_task_of_the_audit_scenario_counts_30_posts() -> None:
    """The audit's scenario with a 21 km front and a post every 0.7 km: 30 × 12 = 360."""
    scenario = load_scenario(BASE_FILE)
    values = {path: 1.0 for path in scenario.figures}
    values |= {
        "geometry.front_length_km": 21.0,
        "tasks.observers.spacing_km": 0.7,
        "tasks.observers.crew": 12.0,
        "technology_offset": 0.0,
    }
    assert evaluate(scenario, values).by_task["observers"] == 360.0


@pytest.mark.parametrize(
    ("tour", "dwell", "expected"),
    [(6, 12, 3.0), (6, 24, 5.0), (12, 24, 3.0), (4, 6, 2.5)],
)
def test_rotation_multiplier_rules(tour: float, dwell: float, expected: float) -> None:
    """Rule of thirds = 3, UK harmony 6/24 = 5, US Army 1:2 = 3, Reuters' 40k→100k = 2.5."""
    assert model.rotation_multiplier(tour, dwell) == pytest.approx(expected)


def test_technology_factor() -> None:
    assert model.technology_factor(0.25, reducible=True) == pytest.approx(0.75)
    np.testing.assert_array_equal(model.technology_factor(np.array([0.1, 0.9]), False), [1, 1])


def test_pool_sustainable_eda() -> None:
    """1.47M active, 10% deployable, a third of that sustainable: ~49,000."""
    assert model.pool_sustainable(1_470_000, 0.10, 1 / 3) == pytest.approx(49_000)


def test_coverage_of_zero_requirement_is_inf() -> None:
    assert np.isinf(model.coverage(10.0, 0.0))


def test_coverage_of_nothing_for_nothing_is_one_not_nan() -> None:
    """0 pledged for 0 required: exactly covered (1), so the pledges suffice; never NaN."""
    assert model.coverage(0.0, 0.0) == 1.0
    np.testing.assert_array_equal(
        model.coverage(np.array([0.0, 5.0, 0.0, 5.0]), np.array([0.0, 0.0, 10.0, 10.0])),
        [1.0, np.inf, 0.0, 0.5],
    )


def test_zero_pledged_for_a_zero_requirement_suffices() -> None:
    """The audit's run: every task 0, every pledge 0. P(pledges suffice) is 100%, the ratio 1."""
    zero = {
        path: Point(0.0)
        for path in (
            "tasks.infantry.rate",
            "tasks.border_police.rate",
            "tasks.headquarters.count",
            "tasks.observers.crew",
            "force_generation.pledges.Atlantis.personnel",
            "force_generation.pool.personnel",
        )
    }
    result = run(load_scenario(BASE_FILE).with_distributions(zero), samples=16, seed=1)
    coverage = result.summary.metrics["pledge_coverage"]
    assert (coverage.mean, coverage.p5, coverage.p50, coverage.p95) == (1.0, 1.0, 1.0, 1.0)
    assert result.summary.probabilities["p_pledges_suffice"] == 1.0
    assert result.summary.metrics["pool_coverage"].p50 == 1.0
    assert result.summary.probabilities["p_pool_suffices"] == 1.0


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_committed_is_deployed_times_multiplier(data: st.DataObject) -> None:
    scenario = data.draw(scenarios())
    out = evaluate(scenario, data.draw(point_values(scenario)))
    np.testing.assert_allclose(out.committed, out.deployed * out.rotation_multiplier, rtol=1e-12)
    np.testing.assert_allclose(out.deployed, sum(out.by_task.values()), rtol=1e-12)
    np.testing.assert_allclose(out.deployed, sum(out.by_category.values()), rtol=1e-12)


def _growing_paths(scenario) -> list[str]:
    """Figures whose growth should never lower the requirement."""
    paths = ["geometry.front_length_km", "geometry.buffer_width_km", "geometry.border_length_km"]
    for task in scenario.tasks:
        if task.basis is not Basis.PER_POST:
            paths += [task.figure_path(k) for k in ("rate", "count", "share")]
        else:
            paths.append(task.figure_path("crew"))
    return [p for p in paths if p in scenario.figures]


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_requirement_never_decreases_when_an_input_grows(data: st.DataObject) -> None:
    scenario = data.draw(scenarios())
    values = data.draw(point_values(scenario))
    path = data.draw(st.sampled_from(_growing_paths(scenario)))
    factor = data.draw(st.floats(1.0, 3.0))
    grown = dict(values)
    grown[path] = values[path] * factor
    upper = scenario.figures[path].domain.upper
    if grown[path] >= upper:
        grown[path] = values[path] + (upper - values[path]) / 2
    before, after = evaluate(scenario, values), evaluate(scenario, grown)
    assert after.deployed >= before.deployed * (1 - 1e-12)
    assert after.committed >= before.committed * (1 - 1e-12)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_array_equals_loop_over_scalars(data: st.DataObject) -> None:
    scenario = data.draw(scenarios())
    rows = [data.draw(point_values(scenario)) for _ in range(data.draw(st.integers(1, 5)))]
    arrays = {p: np.array([r[p] for r in rows]) for p in scenario.figures}
    vectorised = evaluate(scenario, arrays)
    for i, row in enumerate(rows):
        alone = evaluate(scenario, row)
        assert vectorised.deployed[i] == pytest.approx(float(alone.deployed), rel=1e-12)
        assert vectorised.committed[i] == pytest.approx(float(alone.committed), rel=1e-12)
        for name in alone.by_task:
            assert vectorised.by_task[name][i] == pytest.approx(
                float(alone.by_task[name]), rel=1e-12
            )


# --------------------------------------------------------------------------------------------
# The backstop after evaluation: a result that is not finite is an input error, never printed

BASE_FILE = Path(__file__).parent / "bad_inputs" / "valid-base.yaml"


def test_a_result_that_overflows_names_the_figures_instead_of_printing_inf() -> None:
    """Figures past the loader's limits (set here behind its back) make deployed infinite."""
    scenario = load_scenario(BASE_FILE).with_distributions(
        {"tasks.observers.spacing_km": Point(1e-300), "tasks.observers.crew": Point(1e300)}
    )
    with pytest.raises(ScenarioError) as info:
        run(scenario, samples=16, seed=1)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{BASE_FILE}:18:")  # the spacing's line in the file
    assert "at tasks.observers.spacing_km: got figures that make deployed infinite (sample 0:" in (
        message
    )
    assert "tasks.observers.spacing_km=1e-300" in message
    assert "tasks.observers.crew=1e+300" in message
    assert "expected figures whose results are finite numbers" in message


def test_a_coverage_with_nothing_to_cover_is_infinite_by_design() -> None:
    """No personnel required and pledges made: pledged ÷ required is inf, not an error."""
    zero = {
        path: Point(0.0)
        for path in ("tasks.infantry.rate", "tasks.border_police.rate", "tasks.headquarters.count")
    }
    zero["tasks.observers.crew"] = Point(0.0)
    result = run(load_scenario(BASE_FILE).with_distributions(zero), samples=16, seed=1)
    assert result.summary.metrics["deployed"].p95 == 0
    assert math.isinf(result.summary.metrics["pledge_coverage"].p50)
    assert result.summary.probabilities["p_pledges_suffice"] == 1.0


def test_first_non_finite_names_the_output_and_the_sample() -> None:
    ok = np.array([1.0, 2.0])
    nan = np.array([1.0, np.nan])
    outcome = model.Outcome({}, {}, ok, 1.0, ok, ok, ok, pledged=ok, pledge_coverage=ok)
    assert first_non_finite(outcome) is None
    assert first_non_finite(replace(outcome, committed=nan)) == ("committed", 1, "NaN")
    over_zero = replace(
        outcome, deployed=np.array([1.0, 0.0]), pledge_coverage=np.array([1.0, np.inf])
    )
    assert first_non_finite(over_zero) == ("pledge_coverage", 1, "infinite")
    assert first_non_finite(over_zero, {"pledge_coverage": over_zero.deployed}) is None
