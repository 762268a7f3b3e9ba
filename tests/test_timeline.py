"""The timeline: force generation month by month (forcecalc.core.timeline, forcecalc timeline)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forcecalc import run
from forcecalc.cli.command import main
from forcecalc.core import glossary
from forcecalc.core import timeline as tl
from forcecalc.core.distributions import Point
from forcecalc.core.errors import ParameterError, ScenarioError
from forcecalc.core.model import evaluate
from forcecalc.core.sampling import sample
from forcecalc.core.scenario import Figure, Scenario, Timeline, TimelineContributor
from forcecalc.core.timeline_run import run_timeline
from forcecalc.report.render import sources_rows
from forcecalc.scenario.loader import load_scenario, parse_scenario
from forcecalc.scenario.writer import dump_scenario
from tests.strategies import ASSUMED, sustained_scenarios

EXAMPLE = Path(__file__).parent / "timeline" / "timeline.yaml"
FAST = ("--samples", "256", "--seed", "7")


def _point(path: str, value: float) -> Figure:
    term = glossary.FIGURES[path.rsplit(".", 1)[1]]
    return Figure(path, term.unit, Point(value), ASSUMED, term.domain)


def with_timeline(scenario: Scenario, months: int, **more: float) -> Scenario:
    """``scenario`` with a flat timeline of ``months`` and the figures ``more`` (``timeline.``)."""
    figures = dict(scenario.figures)
    for name, value in {"mandate_months": months, **more}.items():
        figures[f"timeline.{name}"] = _point(f"timeline.{name}", value)
    return replace(scenario, figures=figures, timeline=Timeline())


# --------------------------------------------------------------------------------------------
# Golden and unit


def test_64000_on_six_month_tours_for_two_years_pass_256000_through() -> None:
    """The Times, Apr 2025: "64,000 ... 256,000 over two years, taking into account rotation"."""
    deployed = np.full(24, 64_000.0)
    assert tl.pass_through(deployed, 6.0) == pytest.approx(256_000.0, rel=1e-12)
    # the same through the whole model: 62 per km × 1,000 km + 2,000 staff, all on six-month
    # tours, at full strength for the 24 months
    fixed = {
        "tasks.line_troops.rate": 62.0,
        "sustainment.by_category.headquarters.tour_months": 6.0,
        "timeline.full_strength_months": 24.0,
    }
    result = run_timeline(load_scenario(EXAMPLE), samples=16, seed=1, overrides=fixed)
    assert result.monthly["required_deployed"][2].tolist() == [64_000.0] * 24
    assert result.mandate["pass_through"].p50 == pytest.approx(256_000.0, rel=1e-12)


def test_profile_holds_full_strength_then_draws_down_linearly() -> None:
    share = tl.profile(tl.month_numbers(8), 2.0, 4.0, 0.5)
    assert share.ravel().tolist() == [1, 1, 0.875, 0.75, 0.625, 0.5, 0.5, 0.5]
    assert tl.profile(tl.month_numbers(3), 1.0, 0.0, 0.2).ravel().tolist() == [1, 0.2, 0.2]


def test_build_up_ramps_linearly_and_zero_months_is_full_at_once() -> None:
    assert tl.build_up_share(tl.month_numbers(4), 4.0).ravel().tolist() == [0.25, 0.5, 0.75, 1]
    assert tl.build_up_share(tl.month_numbers(2), 0.0).ravel().tolist() == [1, 1]


def test_a_withdrawal_hazard_of_h_leaves_within_a_year_with_chance_h() -> None:
    u = np.random.default_rng(0).random(200_000)
    present, gone = tl.presence(tl.month_numbers(13), 1.0, math.inf, 0.3, u)
    assert present[:, 12].mean() == pytest.approx(0.7, abs=0.005)  # a year on: in month 13
    assert not (present & gone).any()


@settings(max_examples=60, deadline=None)
@given(
    full=st.floats(0, 40),
    down=st.floats(0, 40),
    to=st.floats(0, 1),
    months=st.integers(1, 60),
)
def test_the_monthly_requirement_never_exceeds_the_profile_maximum(
    full: float, down: float, to: float, months: int
) -> None:
    share = tl.profile(tl.month_numbers(months), full, down, to)
    assert (share <= 1.0).all() and (share >= min(to, 1.0) - 1e-12).all()


# --------------------------------------------------------------------------------------------
# Properties of the whole model


@settings(max_examples=25, deadline=None)
@given(
    scenario=sustained_scenarios(max_tasks=4), months=st.integers(1, 30), seed=st.integers(0, 99)
)
def test_a_flat_full_timeline_gives_runs_steady_state_every_month(
    scenario: Scenario, months: int, seed: int
) -> None:
    """Flat profile, no drop-outs, full strength from month 1: every month is ``run``'s."""
    scenario = with_timeline(scenario, months)
    try:
        steady = run(scenario, samples=64, seed=seed)
    except ScenarioError as exc:  # figures too extreme: the timeline refuses them alike
        with pytest.raises(ScenarioError, match=re.escape(str(exc))):
            run_timeline(scenario, samples=64, seed=seed)
        return
    result = run_timeline(scenario, samples=64, seed=seed)
    for key, metric in (("required_deployed", "deployed"), ("required_committed", "committed")):
        b = steady.summary.metrics[metric]
        expected = np.array([[b.mean], [b.p5], [b.p50], [b.p95]])
        np.testing.assert_allclose(result.monthly[key], np.repeat(expected, months, 1), rtol=1e-12)
    if scenario.force_generation and scenario.force_generation.pledges:
        pledged = steady.summary.metrics["pledged"]
        np.testing.assert_allclose(result.monthly["available"][2], pledged.p50, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    low=st.floats(0, 0.95),
    more=st.floats(0, 0.95),
    top_up=st.booleans(),
    seed=st.integers(0, 99),
)
def test_more_withdrawal_never_raises_what_is_available(
    low: float, more: float, top_up: bool, seed: int
) -> None:
    high = min(low + more, 0.999)
    base = load_scenario(EXAMPLE)
    scenario = replace(base, timeline=replace(base.timeline, top_up=top_up))
    drawn = sample(scenario, 128, seed)
    outcome = evaluate(scenario, drawn.values)
    draws = tl.withdrawal_generator(seed).random((128, 3))

    def supply(h: float) -> np.ndarray:
        values = dict(drawn.values)
        for name in ("Atlantis", "Carpania"):
            values[TimelineContributor(name).figure_path("withdrawal_per_year")] = h
        return tl.monthly(scenario, values, outcome, draws, 24).available

    assert (supply(high) <= supply(low) + 1e-9).all()


def test_a_chunked_timeline_equals_the_whole() -> None:
    scenario = load_scenario(EXAMPLE)
    whole = run_timeline(scenario, samples=512, seed=3, sampler="mc")
    chunked = run_timeline(scenario, samples=512, seed=3, sampler="mc", chunk_samples=100)
    for key, value in whole.monthly.items():
        np.testing.assert_array_equal(value, chunked.monthly[key])
    assert whole.mandate == chunked.mandate and whole.probabilities == chunked.probabilities


def test_top_up_replaces_a_contributor_that_leaves_up_to_the_ceilings() -> None:
    scenario = load_scenario(EXAMPLE)
    fixed = {
        "timeline.build_up_months": 0.0,
        "force_generation.pledges.Borduria.delivery_probability": 1.0,
        "timeline.contributors.Atlantis.withdrawal_per_year": 0.0,
        "timeline.contributors.Carpania.withdrawal_per_year": 0.0,
    }
    result = run_timeline(scenario, samples=16, seed=1, overrides=fixed)
    available = result.monthly["available"][2]
    assert available[:3].tolist() == [26_000] * 3  # Borduria arrives in month 4
    assert available[3:18].tolist() == [34_000] * 15
    assert available[18:].tolist() == [31_000] * 6  # Atlantis tops up 5,000 of Borduria's 8,000
    off = replace(scenario, timeline=replace(scenario.timeline, top_up=False))
    figures = {k: v for k, v in off.figures.items() if not k.endswith(".ceiling")}
    plain = run_timeline(replace(off, figures=figures), samples=16, seed=1, overrides=fixed)
    assert plain.monthly["available"][2][18:].tolist() == [26_000] * 6


# --------------------------------------------------------------------------------------------
# Format


def test_the_timeline_round_trips_and_its_figures_are_sources() -> None:
    scenario = load_scenario(EXAMPLE)
    assert parse_scenario(dump_scenario(scenario)) == scenario
    listed = {row["figure"] for row in sources_rows(scenario)}
    assert "timeline.build_up_months" in listed
    assert "timeline.contributors.Carpania.withdrawal_per_year" in listed


def test_a_scenario_without_a_timeline_is_one_clear_error() -> None:
    scenario = load_scenario(EXAMPLE)
    with pytest.raises(ScenarioError, match=r"without a timeline section.*Timeline"):
        run_timeline(replace(scenario, timeline=None))


# --------------------------------------------------------------------------------------------
# Command line


def call(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_every_format(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code, out, err = call(capsys, "timeline", EXAMPLE, *FAST, "--format", fmt)
    assert code == 0 and not err
    if fmt == "json":
        data = json.loads(out)
        assert len(data["monthly"]["shortfall"]["p50"]) == 24
        assert data["provenance"]["seed"] == 7 and data["provenance"]["samples"] == 256
    else:
        assert "P(no shortfall in any month)" in out and "seed 7" in out


def test_months_and_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "t.json"
    code, out, _ = call(
        capsys, "timeline", EXAMPLE, *FAST, "--months", "6", "--format", "json", "--output", target
    )
    assert code == 0 and out == ""
    data = json.loads(target.read_text())
    assert data["months"] == 6
    assert data["provenance"]["overrides"] == {"timeline.mandate_months": 6.0}


@pytest.mark.parametrize(
    "argv, match",
    [
        (("--set", "timeline.bogus=1"), "did you mean"),
        (("--set", "timeline.drawdown_to=2"), "timeline.drawdown_to"),
        (("--months", "0"), "--months"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], match: str
) -> None:
    code, out, err = call(capsys, "timeline", EXAMPLE, *FAST, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and match in err


def test_a_scenario_without_a_timeline_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    base = Path(__file__).parent / "bad_inputs" / "valid-base.yaml"
    code, _, err = call(capsys, "timeline", base, *FAST)
    assert code == 2 and err.count("\n") == 1 and "timeline" in err


def test_samples_times_months_over_the_budget_is_refused_before_anything_runs() -> None:
    scenario = load_scenario(EXAMPLE)
    with pytest.raises(ParameterError, match=r"^samples: got 1,000,000 samples × 120 months"):
        run_timeline(scenario, samples=1_000_000, months=120, sampler="mc")
