"""Threshold and goal seek against pledges and pools tied to categories (``covers``) and
delivered with a probability: the same comparison as ``forcecalc run`` (issue 10, items 4
and 7; :mod:`forcecalc.analysis.against`)."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest

from forcecalc import run
from forcecalc.analysis.goal import goal_seek
from forcecalc.analysis.rank import rank_correlation
from forcecalc.analysis.sobol import sobol
from forcecalc.analysis.threshold import threshold
from forcecalc.analysis.tornado import tornado
from forcecalc.cli import main
from forcecalc.core.distributions import Point
from forcecalc.core.errors import ParameterError
from forcecalc.core.runner import override
from forcecalc.scenario.loader import parse_scenario

#: A military pledge (Atlantis, delivered if its parliament agrees) and a firm one (Lemuria)
#: that cover only the military; 8,000 civilian monitors nobody pledged for; a military pool.
COVERED = """\
schema_version: 1
name: Military pledges, civilian monitors
description: Pledges and a pool that cover only the military; many civilian monitors.
geometry:
  front_length_km: {low: 800, high: 1200, assumption: a range for tests}
  buffer_width_km: {value: 5, assumption: a round number for tests}
tasks:
  - name: infantry
    category: military
    basis: per_km_front
    rate: {low: 8, high: 12, assumption: a range for tests}
  - name: monitors
    category: civilian_monitors
    basis: fixed
    count: {value: 8000, assumption: a round number for tests}
sustainment:
  rotation_multiplier: {value: 3, assumption: the rule of thirds}
force_generation:
  pledges:
    - contributor: Atlantis
      personnel: {value: 9000, assumption: a round number for tests}
      covers: [military]
      delivery_probability: {low: 0.5, high: 0.9, assumption: if the parliament agrees}
    - contributor: Lemuria
      personnel: {value: 4000, assumption: a round number for tests}
      covers: [military]
  pool:
    personnel: {value: 100000, assumption: a round number for tests}
    deployable_share: {value: 0.4, assumption: "NATO usability: 40% deployable"}
    sustainable_share: {value: 0.3, assumption: a share for tests}
    covers: [military]
"""
#: The same scenario with nothing tied to a category: pledges and pool against the whole force.
UNCOVERED = "\n".join(line for line in COVERED.splitlines() if "covers:" not in line) + "\n"

ATLANTIS = "force_generation.pledges.Atlantis"
LEMURIA = "force_generation.pledges.Lemuria.personnel"
N = 1024


def _load(text: str = COVERED):
    return parse_scenario(text, "covers.yaml")


def _p_suffice(scenario, key: str = "p_pledges_suffice", overrides=None) -> float:
    return run(scenario, samples=N, seed=5, overrides=overrides).summary.probabilities[key]


def _plain(scenario):
    """Atlantis's pledge without its delivery probability, every figure (and so every column
    of the sampling design) kept."""
    fg = scenario.force_generation
    pledges = tuple(
        replace(p, reliability=False) if p.contributor == "Atlantis" else p for p in fg.pledges
    )
    return replace(scenario, force_generation=replace(fg, pledges=pledges))


def _refused(scenario):
    """Atlantis refused (0 personnel, no delivery probability), every figure kept."""
    scenario = _plain(scenario).with_distributions({f"{ATLANTIS}.personnel": Point(0.0)})
    fg = scenario.force_generation
    pledges = tuple(
        replace(p, status="refused") if p.contributor == "Atlantis" else p for p in fg.pledges
    )
    return replace(scenario, force_generation=replace(fg, pledges=pledges))


def _with_probability(scenario, p: float):
    return override(scenario, {f"{ATLANTIS}.delivery_probability": p})


# --------------------------------------------------------------------------------------------
# Threshold


@pytest.mark.parametrize(
    ("supply", "key"), [("pledged", "p_pledges_suffice"), ("pool", "p_pool_suffices")]
)
def test_threshold_is_one_minus_runs_probability_with_and_without_covers(supply, key) -> None:
    covered, uncovered = _load(COVERED), _load(UNCOVERED)
    a = threshold(covered, supply, n=N, seed=5)
    b = threshold(uncovered, supply, n=N, seed=5)
    assert a.probability == pytest.approx(1.0 - _p_suffice(covered, key), abs=1e-12)
    assert b.probability == pytest.approx(1.0 - _p_suffice(uncovered, key), abs=1e-12)
    # 8,000 monitors nobody covers: the whole force is never covered, the military often is
    assert b.probability == 1.0
    assert 0.05 < a.probability < 0.95
    assert a.compared_with == "deployed of military" and b.compared_with == ""


def test_threshold_against_another_requirement_compares_as_run_with_that_basis() -> None:
    scenario = _load()
    committed = threshold(scenario, "pledged", "committed", n=N, seed=5)
    fg = replace(scenario.force_generation, pledge_basis="committed")
    expected = 1.0 - _p_suffice(replace(scenario, force_generation=fg))
    assert committed.probability == pytest.approx(expected, abs=1e-12)
    assert committed.compared_with == "committed of military"
    pool = threshold(scenario, "pool", "committed", n=N, seed=5)
    assert pool.compared_with == "committed of military"
    # the pool sustains 12,000: never 3 × the military (at least 19,200)
    assert pool.probability == 1.0


def test_a_pledges_delivery_draw_drives_the_threshold() -> None:
    a = threshold(_load(), "pledged", n=N, seed=5)
    drivers = {d.path: d for d in a.drivers}
    draw = drivers[f"{ATLANTIS}.delivered"]
    assert draw.delta < -0.5 and draw.significant  # delivered: far less often short
    assert drivers[f"{ATLANTIS}.delivery_probability"].delta < 0


@pytest.mark.parametrize("text", [COVERED, UNCOVERED])
def test_delivered_for_sure_is_a_plain_pledge_and_never_a_refusal_in_threshold(text) -> None:
    scenario = _load(text)
    sure, never = _with_probability(scenario, 1.0), _with_probability(scenario, 0.0)
    pairs = [(sure, _plain(sure)), (never, _refused(never))]
    for given, expected in pairs:
        a = threshold(given, "pledged", n=N, seed=5)
        b = threshold(expected, "pledged", n=N, seed=5)
        assert (a.probability, a.exceeding, a.drivers) == (b.probability, b.exceeding, b.drivers)
    if text == COVERED:  # without Atlantis, the pledges fall short more often
        short = [threshold(s, "pledged", n=N, seed=5).probability for s in (sure, never)]
        assert short[0] < short[1]


# --------------------------------------------------------------------------------------------
# Goal seek


def _unit_below(value: float) -> float:
    """One unit of the answer's sixth significant digit below it."""
    return value - 10.0 ** (math.floor(math.log10(abs(value))) - 5)


def test_goal_against_the_pledges_agrees_with_run_at_its_answer() -> None:
    covered, uncovered = _load(COVERED), _load(UNCOVERED)
    a = goal_seek(covered, LEMURIA, "pledged", 0.8, samples=N, seed=5)
    b = goal_seek(uncovered, LEMURIA, "pledged", 0.8, samples=N, seed=5)
    assert a.status == b.status == "solved" and a.bound == "smallest"
    # the monitors (8,000, fixed) are covered only without ``covers``: exactly 8,000 more
    assert b.exact_value - a.exact_value == pytest.approx(8000.0, abs=1e-3)
    for scenario, r in ((covered, a), (uncovered, b)):
        at = _p_suffice(scenario, overrides={LEMURIA: r.value})
        assert at == r.probability >= 0.8
        assert _p_suffice(scenario, overrides={LEMURIA: _unit_below(r.value)}) < 0.8
    assert a.compared_with == "pledged vs deployed of military"
    assert b.compared_with == "pledged vs deployed (whole force)"
    assert a.coverage_at_confidence >= 1.0 and a.pool_personnel is None


def test_goal_solves_for_a_delivery_probability() -> None:
    scenario = _load()
    path = f"{ATLANTIS}.delivery_probability"
    r = goal_seek(scenario, path, "pledged", 0.6, samples=N, seed=5)
    assert r.status == "solved" and r.bound == "smallest" and 0.0 < r.value < 1.0
    assert _p_suffice(scenario, overrides={path: r.value}) == r.probability >= 0.6
    assert _p_suffice(scenario, overrides={path: _unit_below(r.value)}) < 0.6


def test_goal_against_the_pool_agrees_with_run() -> None:
    scenario = _load()
    path = "force_generation.pool.personnel"
    r = goal_seek(scenario, path, "pool", 0.8, samples=N, seed=5)
    assert r.status == "solved" and r.requirement == "deployed"
    key = "p_pool_suffices"
    assert _p_suffice(scenario, key, overrides={path: r.value}) == r.probability >= 0.8
    assert _p_suffice(scenario, key, overrides={path: _unit_below(r.value)}) < 0.8


@pytest.mark.parametrize("text", [COVERED, UNCOVERED])
def test_delivered_for_sure_is_a_plain_pledge_and_never_a_refusal_in_goal(text) -> None:
    scenario = _load(text)
    sure, never = _with_probability(scenario, 1.0), _with_probability(scenario, 0.0)
    for given, expected in [(sure, _plain(sure)), (never, _refused(never))]:
        a = goal_seek(given, LEMURIA, "pledged", 0.8, samples=N, seed=5)
        b = goal_seek(expected, LEMURIA, "pledged", 0.8, samples=N, seed=5)
        assert (a.status, a.value, a.probability) == (b.status, b.value, b.probability)
    # without Atlantis, Lemuria must pledge more
    assert (
        goal_seek(never, LEMURIA, "pledged", 0.8, samples=N, seed=5).value
        > goal_seek(sure, LEMURIA, "pledged", 0.8, samples=N, seed=5).value
    )


def test_goal_refuses_a_delivery_draw_and_an_unknown_supply() -> None:
    scenario = _load()
    with pytest.raises(ParameterError, match="delivery draw"):
        goal_seek(scenario, f"{ATLANTIS}.delivered", "pledged", samples=64)
    with pytest.raises(ParameterError, match="pool_personnel"):
        goal_seek(scenario, LEMURIA, "pledges", samples=64)
    no_pool = _load(COVERED.split("  pool:")[0])
    with pytest.raises(ParameterError, match=r"^supply pool: pool_sustainable"):
        goal_seek(no_pool, LEMURIA, "pool", samples=64)


# --------------------------------------------------------------------------------------------
# Every sensitivity method sees the delivery draw as a driver of the coverage


def test_every_method_sees_the_delivery_draw_as_a_driver_of_the_coverage() -> None:
    scenario = _load()
    draw, outputs = f"{ATLANTIS}.delivered", ("pledge_coverage", "deployed")
    t = {
        tt.output: {b.path: b for b in tt.bars}
        for tt in tornado(scenario, outputs=outputs).tornadoes
    }
    assert t["pledge_coverage"][draw].swing > 0.5 and t["deployed"][draw].swing == 0.0
    r = {
        o.output: {e.path: e for e in o.entries}
        for o in rank_correlation(scenario, N, 5, outputs=outputs).outputs
    }
    assert r["pledge_coverage"][draw].rho_low > 0.3
    assert abs(r["deployed"][draw].rho) < 0.1
    s = {
        o.output: {i.path: i for i in o.indices}
        for o in sobol(scenario, n=256, seed=5, repeats=2, outputs=outputs).outputs
    }
    assert s["pledge_coverage"][draw].total_order > 0.3
    assert s["deployed"][draw].total_order == pytest.approx(0.0, abs=1e-12)


# --------------------------------------------------------------------------------------------
# The CLI says which requirement is compared


def test_the_cli_says_which_requirement_is_compared(tmp_path, capsys) -> None:
    path = tmp_path / "covers.yaml"
    path.write_text(COVERED, encoding="utf-8")
    args = ["--samples", "512", "--seed", "5"]
    assert main(["sensitivity", str(path), "--method", "threshold", *args]) == 0
    assert "P(pledged short of deployed of military) = " in capsys.readouterr().out
    assert main(["goal", str(path), "--against", "pledged", "--solve", LEMURIA, *args]) == 0
    out = capsys.readouterr().out
    assert "pledged vs deployed of military" in out and "P(pledges suffice)" in out
    goal_args = ["goal", str(path), "--against", "pool", "--solve", LEMURIA, *args]
    assert main([*goal_args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["against"] == "pool" and data["compared_with"] == "pool vs deployed of military"
    assert data["pool_personnel"] is None
    assert main(["sensitivity", str(path), "--method", "threshold", *args, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["compared_with"] == "deployed of military"
    plain = tmp_path / "plain.yaml"
    plain.write_text(UNCOVERED, encoding="utf-8")
    assert (
        main(
            [
                "goal",
                str(plain),
                "--pool",
                "40000",
                "--solve",
                "geometry.front_length_km",
                *args,
                "--format",
                "json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert "against" not in data and "compared_with" not in data
