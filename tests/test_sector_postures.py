"""Ensembles by sector: over sectors of different postures each draws on its own posture.

A hypothesis property (the by-sector ensemble of a line whose sectors share one posture is the
whole-line ensemble of that posture), per-sector totals adding to deployed, each sector's samples
among its own posture's rules, the fallback, the output naming every sector's rules in every
format, the writer's round trip, and the cases that keep one ensemble for the whole line.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from forcecalc.calibration import sector_postures
from forcecalc.calibration.missions import POSTURES, default_missions
from forcecalc.calibration.rules import RULE_CHOICE, Site, all_rules, weight_figure, weight_path
from forcecalc.core.runner import run
from forcecalc.core.sectors import rule_in_sector
from forcecalc.report.render import render_run
from forcecalc.scenario.loader import parse_scenario
from forcecalc.scenario.writer import dump_scenario


def fig(x: float) -> dict[str, object]:
    return {"value": x, "assumption": "a test figure"}


def document(sectors: list[dict], **extra: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "schema_version": 1,
        "name": "sector postures test",
        "description": "a test scenario",
        "geometry": {"sectors": sectors},
        "method": "ensemble",
        "sustainment": {"rotation_multiplier": fig(3)},
    }
    doc.update(extra)
    return doc


def parse(doc: dict[str, object]):
    return parse_scenario(yaml.safe_dump(doc, sort_keys=False), "postures.yaml")


#: The docs' example: an interpose front with a buffer and an observe border.
EXAMPLE = document(
    [
        {
            "name": "front",
            "length_km": fig(1250),
            "buffer_width_km": fig(10),
            "posture": "interpose",
        },
        {"name": "border", "length_km": fig(2450), "posture": "observe"},
    ]
)


def own_rules(scenario, sector: str) -> tuple[str, ...]:
    return next(e.rules for e in scenario.sector_ensembles if e.sector == sector)


def test_each_sector_draws_on_its_own_posture() -> None:
    scenario = parse(EXAMPLE)
    catalogue = all_rules()
    assert [e.sector for e in scenario.sector_ensembles] == ["front", "border"]
    front, border = own_rules(scenario, "front"), own_rules(scenario, "border")
    assert "undof.per_km" in front and "unficyp_1974.per_km2" in front
    assert "unifil_2006.per_km" in border and "undof.per_km" not in border
    # the border has no buffer: no rule per km² there, though its posture's missions have them
    assert not any(k.endswith(".per_km2") for k in border)
    for rule in front + border:
        assert rule in scenario.rules
    postures = {"front": "interpose", "border": "observe"}
    for name, rules in (("front", front), ("border", border)):
        for rule in rules:
            missions = catalogue[rule].missions
            assert not missions or any(
                default_missions()[m].posture == postures[name] for m in missions
            )
    assert scenario.ensemble_posture is None


def test_per_sector_totals_add_to_deployed_and_lie_among_their_own_rules() -> None:
    scenario = parse(EXAMPLE)
    result = run(scenario, 512, seed=3)
    out, values = result.outcome, result.samples.values
    np.testing.assert_array_equal(out.deployed, out.by_sector["front"] + out.by_sector["border"])
    line = {s.name: s for s in scenario.geometry.line}
    for name in ("front", "border"):
        parts = np.stack(
            [
                np.broadcast_to(rule_in_sector(line[name], r, values), (512,))
                for r in own_rules(scenario, name)
            ]
        )
        got = np.asarray(out.by_sector[name])
        assert np.all(got >= parts.min(axis=0)) and np.all(got <= parts.max(axis=0))
        assert np.all(np.any(parts == got, axis=0))  # each sample is one of its rules
    # the rules of the other posture are not drawn on: UNIFIL's per km on the front would give
    # 1,250 × its rate, which no interpose rule gives
    unifil = rule_in_sector(line["front"], "unifil_2006.per_km", values)
    assert not np.any(np.isclose(out.by_sector["front"], unifil))


def test_the_draw_is_common_to_every_sector() -> None:
    scenario = parse(EXAMPLE)
    result = run(scenario, 256, seed=5)
    u = np.asarray(result.samples.values[RULE_CHOICE])
    # doctrine.posts is the first rule of both sectors, a third of each: same samples take it
    line = {s.name: s for s in scenario.geometry.line}
    values = result.samples.values
    for name in ("front", "border"):
        posts = rule_in_sector(line[name], "doctrine.posts", values)
        took = np.asarray(result.outcome.by_sector[name]) == posts
        np.testing.assert_array_equal(took, u < 1 / 3)


@st.composite
def common_lines(draw: st.DrawFn) -> dict[str, object]:
    """A line of 1-4 sectors with buffers, all of one posture."""
    posture = draw(st.sampled_from(POSTURES))
    size = st.floats(0.5, 3_000).map(lambda x: round(x, 3))
    return document(
        [
            {
                "name": f"s{i}",
                "length_km": fig(draw(size)),
                "buffer_width_km": fig(draw(st.floats(0.1, 30).map(lambda x: round(x, 3)))),
                "posture": posture,
            }
            for i in range(draw(st.integers(1, 4)))
        ]
    )


def by_sector_twin(scenario):
    """The scenario with each sector drawing on its own posture, as a mixed line would."""
    site = sector_postures.scenario_site(scenario)
    own = sector_postures.sector_ensembles(scenario.geometry, site)
    figures = dict(scenario.figures)
    for rule in scenario.rules:
        figures[weight_path(rule)] = weight_figure(rule, 1.0, sector_postures.SECTOR_WEIGHT)
    return replace(scenario, sector_ensembles=own, figures=figures)


@settings(max_examples=25, deadline=None)
@given(common_lines(), st.integers(0, 2**31))
def test_sectors_of_one_posture_by_sector_equal_the_common_posture_ensemble(doc, seed) -> None:
    common = parse(doc)
    assert common.sector_ensembles == ()  # one posture: today's whole-line ensemble
    twin = by_sector_twin(common)
    assert {e.rules for e in twin.sector_ensembles} == {common.rules}
    a, b = run(common, 64, seed=seed), run(twin, 64, seed=seed)
    np.testing.assert_array_equal(a.outcome.deployed, b.outcome.deployed)
    for name in a.outcome.by_sector:
        np.testing.assert_array_equal(a.outcome.by_sector[name], b.outcome.by_sector[name])


def test_a_posture_without_missions_falls_back_and_says_so() -> None:
    catalogue = {k: r for k, r in all_rules().items() if "ifor" not in k and "kfor" not in k}
    doc = copy.deepcopy(EXAMPLE)
    doc["geometry"]["sectors"][1]["posture"] = "enforce"
    geometry = parse(doc).geometry
    choices = sector_postures.sector_choices(geometry, Site(1.0, 1.0), catalogue)
    assert choices["border"].fell_back and not choices["front"].fell_back
    assert "falls back to every rule" in choices["border"].describe()
    assert set(choices["border"].rules) == set(sector_postures.sector_pool(catalogue, Site(1.0)))


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_the_output_names_each_sectors_posture_rules_and_shares(fmt: str) -> None:
    scenario = parse(EXAMPLE)
    text = render_run(run(scenario, 64, seed=1), fmt)
    if fmt == "json":
        block = json.loads(text)["ensemble"]
        assert block["by_sector"] and block["posture"] is None
        for name, posture in (("front", "interpose"), ("border", "observe")):
            sector = block["sectors"][name]
            assert sector["posture"] == posture and not sector["fell_back"]
            assert sector["rules"] == list(own_rules(scenario, name))
            assert sum(sector["shares"].values()) == pytest.approx(1)
        text = block["statement"]
    assert "sector front: posture interpose" in text
    assert "sector border: posture observe" in text
    assert "per 1,000 inhabitants are left out" in text and "common random numbers" in text
    for rule in scenario.rules:
        assert rule in text


def test_a_rule_per_1000_is_left_out_of_every_sector() -> None:
    doc = copy.deepcopy(EXAMPLE)
    doc["geometry"]["population"] = fig(1_000_000)
    scenario = parse(doc)
    assert "doctrine.per_1000" not in scenario.rules
    assert all("doctrine.per_1000" not in e.rules for e in scenario.sector_ensembles)


def test_a_weight_multiplies_the_rules_share_in_every_sector() -> None:
    scenario = parse(EXAMPLE)
    result = run(scenario, 256, seed=2, overrides={"rules.doctrine.posts.weight": 0.0})
    line = {s.name: s for s in scenario.geometry.line}
    for name in ("front", "border"):
        posts = rule_in_sector(line[name], "doctrine.posts", result.samples.values)
        assert not np.any(np.asarray(result.outcome.by_sector[name]) == posts)


def test_dump_then_load_round_trips() -> None:
    scenario = parse(EXAMPLE)
    text = dump_scenario(scenario)
    assert "ensemble:" not in text  # the default: each sector its own posture
    again = parse_scenario(text, "again.yaml")
    assert again == scenario and again.sector_ensembles == scenario.sector_ensembles


@pytest.mark.parametrize(
    "extra",
    [{"ensemble": {"posture": "interpose"}}, {"ensemble": {"rules": [{"rule": "undof.per_km"}]}}],
)
def test_a_named_posture_or_rules_keep_one_ensemble_for_the_line(extra) -> None:
    scenario = parse({**EXAMPLE, **extra})
    assert scenario.sector_ensembles == ()
    out = run(scenario, 64, seed=1).outcome
    picked = [out.by_rule[r] for r in scenario.rules]
    assert np.all(np.any(np.isclose(np.stack(np.broadcast_arrays(*picked)), out.deployed), 0))
