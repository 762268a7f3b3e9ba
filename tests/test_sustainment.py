"""Rotation by category, pools and pledges tied to categories, and delivery probabilities
(:mod:`forcecalc.core.sustainment`; issue 10, items 4 and 7)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forcecalc import run
from forcecalc.core import model
from forcecalc.core.chunked import run_chunked
from forcecalc.core.distributions import Point
from forcecalc.core.model import evaluate
from forcecalc.core.scenario import Pledge
from forcecalc.core.sustainment import (
    category_prefix,
    coverage,
    delivered,
    restricted_coverage,
    rule_multiplier,
)
from forcecalc.report.render import render_run
from forcecalc.scenario.loader import parse_scenario
from forcecalc.scenario.writer import dump_scenario
from tests.strategies import point_values, sustained_scenarios

#: A GCSP option B-like force: 10,000 military and 5,000 civilian monitors on 12-month
#: contracts who do not rotate like soldiers; a military pool, and pledges tied to categories.
BY_CATEGORY = """\
schema_version: 1
name: Rotation and cover by category
description: Military rotate by thirds; civilian monitors serve 12-month contracts.
geometry:
  front_length_km: {value: 1000, assumption: a round number for tests}
  buffer_width_km: {value: 5, assumption: a round number for tests}
tasks:
  - name: infantry
    category: military
    basis: per_km_front
    rate: {value: 10, assumption: a round number for tests}
  - name: monitors
    category: civilian_monitors
    basis: fixed
    count: {value: 5000, assumption: a round number for tests}
sustainment:
  rotation_multiplier: {value: 3, assumption: the rule of thirds}
  by_category:
    civilian_monitors:
      tour_months: {value: 12, assumption: 12-month contracts}
      dwell_months: {value: 0, assumption: each contract filled by a new hire}
force_generation:
  pledges:
    - contributor: Atlantis
      personnel: {value: 10000, assumption: a round number for tests}
      covers: [military]
    - contributor: Lemuria
      personnel: {value: 6000, assumption: a round number for tests}
      covers: [civilian_monitors]
      delivery_probability: {value: 0.6, assumption: if the parliament agrees}
  pool:
    personnel: {value: 500000, assumption: a round number for tests}
    deployable_share: {value: 0.4, assumption: "NATO usability: 40% deployable"}
    sustainable_share: {value: 0.2, assumption: "NATO usability: 8% of land forces, 0.2 of 40%"}
    covers: [military]
"""


def _scenario(text: str = BY_CATEGORY):
    return parse_scenario(text, "by-category.yaml")


# --------------------------------------------------------------------------------------------
# Examples


def test_committed_is_the_sum_over_categories_of_each_rule() -> None:
    """10,000 military × 3 + 5,000 monitors × 1 = 35,000, not 15,000 × 3 = 45,000 (issue 10:
    for a GCSP option B-like force one multiplier makes committed ~30% high)."""
    result = run(_scenario(), samples=64, seed=1)
    s = result.summary
    assert s.metrics["committed"].p50 == pytest.approx(35_000)
    assert s.metrics["rotation_multiplier"].p50 == pytest.approx(35_000 / 15_000)
    assert s.committed_categories["military"].p50 == pytest.approx(30_000)
    assert s.committed_categories["civilian_monitors"].p50 == pytest.approx(5_000)


def test_a_pool_covers_only_its_categories() -> None:
    """The pool's 40,000 sustainable are compared with the 10,000 military, not 15,000."""
    s = run(_scenario(), samples=64, seed=1).summary
    assert s.metrics["pool_coverage"].p50 == pytest.approx(500_000 * 0.4 * 0.2 / 10_000)


def test_pledges_tied_to_categories_and_delivered_with_a_probability() -> None:
    """Atlantis covers the military exactly; Lemuria the monitors only when it delivers."""
    result = run(_scenario(), samples=4096, seed=3)
    s = result.summary
    assert s.probabilities["p_pledges_suffice"] == pytest.approx(0.6, abs=0.01)
    pledged = result.outcome.pledged
    assert set(np.unique(pledged)) == {10_000.0, 16_000.0}
    # without Lemuria the monitors are not covered at all: coverage 0 in those samples
    assert set(np.unique(result.outcome.pledge_coverage)) == {0.0, 1.0}


def test_the_outputs_say_what_each_coverage_compares_with() -> None:
    result = run(_scenario(), samples=64, seed=1)
    data = json.loads(render_run(result, "json"))
    assert data["coverage_compares_with"] == {
        "pledge_coverage": "deployed of military, civilian_monitors (least-covered set of "
        "categories)",
        "pool_coverage": "deployed of military",
    }
    assert data["committed_categories"]["civilian_monitors"]["p50"] == pytest.approx(5_000)
    table = render_run(result, "table")
    assert "Committed by category (own rotation rules)" in table
    assert "pool sustainable ÷ deployed of military " in table
    assert "pledged ÷ deployed of military, civilian_monitors" in table


def test_files_without_the_new_keys_keep_their_outputs() -> None:
    """No committed-by-category section or key, and the usual labels."""
    plain = BY_CATEGORY.split("  by_category:")[0] + "\n"
    plain += "force_generation:\n  pledges:\n    - contributor: Atlantis\n"
    plain += "      personnel: {value: 10000, assumption: a round number for tests}\n"
    result = run(_scenario(plain), samples=64, seed=1)
    data = json.loads(render_run(result, "json"))
    assert "committed_categories" not in data and "coverage_compares_with" not in data
    table = render_run(result, "table")
    assert "Committed by category" not in table and "pledged ÷ deployed " in table  # says what
    assert result.summary.metrics["rotation_multiplier"].p50 == 3.0


def test_a_set_draw_decides_delivery_and_leaves_the_other_samples_alone() -> None:
    """The delivery draw is a figure with its own design column: common random numbers."""
    scenario = _scenario().with_distributions(
        {"tasks.infantry.rate": parse_scenario(BY_CATEGORY).figures["tasks.infantry.rate"].dist}
    )
    base = run(scenario, samples=256, seed=5)
    fixed = run(
        scenario,
        samples=256,
        seed=5,
        overrides={"force_generation.pledges.Lemuria.delivered": 0.5},
    )
    assert np.all(fixed.outcome.pledged == 16_000.0)  # 0.5 >= 1 - 0.6
    np.testing.assert_array_equal(base.outcome.deployed, fixed.outcome.deployed)


def test_the_delivery_draw_is_a_source_listed_figure() -> None:
    figure = _scenario().figures["force_generation.pledges.Lemuria.delivered"]
    assert figure.unit == "fraction" and figure.is_uncertain
    assert "1 - delivery_probability" in figure.source.label()


def test_restricted_coverage_checks_every_set_of_categories() -> None:
    """Gale's condition: 100 covering {a, b} and 100 covering {b} cannot fill a: 150, b: 50,
    though 200 ≥ 200 in total: a alone is served only by the first (100 / 150)."""
    supplies = [np.array(100.0), np.array(100.0)]
    required = {"a": np.array(150.0), "b": np.array(50.0)}
    assert restricted_coverage(supplies, [("a", "b"), ("b",)], required) == pytest.approx(2 / 3)
    assert restricted_coverage(supplies, [(), ()], required) == pytest.approx(1.0)
    # a category nobody covers is not compared
    assert restricted_coverage(supplies, [("b",), ("b",)], required) == pytest.approx(4.0)


def test_delivered_is_all_or_nothing() -> None:
    u = np.array([0.0, 0.3, 0.39, 0.4, 0.99])
    np.testing.assert_array_equal(delivered(100.0, 0.6, u), [0, 0, 0, 100, 100])
    np.testing.assert_array_equal(delivered(100.0, 1.0, u), [100] * 5)
    np.testing.assert_array_equal(delivered(100.0, 0.0, u), [0] * 5)


def test_round_trip_of_the_new_keys() -> None:
    scenario = _scenario()
    again = parse_scenario(dump_scenario(scenario), "again.yaml")
    assert again == scenario
    assert "delivered" not in dump_scenario(scenario)  # made by the reader, never written


# --------------------------------------------------------------------------------------------
# Properties


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_committed_is_the_sum_of_deployed_times_each_categorys_multiplier(data) -> None:
    scenario = data.draw(sustained_scenarios())
    values = data.draw(point_values(scenario))
    out = evaluate(scenario, values)
    own = dict(scenario.category_sustainment)
    default = rule_multiplier(scenario.sustainment, values, "sustainment.")
    expected = sum(
        deployed * (rule_multiplier(own[c], values, category_prefix(c)) if c in own else default)
        for c, deployed in out.by_category.items()
    )
    np.testing.assert_allclose(out.committed, expected, rtol=1e-12)
    if out.deployed > 0:
        np.testing.assert_allclose(out.rotation_multiplier, expected / out.deployed, rtol=1e-12)
    if not own:  # one rule for all: today's numbers, bit for bit
        assert out.committed == out.deployed * default and not out.committed_by_category


def _pledges_with(scenario, values, probability: float):
    """The scenario with every pledge delivered with ``probability``, and its values."""
    fg = scenario.force_generation
    figures = dict(scenario.figures)
    values = dict(values)
    pledges = []
    for p in fg.pledges:
        if not p.reliability:
            p = replace(p, reliability=True)
            figures[p.probability_path] = replace(
                figures[p.figure_path], path=p.probability_path, dist=Point(probability)
            )
            figures[p.draw_path] = figures[p.figure_path]  # any figure: only its value counts
        values[p.probability_path] = probability
        pledges.append(p)
    fg = replace(fg, pledges=tuple(pledges))
    return replace(scenario, figures=figures, force_generation=fg), values


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_a_pledge_delivered_for_sure_is_todays_and_never_a_refusal(data) -> None:
    scenario = data.draw(sustained_scenarios().filter(lambda s: s.force_generation is not None))
    values = data.draw(point_values(scenario))
    if not scenario.force_generation.pledges:
        return
    u = data.draw(st.floats(0.0, 1.0, exclude_max=True))
    plain_fg = replace(
        scenario.force_generation,
        pledges=tuple(
            Pledge(p.contributor, covers=p.covers) for p in scenario.force_generation.pledges
        ),
    )
    plain = replace(scenario, force_generation=plain_fg)
    sure, sure_values = _pledges_with(scenario, values, 1.0)
    never, never_values = _pledges_with(scenario, values, 0.0)
    for p in sure.force_generation.pledges:
        sure_values[p.draw_path] = never_values[p.draw_path] = u
    today = evaluate(plain, values)
    assert evaluate(sure, sure_values).pledged == today.pledged
    assert evaluate(sure, sure_values).pledge_coverage == today.pledge_coverage
    refused = dict(values)
    for p in plain_fg.pledges:
        refused[p.figure_path] = 0.0
    assert evaluate(never, never_values).pledged == evaluate(plain, refused).pledged == 0.0
    assert evaluate(never, never_values).pledge_coverage == evaluate(plain, refused).pledge_coverage


@settings(max_examples=60, deadline=None)
@given(sustained_scenarios())
def test_dump_then_load_round_trips(scenario) -> None:
    again = parse_scenario(dump_scenario(scenario), "generated.yaml")
    assert again.category_sustainment == scenario.category_sustainment
    assert again.force_generation == scenario.force_generation
    assert again.figures.keys() == scenario.figures.keys()


def test_coverage_is_still_exported_by_the_model() -> None:
    assert model.coverage is coverage


def test_a_claim_may_name_committed_by_category() -> None:
    text = BY_CATEGORY + (
        "expect:\n  - metric: committed_categories.civilian_monitors\n"
        "    approx: 5000\n    tolerance: 0.01\n    assumption: 5,000 on 12-month contracts\n"
    )
    result = run(_scenario(text), samples=64, seed=1)
    assert [c.met for c in result.claims()] == [True]


def test_run_large_keeps_committed_by_category() -> None:
    scenario = _scenario()
    large = run_chunked(scenario, samples=3000, seed=2, chunk_samples=1000)
    whole = run(scenario, samples=3000, seed=2, sampler="mc")
    assert large.summary.committed_categories == whole.summary.committed_categories
