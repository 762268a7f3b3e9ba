"""Golden results: every shipped scenario validates and its sources' claims hold at a fixed seed."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings

from forcecalc import dump_scenario, load_scenario, parse_scenario, run
from forcecalc.distributions import Point
from forcecalc.resources import default_scenario, scenarios_dir
from forcecalc.sources import Assumption, Citation, RegisterSource

from .strategies import scenarios

SHIPPED = sorted(scenarios_dir().rglob("*.yaml"))


def test_there_are_shipped_scenarios_and_a_default() -> None:
    assert len(SHIPPED) >= 5
    assert default_scenario() in SHIPPED


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_claims_hold_at_the_default_seed(path: Path) -> None:
    result = run(load_scenario(path))
    assert result.scenario.expect, "every shipped scenario states what its sources claim"
    for claim in result.claims():
        assert claim.met, f"{claim.expectation.describe()}: got {claim.value:,.0f}"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_figure_is_cited_or_a_reasoned_assumption(path: Path) -> None:
    scenario = load_scenario(path)
    for figure in scenario.figures.values():
        match figure.source:
            case Assumption(reason=reason):
                assert len(reason.split()) >= 5, f"{figure.path}: say why"
            case Citation(title=title):
                assert title
            case RegisterSource(figure=fig):
                assert fig.quote


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenarios_round_trip_through_yaml(path: Path) -> None:
    scenario = load_scenario(path)
    assert parse_scenario(dump_scenario(scenario)) == scenario


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_load_dump_load_round_trip(scenario) -> None:
    text = dump_scenario(scenario)
    again = parse_scenario(text)
    assert again == scenario
    assert dump_scenario(again) == text


def test_seed_001_hand_worked() -> None:
    """Reuters' 40,000 × 2.5 = 100,000: with every figure set to its median the model gives
    28.28 per km (the median of a 20-40 lognormal interval) × 1,140 km × 1.238."""
    scenario = load_scenario(default_scenario())
    result = run(
        scenario,
        samples=1,
        overrides={
            "geometry.front_length_km": 1140,
            "geometry.buffer_width_km": 5,
            "tasks.line_infantry.rate": 28.28,
        },
    )
    expected = 28.28 * 1140 * (1 + 0.204 + 0.034)
    assert result.summary.metrics["deployed"].p50 == pytest.approx(expected)
    assert result.summary.metrics["committed"].p50 == pytest.approx(expected * 2.5)


def test_same_seed_gives_identical_results() -> None:
    scenario = load_scenario(default_scenario())
    a, b = run(scenario, 2048, seed=9), run(scenario, 2048, seed=9)
    assert a.summary == b.summary


@pytest.mark.parametrize("value", [0.875, 1.375, 12.5, 999.999])
def test_fractional_personnel_round_trips(value: float) -> None:
    """Found by the round-trip property: 1.375 people must not come back as 1,375."""
    scenario = load_scenario(default_scenario())
    path = "force_generation.pledges.United Kingdom.personnel"
    changed = scenario.with_distributions({path: Point(value)})
    assert parse_scenario(dump_scenario(changed)) == changed
