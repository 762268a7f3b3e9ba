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
from scipy.stats import spearmanr

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
    # doctrine.posts is in both sectors: each takes it where the one draw falls in its slice
    # of that sector's cumulative shares; where the slices overlap, both take it
    line = {s.name: s for s in scenario.geometry.line}
    values = result.samples.values
    took = {}
    for own in scenario.sector_ensembles:
        i = own.rules.index("doctrine.posts")
        edges = np.cumsum(own.shares) / sum(own.shares)
        low = edges[i - 1] if i else 0.0
        posts = rule_in_sector(line[own.sector], "doctrine.posts", values)
        took[own.sector] = np.asarray(result.outcome.by_sector[own.sector]) == posts
        np.testing.assert_array_equal(took[own.sector], (u >= low) & (u < edges[i]))
    assert np.any(took["front"] & took["border"])


def test_the_shared_draw_is_comonotone_across_sectors() -> None:
    """In the docs' example a high draw takes a large rule in both sectors: the front's and
    the border's requirements rise together, and deployed's P95 is no narrower than with the
    sectors drawn independently (the border's samples shuffled)."""
    scenario = parse(EXAMPLE)
    result = run(scenario, 16_384, seed=20250101)
    front = np.asarray(result.outcome.by_sector["front"])
    border = np.asarray(result.outcome.by_sector["border"])
    rho = spearmanr(front, border).statistic
    # 0.86 measured; below 1 only because doctrine.posts' own figures vary within its share
    # of the draws (rules in order of their ids gave -0.01)
    assert rho > 0.8
    independent = front + np.random.default_rng(7).permutation(border)
    assert np.percentile(front + border, 95) >= np.percentile(independent, 95)
    # each sector's rules from the smallest requirement at median figures to the largest
    line = {s.name: s for s in scenario.geometry.line}
    medians = {p: f.dist.ppf(0.5) for p, f in scenario.figures.items()}
    for name in ("front", "border"):
        sizes = [float(rule_in_sector(line[name], r, medians)) for r in own_rules(scenario, name)]
        assert sizes == sorted(sizes)


def test_one_size_order_for_every_sector() -> None:
    """Rules two sectors share come in the same order in both."""
    scenario = parse(EXAMPLE)
    front, border = own_rules(scenario, "front"), own_rules(scenario, "border")
    shared = set(front) & set(border)
    assert shared  # doctrine.posts
    assert [r for r in front if r in shared] == [r for r in border if r in shared]
    assert front[-1] == "unficyp_1974.per_km2" and border[0] == "unmee.per_km"


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
    own = sector_postures.sector_ensembles(scenario.geometry, site, scenario.figures)
    figures = dict(scenario.figures)
    for rule in scenario.rules:
        figures[weight_path(rule)] = weight_figure(rule, 1.0, sector_postures.SECTOR_WEIGHT)
    return replace(scenario, sector_ensembles=own, figures=figures)


@settings(max_examples=25, deadline=None)
@given(common_lines(), st.integers(0, 2**31))
def test_sectors_of_one_posture_by_sector_equal_the_common_posture_ensemble(doc, seed) -> None:
    parsed = parse(doc)
    assert parsed.sector_ensembles == ()  # one posture: today's whole-line ensemble
    twin = by_sector_twin(parsed)
    # every sector has the same rules in the same (size) order: the whole line's, reordered
    assert len({e.rules for e in twin.sector_ensembles}) == 1
    order = twin.sector_ensembles[0].rules
    assert sorted(order) == sorted(parsed.rules)
    common = replace(parsed, rules=order)
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
