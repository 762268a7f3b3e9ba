"""Scenario methods analog and ensemble: loading, evaluation, claims, round trips, schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest
import yaml

from forcecalc import dump_scenario, parse_scenario, run
from forcecalc.calibration.missions import default_missions
from forcecalc.calibration.rules import all_rules, group_weights
from forcecalc.cli import command as cli
from forcecalc.core.densities import RULE_CHOICE, weight_path
from forcecalc.core.errors import ScenarioError
from forcecalc.scenario.schema import scenario_schema

REPO = Path(__file__).resolve().parents[1]
CSIS = REPO / "scenarios" / "published" / "csis-2025-force-to-space.yaml"
MISSIONS = default_missions()

BASE = """\
schema_version: 1
name: test
description: a test scenario
geometry:
  front_length_km: {value: 1080, assumption: "the length of the line in Bosnia, for a test"}
  buffer_width_km: {value: 4, assumption: "the width of the zone in Bosnia, for a test"}
sustainment:
  rotation_multiplier: {value: 3, assumption: "the rule of thirds, for a test here"}
"""
TASKS = """\
tasks:
  - name: line
    category: military
    basis: per_km_front
    rate: {value: 10, assumption: "ten per km, for a test of the loader"}
"""


def scenario(extra: str, base: str = BASE):
    return parse_scenario(base + extra, "s.yaml")


def test_an_analog_gives_the_missions_density_on_the_scenarios_line() -> None:
    s = scenario("method: analog\nanalog: ifor.per_km\n")
    assert (s.method, s.rules, s.tasks) == ("analog", ("ifor.per_km",), ())
    result = run(s, samples=8)
    assert result.summary.metrics["deployed"].p50 == pytest.approx(60_000)
    assert result.summary.metrics["committed"].p50 == pytest.approx(180_000)
    assert result.summary.rules["ifor.per_km"].p50 == pytest.approx(60_000)


def test_an_analog_named_by_its_mission_takes_its_first_rule_that_fits() -> None:
    assert scenario("method: analog\nanalog: ifor\n").rules == ("ifor.per_km",)
    # KFOR's area is all of Kosovo, not a buffer: its only rule is per 1,000 inhabitants
    people = BASE.replace(
        "sustainment:",
        '  population: {value: 2000000, assumption: "two million, for a test"}\nsustainment:',
    )
    assert scenario("method: analog\nanalog: kfor\n", people).rules == ("kfor.per_1000",)
    with pytest.raises(ScenarioError, match="got 'kfor'") as info:
        scenario("method: analog\nanalog: kfor\n")
    # says why (its one rule needs a population), not "did you mean 'kfor'?"
    assert "whose rules (kfor.per_1000) need geometry.population" in str(info.value)
    assert "did you mean" not in str(info.value)


def test_an_analog_rule_figure_carries_the_missions_citation() -> None:
    s = scenario("method: analog\nanalog: unifil_2006.per_km\n")
    figure = s.figures["rules.unifil_2006.per_km.rate"]
    assert figure.unit == "troops_per_km" and figure.dist.value == pytest.approx(8_800 / 120)
    assert figure.source == MISSIONS["unifil_2006"].figures["strength"].source
    assert "8,800 ÷ 120" in figure.note


def test_an_ensemble_of_one_rule_equals_the_analog_of_that_rule() -> None:
    analog = run(scenario("method: analog\nanalog: undof.per_km\n"), samples=64)
    one = run(scenario("method: ensemble\nensemble:\n  rules:\n    - rule: undof.per_km\n"), 64)
    assert np.array_equal(one.outcome.deployed, np.broadcast_to(analog.outcome.deployed, (64,)))


def test_a_default_ensemble_takes_every_rule_the_geometry_allows() -> None:
    s = scenario("method: ensemble\n")
    expected = {k for k, r in all_rules(MISSIONS).items() if r.needs != "population"}
    assert set(s.rules) == expected
    weights = {r: s.figures[weight_path(r)].dist.value for r in s.rules}
    assert weights == pytest.approx(group_weights({r: all_rules(MISSIONS)[r] for r in s.rules}))
    # Equal weights per mission: UNFICYP's years and rules share one mission's weight.
    unficyp = sum(w for r, w in weights.items() if r.startswith("unficyp"))
    assert unficyp == pytest.approx(1.0) and weights["unmee.per_km2"] == pytest.approx(0.5)
    assert RULE_CHOICE in s.figures
    people = BASE.replace(
        "sustainment:",
        '  population: {value: 3000000, assumption: "about three million, for a test"}\n'
        "sustainment:",
    )
    with_population = scenario("method: ensemble\n", people)
    assert {"doctrine.per_1000", "kfor.per_1000"} <= set(with_population.rules)


def test_ensemble_weights_shift_the_mixture_and_zero_drops_a_rule() -> None:
    text = """\
method: ensemble
ensemble:
  rules:
    - rule: unmee.per_km
      weight: {value: 0, assumption: "left out of this test on purpose"}
    - rule: ifor.per_km
      weight: {value: 3, assumption: "three times the weight, for a test"}
    - rule: undof.per_km
"""
    result = run(scenario(text), samples=4000, seed=1)
    deployed = np.asarray(result.outcome.deployed)
    ifor, undof = 60_000.0, 1_080 * 1_250 / 80
    assert set(np.round(np.unique(deployed))) == {round(ifor), round(undof)}
    assert np.mean(np.isclose(deployed, ifor)) == pytest.approx(0.75, abs=0.01)
    assert result.summary.rules["unmee.per_km"].p50 == pytest.approx(4_200 * 1.08)


def test_a_weight_can_be_set_from_the_command_line_path() -> None:
    s = scenario(
        "method: ensemble\nensemble:\n  rules:\n    - rule: ifor.per_km\n    - rule: undof.per_km\n"
    )
    result = run(s, samples=256, overrides={weight_path("undof.per_km"): 0.0})
    assert result.summary.metrics["deployed"].p5 == pytest.approx(60_000)


def test_claims_can_name_a_rules_requirement() -> None:
    claim = """\
expect:
  - metric: rules.ifor.per_km
    approx: 60000
    tolerance: 0.01
    assumption: "IFOR's own density on its own line gives its own strength"
"""
    s = scenario("method: analog\nanalog: ifor.per_km\n" + claim)
    assert all(c.met for c in run(s, samples=16).claims())


@pytest.mark.parametrize(
    "extra",
    [
        "method: analog\nanalog: unmee.per_km2\n",
        "method: ensemble\n",
        "method: ensemble\nensemble:\n  rules:\n    - rule: ifor.per_km\n"
        '      weight: {value: 2, assumption: "twice the weight for this round trip"}\n'
        "    - rule: undof.posts\n",
    ],
)
def test_rule_methods_round_trip_through_yaml(extra: str) -> None:
    s = scenario(extra)
    text = dump_scenario(s)
    assert parse_scenario(text) == s
    assert dump_scenario(parse_scenario(text)) == text


def test_the_csis_scenario_round_trips_and_passes_the_schema() -> None:
    from forcecalc import load_scenario

    s = load_scenario(CSIS)
    assert s.method == "ensemble" and len(s.rules) == 5
    assert "ifor.per_km2" not in s.rules  # IFOR was deployed throughout Bosnia, not in a zone
    assert "kfor.per_km2" not in s.rules  # KFOR's area is all of Kosovo, not a zone
    weights = {r: s.figures[weight_path(r)].dist.value for r in s.rules}
    unficyp = [w for r, w in weights.items() if r.startswith("unficyp_")]
    assert sum(unficyp) == pytest.approx(weights["unmee.per_km2"], rel=1e-3)  # per mission
    assert parse_scenario(dump_scenario(s)) == s
    data = yaml.safe_load(CSIS.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(scenario_schema()).validate(data)


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        ("", r"s\.yaml:1:1: got no 'tasks'; expected the key 'tasks', or method: analog"),
        ("method: ensemble\n" + TASKS, r"at tasks: got tasks with method ensemble"),
        ("method: analog\n", r"at analog: got method analog with no 'analog'"),
        ("method: analog\nanalog: ifro.per_km\n", r"got 'ifro.per_km'.*did you mean 'ifor.per_km'"),
        ("method: analog\nanalog: kfor.per_1000\n", r"with no geometry.population"),
        (TASKS + "analog: ifor.per_km\n", r"at analog: got 'analog' with method tasks"),
        (
            "method: analog\nanalog: ifor.per_km\nensemble: {rules: [{rule: ifor.per_km}]}\n",
            r"at ensemble: got 'ensemble' with method analog",
        ),
        (
            "method: ensemble\nensemble:\n  rules:\n    - rule: ifor.per_km\n"
            "    - rule: ifor.per_km\n",
            r"ensemble\.rules\[1\]\.rule: got 'ifor.per_km' twice",
        ),
        (
            "method: ensemble\nensemble:\n  rules:\n    - rule: ifor.per_km\n"
            '      weight: {low: 1, high: 2, assumption: "an uncertain weight for the test"}\n',
            r"weight: got 1 to 2 .*; expected a point",
        ),
        (
            "method: ensemble\nensemble:\n  rules:\n    - rule: ifor.per_km\n"
            '      weight: {value: 0, assumption: "no weight at all for the test"}\n',
            r"at ensemble\.rules: got weights that are all 0",
        ),
        ("method: ensemble\nensemble:\n  rules:\n    - rule: ifor\n", r"got 'ifor'"),
        ("method: guess\n", r"at method: got 'guess'; expected one of tasks, analog, ensemble"),
    ],
)
def test_method_errors_are_one_line(extra: str, match: str) -> None:
    with pytest.raises(ScenarioError, match=match) as info:
        scenario(extra)
    assert "\n" not in str(info.value)


def test_the_schema_knows_the_method_rules() -> None:
    validator = jsonschema.Draft202012Validator(scenario_schema())
    base = yaml.safe_load(BASE)
    ok = {**base, "method": "ensemble", "ensemble": {"rules": [{"rule": "ifor.per_km"}]}}
    assert not list(validator.iter_errors(ok))
    tasks = yaml.safe_load(TASKS)
    assert list(validator.iter_errors({**ok, **tasks}))  # tasks with method ensemble
    assert list(validator.iter_errors(base))  # method tasks (default) without tasks
    assert list(validator.iter_errors({**base, "method": "analog"}))  # analog missing
    assert not list(validator.iter_errors({**base, "method": "analog", "analog": "ifor"}))


def test_run_and_check_work_on_an_ensemble_scenario(capsys) -> None:
    assert cli.main(["run", str(CSIS), "--samples", "512", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["method"] == "ensemble" and "unifil_2006.per_km2" in data["rules"]
    assert data["tasks"] == {} and data["provenance"]["samples"] == 512
    assert cli.main(["check", str(CSIS), "--samples", "4096"]) == 0
    out = capsys.readouterr().out
    assert "NOT MET" not in out
    assert cli.main(["analogs", str(CSIS), "--samples", "512"]) == 0
    assert "method ensemble" in capsys.readouterr().out


def test_the_ensemble_lies_between_its_rules_sample_by_sample() -> None:
    from forcecalc import load_scenario

    result = run(load_scenario(CSIS), samples=2048, seed=9)
    rules = np.stack([np.asarray(v) for v in result.outcome.by_rule.values()])
    deployed = np.asarray(result.outcome.deployed)
    assert np.all(rules.min(axis=0) <= deployed) and np.all(deployed <= rules.max(axis=0))
