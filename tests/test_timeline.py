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
from forcecalc.app.drivers import sweep_paths
from forcecalc.cli.command import main
from forcecalc.core import glossary
from forcecalc.core import timeline as tl
from forcecalc.core.distributions import Point
from forcecalc.core.errors import ParameterError, ScenarioError
from forcecalc.core.model import evaluate
from forcecalc.core.runner import override
from forcecalc.core.sampling import (
    TIMELINE_STREAM,
    design_figures,
    sample,
    sample_timeline,
    timeline_figures,
    timeline_seed,
)
from forcecalc.core.scenario import Figure, Scenario, Timeline, TimelineContributor
from forcecalc.core.timeline_gap import Supply, assigned_gap
from forcecalc.core.timeline_run import _mandate_stats, run_timeline
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
    own = sample_timeline(scenario, 128, seed)

    def supply(h: float) -> np.ndarray:
        values = {**drawn.values, **own}
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


# --------------------------------------------------------------------------------------------
# The timeline's own design: run and the analyses do not see it


def _without_timeline(tmp_path: Path, text: str) -> tuple[Path, Path]:
    """The scenario written twice: as it is, and with its timeline section cut."""
    start = text.index("\ntimeline:\n") + 1
    rest = re.search(r"^\S", text[start + len("timeline:\n") :], re.M)  # the next top-level key
    cut = text[:start] + (text[start + len("timeline:\n") + rest.start() :] if rest else "")
    with_t, without = tmp_path / "with.yaml", tmp_path / "without.yaml"
    with_t.write_text(text, encoding="utf-8")
    without.write_text(cut, encoding="utf-8")
    assert load_scenario(with_t).timeline is not None and load_scenario(without).timeline is None
    return with_t, without


def _normalized(capsys: pytest.CaptureFixture[str], argv: list[str], path: Path) -> str:
    code, out, err = call(capsys, argv[0], path, *argv[1:])
    text = f"{code}\n{out}\n{err}".replace(str(path), "<file>")
    return re.sub(r"[0-9a-f]{64}|[0-9a-f]{16}…", "<sha>", text)


ANALYSES = [
    ["run", "--samples", "512", "--seed", "7", "--format", "json"],
    ["run", "--samples", "256", "--seed", "3", "--sampler", "sobol"],
    ["run-large", "--samples", "3000", "--chunk", "1000", "--seed", "29", "--format", "json"],
    ["sensitivity", "--method", "tornado", "--format", "json"],
    ["sensitivity", "--method", "sobol", "--samples", "64", "--seed", "11", "--format", "json"],
    ["sensitivity", "--method", "rank", "--samples", "256", "--seed", "13", "--format", "json"],
    ["sweep", "--vary", "geometry.front_length_km=500:1500:3", "--samples", "256"],
    ["goal", "--pool", "100000", "--solve", "geometry.front_length_km", "--samples", "256"],
    ["analogs", "--samples", "256", "--seed", "31", "--format", "json"],
]


@pytest.mark.parametrize("argv", ANALYSES, ids=lambda a: "-".join(a[:3]))
def test_a_timeline_leaves_run_and_the_analyses_bit_for_bit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str]
) -> None:
    with_t, without = _without_timeline(tmp_path, EXAMPLE.read_text(encoding="utf-8"))
    got = _normalized(capsys, argv, with_t)
    assert got.startswith("0\n") and "timeline." not in got  # nor listed as an input
    assert got == _normalized(capsys, argv, without)


def test_the_shipped_reassurance_timeline_leaves_its_run_unchanged(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shipped = Path(__file__).parents[1] / "scenarios" / "reassurance-force.yaml"
    with_t, without = _without_timeline(tmp_path, shipped.read_text(encoding="utf-8"))
    for argv in (ANALYSES[0], ANALYSES[3], ["check", "--samples", "256", "--format", "csv"]):
        assert _normalized(capsys, argv, with_t) == _normalized(capsys, argv, without)


def test_the_design_leaves_out_the_timeline_and_the_timeline_has_its_own() -> None:
    scenario = load_scenario(EXAMPLE)
    main_paths = [f.path for f in design_figures(scenario)]
    own = [f.path for f in timeline_figures(scenario)]
    assert own and not any(p.startswith("timeline.") for p in main_paths)
    assert sorted(main_paths + own) == sorted(scenario.figures)
    drawn = sample(scenario, 64, 5)
    assert set(drawn.values) == set(main_paths)
    values = sample_timeline(scenario, 64, 5)
    assert set(values) == set(own)
    build_up = values["timeline.build_up_months"]
    strata = np.floor(scenario.figures["timeline.build_up_months"].dist.cdf(build_up) * 64)
    assert sorted(strata.tolist()) == list(range(64))  # a Latin hypercube of its own
    # its seed: a SeedSequence of the run's seed and the stream word, not the run's seed
    expected = np.random.SeedSequence([5, TIMELINE_STREAM]).generate_state(1, np.uint64)[0]
    assert timeline_seed(5) == int(expected) != 5
    assert not np.array_equal(
        build_up, sample_timeline(scenario, 64, 6)["timeline.build_up_months"]
    )


def test_the_timeline_uses_runs_samples_for_the_steady_state() -> None:
    """Month 1 is at full strength: its required percentiles are run's, bit for bit."""
    scenario = load_scenario(EXAMPLE)
    for sampler in ("lhs", "sobol", "mc"):
        steady = run(scenario, samples=256, seed=9, sampler=sampler)
        result = run_timeline(scenario, samples=256, seed=9, sampler=sampler)
        for key, metric in (("required_deployed", "deployed"), ("required_committed", "committed")):
            b = steady.summary.metrics[metric]
            mean, *percentiles = result.monthly[key][:, 0].tolist()
            assert percentiles == [b.p5, b.p50, b.p95]  # the same samples, bit for bit
            assert mean == pytest.approx(b.mean, rel=1e-12)  # summed in another order


def test_set_reaches_the_timeline_figures_and_leaves_run_alone() -> None:
    scenario = load_scenario(EXAMPLE)
    fixed = {"timeline.build_up_months": 0.0}
    ramped = run_timeline(scenario, samples=64, seed=2)
    at_once = run_timeline(scenario, samples=64, seed=2, overrides=fixed)
    assert ramped.monthly["available"][2, 0] < at_once.monthly["available"][2, 0]
    np.testing.assert_array_equal(
        ramped.monthly["required_deployed"], at_once.monthly["required_deployed"]
    )
    plain = run(scenario, samples=64, seed=2)
    assert run(scenario, samples=64, seed=2, overrides=fixed).summary == plain.summary


def test_a_correlation_naming_a_timeline_figure_is_one_clear_error() -> None:
    text = EXAMPLE.read_text(encoding="utf-8") + (
        "correlations:\n"
        "  - between: [tasks.line_troops.rate, timeline.build_up_months]\n"
        "    rank_correlation: 0.5\n"
        "    assumption: a round correlation\n"
    )
    with pytest.raises(ScenarioError, match=r"timeline.build_up_months, a timeline figure"):
        parse_scenario(text)


# --------------------------------------------------------------------------------------------
# Build-up by lift, withdrawal and what run compares


@settings(max_examples=40, deadline=None)
@given(rate=st.floats(100, 40_000), months=st.integers(1, 30), seed=st.integers(0, 99))
def test_deployment_per_month_limits_the_build_up_to_m_times_the_rate(
    rate: float, months: int, seed: int
) -> None:
    """Available at month m ≤ m × rate, and the pledges' total once the lift has caught up."""
    base = load_scenario(EXAMPLE)
    figures = {k: v for k, v in base.figures.items() if k != "timeline.build_up_months"}
    figures["timeline.deployment_per_month"] = _point("timeline.deployment_per_month", rate)
    scenario = replace(base, figures=figures)
    fixed = {
        "timeline.contributors.Atlantis.withdrawal_per_year": 0.0,
        "timeline.contributors.Carpania.withdrawal_per_year": 0.0,
        "force_generation.pledges.Borduria.delivery_probability": 1.0,
    }
    limited = run_timeline(scenario, samples=16, seed=seed, months=months, overrides=fixed)
    free = replace(
        scenario, figures={k: v for k, v in figures.items() if k != "timeline.deployment_per_month"}
    )
    total = run_timeline(free, samples=16, seed=seed, months=months, overrides=fixed)
    m = np.arange(1, months + 1)
    for i in (1, 2, 3):  # P5, P50, P95: every sample has the same pledges here
        got, unlimited = limited.monthly["available"][i], total.monthly["available"][i]
        assert (got <= m * rate * (1 + 1e-12)).all()
        np.testing.assert_allclose(got, np.minimum(unlimited, m * rate), rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    low=st.integers(0, 900), more=st.integers(0, 900), top_up=st.booleans(), seed=st.integers(0, 99)
)
def test_more_withdrawal_never_raises_the_chance_of_no_shortfall(
    low: int, more: int, top_up: bool, seed: int
) -> None:
    """Same draws, a higher hazard: each month's P(shortfall) and P(none in any month) never
    improve (the pledges have no covers, so available falls with the hazard)."""
    base = load_scenario(EXAMPLE)
    scenario = replace(base, timeline=replace(base.timeline, top_up=top_up))

    def result(h: float):
        paths = [
            TimelineContributor(n).figure_path("withdrawal_per_year")
            for n in ("Atlantis", "Carpania")
        ]
        return run_timeline(scenario, samples=128, seed=seed, overrides=dict.fromkeys(paths, h))

    calm, stormy = result(low / 1000), result(min(low + more, 990) / 1000)
    assert (stormy.p_shortfall >= calm.p_shortfall).all()
    assert stormy.probabilities["p_no_shortfall"] <= calm.probabilities["p_no_shortfall"]


def test_first_month_at_strength_moves_but_after_the_build_up_never_rises() -> None:
    """The first month at strength is descriptive: with the same draw, a contributor that
    leaves in month 3 loses a strength reached in month 2, while one that leaves in month 2
    delays it to month 4, past the dip (so "no shortfall once at strength" rose with the
    hazard). P(no shortfall after the build-up) looks at months 2 on in both: short in both.
    Requirement 26,000; build-up over 2 months; Carpania's 6,000 leave and Atlantis tops up
    5,000; Borduria's 8,000 arrive in month 4."""
    scenario = override(
        load_scenario(EXAMPLE),
        {
            "tasks.line_troops.rate": 24.0,
            "timeline.build_up_months": 2.0,
            "force_generation.pledges.Borduria.delivery_probability": 1.0,
            "timeline.contributors.Atlantis.withdrawal_per_year": 0.0,
        },
    )
    values = {**sample(scenario, 1, 0).values, **sample_timeline(scenario, 1, 0)}
    outcome = evaluate(scenario, values)
    u = 1.0 - 0.9**0.125  # stays 1.5 months with a hazard of 0.1, 0.23 with 0.5
    hazard = "timeline.contributors.Carpania.withdrawal_per_year"
    months = {
        h: tl.monthly(scenario, {**values, hazard: h}, outcome, np.array([[0.5, 0.5, u]]), 24)
        for h in (0.1, 0.5)
    }
    short = {h: m.shortfall[0] > 0 for h, m in months.items()}
    assert short[0.1][:4].tolist() == [True, False, True, False] and not short[0.1][4:].any()
    assert short[0.5][:4].tolist() == [True, True, True, False] and not short[0.5][4:].any()
    inside = np.ones((1, 24), dtype=bool)
    stats = {
        h: _mandate_stats(s[np.newaxis], inside, months[h].build_up_end) for h, s in short.items()
    }
    assert {h: st["at_strength_month"][0] for h, st in stats.items()} == {0.1: 2.0, 0.5: 4.0}
    assert {h: bool(st["none_after_build_up"][0]) for h, st in stats.items()} == {
        0.1: False,
        0.5: False,
    }
    assert {h: st["after_build_up_shortfall_month"][0] for h, st in stats.items()} == {
        0.1: 3.0,
        0.5: 2.0,
    }


def _supply(own, room=(), departed=0.0, left=(), lift=None) -> Supply:
    """A one-sample, one-month :class:`Supply` of plain numbers."""
    cell = lambda x: np.full((1, 1), float(x))  # noqa: E731
    return Supply(
        [cell(x) for x in own],
        [cell(x) for x in room],
        cell(departed),
        [np.full((1, 1), bool(x)) for x in left],
        None if lift is None else cell(lift),
        cell(sum(own)),
    )


def test_a_top_up_stands_in_only_where_whoever_left_could_serve() -> None:
    """X needs 20, Y nothing. Atlantis (X) has 10 and room for 10 more; Borduria (Y) 10;
    Carpania (X and Y) 10. Borduria leaving frees no one to fill X (its troops could not have
    filled it: counted anywhere, its departure would lower the shortfall); Carpania leaving,
    Atlantis stands in for it in X."""
    covers = [["x"], ["y"], []]
    need = {"x": np.full((1, 1), 20.0), "y": np.zeros((1, 1))}
    present = _supply([10, 10, 0], room=[10, 0, 0], left=[False, False, True])
    assert assigned_gap(present, covers, need)[0, 0] == 10  # Carpania delivered none: no stand-in
    borduria_left = _supply([10, 0, 10], room=[10, 0, 0], departed=10, left=[False, True, False])
    assert assigned_gap(borduria_left, covers, need)[0, 0] == 0  # Carpania fills X
    alone = _supply([10, 0, 0], room=[10, 0, 0], departed=10, left=[False, True, False])
    assert assigned_gap(alone, covers, need)[0, 0] == 10  # no stand-in for Borduria in X
    carpania_left = _supply([10, 10, 0], room=[10, 0, 0], departed=10, left=[False, False, True])
    assert assigned_gap(carpania_left, covers, need)[0, 0] == 0  # Atlantis stands in


def test_the_lift_carries_what_the_assignment_needs_first() -> None:
    """X needs 10, Y nothing; Atlantis (X) and Borduria (Y) pledge 10 each. A lift of 10 a
    month carries Atlantis's 10 (pro rata it would carry 5 of each and leave X short)."""
    need = {"x": np.full((1, 1), 10.0), "y": np.zeros((1, 1))}
    for lift, gap in ((10, 0), (6, 4), (None, 0)):
        got = assigned_gap(_supply([10, 10], lift=lift), [["x"], ["y"]], need)
        assert got[0, 0] == gap


def _variant(covers: tuple[str, str], top_up: bool, lift: bool) -> Scenario:
    """The example with Atlantis and Carpania covering ``covers`` ("" for all), ``top_up``,
    and a lift of 6,000 a month instead of the build-up."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for pledge, cov in zip(("20000", "6000"), covers, strict=True):
        if cov:
            text = text.replace(
                f"      personnel: {{value: {pledge},",
                f"      covers: [{cov}]\n      personnel: {{value: {pledge},",
            )
    if lift:
        text = text.replace(
            "  build_up_months: {low: 3, high: 6, assumption: three to six months to full "
            "strength}",
            "  deployment_per_month: {value: 6000, assumption: a round lift}",
        )
    scenario = parse_scenario(text)
    return replace(scenario, timeline=replace(scenario.timeline, top_up=top_up))


COVERS = ("", "military", "headquarters", "military, headquarters")


@settings(max_examples=40, deadline=None)
@given(
    covers=st.tuples(st.sampled_from(COVERS), st.sampled_from(COVERS)),
    top_up=st.booleans(),
    lift=st.booleans(),
    seed=st.integers(0, 99),
    more=st.floats(0.0, 0.9),
)
def test_more_withdrawal_never_raises_no_shortfall_after_the_build_up(
    covers: tuple[str, str], top_up: bool, lift: bool, seed: int, more: float
) -> None:
    """Same draws, a higher hazard (per sample): no month's shortfall falls, so neither
    P(no shortfall after the build-up) nor P(no shortfall in any month) rises, sample by
    sample, with or without covers, top-up and a lift (timeline_gap: the top-up stands in only
    where whoever left could serve, the lift carries what the assignment needs first)."""
    scenario = _variant(covers, top_up, lift)
    values = {**sample(scenario, 64, seed).values, **sample_timeline(scenario, 64, seed)}
    outcome = evaluate(scenario, values)
    rng = np.random.default_rng(seed)
    draws, calm = rng.random((64, 3)), rng.uniform(0.0, 0.5, 64)
    stormy = np.minimum(calm + more * rng.random(64), 0.99)
    month = {}
    for name, h in (("calm", calm), ("stormy", stormy)):
        hazards = {
            f"timeline.contributors.{c}.withdrawal_per_year": h for c in ("Atlantis", "Carpania")
        }
        month[name] = tl.monthly(scenario, {**values, **hazards}, outcome, draws, 24)
    assert (month["stormy"].shortfall >= month["calm"].shortfall - 1e-6).all()
    inside = np.ones((64, 24), dtype=bool)
    stats = {
        k: _mandate_stats(m.shortfall > 1e-6, inside, m.build_up_end) for k, m in month.items()
    }
    np.testing.assert_array_equal(month["stormy"].build_up_end, month["calm"].build_up_end)
    assert (stats["stormy"]["none_after_build_up"] <= stats["calm"]["none_after_build_up"]).all()
    never = {k: ~(m.shortfall > 1e-6).any(axis=1) for k, m in month.items()}
    assert (never["stormy"] <= never["calm"]).all()


def test_after_the_lift_has_caught_up_it_limits_nothing() -> None:
    """From the month the lift could have deployed the whole requirement on, the shortfall is
    that of the same pledges without a lift, and before it the month is never better."""
    lifted, free = _variant(("military", ""), True, True), _variant(("military", ""), True, False)
    values = {**sample(lifted, 64, 5).values, **sample_timeline(lifted, 64, 5)}
    outcome = evaluate(lifted, values)
    draws = np.random.default_rng(5).random((64, 3))
    limited = tl.monthly(lifted, values, outcome, draws, 24)
    without_lift = {k: v for k, v in values.items() if k != "timeline.deployment_per_month"}
    at_once = {**without_lift, "timeline.build_up_months": 0.0}
    unlimited = tl.monthly(free, at_once, outcome, draws, 24)
    expected = np.asarray(outcome.deployed) / 6000.0
    np.testing.assert_allclose(limited.build_up_end, expected, rtol=1e-12)
    after = tl.month_numbers(24) >= expected[:, None]
    assert 0 < after.mean() < 1
    np.testing.assert_allclose(limited.shortfall[after], unlimited.shortfall[after], atol=1e-6)
    assert (limited.shortfall >= unlimited.shortfall - 1e-6).all()


def _covering(basis: str, pool: bool) -> Scenario:
    """The example with pledges that cover some categories, and optionally a pool."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace(
        "      personnel: {value: 20000,",
        "      covers: [military]\n      personnel: {value: 20000,",
    )
    text = text.replace(
        "      personnel: {value: 6000,",
        "      covers: [headquarters]\n      personnel: {value: 6000,",
    )
    text = text.replace("force_generation:\n", f"force_generation:\n  pledge_basis: {basis}\n")
    if pool:
        text = text.replace(
            "timeline:\n",
            "  pool:\n"
            "    personnel: {value: 300000, assumption: a round pool}\n"
            "    deployable_share: {value: 0.3, assumption: a round share}\n"
            "    sustainable_share: {value: 0.33, assumption: a round share}\n"
            "    covers: [military]\n"
            "timeline:\n",
        )
    return parse_scenario(text)


@pytest.mark.parametrize(("basis", "pool"), [("deployed", True), ("committed", False)])
def test_each_month_compares_as_run_compares_the_pledges_and_the_pool(
    basis: str, pool: bool
) -> None:
    """At full strength with every pledge present (months 4 to 12: Borduria from month 4, the
    drawdown after 12), the monthly shortfalls are run's gaps, sample by sample."""
    scenario = override(
        _covering(basis, pool),
        {
            "timeline.build_up_months": 0.0,
            "timeline.contributors.Atlantis.withdrawal_per_year": 0.0,
            "timeline.contributors.Carpania.withdrawal_per_year": 0.0,
        },
    )
    values = {**sample(scenario, 256, 3).values, **sample_timeline(scenario, 256, 3)}
    outcome = evaluate(scenario, values)
    month = tl.monthly(scenario, values, outcome, np.zeros((256, 3)), 24)
    gap = np.maximum(outcome.gaps[f"pledged_vs_{basis}"], 0.0)
    assert 0 < np.mean(gap > 0) <= (1 if basis == "committed" else 0.99)  # deployed: mixed
    for m in range(3, 12):
        np.testing.assert_allclose(month.shortfall[:, m], gap, rtol=1e-12, atol=1e-6)
        assert (month.shortfall[:, m] > 0).tolist() == (outcome.pledge_coverage < 1).tolist()
    if pool:
        pool_gap = np.maximum(outcome.gaps["pool_vs_deployed"], 0.0)
        np.testing.assert_allclose(month.pool_shortfall[:, 5], pool_gap, rtol=1e-12, atol=1e-6)
        assert month.pool_shortfall[:, 23].max() <= pool_gap.max()  # drawn down: less required
    else:
        assert month.pool_shortfall is None


def test_the_output_says_which_requirement_the_shortfall_compares(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "covering.yaml"
    target.write_text(dump_scenario(_covering("committed", True)), encoding="utf-8")
    code, out, _ = call(capsys, "timeline", target, *FAST, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["shortfall_compares"] == {
        "shortfall": "required committed of military, headquarters (least-covered set of "
        "categories)",
        "pool_shortfall": "required deployed of military",
    }
    assert "pool_shortfall" in data["monthly"] and "p_pool_no_shortfall" in data["probabilities"]
    code, out, _ = call(capsys, "timeline", EXAMPLE, *FAST)
    assert "shortfall = required deployed − available" in out
    assert "the timeline compares the pledges only" in out and "pool shortfall" not in out


@pytest.mark.parametrize(
    ("command", "option"),
    [("sweep", "--vary timeline.build_up_months=1:6:3"), ("goal", "--against pledged --solve")],
)
def test_sweep_and_goal_refuse_a_timeline_figure(
    capsys: pytest.CaptureFixture[str], command: str, option: str
) -> None:
    """A timeline figure changes no number of run, so a sweep or goal seek over it is refused
    in one line pointing at forcecalc timeline --set; the app does not offer it."""
    args = option.split()
    if command == "goal":
        args.append("timeline.build_up_months")
    code, out, err = call(capsys, command, EXAMPLE, *FAST, *args)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "got a timeline figure, which changes no number" in err
    assert "forcecalc timeline --set timeline.build_up_months=VALUE" in err
    paths = sweep_paths(load_scenario(EXAMPLE))
    assert "tasks.line_troops.rate" in paths
    assert not [p for p in paths if p.startswith("timeline.")]
